import io
import zipfile
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.builders.org import make_id_number, make_mobile
from tests.builders.people import UNIT_HEADER, birth_of, member_row, read_xlsx, unit_row, xlsx_bytes, xlsx_upload
from zhengxie.audit.models import AuditEntry
from zhengxie.people import services
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import HandlingUnit, Member

User = get_user_model()


def _counts() -> tuple[int, int, int, int]:
    return Member.objects.count(), HandlingUnit.objects.count(), User.objects.count(), AuditEntry.objects.count()


def _upload(client, upload, url_name="people:member_import") -> str:
    """Post the file; return the batch token of the preview it redirects to."""
    response = client.post(reverse(url_name), {"file": upload})
    assert response.status_code == 302, response.content.decode()
    return parse_qs(urlparse(response["Location"]).query)["batch"][0]


def _preview(client, token, url_name="people:member_import") -> str:
    response = client.get(reverse(url_name), {"batch": token})
    assert response.status_code == 200
    return response.content.decode()


def _confirm(client, token, url_name="people:member_import_confirm", **options):
    return client.post(reverse(url_name), {"batch": token, **options})


def _import_audit(action="member.import") -> dict:
    """The counts of the latest import."""
    return AuditEntry.objects.filter(action=action).latest("id").changes


def _counted(created=0, updated=0, unchanged=0, skipped=0) -> dict:
    counts = {"created": created, "updated": updated, "unchanged": unchanged, "skipped": skipped}
    return {key: [None, n] for key, n in counts.items()}


# Members -------------------------------------------------------------------------------------------------------


def test_a_good_member_file_is_previewed_and_then_written_in_full(org, client_for):
    # given a file of two new members
    client = client_for(org.users["staff"])
    rows = [member_row(org, 20), member_row(org, 21, 专门委员会="", 常委="是", 民族="回族", 出生日期="")]
    token = _upload(client, xlsx_upload(rows))
    # when the preview is shown
    html = _preview(client, token)
    # then no row is in error and nothing is written yet
    assert 'data-testid="import-preview"' in html
    assert 'data-testid="import-error-count">0<' in html
    assert 'class="import-error table-danger"' not in html
    assert Member.objects.filter(name__in=["委员20", "委员21"]).count() == 0
    # when the import is confirmed
    response = _confirm(client, token)
    # then both members are written
    assert response.status_code == 302
    assert response["Location"] == reverse("people:member_list")
    m20, m21 = Member.objects.get(name="委员20"), Member.objects.get(name="委员21")
    assert (m20.birth_date, m20.gender, m20.mobile, m20.is_standing_committee) == (
        birth_of(20),
        "female",
        make_mobile(20),
        False,
    )
    assert list(m20.special_committees.all()) == [org.special_committee]
    assert (m21.ethnicity, m21.birth_date, m21.is_standing_committee) == ("回族", birth_of(21), True)
    assert list(m21.special_committees.all()) == []
    # and one import audit row counts them, besides one row per member
    assert _import_audit() == _counted(created=2)
    assert AuditEntry.objects.get(action="member.import").object_repr == "委员名单.xlsx"
    assert AuditEntry.objects.filter(action="member.create").count() == 2
    # and the stored batch is gone
    assert client.get(reverse("people:member_import"), {"batch": token}).status_code == 302


def test_a_file_with_a_bad_row_writes_nothing(org, client_for):
    # given a good row and a row with a wrong check digit
    client = client_for(org.users["staff"])
    bad_id = make_id_number(birth=birth_of(23), seq=23)[:17] + "0"
    token = _upload(client, xlsx_upload([member_row(org, 22), member_row(org, 23, 身份证号=bad_id)]))
    before = _counts()
    # when the import is confirmed without skipping
    response = _confirm(client, token)
    # then it is refused with the reason and nothing is written
    html = response.content.decode()
    assert response.status_code == 200
    assert "有 1 行存在错误，未导入任何数据。请修改文件后重新上传，或选择跳过有错误的行。" in html
    assert 'data-testid="import-error-count">1<' in html
    assert _counts() == before


