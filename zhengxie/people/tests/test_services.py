import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from tests.builders.org import make_id_number, make_mobile
from tests.builders.people import birth_of, member_data
from zhengxie.accounts.backends import UsernameOrMobileBackend
from zhengxie.accounts.services import account_set_password
from zhengxie.audit.models import AuditEntry
from zhengxie.core import crypto
from zhengxie.core.roles import Role
from zhengxie.people import services
from zhengxie.people.choices import MemberStatus, UnitKind
from zhengxie.people.models import HandlingUnit, Member, UnitStaff
from zhengxie.people.principal import compute_roles

User = get_user_model()


def _counts() -> tuple[int, int, int, int]:
    return Member.objects.count(), AuditEntry.objects.count(), User.objects.count(), HandlingUnit.objects.count()


# Members -------------------------------------------------------------------------------------------------------


def test_member_create_stores_the_member_and_audits_masked_personal_data(org):
    # given valid data
    staff = org.users["staff"]
    data = member_data(org, 10)
    # when the secretariat registers the member
    member = services.member_create(actor=staff, data=data)
    # then the member is stored with derived birth date, committees and terms
    member = Member.objects.get(pk=member.pk)
    assert (member.name, member.gender, member.ethnicity, member.status) == ("委员10", "female", "汉族", "serving")
    assert member.birth_date == birth_of(10)
    assert member.id_number == data["id_number"]
    assert member.id_number_digest == crypto.digest(data["id_number"])
    assert member.mobile_digest == crypto.digest(make_mobile(10))
    assert list(member.special_committees.all()) == [org.special_committee]
    assert list(member.terms.all()) == [org.term]
    assert member.user is None
    # and one audit row holds the new values with ID number and mobile masked
    entry = AuditEntry.objects.get(action="member.create")
    assert entry.actor_id == staff.pk
    assert entry.object_id == str(member.pk)
    assert entry.changes["id_number"] == [None, data["id_number"][:3] + "***********" + data["id_number"][-4:]]
    assert entry.changes["mobile"] == [None, "139****0010"]
    assert entry.changes["sector"] == [None, "经济"]
    assert entry.changes["special_committees"] == [None, ["提案委员会"]]
    assert data["id_number"] not in str(entry.changes)
    assert make_mobile(10) not in str(entry.changes)


def test_member_create_normalises_id_number_and_mobile(org):
    id_number = make_id_number(birth=datetime.date(1980, 2, 3), seq=19)
    data = member_data(org, 11, id_number=id_number.lower() + " ", mobile="+86 139-0000-0011")
    member = services.member_create(actor=org.users["staff"], data=data)
    member.refresh_from_db()
    assert member.id_number == id_number
    assert member.mobile == "13900000011"
    assert member.birth_date == datetime.date(1980, 2, 3)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"id_number": make_id_number(seq=12)[:17] + "0"}, "id_number", "身份证号校验位错误。"),
        ({"id_number": "36012219750601"}, "id_number", "身份证号应为18位，现为14位。"),
        ({"id_number": ""}, "id_number", "请填写身份证号。"),
        ({"mobile": "1390000"}, "mobile", "手机号应为以1开头的11位数字。"),
        (
            {"birth_date": datetime.date(1971, 1, 1)},
            "birth_date",
            "出生日期与身份证号中的出生日期（1982-01-13）不一致。",
        ),
        ({"name": " "}, "name", "请填写姓名。"),
        ({"gender": "x"}, "gender", "请选择性别。"),
        ({"sector": None}, "sector", "请选择界别。"),
        ({"party": None}, "party", "请选择党派。"),
    ],
)
def test_member_create_refuses_bad_input_and_writes_nothing(org, changes, field, message):
    # given data with one bad value (seq 12 is born 1982-01-13)
    before = _counts()
    # when the secretariat tries to register it
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=org.users["staff"], data=member_data(org, 12, **changes))
    # then the field's message is given and nothing is written
    assert exc.value.message_dict == {field: [message]}
    assert _counts() == before


