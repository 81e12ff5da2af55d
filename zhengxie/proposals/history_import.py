"""Importing earlier years' proposals (历史提案) from .xlsx spreadsheets, in the member import's two steps.

1. ``read_rows`` turns the upload into plain rows (an odd cell — a formula, a date, TRUE/FALSE, an error value — is
   kept as a problem of that cell, never a server error); ``people.imports.batch_save`` keeps them for the preview,
   which runs ``check_rows`` and shows every row's errors.
2. ``import_confirm`` checks the rows again, under the lock of the years' number counters, and writes them in one
   transaction: nothing while a row is in error, unless the caller chose to skip those rows.

Imported proposals arrive closed (``PROPOSAL.arrival("history_import")``) with their assignments replied, the reply
category and satisfaction stored as an approved reply and its rating, so that the statistics, the list filters and
whatever learns from past assignments read them like any closed proposal. They are written here, not through the
workflow's actions: no notification, reminder or duty record follows. One audit row records each import.

The key is the year and the number (案号): a row whose number an earlier import gave updates that proposal; a row
without a number updates the earlier import's proposal of that year with the same title, else gets the next number
of the year's counter (``YearCounter``, the registration sequence), which is moved past every number imported so
that the numbers registered later never collide with them. A number registered by a live proposal is a row error.
"""

import datetime
import re
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import openpyxl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from zhengxie.audit.services import audit_record
from zhengxie.core import spreadsheets
from zhengxie.core.access import has_perm
from zhengxie.people.imports import LIST_SEPARATOR, Column, RowResult, column_positions
from zhengxie.people.models import CollectiveProposer, HandlingUnit, Member

from . import workflow
from .choices import AssignmentRole, AssignmentState, CosignState, ReplyState, Satisfaction
from .choices import ProposalState as P
from .conf import conf, grade_codes
from .models import (
    Assignment,
    Category,
    Cosignature,
    Evaluation,
    Proposal,
    Reply,
    TimelineEntry,
    YearCounter,
)
from .search_index import proposals_indexed_on_commit
from .statistics.changes import figures_changed
from .statistics.definitions import refresh_assignment_figures

KIND = "proposal_history"  # the kind of the stored batches (people.imports.batch_save)
PERM = "proposals.import_history"
ARRIVAL = "history_import"
AUDIT_ACTION = "proposal.history_import"

COLUMNS = (
    Column("year", "年度", True),
    Column("number", "案号"),
    Column("title", "案由", True),
    Column("analysis", "情况分析"),
    Column("suggestions", "具体建议"),
    Column("proposers", "提案人"),
    Column("category", "类别"),
    Column("lead_units", "主办单位", True),
    Column("co_units", "会办单位"),
    Column("grade", "答复类别"),
    Column("satisfaction", "满意度"),
)
HEADERS = {c.key: c.header for c in COLUMNS}
FIRST_YEAR = 1949  # the first CPPCC plenary
TITLE_MAX = Proposal._meta.get_field("title").max_length
TEXT_MAX = 50_000  # as a reply's text may hold
NAME_MAX = Member._meta.get_field("name").max_length
NAMES_MAX = Proposal._meta.get_field("proposer_names").max_length
SEQ_MAX = 999_999
SATISFACTIONS = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.DISSATISFIED)
_SEPARATORS = re.compile(r"[、,，;；\s]+")
# What no text typed into a cell holds (a NUL cannot even be stored by PostgreSQL); tabs and line breaks may stay.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
SHANGHAI = ZoneInfo("Asia/Shanghai")


# Reading the file ----------------------------------------------------------------------------------------------


def _cell(cell) -> tuple[str, str]:
    """``(text, problem)``: the cell as text, or "" and what is wrong with it (a problem code)."""
    value = getattr(cell, "value", None)
    if value is None:
        return "", ""
    kind = getattr(cell, "data_type", "")
    if kind == "f":
        return "", "formula"
    if kind == "e":
        return "", "error"
    if isinstance(value, bool):
        return "", "boolean"
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return "", "date"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "", "error"
        return (str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)), ""
    return str(value).strip(), ""