def test_skipping_the_rows_in_error_writes_only_the_good_rows(org, client_for):
    client = client_for(org.users["staff"])
    rows = [member_row(org, 24), member_row(org, 25, 界别="不存在的界别"), member_row(org, 26)]
    token = _upload(client, xlsx_upload(rows))
    response = _confirm(client, token, skip_errors="on")
    assert response.status_code == 302
    assert sorted(Member.objects.filter(name__startswith="委员").values_list("name", flat=True)) == ["委员24", "委员26"]
    assert _import_audit() == _counted(created=2, skipped=1)


def test_reimporting_a_file_updates_changed_fields_without_duplicating_people(org, client_for):
    # given an imported file that also names an existing member
    client = client_for(org.users["staff"])
    existing = member_row(
        org, 1, 姓名="张委员", 身份证号=org.member.id_number, 手机号=org.member.mobile, 出生日期="", 性别="男"
    )
    existing |= {"工作单位": org.member.work_unit, "职务": "主任", "专门委员会": ""}
    _confirm(client, _upload(client, xlsx_upload([member_row(org, 27), member_row(org, 28), existing])))
    assert _import_audit() == _counted(created=2, unchanged=1)
    members_before = Member.objects.count()
    # when the same people are imported again with a changed title and work unit
    changed = [member_row(org, 27, 职务="主任"), member_row(org, 28), existing | {"工作单位": "新建区政协"}]
    token = _upload(client, xlsx_upload(changed))
    html = _preview(client, token)
    assert html.count(">更新<") == 2 and html.count(">无变化<") == 1
    response = _confirm(client, token)
    # then nobody is added and the changed fields are updated
    assert response.status_code == 302
    assert Member.objects.count() == members_before
    assert Member.objects.get(name="委员27").title == "主任"
    assert Member.objects.get(pk=org.member.pk).work_unit == "新建区政协"
    assert _import_audit() == _counted(updated=2, unchanged=1)
    assert AuditEntry.objects.filter(action="member.import").count() == 2
    assert AuditEntry.objects.filter(action="member.update", object_id=str(org.member.pk)).get().changes == {
        "work_unit": ["南昌市新建区某单位", "新建区政协"]
    }


def test_a_blank_status_keeps_an_existing_members_status(org, client_for):
    services.member_set_status(actor=None, member=org.member2, status=MemberStatus.RESIGNED)
    client = client_for(org.users["staff"])
    row = member_row(org, 2, 姓名="李委员", 身份证号=org.member2.id_number, 手机号=org.member2.mobile, 出生日期="")
    _confirm(client, _upload(client, xlsx_upload([row | {"状态": "", "界别": "教育"}])))
    assert Member.objects.get(pk=org.member2.pk).status == "resigned"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"姓名": ""}, "「姓名」不能为空。"),
        ({"身份证号": ""}, "「身份证号」不能为空。"),
        ({"界别": ""}, "「界别」不能为空。"),
        ({"身份证号": make_id_number(birth=birth_of(41), seq=41)[:17] + "0"}, "身份证号校验位错误。"),
        ({"身份证号": "3601221975"}, "身份证号应为18位，现为10位。"),
        ({"身份证号": "36012219751301001X"}, "身份证号中的出生日期无效。"),
        ({"身份证号": "36012219750601A01X"}, "身份证号只能由数字和末位的X组成。"),
        ({"手机号": "2390000001"}, "手机号应为以1开头的11位数字。"),
        ({"界别": "不存在的界别"}, "未知的界别：不存在的界别。"),
        ({"党派": "某党"}, "未知的党派：某党。"),
        ({"专门委员会": "提案委员会、外事委员会"}, "未知的专门委员会：外事委员会。"),
        ({"出生日期": "1999-01-01"}, "出生日期与身份证号中的出生日期（1971-06-14）不一致。"),
        ({"出生日期": "去年"}, "出生日期应写成 1975-06-01 这样的格式。"),
        ({"性别": "M"}, "性别应填写“男”或“女”。"),
        ({"常委": "Y"}, "「常委」应填写“是”或“否”。"),
        ({"状态": "退休"}, "状态应填写：在任、辞去、撤销。"),
        ({"身份证号": make_id_number(birth=birth_of(40), seq=40)}, "与第 2 行的身份证号重复。"),
        ({"手机号": make_mobile(40)}, "与第 2 行的手机号重复。"),
    ],
)
def test_the_preview_marks_the_bad_row_and_shows_the_reason_in_it(org, client_for, changes, message):
    # given a good row 2 and a row 3 with one bad cell
    client = client_for(org.users["staff"])
    token = _upload(client, xlsx_upload([member_row(org, 40), member_row(org, 41, **changes)]))
    # when the preview is shown
    html = _preview(client, token)
    # then row 3 alone is marked, and the message is inside it
    assert html.count('class="import-error table-danger"') == 1
    row = html.split('<tr class="import-error table-danger" data-line="3">', 1)[1].split("</tr>", 1)[0]
    assert message in row
    assert 'data-testid="import-error-count">1<' in html