def test_member_create_refuses_an_id_number_already_registered(org):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.member_create(actor=org.users["staff"], data=member_data(org, 13, id_number=org.member.id_number))
    assert exc.value.message_dict == {"id_number": ["该身份证号已登记为其他委员。"]}
    assert _counts() == before


def test_member_create_with_an_account_lets_the_member_sign_in_by_mobile(org):
    # when the member is registered with an account
    member = services.member_create(actor=org.users["staff"], data=member_data(org, 14), create_account=True)
    # then the account is named after the member's id and carries the mobile
    user = member.user
    assert user.username == f"m{member.pk:06d}"
    assert user.display_name == "委员14"
    assert user.mobile_digest == crypto.digest(make_mobile(14))
    assert compute_roles(user) == frozenset({Role.MEMBER})
    # and once a password is set the member signs in with the mobile number
    account_set_password(user=user, password="a-long-password-14", actor=None)
    assert UsernameOrMobileBackend().authenticate(None, username=make_mobile(14), password="a-long-password-14") == user
    assert list(AuditEntry.objects.filter(action="member.create").values_list("changes__account", flat=True)) == [
        [None, user.username]
    ]


def test_member_create_with_an_account_refuses_a_mobile_another_account_uses(org):
    # member's account uses make_mobile(1)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.member_create(
            actor=org.users["staff"], data=member_data(org, 15, mobile=make_mobile(1)), create_account=True
        )
    assert exc.value.message_dict == {"mobile": ["该手机号已被其他账号使用。"]}
    assert _counts() == before


def test_member_update_changes_fields_keeps_the_account_in_step_and_audits_old_and_new(org):
    # given a member with an account
    member = org.member
    staff = org.users["staff"]
    # when the name, mobile and committees change
    services.member_update(
        actor=staff,
        member=member,
        data={"name": "张新", "mobile": make_mobile(31), "special_committees": [org.special_committee]},
    )
    # then member and account both carry the new values
    member.refresh_from_db()
    assert (member.name, member.mobile) == ("张新", make_mobile(31))
    assert list(member.special_committees.all()) == [org.special_committee]
    user = User.objects.get(pk=org.users["member"].pk)
    assert (user.display_name, user.mobile, user.mobile_digest) == (
        "张新",
        make_mobile(31),
        crypto.digest(make_mobile(31)),
    )
    # and the audit row has only what changed, the mobile masked
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.changes == {
        "name": ["张委员", "张新"],
        "mobile": ["139****0001", "139****0031"],
        "special_committees": [[], ["提案委员会"]],
    }


def test_member_update_records_an_id_number_change_the_mask_would_hide(org):
    # given a new ID number with the same first three and last four characters (another county, same check digit)
    old = org.member.id_number
    new = next(
        n
        for n in (make_id_number(region=f"360{r:03d}", birth=org.member.birth_date, seq=1) for r in range(100, 999))
        if n != old and n[-1] == old[-1]
    )
    # when the member's ID number is corrected
    services.member_update(actor=org.users["staff"], member=org.member, data={"id_number": new})
    # then the audit row still records the change, masked
    entry = AuditEntry.objects.get(action="member.update")
    assert entry.changes == {"id_number": [old[:3] + "*" * 11 + old[-4:], new[:3] + "*" * 11 + new[-4:]]}
    assert Member.objects.get(pk=org.member.pk).id_number_digest == crypto.digest(new)


def test_member_update_without_changes_writes_nothing(org):
    before = (_counts(), Member.objects.get(pk=org.member.pk).updated_at)
    services.member_update(actor=org.users["staff"], member=org.member, data={"name": "张委员", "title": "主任"})
    assert (_counts(), Member.objects.get(pk=org.member.pk).updated_at) == before