def read_rows(upload) -> list[dict]:
    """``[{"line", "values": {key: text}, "problems": {key: code}}]`` for the first sheet's non-empty rows. Raises
    ``ValidationError`` for a file that is too big, no real .xlsx, lacks required columns, has no or too many rows."""
    # Formulas are read as formulas, so that a cell computed by a program is refused in words rather than read as
    # its cached value, or as nothing when it was never computed.
    return spreadsheets.read_first_sheet(upload, _rows_of, formulas=True)


def _rows_of(sheet) -> list[dict]:
    lines = sheet.iter_rows()
    positions = column_positions([_cell(c)[0] for c in next(lines, ())], COLUMNS)
    rows = []
    for line, cells in enumerate(lines, start=2):
        values, problems = {}, {}
        for index, key in positions.items():
            text, problem = _cell(cells[index]) if index < len(cells) else ("", "")
            values[key] = text
            if problem:
                problems[key] = problem
        if not any(values.values()) and not problems:
            continue  # an empty row
        if len(rows) == settings.IMPORT_MAX_ROWS:
            raise ValidationError(
                _("文件的数据超过 %(n)d 行，请分批导入。") % {"n": settings.IMPORT_MAX_ROWS}, code="too_many_rows"
            )
        rows.append({"line": line, "values": values, "problems": problems})
    if not rows:
        raise ValidationError(_("文件中没有数据行。"), code="empty")
    return rows


# Checking rows -------------------------------------------------------------------------------------------------


def _problem_words(code: str, column: str) -> str:
    words = {
        "formula": _("「%(column)s」是公式，请改为填写其结果（文字或数字）。"),
        "date": _("「%(column)s」是日期或时间格式，应填写文字或数字。"),
        "boolean": _("「%(column)s」是逻辑值（TRUE/FALSE），应填写文字或数字。"),
        "error": _("「%(column)s」是错误值（如 #N/A），请改正。"),
    }
    return words.get(code, words["error"]) % {"column": column}


def _names(text: str) -> list[str]:
    """The names in a cell, in order, each once."""
    return list(dict.fromkeys(n for n in _SEPARATORS.split(text) if n))


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _parse_year(text: str) -> int | None:
    if not re.fullmatch(r"\d{4}", text):
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= timezone.localdate().year else None


def _parse_seq(text: str, year: int) -> int | None:
    """The sequence number in a 案号: the year followed by the sequence (20190012) or the sequence alone (12)."""
    if not re.fullmatch(r"\d{1,12}", text):
        return None
    digits = text[4:] if len(text) > 4 and text.startswith(str(year)) else text
    seq = int(digits)
    return seq if 1 <= seq <= SEQ_MAX else None


def _number(year: int, seq: int) -> str:
    return conf("NUMBER_FORMAT").format(year=year, seq=seq)


class _Lookups:
    """What every row is checked against, read once for the whole file."""

    def __init__(self, rows: list[dict]):
        self.units: dict[str, HandlingUnit | None] = {}
        units = list(HandlingUnit.objects.all())
        shorts = Counter(u.short_name for u in units if u.short_name)
        for unit in units:
            if unit.short_name:
                # A short name two units share names neither: the row must give the full name.
                self.units[unit.short_name] = unit if shorts[unit.short_name] == 1 else None
        self.units |= {u.name: u for u in units}
        self.categories = {c.name: c for c in Category.objects.all()}
        self.collectives = {c.name: c for c in CollectiveProposer.objects.all()}
        names = sorted({n for r in rows for n in _names(r["values"].get("proposers", "")) if len(n) <= NAME_MAX})
        self.members = defaultdict(list)
        for chunk in _chunks(names):
            for member in (
                Member.objects.filter(name__in=chunk).select_related("sector", "party").prefetch_related("terms")
            ):
                self.members[member.name].append(member)
        years = sorted({y for r in rows if (y := _parse_year(r["values"].get("year", ""))) is not None})
        self.imported_by_seq, self.imported_by_title, self.live_seqs = {}, {}, set()
        for pk, year, seq, title, imported in Proposal.objects.filter(year__in=years, seq__isnull=False).values_list(
            "pk", "year", "seq", "title", "imported"
        ):
            if imported:
                self.imported_by_seq[(year, seq)] = pk
                self.imported_by_title.setdefault((year, title), pk)
            else:
                self.live_seqs.add((year, seq))

    def member(self, name: str, year: int) -> Member | None:
        """The one member of that name who served in a term covering ``year``; None when none or several did."""
        serving = [
            m
            for m in self.members.get(name, ())
            if any(t.starts_on.year <= year <= t.ends_on.year for t in m.terms.all())
        ]
        return serving[0] if len(serving) == 1 else None


