"""The demo district: realistic sizes, valid personal data, a working sign-in for every demo account, idempotence."""

import io
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, RequestFactory

from zhengxie.core import crypto
from zhengxie.core.access import roles_of
from zhengxie.core.validators import id_number_birth_date, validate_id_number, validate_mobile
from zhengxie.demo.organisation import DEMO_ACCOUNTS, DEMO_PASSWORD, build_demo_district
from zhengxie.people.choices import Gender, MemberStatus
from zhengxie.people.models import (
    CollectiveProposer,
    Committee,
    HandlingUnit,
    Member,
    Sector,
    UnitStaff,
)

PARTY_SECTORS = {
    "中国共产党": "中共",
    "民革": "民革",
    "民盟": "民盟",
    "民建": "民建",
    "民进": "民进",
    "农工党": "农工党",
    "致公党": "致公党",
    "九三学社": "九三学社",
    "无党派人士": "无党派人士",
}


@pytest.fixture
def demo(db):
    return build_demo_district()


def _sign_in(username: str) -> bool:
    # django-axes needs the request to check lockouts.
    return Client().login(request=RequestFactory().post("/accounts/login/"), username=username, password=DEMO_PASSWORD)


def _database_state() -> dict:
    """Row count and highest id of every table."""
    state = {}
    for model in apps.get_models():
        if not model._meta.managed:  # a table kept by the database itself (SQLite's full-text index), or absent
            continue
        rows = model._default_manager.order_by("-pk").values_list("pk", flat=True)
        state[model._meta.label] = (rows.count(), rows.first())
    return state


def test_demo_district_has_the_organisation_of_a_district_committee(demo):
    counts = demo["counts"]

    assert demo["created"] is True
    assert Committee.objects.get().name == "政协南昌市新建区委员会"
    assert (counts["terms"], counts["sessions"], counts["parties"]) == (2, 10, 11)
    assert counts["sectors"] == 27
    assert 20 <= counts["sectors_with_convener"] <= 27
    assert counts["special_committees"] == 8
    assert 240 <= counts["members"] <= 260
    assert counts["members"] - 10 <= counts["serving_members"] < counts["members"]
    assert 55 <= counts["standing_committee"] <= 65
    assert counts["handling_units"] == 40
    assert counts["unit_leaders"] == 40
    assert 40 <= counts["unit_staff"] - counts["unit_leaders"] <= 80
    # the accounts beyond members and unit staff: demo-admin, demo-office, demo-staff, demo-editor, demo-leader,
    # demo-overseer
    assert counts["accounts"] == counts["members"] + counts["unit_staff"] + 6
    assert counts["collective_proposers"] == 7 + 6 + 8
    assert not CollectiveProposer.objects.filter(contacts__isnull=True).exists()


def test_members_belong_to_party_sectors_by_party_and_most_are_not_cpc(demo):
    members = list(Member.objects.select_related("sector", "party"))

    for m in members:
        if m.sector.name in PARTY_SECTORS:
            assert m.party.short_name == PARTY_SECTORS[m.sector.name], m.name
    parties = Counter(m.party.short_name for m in members)
    assert parties["中共"] < 0.4 * len(members)
    assert parties["群众"] > 0
    genders = Counter(m.gender for m in members)
    assert 0.2 < genders[Gender.FEMALE] / len(members) < 0.45
    ethnicities = Counter(m.ethnicity for m in members)
    assert ethnicities["汉族"] > 0.9 * len(members)
    assert len(ethnicities) > 2
    assert all(m.user_id for m in members)


def test_handling_units_include_those_named_in_the_brief(demo):
    short_names = set(HandlingUnit.objects.values_list("short_name", flat=True))

    assert {
        "区发改委",
        "区住建局",
        "区教体局",
        "区卫健委",
        "区财政局",
        "区农业农村局",
        "区交通运输局",
        "区生态环境局",
        "区市场监管局",
        "区人社局",
        "区民政局",
        "区文广新旅局",
        "区应急管理局",
        "区城管局",
        "区公安分局",
        "区自然资源分局",
        "国网新建供电公司",
    } <= short_names
    staff_per_unit = Counter(UnitStaff.objects.filter(is_leader=False).values_list("unit_id", flat=True))
    assert set(staff_per_unit.values()) <= {1, 2}
    assert len(staff_per_unit) == 40


def test_member_id_numbers_and_mobiles_are_valid_and_findable(demo):
    members = list(Member.objects.all())

    for m in members:
        validate_id_number(m.id_number)
        assert m.id_number.startswith("3601")
        assert id_number_birth_date(m.id_number) == m.birth_date
        assert int(m.id_number[16]) % 2 == (1 if m.gender == Gender.MALE else 0)
        assert m.id_number_digest == crypto.digest(m.id_number)
        validate_mobile(m.mobile)
        assert m.mobile_digest == crypto.digest(m.mobile)
        assert m.user.mobile == m.mobile
    assert len({m.mobile for m in members}) == len(members)


@pytest.mark.parametrize("account", DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_every_demo_account_signs_in_and_holds_its_roles(demo, account):
    user = get_user_model().objects.get(username=account.username)

    assert _sign_in(account.username)
    assert roles_of(user) == account.roles


def test_demo_accounts_sit_where_the_readme_says(demo):
    User = get_user_model()
    posts = {
        s.user.username: (s.unit.name, s.is_leader)
        for s in UnitStaff.objects.select_related("user", "unit").filter(user__username__startswith="demo-")
    }

    assert posts == {
        "demo-unit": ("新建区住房和城乡建设局", False),
        "demo-unit-leader": ("新建区住房和城乡建设局", True),
        "demo-unit2": ("新建区教育体育局", False),
    }
    member = Member.objects.get(user__username="demo-member")
    assert member.status == MemberStatus.SERVING
    assert list(Sector.objects.filter(convener=member).values_list("name", flat=True)) == ["经济"]
    assert Member.objects.get(user__username="demo-member2").sector.name == "教育"
    # Members sign in with their mobile too.
    assert User.objects.get(username="demo-member").mobile == "13900000001"
    assert _sign_in("13900000001")


def test_mass_accounts_cannot_sign_in_without_a_password_being_set(demo):
    assert not _sign_in("m0001")


def test_running_the_command_again_changes_nothing(db):
    first = io.StringIO()
    call_command("demo_district", stdout=first)
    assert "demo-member" in first.getvalue()
    before = _database_state()

    second = io.StringIO()
    call_command("demo_district", stdout=second)

    assert second.getvalue().strip() == "demo data already present"
    assert _database_state() == before


def test_the_same_seed_gives_the_same_people(db):
    class Rollback(Exception):
        pass

    def people(seed: int) -> list:
        try:
            with transaction.atomic():
                build_demo_district(seed=seed)
                rows = Member.objects.order_by("user__username").values_list(
                    "user__username", "name", "birth_date", "id_number", "work_unit", "sector__name", "party__name"
                )
                raise Rollback(list(rows))
        except Rollback as done:
            return done.args[0]

    assert people(17) == people(17)
    assert people(17) != people(18)


def test_the_command_refuses_a_database_holding_another_committee(db):
    Committee.objects.create(name="政协南昌市西湖区委员会")

    with pytest.raises(CommandError, match="empty"):
        call_command("demo_district", stdout=io.StringIO())

    assert not Member.objects.exists()
    assert not get_user_model().objects.exists()
