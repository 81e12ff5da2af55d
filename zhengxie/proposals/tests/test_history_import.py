"""Importing earlier years' proposals from a spreadsheet (history_import.py): the page as the proposal office, the
command, and what an imported proposal is (closed, counted in its year, numbered without colliding, no
notification, reminder or duty record)."""

import datetime
import io
import re
import zipfile
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document as docx_document

from tests.builders import proposals as make
from tests.builders.org import PASSWORD, make_member
from zhengxie.accounts.services import account_create, role_grant
from zhengxie.audit.models import AuditEntry
from zhengxie.core.roles import Role
from zhengxie.duty.models import DutyRecord
from zhengxie.notifications.models import Notification
from zhengxie.people import imports as batches
from zhengxie.people.models import CollectiveProposer, Term
from zhengxie.proposals import history_import, history_jobs
from zhengxie.proposals.models import (
    Assignment,
    Cosignature,
    Evaluation,
    Proposal,
    ReminderLog,
    Reply,
    StatisticsChange,
    TimelineEntry,
    YearCounter,
)
from zhengxie.proposals.selectors import visible_proposals
from zhengxie.proposals.statistics import proposal_statistics, resolve_scope
from zhengxie.search.selectors import search_entries

pytestmark = pytest.mark.django_db

HEADER = [c.header for c in history_import.COLUMNS]


@pytest.fixture(autouse=True)
def import_batches_in_tmp(settings, tmp_path):
    """Keep the import step's stored batches out of the project's var folder."""
    settings.VAR_DIR = tmp_path


def _row(**cells) -> dict:
    base = {"年度": 2023, "案由": "关于加强老旧小区改造的建议", "主办单位": "区住建局"}
    return {**base, **cells}


LONG = "LONG-CELL-TEXT"  # stands for a cell longer than openpyxl writes (it cuts at Excel's 32,767): put in afterwards


def _xlsx(rows: list[dict], header: list[str] = HEADER, *, long: str = "") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    if not long:
        return out.getvalue()
    # A file another program wrote may hold more: the cell's text is replaced inside the package.
    source, result = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/"):
                data = data.replace(LONG.encode(), long.encode())
            target.writestr(info, data)
    return result.getvalue()