def test_the_preview_accepts_common_date_formats_and_party_short_names(org, client_for):
    client = client_for(org.users["staff"])
    rows = [
        member_row(org, 42, 出生日期=birth_of(42).strftime("%Y/%m/%d"), 党派="民革"),
        member_row(org, 43, 出生日期=birth_of(43).strftime("%Y年%m月%d日")),
        member_row(org, 44, 出生日期=birth_of(44).strftime("%Y%m%d"), 专门委员会=" 提案委员会 "),
    ]
    html = _preview(client, _upload(client, xlsx_upload(rows)))
    assert 'data-testid="import-error-count">0<' in html


def test_a_row_failing_when_written_undoes_the_whole_import(org, client_for):
    # given a file whose second member would get an account with a mobile another account uses
    client = client_for(org.users["staff"])
    token = _upload(client, xlsx_upload([member_row(org, 45), member_row(org, 46, 手机号=make_mobile(2))]))
    before = _counts()
    # when it is confirmed with accounts to be opened
    response = _confirm(client, token, create_accounts="on")
    # then the failing row is named and nothing at all is written
    assert response.status_code == 200
    assert "第 3 行写入失败：该手机号已被其他账号使用。 未导入任何数据。" in response.content.decode()
    assert _counts() == before


def test_importing_with_accounts_opens_one_for_each_member_without_one(org, client_for):
    client = client_for(org.users["staff"])
    _confirm(client, _upload(client, xlsx_upload([member_row(org, 47)])), create_accounts="on")
    member = Member.objects.get(name="委员47")
    assert (member.user.username, member.user.mobile) == (f"m{member.pk:06d}", make_mobile(47))


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "setting", "message"),
    [
        ("name,id\n张三,1\n".encode(), {}, "无法读取该文件：请上传 Excel 工作簿（.xlsx）。"),
        (_zip_without_workbook(), {}, "无法读取该文件：请上传 Excel 工作簿（.xlsx）。"),
        (b"PK\x03\x04" + b"0" * (1024 * 1024 + 1), {"IMPORT_MAX_BYTES": 1024 * 1024}, "文件超过 1 MB 的上限。"),
        ("rows", {"IMPORT_MAX_ROWS": 2}, "文件的数据超过 2 行，请分批导入。"),
        (xlsx_bytes([{"姓名": "某"}], header=["姓名", "性别", "界别", "党派"]), {}, "缺少这些列：身份证号、手机号。"),
        (xlsx_bytes([]), {}, "文件中没有数据行。"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_at_upload(org, client_for, settings, content, setting, message):
    for name, value in setting.items():
        setattr(settings, name, value)
    if content == "rows":
        content = xlsx_bytes([member_row(org, 50), member_row(org, 51), member_row(org, 52)])
    before = _counts()
    response = client_for(org.users["staff"]).post(
        reverse("people:member_import"), {"file": SimpleUploadedFile("名单.xlsx", content)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert _counts() == before


def test_a_batch_is_bound_to_the_user_who_uploaded_it(org, client_for):
    token = _upload(client_for(org.users["staff"]), xlsx_upload([member_row(org, 53)]))
    admin = client_for(org.users["admin"])
    before = _counts()
    assert admin.get(reverse("people:member_import"), {"batch": token})["Location"] == reverse("people:member_import")
    assert _confirm(admin, token)["Location"] == reverse("people:member_import")
    assert _counts() == before


def test_a_member_batch_cannot_be_confirmed_as_units(org, client_for):
    client = client_for(org.users["admin"])
    token = _upload(client, xlsx_upload([member_row(org, 54)]))
    before = _counts()
    assert _confirm(client, token, url_name="people:unit_import_confirm")["Location"] == reverse("people:unit_import")
    assert _counts() == before


@pytest.mark.parametrize("role_key", ["anonymous", "office", "leader", "overseer", "unit-leader", "member"])
def test_roles_without_the_permission_can_neither_upload_nor_confirm(org, client_for, role_key):
    token = _upload(client_for(org.users["staff"]), xlsx_upload([member_row(org, 55)]))
    client = client_for(None if role_key == "anonymous" else org.users[role_key])
    before = _counts()
    upload = client.post(reverse("people:member_import"), {"file": xlsx_upload([member_row(org, 56)])})
    confirm = _confirm(client, token, skip_errors="on")
    expected = 302 if role_key == "anonymous" else 403
    assert (upload.status_code, confirm.status_code) == (expected, expected)
    assert _counts() == before


def test_an_export_can_be_imported_again_without_changes(org, client_for):
    client = client_for(org.users["staff"])
    content = client.get(reverse("people:member_export")).content
    token = _upload(client, SimpleUploadedFile("委员名单.xlsx", content))
    response = _confirm(client, token)
    assert response.status_code == 302
    assert _import_audit() == _counted(unchanged=2)
    assert not AuditEntry.objects.filter(action="member.update").exists()


def test_the_member_template_has_the_import_columns_and_the_accepted_names(org, client_for):
    response = client_for(org.users["staff"]).get(reverse("people:member_import_template"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    header = "姓名 性别 民族 出生日期 身份证号 手机号 工作单位 职务 界别 党派 专门委员会 常委 状态".split()
    assert read_xlsx(response.content) == [header]
    notes = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[1]
    rows = {r[0]: r[1] for r in notes.iter_rows(min_row=2, values_only=True)}
    assert rows["界别"] == "必填，填写：经济、教育。"
    assert rows["性别"] == "必填，填写：男、女。"


# Units ---------------------------------------------------------------------------------------------------------


def test_units_are_matched_by_name_when_imported(org, client_for):
    # given a file with a new unit and an existing one with a new phone number
    client = client_for(org.users["office"])
    rows = [unit_row("新建区发展和改革委员会", 简称="区发改委"), unit_row(org.unit.name, 简称="区住建局", 类别="")]
    upload = xlsx_upload(rows, header=UNIT_HEADER, name="承办单位.xlsx")
    # when it is imported twice
    response = _confirm(client, _upload(client, upload, "people:unit_import"), "people:unit_import_confirm")
    assert response["Location"] == reverse("people:unit_list")
    assert _import_audit("unit.import") == _counted(created=1, updated=1)
    upload = xlsx_upload(rows, header=UNIT_HEADER, name="承办单位.xlsx")
    _confirm(client, _upload(client, upload, "people:unit_import"), "people:unit_import_confirm")
    # then the unit is added once and the existing one updated
    assert _import_audit("unit.import") == _counted(unchanged=2)
    assert AuditEntry.objects.filter(action="unit.import").count() == 2
    assert HandlingUnit.objects.count() == 3
    new = HandlingUnit.objects.get(name="新建区发展和改革委员会")
    assert (new.short_name, new.kind, new.contact_phone) == ("区发改委", "government", "0791-83700000")
    assert HandlingUnit.objects.get(pk=org.unit.pk).contact_phone == "0791-83700000"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"名称": ""}, "「名称」不能为空。"),
        ({"类别": "部门"}, "类别应填写：政府部门、党委部门、司法机关、企事业单位、其他。"),
        ({"名称": "新建区财政局"}, "与第 2 行的单位名称重复。"),
        ({"简称": "长" * 51}, "不能超过50个字。"),
    ],
)
def test_the_unit_preview_shows_each_reason(org, client_for, changes, message):
    client = client_for(org.users["office"])
    upload = xlsx_upload([unit_row("新建区财政局"), unit_row("新建区审计局", **changes)], header=UNIT_HEADER)
    html = _preview(client, _upload(client, upload, "people:unit_import"), "people:unit_import")
    row = html.split('<tr class="import-error table-danger" data-line="3">', 1)[1].split("</tr>", 1)[0]
    assert message in row
