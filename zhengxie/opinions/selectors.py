"""Reads of opinion reports that know the user: ``visible_reports(user)`` is the one restricted queryset every read
on someone's behalf starts from (the lists, the detail, the search, the services' checks)."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role

from .choices import CoAuthorState, Level, ProposerKind, ReportState
from .models import (
    ADOPTED_FLAGS,
    CoAuthor,
    Instruction,
    OpinionAttachment,
    OpinionEvent,
    OpinionReport,
    OpinionVersion,
    ReportLevel,
)

S = ReportState
# Who reads every report once it is submitted: the secretariat (its editors included) and the leaders.
READ_ALL = {Role.SECRETARIAT, Role.OPINION_EDITOR, Role.LEADER}
AUTHORING = (CoAuthorState.INVITED, CoAuthorState.CONFIRMED)


def visible_reports(user) -> QuerySet[OpinionReport]:
    """Drafts to their author and invited co-authors; after submission also to the secretariat, its editors and the
    leaders; a collective's reports to its contacts."""
    if user is None or not user.is_authenticated:
        return OpinionReport.objects.none()
    roles = roles_of(user)
    rule = Q(author_id=user.pk)
    if roles & READ_ALL:
        rule |= ~Q(state=S.DRAFT)
    if Role.MEMBER in roles:
        rule |= Q(lead_member__user_id=user.pk) | Exists(
            CoAuthor.objects.filter(report=OuterRef("pk"), member__user_id=user.pk, state__in=AUTHORING)
        )
    if user.collectives.exists():
        rule |= Q(collective__contacts=user)
    return OpinionReport.objects.filter(rule)


def is_invited(report, user) -> bool:
    return CoAuthor.objects.filter(report=report, member__user_id=user.pk, state=CoAuthorState.INVITED).exists()


def reported_levels(report) -> set[str]:
    # report.levels.all(): the levels report_get prefetched, or else read now.
    return {row.level for row in report.levels.all()}


def unreported_levels(report) -> list[str]:
    done = reported_levels(report)
    return [code for code in Level.values if code not in done]


def unadopted_levels(report) -> list[str]:
    return [row.level for row in sorted(report.levels.all(), key=lambda row: row.pk) if row.adopted_on is None]


def author_members(report) -> list:
    """The members whose duty the report is: the lead member and the co-authors who confirmed."""
    members = [report.lead_member] if report.lead_member_id else []
    members += [
        c.member
        for c in CoAuthor.objects.filter(report=report, state=CoAuthorState.CONFIRMED)
        .select_related("member")
        .order_by("id")
    ]
    return members


def author_users(report) -> list:
    """Who is told of the report's fate: its author, the lead member's account and the confirmed co-authors."""
    users = {report.author_id: report.author}
    for m in author_members(report):
        if m.user_id:
            users.setdefault(m.user_id, m.user)
    return list(users.values())


# Lists ---------------------------------------------------------------------------------------------------------

LIST_FIELDS = (
    "id",
    "year",
    "seq",
    "number",
    "title",
    "state",
    "proposer_kind",
    "submitted_at",
    "updated_at",
    "author_id",
    "category__name",
    "lead_member__name",
    "collective__name",
    "author__display_name",
    "author__username",
)