def _text(row: RowResult, key: str, limit: int) -> str:
    value = row.values.get(key, "")
    if _CONTROL.search(value):
        row.fail(key, _("「%(column)s」含有不允许的控制字符。") % {"column": HEADERS[key]})
    elif len(value) > limit:
        row.fail(
            key,
            _("「%(column)s」最多 %(max)d 字，这里有 %(n)d 字。")
            % {"column": HEADERS[key], "max": limit, "n": len(value)},
        )
    return value


def _units(row: RowResult, key: str, lookups: _Lookups) -> list[HandlingUnit]:
    names = _names(row.values.get(key, ""))
    unknown = [n for n in names if lookups.units.get(n) is None]
    if unknown:
        shared = [n for n in unknown if n in lookups.units]
        if shared:
            row.fail(key, _("这些简称对应多个单位，请填写全称：%(names)s。") % {"names": LIST_SEPARATOR.join(shared)})
        others = [n for n in unknown if n not in lookups.units]
        if others:
            row.fail(key, _("未知的承办单位：%(names)s。") % {"names": LIST_SEPARATOR.join(others)})
    return list(dict.fromkeys(lookups.units[n] for n in names if lookups.units.get(n) is not None))


def _check_row(raw: dict, lookups: _Lookups, seen_seqs: dict, seen_titles: dict, seen_targets: dict) -> RowResult:
    row = RowResult(line=raw["line"], values=raw["values"])
    for key, code in raw.get("problems", {}).items():
        row.fail(key, _problem_words(code, HEADERS[key]))
    v = row.values
    for column in COLUMNS:
        if column.required and not v.get(column.key) and column.key not in row.errors:
            row.fail(column.key, _("「%(column)s」不能为空。") % {"column": column.header})

    year = _parse_year(v.get("year", "")) if v.get("year") else None
    if v.get("year") and year is None:
        row.fail(
            "year",
            _("年度应为 %(first)d 至 %(last)d 之间的四位数字。")
            % {"first": FIRST_YEAR, "last": timezone.localdate().year},
        )
    title = _text(row, "title", TITLE_MAX)
    analysis, suggestions = _text(row, "analysis", TEXT_MAX), _text(row, "suggestions", TEXT_MAX)

    seq, target = None, None
    if v.get("number") and year is not None:
        seq = _parse_seq(v["number"], year)
        if seq is None:
            row.fail(
                "number", _("案号应为年度加序号（如 %(example)s）或序号（如 12）。") % {"example": _number(year, 12)}
            )
        elif (year, seq) in lookups.live_seqs:
            row.fail("number", _("案号 %(n)s 已是本年度立案提案的编号。") % {"n": _number(year, seq)})
        elif (year, seq) in seen_seqs:
            row.fail("number", _("与第 %(line)d 行的案号重复。") % {"line": seen_seqs[(year, seq)]})
        else:
            seen_seqs[(year, seq)] = row.line
            target = lookups.imported_by_seq.get((year, seq))
    elif year is not None and title:
        if (year, title) in seen_titles:
            row.fail(
                "title", _("与第 %(line)d 行同一年度、同一案由，且都没有案号。") % {"line": seen_titles[(year, title)]}
            )
        else:
            seen_titles[(year, title)] = row.line
            target = lookups.imported_by_title.get((year, title))

    names_text = _text(row, "proposers", NAMES_MAX)
    names = _names(names_text)
    long_names = [n for n in names if len(n) > NAME_MAX]
    if long_names:
        row.fail(
            "proposers", _("姓名最多 %(max)d 字：%(names)s。") % {"max": NAME_MAX, "names": long_names[0][:20] + "…"}
        )
    collective = lookups.collectives.get(names[0]) if len(names) == 1 else None
    members = [] if collective or year is None else [lookups.member(n, year) for n in names]

    category = None
    if v.get("category"):
        category = lookups.categories.get(v["category"])
        if category is None:
            row.fail("category", _("未知的类别：%(name)s。") % {"name": v["category"][:50]})
    lead_units = _units(row, "lead_units", lookups)
    co_units = _units(row, "co_units", lookups)
    both = [u.short_name or u.name for u in lead_units if u in co_units]
    if both:
        row.fail("co_units", _("不能同时是主办单位和会办单位：%(names)s。") % {"names": LIST_SEPARATOR.join(both)})

    grade = v.get("grade", "").upper().removesuffix("类").strip()
    if grade and grade not in grade_codes():
        row.fail("grade", _("答复类别应填写：%(words)s。") % {"words": " / ".join(grade_codes())})
    satisfaction = ""
    if v.get("satisfaction"):
        with translation.override("zh-hans"):
            words = {str(s.label): s.value for s in SATISFACTIONS}
        satisfaction = words.get(v["satisfaction"], "")
        if not satisfaction:
            row.fail("satisfaction", _("满意度应填写：%(words)s。") % {"words": LIST_SEPARATOR.join(words)})
        elif not grade:
            row.fail("satisfaction", _("填写满意度时须同时填写答复类别。"))

    if target is not None:
        if target in seen_targets:
            row.fail("title", _("与第 %(line)d 行是同一件提案。") % {"line": seen_targets[target]})
        else:
            seen_targets[target] = row.line
    if not row.errors:
        row.target = target
        row.action = "update" if target else "create"
        row.data = {
            "year": year,
            "seq": seq,
            "title": title,
            "analysis": analysis,
            "suggestions": suggestions,
            "names": names,
            "collective": collective,
            "members": members,
            "category": category,
            "lead_units": lead_units,
            "co_units": co_units,
            "grade": grade,
            "satisfaction": satisfaction,
        }
    return row


