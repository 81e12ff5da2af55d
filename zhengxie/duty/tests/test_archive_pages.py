"""The duty archive pages: who may open whose archive; a year built through the real services (activities closed
with attendance, a speech, a corrected absence, a joint proposal registered) shown on the archive page, the
committee table, its .xlsx, the annual report (.docx / PDF) and the term view with the figures of
``points.member_archive``; the follow-up lists; "other" records; the rule editor saving (audited, that year only)
and refusing (nothing changed); bounded queries on the table."""

import datetime
import io
import re
import zlib
from decimal import Decimal as D
from html.parser import HTMLParser

import docx
import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn

from tests.builders.activities import YEAR, duty_year
from tests.builders.org import ROLE_KEYS, make_member, member_with_account
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import NotAllowed
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.models import DutyRecord, MemberYearScore, RuleItem, RuleSet
from zhengxie.duty.points import member_archive, ruleset_for
from zhengxie.duty.selectors import Ranks, ledger
from zhengxie.duty.services import duty_add_other, duty_record_event
from zhengxie.people.models import HandlingUnit, Sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(org):
    return member_with_account(org, username="m-third", name="王委员", seq=3, display_name="")


@pytest.fixture
def built(org, third, category):
    return duty_year(org, third, category)


def _attr(html: str, testid: str, attr: str) -> str:
    m = re.search(rf'data-testid="{testid}"[^>]*?{attr}="([^"]*)"', html)
    assert m, (testid, attr)
    return m.group(1)


def _text(html: str, testid: str) -> str:
    m = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', html)
    assert m, testid
    return m.group(1).strip()


def _rows(html: str, testid: str) -> list[dict]:
    """The data-* attributes of each element with the given data-testid."""
    rows = []
    for tag in re.findall(rf'<[^>]*data-testid="{testid}"[^>]*>', html):
        rows.append(dict(re.findall(r'data-([a-z-]+)="([^"]*)"', tag)))
    return rows


# Who may open what -----------------------------------------------------------------------------------------------