def _upload(rows, name="历年提案.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _xlsx(rows) if isinstance(rows, list) else rows)


def _rows(rows: list[dict]) -> list[dict]:
    return history_import.read_rows(_upload(rows))


def _import(org, rows: list[dict], *, skip: bool = False) -> dict:
    return history_import.import_confirm(
        actor=org.users["office"], rows=_rows(rows), filename="历年提案.xlsx", skip_errors=skip
    )


def _written() -> tuple[int, ...]:
    return (
        Proposal.objects.count(),
        Assignment.objects.count(),
        Reply.objects.count(),
        Cosignature.objects.count(),
        AuditEntry.objects.filter(action=history_import.AUDIT_ACTION).count(),
    )


def _errors(rows: list[dict]) -> list[dict]:
    return [r.errors for r in history_import.check_rows(_rows(rows))]


# The page ------------------------------------------------------------------------------------------------------


def test_the_office_uploads_sees_each_rows_errors_and_nothing_is_written_until_it_confirms(
    org, client_for, django_capture_on_commit_callbacks
):
    # given a file with one good row and rows in error of every kind
    client = client_for(org.users["office"])
    rows = [
        _row(案号="20230003", 提案人="张委员", 答复类别="A", 满意度="满意"),
        _row(案由="关于某事", 主办单位="区交通局"),
        _row(案由="关于另一事", 年度=datetime.datetime(2023, 5, 1)),
        _row(案由="关于第三事", 年度="=2020+3"),
        _row(案由="关于第四事", 案号=10**20),
        _row(案由="关于第五事", 情况分析=LONG),
        {},  # an empty row is no row
    ]
    upload = SimpleUploadedFile("历年提案.xlsx", _xlsx(rows, long="很" * 100_000))
    response = client.post(reverse("proposals:history_import"), {"file": upload})
    assert response.status_code == 302
    token = parse_qs(urlparse(response["Location"]).query)["batch"][0]
    # when the preview is shown
    page = client.get(reverse("proposals:history_import"), {"batch": token}).content.decode()
    # then every row in error says what is wrong, in words, and nothing is written yet
    assert 'data-testid="import-error-count">5<' in page
    assert "未知的承办单位：区交通局。" in page
    assert "「年度」是日期或时间格式，应填写文字或数字。" in page
    assert "「年度」是公式，请改为填写其结果（文字或数字）。" in page
    assert "案号应为年度加序号（如 20230012）或序号（如 12）。" in page
    assert "「情况分析」最多 50000 字，这里有 100000 字。" in page
    assert 'data-line="8"' not in page  # the empty row
    assert "提案人匹配 1/1" in page
    assert _written() == (0, 0, 0, 0, 0)
    # when the office confirms without skipping, the job writes nothing and its page says why
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(reverse("proposals:history_import_confirm"), {"batch": token})
    assert refused.status_code == 302
    job_page = client.get(refused["Location"]).content.decode()
    assert 'data-status="refused"' in job_page
    assert "有 5 行存在错误，未导入任何数据。" in job_page
    assert f"?batch={token}" in job_page  # back to the preview, to skip the rows in error
    assert _written() == (0, 0, 0, 0, 0)
    # when it skips the rows in error, the good row alone is written and the import audited once
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("proposals:history_import_confirm"), {"batch": token, "skip_errors": "on"})
    assert done.status_code == 302
    job_page = client.get(done["Location"]).content.decode()
    assert 'data-status="done"' in job_page
    assert "历史提案导入完成：新增 1 件，更新 0 件，无变化 0 件，跳过 5 行。" in job_page
    assert _written() == (1, 1, 1, 0, 1)
    # and the batch is gone: confirming it again is refused
    again = client.post(reverse("proposals:history_import_confirm"), {"batch": token, "skip_errors": "on"})
    assert again["Location"] == reverse("proposals:history_import")
    entry = AuditEntry.objects.get(action=history_import.AUDIT_ACTION)
    assert entry.changes == {
        "created": [None, 1],
        "updated": [None, 0],
        "unchanged": [None, 0],
        "skipped": [None, 5],
        "imported_years": [None, [2023]],
    }
    assert entry.actor_id == org.users["office"].pk


def test_the_audit_page_tells_the_import_in_words(org, client_for):
    _import(org, [_row(案由="甲"), _row(年度=2021, 案由="乙")])
    page = client_for(org.users["admin"]).get("/audit/", {"action": history_import.AUDIT_ACTION}).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "导入历年提案" in text
    assert "历年提案.xlsx" in text
    for words in ("新增 ： — → 2", "更新 ： — → 0", "未变 ： — → 0", "跳过 ： — → 0", "导入的年度 ： — → 2021、2023"):
        assert words in text  # in the order the database keeps the keys (PostgreSQL's jsonb sorts them)
    assert "history_import" not in text and "imported_years" not in text


def test_a_file_that_is_no_real_xlsx_is_refused_in_words(org, client_for):
    client = client_for(org.users["office"])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    for content in (b"name,title\n2023,x\n", archive.getvalue()):
        response = client.post(reverse("proposals:history_import"), {"file": _upload(content)})
        assert response.status_code == 200
        assert "无法读取该文件：请上传 Excel 工作簿（.xlsx）。" in response.content.decode()
    missing = client.post(reverse("proposals:history_import"), {"file": _upload(_xlsx([{}], ["年度", "案由"]))})
    assert "缺少这些列：主办单位。" in missing.content.decode()
    assert Proposal.objects.count() == 0