def test_member_update_refuses_another_members_id_number(org):
    before = Member.objects.get(pk=org.member.pk).id_number_digest
    with pytest.raises(ValidationError) as exc:
        services.member_update(actor=org.users["staff"], member=org.member, data={"id_number": org.member2.id_number})
    assert exc.value.message_dict == {"id_number": ["该身份证号已登记为其他委员。"]}
    assert Member.objects.get(pk=org.member.pk).id_number_digest == before
    assert not AuditEntry.objects.filter(action="member.update").exists()


def test_member_update_refuses_a_mobile_another_account_uses(org):
    with pytest.raises(ValidationError) as exc:
        services.member_update(actor=org.users["staff"], member=org.member, data={"mobile": make_mobile(2)})
    assert exc.value.message_dict == {"mobile": ["该手机号已被其他账号使用。"]}
    assert Member.objects.get(pk=org.member.pk).mobile == make_mobile(1)


def test_member_set_status_removes_the_member_role_and_is_audited(org):
    user = org.users["member2"]
    services.member_set_status(actor=org.users["admin"], member=org.member2, status=MemberStatus.RESIGNED)
    assert Member.objects.get(pk=org.member2.pk).status == "resigned"
    assert Role.MEMBER not in compute_roles(User.objects.get(pk=user.pk))
    entry = AuditEntry.objects.get(action="member.set_status")
    assert (entry.object_id, entry.changes) == (str(org.member2.pk), {"status": ["serving", "resigned"]})


def test_member_set_status_refuses_an_unknown_status(org):
    with pytest.raises(ValidationError) as exc:
        services.member_set_status(actor=org.users["staff"], member=org.member2, status="retired")
    assert exc.value.message_dict == {"status": ["请选择状态。"]}
    assert Member.objects.get(pk=org.member2.pk).status == "serving"


@pytest.mark.parametrize("role_key", ["office", "leader", "overseer", "unit-leader", "member"])
def test_member_services_refuse_roles_without_the_permission(org, role_key):
    actor = org.users[role_key]
    before = (_counts(), Member.objects.get(pk=org.member2.pk).status)
    with pytest.raises(PermissionDenied):
        services.member_create(actor=actor, data=member_data(org, 16))
    with pytest.raises(PermissionDenied):
        services.member_update(actor=actor, member=org.member2, data={"name": "改名"})
    with pytest.raises(PermissionDenied):
        services.member_set_status(actor=actor, member=org.member2, status=MemberStatus.REMOVED)
    assert (_counts(), Member.objects.get(pk=org.member2.pk).status) == before


# Handling units ------------------------------------------------------------------------------------------------


def test_unit_create_and_update_are_audited(org):
    office = org.users["office"]
    unit = services.unit_create(
        actor=office, data={"name": " 新建区发展和改革委员会 ", "short_name": "区发改委", "kind": UnitKind.GOVERNMENT}
    )
    unit.refresh_from_db()
    assert (unit.name, unit.short_name, unit.kind, unit.is_active) == (
        "新建区发展和改革委员会",
        "区发改委",
        "government",
        True,
    )
    services.unit_update(actor=office, unit=unit, data={"contact_phone": "0791-83700001", "is_active": False})
    unit.refresh_from_db()
    assert (unit.contact_phone, unit.is_active) == ("0791-83700001", False)
    assert list(
        AuditEntry.objects.filter(object_type="people.handlingunit", object_id=str(unit.pk))
        .order_by("id")
        .values_list("action", "changes")
    ) == [
        (
            "unit.create",
            {
                "name": [None, "新建区发展和改革委员会"],
                "short_name": [None, "区发改委"],
                "kind": [None, "government"],
                "contact_phone": [None, ""],
                "address": [None, ""],
                "is_active": [None, True],
            },
        ),
        ("unit.update", {"contact_phone": ["", "0791-83700001"], "is_active": [True, False]}),
    ]