# fmt: off
#                        anon admin office staff leader overs. unit  u-lead unit2 member member2
MATRIX = {
    # third is in org.sector, which demo-member convenes; demo-member2 is a member of another sector.
    "member_archive":        (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "archive_docx":          (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "archive_pdf":           (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   404),
    "add_other":             (302, 403,  403,  200,  403,  403,   403,  403,  403,  403,   403),
    "my_archive":            (302, 403,  403,  403,  403,  403,   403,  403,  403,  200,   200),
    "committee_table":       (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   403),
    "committee_table_xlsx":  (302, 403,  403,  200,  200,  403,   403,  403,  403,  200,   403),
    "short_of_minimums":     (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "alerts":                (302, 403,  403,  200,  200,  403,   403,  403,  403,  403,   403),
    "rules":                 (302, 200,  403,  403,  403,  403,   403,  403,  403,  403,   403),
}
# fmt: on


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_authorization_matrix(name, org, third, client_for):
    kwargs = {"member_id": third.pk} if name in {"member_archive", "archive_docx", "archive_pdf", "add_other"} else {}
    url = reverse(f"duty:{name}", kwargs=kwargs)
    got = []
    for key in ROLE_KEYS:
        response = client_for(None if key == "anonymous" else org.users[key]).get(url)
        got.append(response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:login"))
    assert tuple(got) == MATRIX[name]


def test_each_member_sees_only_their_own_and_a_convener_their_sector(org, third, client_for):
    member2 = client_for(org.users["member2"])
    assert member2.get(reverse("duty:member_archive", args=[org.member2.pk])).status_code == 200
    assert member2.get(reverse("duty:member_archive", args=[org.member.pk])).status_code == 404
    assert member2.get(reverse("duty:member_archive", args=[third.pk])).status_code == 404
    third_client = client_for(third.user)  # a member who convenes nothing
    assert third_client.get(reverse("duty:member_archive", args=[org.member.pk])).status_code == 404
    assert third_client.get(reverse("duty:archive_docx", args=[org.member.pk])).status_code == 404
    convener = client_for(org.users["member"])
    assert convener.get(reverse("duty:member_archive", args=[org.member2.pk])).status_code == 404
    own = convener.get(reverse("duty:my_archive"))
    assert "张委员 · " in own.content.decode()
    # The convener's table holds their sector only.
    table = convener.get(reverse("duty:committee_table")).content.decode()
    assert {int(r["member"]) for r in _rows(table, "table-row")} == {org.member.pk, third.pk}


def test_bad_year_or_term_is_404(org, client_for):
    c = client_for(org.users["staff"])
    assert c.get(reverse("duty:member_archive", args=[org.member.pk]), {"year": "1899"}).status_code == 404
    assert c.get(reverse("duty:member_archive", args=[org.member.pk]), {"year": "abc"}).status_code == 404
    assert c.get(reverse("duty:member_archive", args=[org.member.pk]), {"term": "999"}).status_code == 404
    assert c.get(reverse("duty:committee_table"), {"year": str(YEAR + 2)}).status_code == 404


# One computation: the page, the table, the export and the report ------------------------------------------------


def test_archive_page_shows_member_archive(org, third, built, client_for):
    arch = member_archive(member=org.member, year=YEAR)
    assert (arch.total, arch.score, arch.grade) == (D("33.00"), D("93.00"), "优秀")  # worked by hand above
    html = (
        client_for(org.users["staff"])
        .get(reverse("duty:member_archive", args=[org.member.pk]), {"year": YEAR})
        .content.decode()
    )
    assert _attr(html, "total", "data-value") == str(arch.total)
    assert _attr(html, "score", "data-value") == str(arch.score)
    assert _text(html, "grade") == "优秀"
    assert (_text(html, "rank"), _text(html, "sector-rank")) == ("1", "1")
    kinds = {r["kind"]: (r["points"], int(r["count"])) for r in _rows(html, "kind-row")}
    assert kinds == {k: (v["points"], v["count"]) for k, v in arch.by_kind.items()}
    assert kinds["attended.plenary"] == ("15.00", 2)
    assert kinds[DutyKind.PROPOSAL_REGISTERED_LEAD] == ("10.00", 1)
    minimums = {r["code"]: r["met"] for r in _rows(html, "minimum")}
    assert minimums == {"plenary": "1", "activities": "1", "proposal": "1", "opinion": "0"}
    assert [m["code"] for m in arch.missing] == ["opinion"]
    records = _rows(html, "record")
    assert [int(r["id"]) for r in records] == list(ledger(member=org.member, year=YEAR).values_list("pk", flat=True))


def test_reversals_are_shown_as_such_and_sources_are_linked(org, third, built, client_for):
    html = client_for(third.user).get(reverse("duty:my_archive")).content.decode()
    records = _rows(html, "record")
    absent = DutyRecord.objects.get(member=third, kind="absent.research", sign=1)
    reversal = DutyRecord.objects.get(member=third, kind="absent.research", sign=-1)
    by_id = {int(r["id"]): r for r in records}
    assert by_id[absent.pk].get("reversed") == "1"
    assert by_id[reversal.pk].get("reversal") == "1"
    assert html.count('data-testid="reversal-badge"') == 1
    assert f'href="/activities/{built["research"].pk}/" data-testid="source-link"' in html
    assert f'href="/proposals/{built["proposal"].pk}/" data-testid="source-link"' in html
    arch = member_archive(member=third, year=YEAR)
    assert (arch.total, arch.score, arch.grade) == (D("21.00"), D("81.00"), "良好")
    assert arch.by_kind["absent.*"]["points"] == "0.00"  # reversed
    assert _attr(html, "score", "data-value") == "81.00"


def test_table_equals_the_archives(org, third, built, client_for):
    staff = client_for(org.users["staff"])
    html = staff.get(reverse("duty:committee_table"), {"year": YEAR}).content.decode()
    rows = _rows(html, "table-row")
    assert [int(r["member"]) for r in rows] == [org.member.pk, third.pk, org.member2.pk]  # score, high first
    for row in rows:
        member = {org.member.pk: org.member, third.pk: third, org.member2.pk: org.member2}[int(row["member"])]
        arch = member_archive(member=member, year=YEAR)
        page = staff.get(reverse("duty:member_archive", args=[member.pk]), {"year": YEAR}).content.decode()
        assert (row["score"], row["total"], row["grade"]) == (str(arch.score), str(arch.total), arch.grade)
        assert (row["rank"], row["sector-rank"]) == (_text(page, "rank"), _text(page, "sector-rank"))
    assert [(r["rank"], r["sector-rank"], r["grade"]) for r in rows] == [
        ("1", "1", "优秀"),
        ("2", "2", "良好"),
        ("3", "1", "不称职"),
    ]
    assert 'data-code="plenary_absences"' in html


def test_table_filters_sort_and_committee_wide_ranks(org, third, built, client_for):
    staff = client_for(org.users["staff"])

    def members(**query):
        html = staff.get(reverse("duty:committee_table"), {"year": YEAR, **query}).content.decode()
        return [(int(r["member"]), r["rank"]) for r in _rows(html, "table-row")]

    assert members(sector=org.other_sector.pk) == [(org.member2.pk, "3")]  # still its rank in the committee
    assert members(grade="良好") == [(third.pk, "2")]
    assert members(alerts="1") == [(org.member2.pk, "3")]
    assert members(q="王") == [(third.pk, "2")]
    assert members(sort="-score") == [(org.member2.pk, "3"), (third.pk, "2"), (org.member.pk, "1")]
    assert [m for m, _r in members(sort="name")] == sorted(
        [org.member.pk, third.pk, org.member2.pk],
        key=lambda pk: {org.member.pk: "张委员", third.pk: "王委员", org.member2.pk: "李委员"}[pk],
    )
    assert len(members(short="1")) == 3  # everyone misses the opinion report
    assert members(sector="999999") == members()  # an invalid option is dropped, not applied


def test_table_queries_do_not_grow_with_rows(org, third, built, client_for, django_assert_max_num_queries):
    staff = client_for(org.users["staff"])
    url = reverse("duty:committee_table")
    staff.get(url, {"year": YEAR})
    with CaptureQueriesContext(connection) as few:
        assert len(_rows(staff.get(url, {"year": YEAR}).content.decode(), "table-row")) == 3
    n_few = len(few)  # now: connection.queries is reset by the next request
    for i in range(8):
        sector = Sector.objects.create(name=f"界别{i}", sort_order=10 + i)
        for j in range(6):
            make_member(name=f"委员{i}{j}", sector=sector, party=org.party, seq=100 + i * 10 + j)
    staff.get(url, {"year": YEAR})  # the new members' rows are made (ensure_year) on first use
    with django_assert_max_num_queries(n_few):
        html = staff.get(url, {"year": YEAR}).content.decode()
    assert len(_rows(html, "table-row")) == 50
    assert staff.get(url, {"year": YEAR, "page": 2}).content.decode().count('data-testid="table-row"') == 1


def test_table_xlsx(org, third, built, client_for):
    response = client_for(org.users["staff"]).get(reverse("duty:committee_table_xlsx"), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"{YEAR}年度委员履职积分统计表"
    header = list(rows[1])
    assert header[:11] == [
        "序号",
        "姓名",
        "界别",
        "党派",
        "积分合计",
        "综合得分",
        "等次",
        "全委排名",
        "界别排名",
        "未达基本要求",
        "预警",
    ]
    labels = [i.label for i in ruleset_for(YEAR).items.all()]
    assert header[11:] == labels
    body = [r[:11] for r in rows[2:]]
    assert body == [
        (1, "张委员", "经济", "中国国民党革命委员会", 33, 93, "优秀", 1, 1, "报送至少1篇社情民意信息（0/1）", None),
        (2, "王委员", "经济", "中国国民党革命委员会", 21, 81, "良好", 2, 2, "报送至少1篇社情民意信息（0/1）", None),
        (
            3,
            "李委员",
            "教育",
            "中国国民党革命委员会",
            -20,
            40,
            "不称职",
            3,
            1,
            "出席全体会议（0/1）；参加至少3次会议或活动（0/3）；提交至少1件提案（0/1）；报送至少1篇社情民意信息（0/1）",
            "一届内两次无故缺席全体会议（2）",
        ),
    ]
    plenary = 11 + labels.index("出席全体会议（每半天）")
    assert [r[plenary] for r in rows[2:]] == [15, 15, None]
    filtered = client_for(org.users["staff"]).get(
        reverse("duty:committee_table_xlsx"), {"year": YEAR, "sector": org.other_sector.pk}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(filtered.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[2:]] == ["李委员"]
    convener = client_for(org.users["member"]).get(reverse("duty:committee_table_xlsx"), {"year": YEAR})
    rows = list(openpyxl.load_workbook(io.BytesIO(convener.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[2:]] == ["张委员", "王委员"]


def _docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_annual_report_docx(org, third, built, client_for):
    response = client_for(org.users["member"]).get(reverse("duty:archive_docx", args=[org.member.pk]), {"year": YEAR})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = _docx_text(document)
    assert f"{YEAR}年度委员履职报告" in text
    for expected in [
        "姓名 | 张委员 | 界别 | 经济",
        f"党派 | 中国国民党革命委员会 | 年度 | {YEAR}年",
        "综合得分 | 93",
        "等次 | 优秀",
        "全委排名 | 第 1 名（共 3 人）",
        "界别排名 | 第 1 名（共 2 人）",
        "出席全体会议（每半天） | 2 | 3 | 15",
        "报送至少1篇社情民意信息 | 1 | 未达到（已完成 0）",
        "出席全体会议 | 1 | 已达到",
        "发言（全体会议） | 区政协全体会议（上午）：关于加快充电桩建设的发言 | 1 | +5",
    ]:
        assert expected in text, expected
    fonts = set()
    for element in document.element.iter():
        if element.tag == qn("w:rFonts") and element.get(qn("w:eastAsia")):
            fonts.add(element.get(qn("w:eastAsia")))
    styles = document.styles.element
    fonts |= {e.get(qn("w:eastAsia")) for e in styles.iter(qn("w:rFonts")) if e.get(qn("w:eastAsia"))}
    assert fonts <= {"仿宋", "黑体", "宋体"} and "仿宋" in fonts


def _pdf_font_names(data: bytes) -> set[str]:
    """/FontName entries of the PDF, including those inside compressed object streams."""
    chunks = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return {n.decode() for chunk in chunks for n in re.findall(rb"/FontName\s*/([^\s/>\]]+)", chunk)}


def test_annual_report_pdf_has_a_cjk_font(org, third, built, client_for):
    response = client_for(org.users["staff"]).get(reverse("duty:archive_pdf", args=[third.pk]), {"year": YEAR})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    fonts = _pdf_font_names(response.content)
    assert any("Noto-Serif-CJK-SC" in f for f in fonts) and any("Noto-Sans-CJK-SC" in f for f in fonts), fonts


def test_term_view(org, third, built, client_for):
    html = client_for(org.users["member"]).get(reverse("duty:my_archive"), {"term": org.term.pk}).content.decode()
    years = {int(r["year"]): r for r in _rows(html, "term-year")}
    first = org.term.starts_on.year
    assert sorted(years) == list(range(first, min(org.term.ends_on.year, YEAR) + 1))
    arch = member_archive(member=org.member, year=YEAR)
    assert (years[YEAR]["score"], years[YEAR]["grade"]) == (str(arch.score), arch.grade)
    assert years[first]["score"] == "60.00"  # no records: the base
    count = ledger(member=org.member, years=(first, YEAR)).count()
    assert len(_rows(html, "record")) == count == 6


# Follow-up lists -------------------------------------------------------------------------------------------------


def test_short_of_minimums_and_alerts_pages(org, third, built, client_for):
    staff = client_for(org.users["leader"])
    html = staff.get(reverse("duty:short_of_minimums"), {"year": YEAR}).content.decode()
    assert {r["code"]: int(r["count"]) for r in _rows(html, "rule-count")} == {
        "plenary": 1,
        "activities": 1,
        "proposal": 1,
        "opinion": 3,
    }
    assert {int(r["member"]) for r in _rows(html, "follow-up-row")} == {org.member.pk, third.pk, org.member2.pk}
    only = staff.get(reverse("duty:short_of_minimums"), {"year": YEAR, "code": "plenary"}).content.decode()
    assert [int(r["member"]) for r in _rows(only, "follow-up-row")] == [org.member2.pk]
    assert staff.get(reverse("duty:short_of_minimums"), {"year": YEAR, "code": "nope"}).status_code == 404
    alerts = staff.get(reverse("duty:alerts"), {"year": YEAR}).content.decode()
    assert {r["code"]: int(r["count"]) for r in _rows(alerts, "rule-count")} == {
        "plenary_absences": 1,
        "standing_absences": 0,
    }
    assert [int(r["member"]) for r in _rows(alerts, "follow-up-row")] == [org.member2.pk]
    assert "一届内两次无故缺席全体会议（2 次）" in alerts


# "Other" records -------------------------------------------------------------------------------------------------


def test_secretariat_adds_an_other_record(org, third, client_for):
    url = reverse("duty:add_other", args=[third.pk])
    day = timezone.localdate()
    data = {"occurred_on": day.isoformat(), "description": "参加区委专项督查", "reason": "无系统记录", "quantity": "2"}
    audit = AuditEntry.objects.count()
    for refused in ("member", "admin", "leader"):
        assert client_for(org.users[refused]).post(url, data).status_code == 403
    bad = client_for(org.users["staff"]).post(url, {**data, "reason": ""})
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.content.decode()
    assert DutyRecord.objects.filter(kind=DutyKind.OTHER).count() == 0 and AuditEntry.objects.count() == audit
    staff = client_for(org.users["staff"])
    response = staff.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('duty:member_archive', args=[third.pk])}?year={day.year}"
    row = DutyRecord.objects.get(kind=DutyKind.OTHER)
    assert (row.member, row.source_label, row.note, row.quantity, row.created_by) == (
        third,
        "参加区委专项督查",
        "无系统记录",
        D("2.00"),
        org.users["staff"],
    )
    assert AuditEntry.objects.filter(action="duty.add_other").count() == 1
    assert member_archive(member=third, year=day.year).by_kind[DutyKind.OTHER]["points"] == "4.00"
    page = staff.get(response["Location"]).content.decode()
    assert "参加区委专项督查" in page and "已为王委员录入其他履职" in page


def test_add_other_service_refuses_non_secretariat(org, third):
    with pytest.raises(NotAllowed):
        duty_add_other(
            actor=org.users["admin"], member=third, occurred_on=timezone.localdate(), description="x", reason="y"
        )
    assert DutyRecord.objects.count() == 0


# The rule editor -------------------------------------------------------------------------------------------------


def _rules_post(rs, **changes) -> dict:
    """The editor's POST for the ruleset as it stands, with ``changes`` (field name -> value) applied."""
    items = list(rs.items.all())
    data = {
        "version": rs.version,
        "base_points": rs.base_points,
        "max_score": rs.max_score,
        "joint_lead_share": rs.joint_lead_share,
    }
    for prefix, rows in [
        (
            "items",
            [
                {
                    "kind": i.kind,
                    "label": i.label,
                    "points": i.points,
                    "yearly_cap": i.yearly_cap or "",
                    "joint_points": i.joint_points or "",
                }
                for i in items
            ],
        ),
        ("grades", [{"label": g[0], "minimum": g[1]} for g in rs.grades]),
        ("minimums", [dict(m) for m in rs.minimums]),
        ("alerts", [dict(a) for a in rs.alerts]),
    ]:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": len(rows),
                f"{prefix}-INITIAL_FORMS": len(rows),
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
        for n, row in enumerate(rows):
            data.update({f"{prefix}-{n}-{k}": v for k, v in row.items()})
    data.update(changes)
    return {k: v if isinstance(v, list) else "" if v is None else str(v) for k, v in data.items()}


def _item_index(rs, kind: str) -> int:
    return [i.kind for i in rs.items.all()].index(kind)


def test_rule_page_saves_recomputes_that_year_only_and_audits(org, third, built, client_for):
    last_year = duty_record_event(
        member=org.member,
        kind="attended.seminar",
        occurred_on=datetime.date(YEAR - 1, 5, 1),
        source=HandlingUnit.objects.create(name="来源"),
    )
    before_last = MemberYearScore.objects.get(member=org.member, year=YEAR - 1)
    assert last_year is not None and before_last.total == D("3.00")
    rs = ruleset_for(YEAR)
    admin = client_for(org.users["admin"])
    page = admin.get(reverse("duty:rules"), {"year": YEAR})
    assert page.status_code == 200 and 'data-testid="rules-form"' in page.content.decode()
    n = _item_index(rs, "attended.*")
    data = _rules_post(
        rs,
        **{
            f"items-{n}-points": "4",
            "base_points": "50",
            # a new row in the blank space for adding
            "items-TOTAL_FORMS": str(rs.items.count() + 1),
            f"items-{rs.items.count()}-kind": "attended.appraisal",
            f"items-{rs.items.count()}-label": "民主评议",
            f"items-{rs.items.count()}-points": "6",
        },
    )
    audit = AuditEntry.objects.count()
    response = admin.post(f"{reverse('duty:rules')}?year={YEAR}", data, follow=True)
    assert response.status_code == 200
    serving = MemberYearScore.objects.filter(year=YEAR).count()
    assert re.search(rf"重新计算了 {serving} 名委员的积分，用时 \d+\.\d\d 秒", response.content.decode())
    rs.refresh_from_db()
    assert rs.version == 2 and rs.base_points == D("50")
    assert RuleItem.objects.get(ruleset=rs, kind="attended.*").points == D("4")
    assert RuleItem.objects.get(ruleset=rs, kind="attended.appraisal").points == D("6")
    # member: research now 4 instead of 3 → total 34, score 50 + 34 = 84 良好
    after = MemberYearScore.objects.get(member=org.member, year=YEAR)
    assert (after.total, after.score, after.grade) == (D("34.00"), D("84.00"), "良好")
    unchanged = MemberYearScore.objects.get(member=org.member, year=YEAR - 1)
    assert (unchanged.total, unchanged.computed_at, unchanged.ruleset_version) == (
        before_last.total,
        before_last.computed_at,
        before_last.ruleset_version,
    )
    assert ruleset_for(YEAR - 1).items.get(kind="attended.*").points == D("3")
    assert AuditEntry.objects.count() == audit + 1
    entry = AuditEntry.objects.latest("id")
    assert (entry.action, entry.actor_id) == ("duty.save_rules", org.users["admin"].pk)
    assert entry.changes["base_points"] == ["60.00", "50"]


def test_refused_rule_saves_change_nothing(org, third, built, client_for):
    rs = ruleset_for(YEAR)
    url = f"{reverse('duty:rules')}?year={YEAR}"
    items = list(RuleItem.objects.filter(ruleset=rs).values_list("kind", "points").order_by("id"))
    scores = list(MemberYearScore.objects.order_by("id").values_list("id", "score", "computed_at"))
    audit = AuditEntry.objects.count()
    n = _item_index(rs, "attended.*")
    plenary = _item_index(rs, "attended.plenary")

    def unchanged():
        rs.refresh_from_db()
        assert rs.version == 1 and rs.base_points == D("60")
        assert list(RuleItem.objects.filter(ruleset=rs).values_list("kind", "points").order_by("id")) == items
        assert list(MemberYearScore.objects.order_by("id").values_list("id", "score", "computed_at")) == scores
        assert AuditEntry.objects.count() == audit

    for who in ("staff", "leader", "member"):
        assert client_for(org.users[who]).post(url, _rules_post(rs, base_points="0")).status_code == 403
        unchanged()
    admin = client_for(org.users["admin"])
    # a duplicate kind (the form's check)
    duplicate = admin.post(url, _rules_post(rs, **{f"items-{n}-kind": "attended.plenary", f"items-{n}-points": "9"}))
    assert duplicate.status_code == 422 and "与上面的行重复" in duplicate.content.decode()
    unchanged()
    # grades that do not reach 0 (the service's check)
    no_floor = admin.post(url, _rules_post(rs, **{"grades-3-minimum": "10", f"items-{plenary}-points": "9"}))
    assert no_floor.status_code == 422 and "等次须覆盖到0分" in no_floor.content.decode()
    unchanged()
    # a bad kind code and a non-number
    bad = admin.post(url, _rules_post(rs, **{f"items-{n}-kind": "出席", f"items-{plenary}-points": "five"}))
    assert bad.status_code == 422
    unchanged()
    # a form loaded before someone else saved
    stale = admin.post(url, _rules_post(rs, version="0", base_points="70"))
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()
    unchanged()


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's POST form (text inputs, checked boxes, selects)."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._in_form, self._multiple = {}, None, False, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("method") == "post":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[a["name"]] = "on"
            else:
                self.data[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a["name"]
            if "multiple" in a:  # the options chosen, as a browser sends them (none: nothing sent)
                self._multiple = True
                self.data[self._select] = []
        elif tag == "option" and self._select:
            if self._multiple:
                if "selected" in a:
                    self.data[self._select].append(a.get("value", ""))
            elif "selected" in a or self._select not in self.data:
                self.data[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select, self._multiple = None, False
        elif tag == "form":
            self._in_form = False


def _page_form(html: str) -> dict:
    parser = _FormFields()
    parser.feed(html)
    return parser.data


def test_the_rules_page_posted_back_as_loaded_saves(org, client_for):
    admin = client_for(org.users["admin"])
    url = f"{reverse('duty:rules')}?year={YEAR}"
    data = _page_form(admin.get(url).content.decode())
    assert data["items-TOTAL_FORMS"] == str(ruleset_for(YEAR).items.count() + 3)  # three blank rows to add
    items = list(RuleItem.objects.filter(ruleset__year=YEAR).values_list("kind", "points", "yearly_cap"))
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()
    rs = RuleSet.objects.get(year=YEAR)
    assert rs.version == 2
    assert list(RuleItem.objects.filter(ruleset=rs).values_list("kind", "points", "yearly_cap")) == items
    assert [a["period"] for a in rs.alerts] == ["term", "year"]
    # a row deleted and a blank alert row filled in
    data = _page_form(admin.get(url).content.decode())
    other = [k for k, v in data.items() if k.endswith("-kind") and v == "other"][0]
    data[other.replace("-kind", "-DELETE")] = "on"
    data.update(
        {
            "alerts-2-code": "leave_often",
            "alerts-2-label": "一年内请假五次以上",
            "alerts-2-kinds": ["on_leave.*"],
            "alerts-2-count": "5",
        }
    )
    assert admin.post(url, data).status_code == 302
    rs.refresh_from_db()
    assert not rs.items.filter(kind="other").exists()
    assert rs.alerts[-1] == {
        "code": "leave_often",
        "label": "一年内请假五次以上",
        "kinds": ["on_leave.*"],
        "count": 5,
        "period": "year",
    }


def test_rules_page_keeps_past_years_rules_apart(org, client_for):
    ruleset_for(YEAR - 1)
    admin = client_for(org.users["admin"])
    rs = ruleset_for(YEAR)
    plenary = _item_index(rs, "attended.plenary")
    admin.post(f"{reverse('duty:rules')}?year={YEAR}", _rules_post(rs, **{f"items-{plenary}-points": "7"}))
    assert RuleItem.objects.get(ruleset__year=YEAR, kind="attended.plenary").points == D("7")
    assert RuleItem.objects.get(ruleset__year=YEAR - 1, kind="attended.plenary").points == D("5")
    assert RuleSet.objects.get(year=YEAR - 1).version == 1
    # the page of last year shows last year's table
    html = admin.get(reverse("duty:rules"), {"year": YEAR - 1}).content.decode()
    assert f'name="items-{plenary}-points" value="5.00"' in html


def test_ranks_of_every_sector_come_from_one_query(org, third, built, django_assert_num_queries):
    ranks = Ranks(YEAR)
    with django_assert_num_queries(1):
        assert ranks.sector(org.sector.pk, D("93.00")) == 1
        assert ranks.sector(org.other_sector.pk, D("40.00")) == 1
        assert ranks.sector(org.sector.pk, D("81.00")) == 2
        assert ranks.sector(999999, D("81.00")) is None