def check_rows(rows: list[dict]) -> list[RowResult]:
    """Every row checked against the database as it is now: its errors, or what writing it would do ("create",
    "update", or "unchanged" for a proposal an earlier import wrote just so)."""
    lookups = _Lookups(rows)
    seen_seqs, seen_titles, seen_targets = {}, {}, {}
    results = [_check_row(raw, lookups, seen_seqs, seen_titles, seen_targets) for raw in rows]
    stored = _stored_shapes([r.target for r in results if r.target])
    for row in results:
        if row.target and stored.get(row.target) == _shape(row):
            row.action = "unchanged"
    return results


def _roles(d: dict) -> list[tuple[HandlingUnit, str]]:
    """The assignments a row makes: its handling units with their ways of handling."""
    if d["co_units"]:
        lead_role = AssignmentRole.LEAD
    else:
        lead_role = AssignmentRole.SINGLE if len(d["lead_units"]) == 1 else AssignmentRole.SEPARATE
    return [*((u, lead_role) for u in d["lead_units"]), *((u, AssignmentRole.CO) for u in d["co_units"])]


def _shape(row: RowResult) -> tuple:
    """What a row makes of a proposal, to compare with what is stored (``_stored_shapes``)."""
    d = row.data
    lead = d["members"][0] if d["members"] else None
    owes = [role != AssignmentRole.CO for _unit, role in _roles(d)]
    return (
        d["title"],
        d["analysis"],
        d["suggestions"],
        d["category"].pk if d["category"] else None,
        d["collective"].pk if d["collective"] else None,
        lead.pk if lead else None,
        LIST_SEPARATOR.join(d["names"]),
        tuple(sorted((u.pk, str(role)) for u, role in _roles(d))),
        tuple(sorted({(d["grade"], d["satisfaction"]) if o else ("", "") for o in owes})),
        tuple(sorted({m.pk for m in d["members"] if m is not None and m != lead})),
    )


