"""What each screen of opinion reports shows, built once from the reader and the report(s): the page templates render
it and the API writes it out, so page and API cannot drift apart."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import workflow as wf
from .choices import Level, ProposerKind, ReportState
from .diff import FieldDiff, diff_versions
from .models import OpinionReport


def text_labels() -> dict[str, str]:
    return {"title": _("标题"), "content": _("内容"), "suggestions": _("建议")}


def proposer_words(r: OpinionReport) -> str:
    return _proposer(
        r.proposer_kind,
        collective=r.collective.name if r.collective_id else None,
        lead=r.lead_member.name if r.lead_member_id else None,
        author=str(r.author),
    )


def _proposer(kind: str, *, collective: str | None, lead: str | None, author: str) -> str:
    if kind == ProposerKind.COLLECTIVE and collective is not None:
        return collective
    if kind == ProposerKind.STAFF:
        return _("机关（%(n)s）") % {"n": author}
    if lead is not None:
        return lead
    return author


@dataclass
class LevelFate:
    level: str
    label: str
    reported_on: datetime.date | None
    adopted_on: datetime.date | None
    publication: str

    @property
    def words(self) -> str:
        if self.adopted_on is not None:
            return _("已采用")
        if self.reported_on is not None:
            return _("已报送，未采用")
        return _("未报送")


def fates(report) -> list[LevelFate]:
    """The report's fate at every level (reported or not, adopted or not), from its prefetched levels."""
    return level_fates(report.levels.all())


def level_fates(levels, labels: list[tuple[str, str]] | None = None) -> list[LevelFate]:
    """The fate at every level from a report's levels (rows with level, reported_on, adopted_on, publication)."""
    rows = {row.level: row for row in levels}
    out = []
    for code, label in labels or _level_labels():
        row = rows.get(code)
        out.append(
            LevelFate(
                code,
                label,
                row.reported_on if row else None,
                row.adopted_on if row else None,
                row.publication if row else "",
            )
        )
    return out


def _level_labels() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in Level.choices]


@dataclass
class ReportRow:
    id: int
    number: str
    title: str
    year: int
    state: str
    state_label: str
    category: str
    proposer: str
    submitted_at: datetime.datetime | None
    levels: list[LevelFate]

    @property
    def adopted_words(self) -> str:
        return "、".join(f.label for f in self.levels if f.adopted_on) or ""

    @property
    def reported_words(self) -> str:
        return "、".join(f.label for f in self.levels if f.reported_on) or ""


def report_row(r: OpinionReport) -> ReportRow:
    return ReportRow(
        id=r.pk,
        number=r.number,
        title=r.title or _("（无标题）"),
        year=r.year,
        state=r.state,
        state_label=r.get_state_display(),
        category=r.category.name if r.category_id else "",
        proposer=proposer_words(r),
        submitted_at=r.submitted_at,
        levels=fates(r),
    )


@dataclass
class _LevelValues:
    """A level of a list row, read as values."""

    level: str
    reported_on: datetime.date | None
    adopted_on: datetime.date | None
    publication: str


def report_rows(reports: list[dict], levels: list[tuple]) -> list[ReportRow]:
    """A list page's rows from its reports as values (``selectors.report_row_values``) and their levels (tuples of
    report id, level, reported_on, adopted_on, publication): no model instances for the 20–200 rows of a page."""
    by_report: dict[int, list] = {}
    for report_id, *fields in levels:
        by_report.setdefault(report_id, []).append(_LevelValues(*fields))
    labels = _level_labels()
    states = {code: str(label) for code, label in ReportState.choices}
    out = []
    for r in reports:
        author = r["author__display_name"] or r["author__username"]
        out.append(
            ReportRow(
                id=r["id"],
                number=r["number"],
                title=r["title"] or _("（无标题）"),
                year=r["year"],
                state=r["state"],
                state_label=states.get(r["state"], r["state"]),
                category=r["category__name"] or "",
                proposer=_proposer(
                    r["proposer_kind"], collective=r["collective__name"], lead=r["lead_member__name"], author=author
                ),
                submitted_at=r["submitted_at"],
                levels=level_fates(by_report.get(r["id"], []), labels),
            )
        )
    return out


@dataclass
class ActionButton:
    name: str
    label: str
    style: str
    confirm: str
    takes_input: bool


@dataclass
class ReportDetail:
    report: OpinionReport
    row: ReportRow
    allowed_actions: list[str]
    buttons: list[ActionButton]
    coauthors: list[dict]
    versions: list
    diff: list[FieldDiff]
    diff_from: int | None
    diff_to: int | None
    levels: list[LevelFate]
    instructions: list
    attachments: list
    events: list
    may_edit_draft: bool
    is_author: bool
    archive_reason: str
    proposal: dict | None = field(default=None)


def report_detail(report: OpinionReport, user, *, diff_from: int | None = None, diff_to: int | None = None):
    allowed = wf.OPINION.allowed(report, user)
    versions = list(report.versions.all())
    by_number = {v.number: v for v in versions}
    diff: list[FieldDiff] = []
    a = b = None
    if len(versions) >= 2:
        a = diff_from if diff_from in by_number else versions[0].number
        b = diff_to if diff_to in by_number else versions[-1].number
        if a != b:
            diff = diff_versions(by_number[a], by_number[b], text_labels())
    rel = wf.relations_to_report(report, user)
    coauthors = [
        {"member_id": c.member_id, "name": c.member.name, "state": c.state, "state_label": c.get_state_display()}
        for c in report.coauthors.all()
    ]
    is_author = (
        wf.AUTHOR in rel
        or (report.lead_member_id and report.lead_member.user_id == user.pk)
        or any(c.member.user_id == user.pk and c.state == "confirmed" for c in report.coauthors.all())
    )
    return ReportDetail(
        report=report,
        row=report_row(report),
        allowed_actions=allowed,
        buttons=[
            ActionButton(
                n,
                str(wf.OPINION[n].label),
                wf.OPINION[n].style,
                str(wf.OPINION[n].confirm or ""),
                wf.OPINION[n].takes_input,
            )
            for n in allowed
        ],
        coauthors=coauthors,
        versions=versions,
        diff=diff,
        diff_from=a,
        diff_to=b,
        levels=fates(report),
        instructions=list(report.instructions.all()),
        attachments=list(report.attachments.all()),
        events=[
            {"at": e.at, "actor_label": e.actor_label, "label": str(wf.OPINION.label(e.action) or ""), "note": e.note}
            for e in report.events.all()
        ],
        may_edit_draft=report.state == ReportState.DRAFT and report.author_id == user.pk,
        is_author=bool(is_author),
        archive_reason=report.archive_reason if report.state == ReportState.ARCHIVED else "",
        proposal=(
            {"id": report.proposal_id, "number": report.proposal_number, "title": report.proposal_title}
            if report.proposal_id
            else None
        ),
    )