def test_unit_create_refuses_a_name_in_use_and_writes_nothing(org):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.unit_create(actor=org.users["office"], data={"name": org.unit.name})
    assert exc.value.message_dict == {"name": ["已有同名的承办单位。"]}
    assert _counts() == before


def test_unit_update_refuses_another_units_name(org):
    with pytest.raises(ValidationError) as exc:
        services.unit_update(actor=org.users["office"], unit=org.unit, data={"name": org.other_unit.name})
    assert exc.value.message_dict == {"name": ["已有同名的承办单位。"]}
    assert HandlingUnit.objects.get(pk=org.unit.pk).name == "新建区住房和城乡建设局"


def test_unit_staff_add_opens_an_account_with_the_unit_roles(org):
    post = services.unit_staff_add(
        actor=org.users["office"],
        unit=org.other_unit,
        username="jiaoti-li",
        display_name="李科长",
        mobile="13900000050",
        is_leader=True,
        position="办公室主任",
    )
    user = post.user
    assert (post.unit, post.is_leader, post.position) == (org.other_unit, True, "办公室主任")
    assert (user.username, user.display_name, user.mobile, user.has_usable_password()) == (
        "jiaoti-li",
        "李科长",
        "13900000050",
        False,
    )
    assert compute_roles(user) == frozenset({Role.UNIT_STAFF, Role.UNIT_LEADER})
    entry = AuditEntry.objects.get(action="unit.staff_add")
    assert entry.changes == {"staff": [None, "jiaoti-li"], "is_leader": [None, True], "mobile": [None, "139****0050"]}


@pytest.mark.parametrize(
    ("username", "mobile", "errors"),
    [
        ("demo-unit", "", {"username": ["该用户名已被使用。"]}),
        ("new one", "", {"username": ["用户名只能包含字母、数字和 @/./+/-/_ 字符。"]}),
        ("new-one", "12345", {"mobile": ["手机号应为以1开头的11位数字。"]}),
        ("new-one", make_mobile(1), {"mobile": ["该手机号已被其他账号使用。"]}),
    ],
)
def test_unit_staff_add_refuses_bad_input_and_writes_nothing(org, username, mobile, errors):
    before = (_counts(), UnitStaff.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.unit_staff_add(
            actor=org.users["office"], unit=org.unit, username=username, display_name="某", mobile=mobile
        )
    assert exc.value.message_dict == errors
    assert (_counts(), UnitStaff.objects.count()) == before


def test_unit_staff_remove_ends_the_post_and_keeps_the_account(org):
    user = org.users["unit-leader"]
    post = UnitStaff.objects.get(user=user)
    services.unit_staff_remove(actor=org.users["staff"], staff=post)
    assert not UnitStaff.objects.filter(user=user).exists()
    assert compute_roles(User.objects.get(pk=user.pk)) == frozenset()
    entry = AuditEntry.objects.get(action="unit.staff_remove")
    assert (entry.object_id, entry.changes) == (
        str(org.unit.pk),
        {"staff": ["demo-unit-leader", None], "is_leader": [True, None]},
    )


@pytest.mark.parametrize("role_key", ["leader", "overseer", "unit-leader", "member"])
def test_unit_services_refuse_roles_without_the_permission(org, role_key):
    actor = org.users[role_key]
    before = (_counts(), UnitStaff.objects.count(), HandlingUnit.objects.get(pk=org.unit.pk).name)
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=actor, data={"name": "新单位"})
    with pytest.raises(PermissionDenied):
        services.unit_update(actor=actor, unit=org.unit, data={"name": "改名"})
    with pytest.raises(PermissionDenied):
        services.unit_staff_add(actor=actor, unit=org.unit, username="x-1", display_name="某")
    with pytest.raises(PermissionDenied):
        services.unit_staff_remove(actor=actor, staff=UnitStaff.objects.filter(unit=org.unit).first())
    assert (_counts(), UnitStaff.objects.count(), HandlingUnit.objects.get(pk=org.unit.pk).name) == before