def _stored_shapes(ids: list[int]) -> dict[int, tuple]:
    fields = ("title", "analysis", "suggestions", "category_id", "collective_id", "lead_member_id", "proposer_names")
    proposals, units, figures, cosigners = {}, defaultdict(list), defaultdict(set), defaultdict(set)
    for chunk in _chunks(sorted(ids)):
        for pk, *values in Proposal.objects.filter(pk__in=chunk).values_list("pk", *fields):
            proposals[pk] = tuple(values)
        for pk, unit, role, grade, rating in Assignment.objects.filter(proposal_id__in=chunk).values_list(
            "proposal_id", "unit_id", "role", "current_grade", "proposer_rating"
        ):
            units[pk].append((unit, role))
            figures[pk].add((grade, rating))
        for pk, member in Cosignature.objects.filter(proposal_id__in=chunk).values_list("proposal_id", "member_id"):
            cosigners[pk].add(member)
    return {
        pk: (*values, tuple(sorted(units[pk])), tuple(sorted(figures[pk])), tuple(sorted(cosigners[pk])))
        for pk, values in proposals.items()
    }


def matched_count(row: RowResult) -> tuple[int, int]:
    """(proposers matched to a member or a collective, proposers named) of a row free of errors."""
    if not row.data:
        return 0, 0
    if row.data["collective"]:
        return 1, 1
    return sum(1 for m in row.data["members"] if m is not None), len(row.data["names"])


# Writing -------------------------------------------------------------------------------------------------------


def settled_at(year: int) -> datetime.datetime:
    """When an imported proposal of ``year`` is recorded as submitted, registered, assigned, replied and closed:
    the spreadsheets give no dates, so mid-year (1 July, noon, Shanghai) — within the year and within a term that
    covers it — or now, for this year before July."""
    return min(datetime.datetime(year, 7, 1, 12, tzinfo=SHANGHAI), timezone.now())


def _lock_counters(years: list[int]) -> dict[int, YearCounter]:
    """The years' registration counters, locked: no proposal of these years is registered until the import ends."""
    counters = {}
    for year in years:
        counter, _created = YearCounter.objects.select_for_update().get_or_create(year=year)
        counters[year] = counter
    return counters


def _proposal_fields(row: RowResult, actor, at: datetime.datetime) -> dict:
    d = row.data
    lead = d["members"][0] if d["members"] else None
    return {
        "year": d["year"],
        "title": d["title"],
        "analysis": d["analysis"],
        "suggestions": d["suggestions"],
        "category": d["category"],
        "collective": d["collective"],
        "lead_member": lead,
        "lead_sector": lead.sector if lead else (d["collective"].sector if d["collective"] else None),
        "lead_party": lead.party if lead else (d["collective"].party if d["collective"] else None),
        "proposer_names": LIST_SEPARATOR.join(d["names"]),
        "submitted_at": at,
        "registered_at": at,
        "assigned_at": at,
        "replied_at": at,
        "closed_at": at,
    }