def report_list(*, user, filters: dict | None = None) -> QuerySet[OpinionReport]:
    """The reports ``user`` sees, narrowed by ``filters`` (year, state, category, level, adopted, mine, q, and the
    statistics' received, signed_off, reported, instructed, member, sector, proposer_kind), newest first."""
    f = filters or {}
    qs = visible_reports(user)
    if f.get("year"):
        qs = qs.filter(year=f["year"])
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("category"):
        qs = qs.filter(category_id=f["category"])
    if f.get("level"):
        qs = qs.filter(Exists(ReportLevel.objects.filter(report=OuterRef("pk"), level=f["level"])))
    if f.get("adopted"):  # the reports' copies of their levels' adoptions (models.ADOPTED_FLAGS)
        if f["adopted"] in Level.values:  # adopted=city|province|national: by that level
            qs = qs.filter(**{ADOPTED_FLAGS[f["adopted"]]: True})
        else:
            qs = qs.filter(Q(adopted_city=True) | Q(adopted_province=True) | Q(adopted_national=True))
    # The statistics' figures (statistics.FIGURE_FILTERS) list their reports with these.
    if f.get("received"):
        qs = qs.exclude(state=S.DRAFT)
    if f.get("signed_off"):
        qs = qs.filter(signed_off_at__isnull=False)
    if f.get("reported"):
        qs = qs.filter(reported_at__isnull=False)
    if f.get("instructed"):
        qs = qs.filter(Exists(Instruction.objects.filter(report=OuterRef("pk"))))
    if f.get("member"):  # first author or confirmed co-author
        qs = qs.filter(
            Q(lead_member_id=f["member"])
            | Exists(
                CoAuthor.objects.filter(report=OuterRef("pk"), member_id=f["member"], state=CoAuthorState.CONFIRMED)
            )
        )
    if f.get("sector"):  # the first author's sector when submitted
        qs = qs.filter(lead_sector_id=f["sector"], proposer_kind=ProposerKind.MEMBER)
    if f.get("proposer_kind"):
        qs = qs.filter(proposer_kind=f["proposer_kind"])
    if f.get("mine"):
        qs = qs.filter(
            Q(author_id=user.pk)
            | Q(lead_member__user_id=user.pk)
            | Exists(CoAuthor.objects.filter(report=OuterRef("pk"), member__user_id=user.pk, state__in=AUTHORING))
        )
    if f.get("states"):
        qs = qs.filter(state__in=f["states"])
    if f.get("q"):
        qs = qs.filter(title__icontains=f["q"])
    return (
        qs.select_related("category", "lead_member", "collective", "author")
        .only(*LIST_FIELDS)
        .prefetch_related(Prefetch("levels", queryset=ReportLevel.objects.order_by("id")))
        .order_by("-year", "-seq", "-id")
    )


# A member's fields a report's page never shows: the encrypted ones (decrypted on every load) and their digests.
MEMBER_UNREAD = ("id_number", "id_number_digest", "mobile", "mobile_digest")


ROW_VALUES = (
    "id",
    "year",
    "number",
    "title",
    "state",
    "proposer_kind",
    "submitted_at",
    "category__name",
    "lead_member__name",
    "collective__name",
    "author__display_name",
    "author__username",
)


def report_row_values(reports: QuerySet[OpinionReport]) -> tuple[list[dict], list[tuple]]:
    """A page of ``report_list`` (a slice) as values: its reports with what a list row shows, and their levels
    (report id, level, reported_on, adopted_on, publication) — two statements, no model instances."""
    rows = list(reports.prefetch_related(None).values(*ROW_VALUES))
    levels = list(
        ReportLevel.objects.filter(report_id__in=[r["id"] for r in rows])
        .order_by("id")
        .values_list("report_id", "level", "reported_on", "adopted_on", "publication")
    )
    return rows, levels


def report_get(*, user, pk: int) -> OpinionReport | None:
    """One report as a page or the API reads it, with its parts (co-authors, versions, levels, instructions,
    attachments, events), in a fixed number of statements."""
    if user is None or not user.is_authenticated or not isinstance(pk, int) or not 0 < pk < 2**63:
        return None
    rows = (
        visible_reports(user)
        .filter(pk=pk)
        .select_related("category", "lead_member", "collective", "author")
        .defer(*(f"lead_member__{name}" for name in MEMBER_UNREAD))
        .prefetch_related(
            Prefetch(
                "coauthors",
                queryset=CoAuthor.objects.select_related("member")
                .defer(*(f"member__{name}" for name in MEMBER_UNREAD))
                .order_by("id"),
            ),
            Prefetch("versions", queryset=OpinionVersion.objects.order_by("number")),
            Prefetch("levels", queryset=ReportLevel.objects.order_by("id")),
            Prefetch("instructions", queryset=Instruction.objects.order_by("date", "id")),
            Prefetch("attachments", queryset=OpinionAttachment.objects.order_by("id")),
            Prefetch("events", queryset=OpinionEvent.objects.order_by("at", "id")),
        )
    )
    return next(iter(rows.order_by()[:1]), None)