def test_the_template_has_the_columns_and_reads_back_as_an_empty_file(org, client_for):
    response = client_for(org.users["office"]).get(reverse("proposals:history_import_template"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    with pytest.raises(Exception, match="没有数据行"):
        history_import.read_rows(SimpleUploadedFile("t.xlsx", response.content))


@pytest.mark.parametrize("role", ["member", "unit", "leader", "admin"])
def test_other_roles_may_not_import_and_nothing_changes(org, client_for, role):
    client = client_for(org.users[role])
    assert client.get(reverse("proposals:history_import")).status_code == 403
    assert client.post(reverse("proposals:history_import"), {"file": _upload([_row()])}).status_code == 403
    assert client.post(reverse("proposals:history_import_confirm"), {"batch": "x" * 24}).status_code == 403
    with pytest.raises(PermissionDenied):
        history_import.import_confirm(actor=org.users[role], rows=_rows([_row()]), filename="f", skip_errors=True)
    assert _written() == (0, 0, 0, 0, 0)


def test_an_imported_proposal_is_closed_marked_and_shown_like_any_closed_one(org, client_for, category):
    _import(
        org,
        [_row(案号="5", 类别="经济建设", 提案人="张委员、王某", 会办单位="区教体局", 答复类别="B", 满意度="基本满意")],
    )
    p = Proposal.objects.get()
    assert (p.state, p.imported, p.number, p.seq, p.year) == ("closed", True, "20230005", 5, 2023)
    assert (p.lead_member, p.proposer_names, p.category) == (org.member, "张委员、王某", category)
    assert sorted(Assignment.objects.values_list("unit__short_name", "role", "state")) == [
        ("区住建局", "lead", "replied"),
        ("区教体局", "co", "opinion_sent"),
    ]
    reply = Reply.objects.get()
    assert (reply.grade, reply.state, reply.assignment.role) == ("B", "approved", "lead")
    assert Evaluation.objects.get().satisfaction == "basically_satisfied"
    assert list(TimelineEntry.objects.values_list("action", "to_state")) == [("history_import", "closed")]
    # visible like any closed proposal: to a member, and to the units it was assigned to
    for user in (org.users["member2"], org.users["unit"], org.users["unit2"], org.users["office"]):
        assert list(visible_proposals(user)) == [p]
    office = client_for(org.users["office"])
    detail = office.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert 'data-testid="imported">历史导入<' in detail
    assert "张委员、王某" in detail
    listing = office.get(reverse("proposals:list")).content.decode()
    assert 'data-testid="imported">历史导入<' in listing


# Rows ----------------------------------------------------------------------------------------------------------


def test_odd_cells_are_row_errors_in_words(org):
    errors = _errors(
        [
            row | ({"案由": f"关于第{n}件事的建议"} if row["案由"] == _row()["案由"] else {})
            for n, row in enumerate(
                [
                    _row(年度=True),
                    _row(年度=1900),
                    _row(年度=2023.5),
                    _row(案由="x" * 201),
                    _row(答复类别="D"),
                    _row(满意度="很满意", 答复类别="A"),
                    _row(满意度="满意"),
                    _row(类别="不存在的类别"),
                    _row(主办单位="区住建局", 会办单位="区住建局"),
                    _row(主办单位=""),
                    _row(提案人="名" * 51),
                ]
            )
        ]
    )
    assert errors == [
        {"year": ["「年度」是逻辑值（TRUE/FALSE），应填写文字或数字。"]},
        {"year": [f"年度应为 1949 至 {datetime.date.today().year} 之间的四位数字。"]},
        {"year": [f"年度应为 1949 至 {datetime.date.today().year} 之间的四位数字。"]},
        {"title": ["「案由」最多 200 字，这里有 201 字。"]},
        {"grade": ["答复类别应填写：A / B / C。"]},
        {"satisfaction": ["满意度应填写：满意、基本满意、不满意。"]},
        {"satisfaction": ["填写满意度时须同时填写答复类别。"]},
        {"category": ["未知的类别：不存在的类别。"]},
        {"co_units": ["不能同时是主办单位和会办单位：区住建局。"]},
        {"lead_units": ["「主办单位」不能为空。"]},
        {"proposers": ["姓名最多 50 字：名名名名名名名名名名名名名名名名名名名名…。"]},
    ]


def test_units_are_found_by_full_or_short_name_and_several_make_separate_assignments(org):
    _import(org, [_row(主办单位="新建区住房和城乡建设局、区教体局")])
    assert sorted(Assignment.objects.values_list("unit__short_name", "role")) == [
        ("区住建局", "separate"),
        ("区教体局", "separate"),
    ]


# Keys and numbers ----------------------------------------------------------------------------------------------


def test_reimporting_updates_instead_of_duplicating(org):
    rows = [
        _row(案号="20230001", 案由="关于甲的建议", 答复类别="A"),
        _row(案由="关于乙的建议", 提案人="张委员"),  # no number: keyed by year and title
    ]
    assert _import(org, rows) == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0}
    # the same file again changes nothing
    assert _import(org, rows) == {"created": 0, "updated": 0, "unchanged": 2, "skipped": 0}
    first = dict(Proposal.objects.values_list("title", "pk"))
    numbers = dict(Proposal.objects.values_list("title", "number"))
    # when the same file, corrected, is imported again
    rows[0] |= {"情况分析": "补充的分析", "答复类别": "C", "主办单位": "区教体局"}
    rows[1] |= {"具体建议": "补充的建议"}
    assert _import(org, rows) == {"created": 0, "updated": 2, "unchanged": 0, "skipped": 0}
    # then the same proposals, with the same numbers, carry the new values and assignments
    assert dict(Proposal.objects.values_list("title", "pk")) == first
    assert dict(Proposal.objects.values_list("title", "number")) == numbers
    a = Proposal.objects.get(title="关于甲的建议")
    assert a.analysis == "补充的分析"
    assert list(Assignment.objects.filter(proposal=a).values_list("unit__short_name", "current_grade")) == [
        ("区教体局", "C")
    ]
    assert Proposal.objects.get(title="关于乙的建议").suggestions == "补充的建议"
    assert Assignment.objects.count() == 2 and Reply.objects.count() == 1
    assert TimelineEntry.objects.count() == 2


def test_numbers_never_collide_with_the_live_sequence(org, category):
    # given a proposal registered live this year (number 1 of the year)
    live = make.act(make.submitted(org, category), "register", org.users["office"])
    year = live.year
    assert live.seq == 1
    # a row giving the live number is refused; one giving another number keeps it; one without gets the next
    errors = _errors([_row(年度=year, 案号=f"{year}0001")])
    assert errors == [{"number": [f"案号 {year}0001 已是本年度立案提案的编号。"]}]
    _import(org, [_row(年度=year, 案号="7", 案由="甲"), _row(年度=year, 案由="乙"), _row(年度=year, 案由="丙")])
    assert dict(Proposal.objects.filter(imported=True).values_list("title", "seq")) == {"甲": 7, "乙": 8, "丙": 9}
    assert YearCounter.objects.get(year=year).last_seq == 9
    # and the next live registration is numbered after every imported number
    later = make.act(make.submitted(org, category, title="关于后来的建议"), "register", org.users["office"])
    assert later.seq == 10
    # a row repeating a number of the same file is an error on the second
    assert _errors([_row(案号="3"), _row(案号="20230003", 案由="另一件")])[1] == {"number": ["与第 2 行的案号重复。"]}


# Proposers -----------------------------------------------------------------------------------------------------


def test_proposers_are_matched_by_name_and_term_else_kept_as_names(org):
    # given a member of the same name as 张委员 who served only an earlier term
    earlier = Term.objects.create(
        committee=org.committee,
        number=16,
        name="第十六届",
        starts_on=datetime.date(2017, 1, 1),
        ends_on=datetime.date(2021, 12, 31),
    )
    old = make_member(name="王委员", sector=org.sector, party=org.party, seq=30, term=earlier)
    collective = CollectiveProposer.objects.create(name="民革新建区委", kind="party")
    _import(
        org,
        [
            _row(年度=2023, 案由="二三年", 提案人="张委员、李委员、王委员、赵某"),
            _row(年度=2019, 案由="一九年", 提案人="王委员、张委员"),
            _row(年度=2020, 案由="集体", 提案人="民革新建区委"),
            _row(年度=2021, 案由="无提案人"),
        ],
    )
    p23, p19 = Proposal.objects.get(title="二三年"), Proposal.objects.get(title="一九年")
    # 2023: 张委员 and 李委员 serve the current term; 王委员 served only before it; 赵某 is no member
    assert p23.lead_member == org.member and p23.lead_sector == org.sector
    assert list(p23.cosignatures.values_list("member__name", "state")) == [("李委员", "confirmed")]
    assert p23.proposer_names == "张委员、李委员、王委员、赵某"
    # 2019: 王委员 served then; 张委员 did not
    assert p19.lead_member == old and p19.cosignatures.count() == 0
    assert Proposal.objects.get(title="集体").collective == collective
    nobody = Proposal.objects.get(title="无提案人")
    assert (nobody.lead_member, nobody.collective, nobody.proposer_names) == (None, None, "")


def test_imported_proposals_are_found_by_the_search(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _import(org, [_row(案由="关于加强城区停车管理的建议", 情况分析="老城区停车位严重不足")])
    p = Proposal.objects.get()
    found = search_entries(user=org.users["member2"], query="停车")
    assert [(e.kind, e.object_id) for e in found] == [("proposal", p.pk)]


# Side effects and statistics -----------------------------------------------------------------------------------


def test_an_import_sends_no_notification_reminder_or_duty_record(org):
    before = (Notification.objects.count(), DutyRecord.objects.count(), ReminderLog.objects.count())
    _import(org, [_row(提案人="张委员、李委员", 答复类别="A", 满意度="满意")])
    assert Proposal.objects.count() == 1
    assert (Notification.objects.count(), DutyRecord.objects.count(), ReminderLog.objects.count()) == before


def test_imported_proposals_count_in_their_years_statistics(org, category):
    office = org.users["office"]

    def stats():
        return proposal_statistics(user=office, visible=visible_proposals(office), scope=resolve_scope(year="2023"))

    assert stats()["totals"]["received"]["value"] == 0  # and the year's snapshot is now stored
    versions = StatisticsChange.objects.filter(year=2023).count()
    _import(
        org,
        [
            _row(案由="甲", 提案人="张委员", 答复类别="A", 满意度="满意", 类别="经济建设"),
            _row(案由="乙", 提案人="张委员、李委员", 答复类别="B", 满意度="不满意"),
            _row(案由="丙", 提案人="外人"),
        ],
    )
    assert StatisticsChange.objects.filter(year=2023).count() == versions + 1  # the stored snapshot is stale
    s = stats()
    assert s["totals"]["received"]["value"] == 3
    assert s["totals"]["registered"]["value"] == 3
    assert {g["grade"]: g["count"]["value"] for g in s["by_grade"]} == {"A": 1, "B": 1, "C": 0}
    assert {r["key"]: r["count"]["value"] for r in s["satisfaction"]}["dissatisfied"] == 1
    assert {t["key"]: t["received"]["value"] for t in s["by_proposer_type"]} == {
        "individual": 2,
        "joint": 1,
        "collective": 0,
    }
    assert {c["name"]: c["received"]["value"] for c in s["by_category"]} == {"经济建设": 1}


# The command ---------------------------------------------------------------------------------------------------


def _file(tmp_path, rows) -> str:
    path = tmp_path / "历年提案.xlsx"
    path.write_bytes(_xlsx(rows))
    return str(path)


def test_the_command_prints_the_preview_and_writes_only_with_commit(org, tmp_path, capsys):
    path = _file(tmp_path, [_row(案由="甲"), _row(案由="乙", 主办单位="区交通局")])
    call_command("import_proposals", path)
    out = capsys.readouterr().out
    assert "第 3 行「主办单位」：未知的承办单位：区交通局。" in out
    assert "共 2 行：新增 1 件，更新 0 件，无变化 0 件，1 行有错误。" in out
    assert _written() == (0, 0, 0, 0, 0)
    with pytest.raises(CommandError, match="--user"):
        call_command("import_proposals", path, "--commit")
    with pytest.raises(CommandError, match="不是提案委工作人员"):
        call_command("import_proposals", path, "--commit", "--user", org.users["member"].username)
    with pytest.raises(CommandError, match="有 1 行存在错误，未导入任何数据。"):
        call_command("import_proposals", path, "--commit", "--user", org.users["office"].username)
    assert _written() == (0, 0, 0, 0, 0)
    call_command("import_proposals", path, "--commit", "--skip-invalid", "--user", org.users["office"].username)
    assert "新增 1 件，更新 0 件，无变化 0 件，跳过 1 行。" in capsys.readouterr().out
    assert list(Proposal.objects.values_list("title", flat=True)) == ["甲"]


def test_the_command_refuses_a_file_that_is_no_xlsx(org, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("年度,案由\n")
    with pytest.raises(CommandError, match="无法读取该文件"):
        call_command("import_proposals", str(path))


def test_a_proposal_whose_proposers_match_no_member_is_shown_on_every_page_and_document(org, client_for):
    _import(org, [_row(提案人="赵某、钱某", 答复类别="C")])
    p = Proposal.objects.get()
    assert (p.lead_member, p.collective) == (None, None)
    office = client_for(org.users["office"])
    for name in ("proposals:detail", "proposals:proposal_docx", "proposals:proposal_pdf"):
        response = office.get(reverse(name, args=[p.pk]))
        assert response.status_code == 200, name
    docx = office.get(reverse("proposals:proposal_docx", args=[p.pk])).content
    text = "\n".join(
        cell.text for table in docx_document(io.BytesIO(docx)).tables for row in table.rows for cell in row.cells
    )
    assert "赵某" in text and "钱某" in text
    assert "赵某、钱某" in office.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    listed = office.get("/api/v1/proposals").json()["items"]
    assert [(i["proposer"]["name"], i["imported"]) for i in listed] == [("赵某", True)]
    detail = office.get(f"/api/v1/proposals/{p.pk}")
    assert detail.status_code == 200


def test_an_import_job_runs_once_and_only_its_author_sees_it(org, client_for, django_capture_on_commit_callbacks):
    # given a confirmed batch of one good row
    office = org.users["office"]
    token = batches.batch_save(user=office, kind=history_import.KIND, filename="历年.xlsx", rows=_rows([_row()]))
    job = history_jobs.import_job_start(actor=office, token=token, skip_errors=False)
    # when it is confirmed a second time while queued, the same job is returned
    assert history_jobs.import_job_start(actor=office, token=token, skip_errors=True).pk == job.pk
    # when the job runs, and runs again (a retry), the rows are written once
    assert history_jobs.import_job_run(job.pk) == "done"
    assert history_jobs.import_job_run(job.pk) == "not queued"
    assert _written()[0] == 1
    job.refresh_from_db()
    assert job.counts == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 0}
    assert Notification.objects.filter(recipient=office, kind="proposal_history_import").count() == 1
    # then another office account cannot open its page
    other = account_create(username="office2", password=PASSWORD, display_name="另一位提案委干部")
    role_grant(user=other, role=Role.PROPOSAL_OFFICE, actor=None)
    url = reverse("proposals:history_import_job", kwargs={"pk": job.pk})
    assert client_for(other).get(url).status_code == 404
    assert client_for(office).get(url).status_code == 200