def _children(rows: list[tuple[RowResult, Proposal]], actor, *, created_ids: set[int]) -> None:
    """The assignments, replies, ratings, co-signatures and timeline entries of the written proposals."""
    label = str(actor)[:150]
    assignments, per_assignment = [], []
    cosignatures, timeline = [], []
    for row, proposal in rows:
        d, at = row.data, proposal.closed_at
        day = timezone.localdate(at)
        for unit, role in _roles(d):
            co = role == AssignmentRole.CO
            assignments.append(
                workflow.ASSIGNMENT.arrive(
                    Assignment,
                    ARRIVAL,
                    AssignmentState.OPINION_SENT if co else AssignmentState.REPLIED,
                    proposal=proposal,
                    unit=unit,
                    role=role,
                    assigned_at=at,
                    dispute_deadline=day,
                    accepted_at=at,
                    due_date=day,
                    co_opinion_at=at if co else None,
                    year=proposal.year,
                )
            )
            per_assignment.append(None if co else d)
        lead = proposal.lead_member
        for member in dict.fromkeys(m for m in d["members"] if m is not None and m != lead):
            cosignatures.append(
                Cosignature(
                    proposal=proposal, member=member, state=CosignState.CONFIRMED, answered_at=at, year=proposal.year
                )
            )
        if proposal.pk in created_ids:
            timeline.append(
                TimelineEntry(
                    proposal=proposal, at=at, actor=actor, actor_label=label, action=ARRIVAL, to_state=P.CLOSED
                )
            )
    Assignment.objects.bulk_create(assignments, batch_size=500)
    replies, rated = [], []
    for assignment, d in zip(assignments, per_assignment, strict=True):
        if d is None or not d["grade"]:
            continue
        at = assignment.assigned_at
        replies.append(
            Reply(
                assignment=assignment,
                round=1,
                text="",
                grade=d["grade"],
                state=ReplyState.APPROVED,
                drafted_by=actor,
                drafted_at=at,
                signed_at=at,
                approved_at=at,
            )
        )
        rated.append(d["satisfaction"])
    Reply.objects.bulk_create(replies, batch_size=500)
    Evaluation.objects.bulk_create(
        [
            Evaluation(reply=r, proposal_id=r.assignment.proposal_id, satisfaction=s, at=r.approved_at)
            for r, s in zip(replies, rated, strict=True)
            if s
        ],
        batch_size=500,
    )
    Cosignature.objects.bulk_create(cosignatures, batch_size=500)
    TimelineEntry.objects.bulk_create(timeline, batch_size=500)


def _write(results: list[RowResult], actor, counters: dict[int, YearCounter]) -> tuple[int, int]:
    rows = [r for r in results if r.action in ("create", "update")]
    # Numbers: the given ones kept, the others the next of the year's sequence, beyond every number in use.
    years = sorted({r.data["year"] for r in rows})
    highest = dict(
        Proposal.objects.filter(year__in=years).values("year").annotate(m=Max("seq")).values_list("year", "m")
    )
    for row in rows:
        if row.data["seq"] is not None:
            year = row.data["year"]
            highest[year] = max(highest.get(year) or 0, row.data["seq"])
    next_seq = {y: max(counters[y].last_seq, highest.get(y) or 0) for y in years}

    created, updated = [], []
    for row in rows:
        year = row.data["year"]
        fields = _proposal_fields(row, actor, settled_at(year))
        if row.target:
            # One UPDATE a row: Django's bulk_update builds a CASE per field and row (40 s for 2,000 rows here).
            del fields["year"]  # the key: unchanged
            Proposal.objects.filter(pk=row.target).update(**fields)
            updated.append((row, Proposal(pk=row.target, year=year, **fields)))
            continue
        seq = row.data["seq"]
        if seq is None:
            next_seq[year] += 1
            seq = next_seq[year]
        proposal = workflow.PROPOSAL.arrive(
            Proposal, ARRIVAL, P.CLOSED, seq=seq, number=_number(year, seq), author=actor, imported=True, **fields
        )
        created.append((row, proposal))
    for year in years:
        counter = counters[year]
        if next_seq[year] > counter.last_seq:
            counter.last_seq = next_seq[year]
            counter.save(update_fields=["last_seq"])

    Proposal.objects.bulk_create([p for _row, p in created], batch_size=500)
    for chunk in _chunks([p.pk for _row, p in updated]):  # re-imported: assignments and co-signers written afresh
        Assignment.objects.filter(proposal_id__in=chunk).delete()
        Cosignature.objects.filter(proposal_id__in=chunk).delete()
    written = [*created, *updated]
    _children(written, actor, created_ids={p.pk for _row, p in created})
    for chunk in _chunks([p.pk for _row, p in written]):
        refresh_assignment_figures(Assignment.objects.filter(proposal_id__in=chunk))
    for proposal in {p.year: p for _row, p in written}.values():
        figures_changed(proposal)
    proposals_indexed_on_commit([p.pk for _row, p in written])  # found by the search, as live ones are
    return len(created), len(updated)


