import pytest
from django.urls import reverse

from tests.builders.org import make_mobile
from tests.builders.people import MEMBER_HEADER, UNIT_HEADER, member_data, read_xlsx
from zhengxie.people import services
from zhengxie.people.choices import UnitKind


def _zhang(org, *, masked: bool) -> list:
    m = org.member
    id_number, mobile = m.id_number, m.mobile
    if masked:
        id_number, mobile = id_number[:3] + "*" * 11 + id_number[-4:], "139****0001"
    return ["张委员", "男", "汉族", "1961-02-02", id_number, mobile, "南昌市新建区某单位", "主任", "经济",
            "中国国民党革命委员会", None, "否", "在任"]  # fmt: skip


def _li(org, *, masked: bool) -> list:
    m = org.member2
    id_number, mobile = m.id_number, m.mobile
    if masked:
        id_number, mobile = id_number[:3] + "*" * 11 + id_number[-4:], "139****0002"
    return ["李委员", "女", "汉族", "1962-03-03", id_number, mobile, "南昌市新建区某单位", "主任", "教育",
            "中国国民党革命委员会", None, "否", "在任"]  # fmt: skip


def _export(client, url_name="people:member_export", **filters):
    response = client.get(reverse(url_name), filters)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return read_xlsx(response.content)


def test_the_secretariat_exports_members_with_personal_data(org, client_for):
    assert _export(client_for(org.users["staff"])) == [MEMBER_HEADER, _zhang(org, masked=False), _li(org, masked=False)]


@pytest.mark.parametrize("role_key", ["office", "leader"])
def test_other_roles_export_members_with_personal_data_masked(org, client_for, role_key):
    assert _export(client_for(org.users[role_key])) == [MEMBER_HEADER, _zhang(org, masked=True), _li(org, masked=True)]


def test_a_convener_exports_only_the_sectors_members_and_sees_only_their_own_personal_data(org, client_for):
    # given another member of the convener's sector, with committees and standing
    other = services.member_create(
        actor=None, data=member_data(org, 60, is_standing_committee=True, terms=[]), create_account=False
    )
    # when the convener (张委员) exports
    rows = _export(client_for(org.users["member"]))
    # then their sector's two members are listed; only their own row is unmasked
    assert rows[:2] == [MEMBER_HEADER, _zhang(org, masked=False)]
    assert rows[2] == [
        "委员60", "女", "汉族", other.birth_date.isoformat(), other.id_number[:3] + "*" * 11 + other.id_number[-4:],
        "139****0060", "新建区发展和改革委员会", "副主任", "经济", "中国国民党革命委员会", "提案委员会", "是", "在任",
    ]  # fmt: skip
    assert len(rows) == 3
    assert make_mobile(60) not in str(rows)


def test_the_member_export_applies_the_list_filters(org, client_for):
    client = client_for(org.users["staff"])
    assert _export(client, sector=org.other_sector.pk) == [MEMBER_HEADER, _li(org, masked=False)]
    assert _export(client, q="张委员") == [MEMBER_HEADER, _zhang(org, masked=False)]
    assert _export(client, q=org.member2.id_number) == [MEMBER_HEADER, _li(org, masked=False)]
    assert _export(client, status="resigned") == [MEMBER_HEADER]


def test_the_unit_export_lists_the_visible_units_with_filters(org, client_for):
    services.unit_create(
        actor=None,
        data={"name": "新建区人民法院", "kind": UnitKind.JUDICIAL, "contact_phone": "0791-1", "address": "长堎"},
    )
    client = client_for(org.users["office"])
    assert _export(client, "people:unit_export") == [
        UNIT_HEADER,
        ["新建区人民法院", None, "司法机关", "0791-1", "长堎"],
        ["新建区住房和城乡建设局", "区住建局", "政府部门", None, None],
        ["新建区教育体育局", "区教体局", "政府部门", None, None],
    ]
    assert _export(client, "people:unit_export", kind="judicial") == [
        UNIT_HEADER,
        ["新建区人民法院", None, "司法机关", "0791-1", "长堎"],
    ]


def test_the_export_is_named_as_a_dated_spreadsheet(org, client_for):
    response = client_for(org.users["staff"]).get(reverse("people:member_export"))
    assert response["Content-Disposition"].startswith(
        "attachment; filename*=utf-8''%E5%A7%94%E5%91%98%E5%90%8D%E5%8D%95-"
    )
    assert response["Content-Disposition"].endswith(".xlsx")


@pytest.mark.parametrize(
    ("url_name", "role_key", "status"),
    [
        ("people:member_export", "overseer", 403),
        ("people:member_export", "unit", 403),
        ("people:member_export", "member2", 403),
        ("people:member_export", "anonymous", 302),
        ("people:unit_export", "unit-leader", 403),
        ("people:unit_export", "member", 403),
        ("people:member_import_template", "leader", 403),
        ("people:unit_import_template", "overseer", 403),
    ],
)
def test_exports_and_templates_refuse_roles_without_the_permission(org, client_for, url_name, role_key, status):
    response = client_for(None if role_key == "anonymous" else org.users[role_key]).get(reverse(url_name))
    assert response.status_code == status