@transaction.atomic
def import_confirm(*, actor, rows: list[dict], filename: str, skip_errors: bool) -> dict[str, int]:
    """Write the rows of a batch: nothing while a row is in error, unless ``skip_errors``. Returns the counts
    created / updated / unchanged / skipped; one audit row records them."""
    if actor is None or not has_perm(actor, PERM):
        raise PermissionDenied
    years = sorted({y for r in rows if (y := _parse_year(r["values"].get("year", ""))) is not None})
    counters = _lock_counters(years)
    results = check_rows(rows)  # again, now that no number of these years can be given meanwhile
    in_error = sum(1 for r in results if r.errors)
    if in_error and not skip_errors:
        raise ValidationError(
            _("有 %(n)d 行存在错误，未导入任何数据。请修改文件后重新上传，或选择跳过有错误的行。") % {"n": in_error},
            code="rows_in_error",
        )
    created, updated = _write(results, actor, counters)
    unchanged = sum(1 for r in results if r.action == "unchanged")
    counts = {"created": created, "updated": updated, "unchanged": unchanged, "skipped": in_error}
    written = sorted({r.data["year"] for r in results if not r.errors})
    audit_record(
        actor=actor,
        action=AUDIT_ACTION,
        object_type="proposals.proposal",
        object_repr=filename[:200],
        changes={**{key: [None, n] for key, n in counts.items()}, "imported_years": [None, written]},
    )
    return counts


# The template ----------------------------------------------------------------------------------------------------


def template() -> bytes:
    """An empty sheet with the column names and a sheet explaining each column."""
    with translation.override("zh-hans"):
        satisfactions = LIST_SEPARATOR.join(str(s.label) for s in SATISFACTIONS)
    notes = [
        ("年度", _("必填，四位数字，如 2019。")),
        (
            "案号",
            _(
                "可不填。填写年度加序号（如 20190012）或序号（如 12）；年度加案号识别同一件提案，"
                "再次导入时更新而不重复添加。不填时按本年度的立案编号顺延编号。"
            ),
        ),
        ("案由", _("必填，最多 %(n)d 字。") % {"n": TITLE_MAX}),
        ("情况分析", _("可不填，最多 %(n)d 字。") % {"n": TEXT_MAX}),
        ("具体建议", _("可不填，最多 %(n)d 字。") % {"n": TEXT_MAX}),
        (
            "提案人",
            _(
                "可不填。多人时用“、”分隔，第一位为第一提案人；按姓名和任职届次匹配委员，匹配不到的照录姓名；"
                "填写集体提案者名称时记为集体提案。"
            ),
        ),
        ("类别", _("可不填，填写已有的提案类别名称。")),
        ("主办单位", _("必填，填写承办单位全称或简称，多个时用“、”分隔。")),
        ("会办单位", _("可不填，填法同主办单位。")),
        ("答复类别", _("可不填，填写：%(words)s。") % {"words": " / ".join(grade_codes())}),
        ("满意度", _("可不填，填写：%(words)s；须同时填写答复类别。") % {"words": satisfactions}),
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("历史提案")
    spreadsheets.append(sheet, [c.header for c in COLUMNS])
    for index in range(1, len(COLUMNS) + 1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = 30 if index in (3, 4, 5) else 14
    help_sheet = book.create_sheet(_("填写说明"))
    spreadsheets.append(help_sheet, [_("列"), _("说明")])
    for header, note in notes:
        spreadsheets.append(help_sheet, [header, note])
    help_sheet.column_dimensions["A"].width = 14
    help_sheet.column_dimensions["B"].width = 90
    return spreadsheets.workbook_bytes(book)
