"""The snapshot store: what the proposal office, leaders and overseers see is stored per scope
(``StatisticsSnapshot``: counts and ids only) and served while it is fresh — computed today, and no write that can
change a figure committed since (see "Freshness" below)."""

import datetime

from django.db import transaction
from django.db.models import BigIntegerField, Count, F, Func, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role

from ..conf import conf
from ..models import Proposal, StatisticsChange, StatisticsSnapshot
from .counting import analytic_transaction, count
from .definitions import Scope, submitted_q

# Who may share figures -------------------------------------------------------------------------------------------

# Everyone who may open the statistics (permissions.py, "proposals.statistics") holds one of these roles, and
# selectors.visible_proposals shows each of them every submitted proposal (``submitted_q``) plus, at most, their own
# drafts and proposals they were invited to co-sign or that were assigned to their unit — all of which are either
# submitted too or never counted: every figure counts proposals that reached the office (received, withdrawn from
# ``submitted``), their assignments (made after registration) and approved key / excellent proposals, all of them
# submitted. So their figures are those of the submitted proposals, whoever they are, and they share one snapshot
# computed from exactly those (test_statistics_snapshots checks it against each one's own live computation, for a
# user who also drafts, co-signs and works in a unit). Anyone else gets figures computed live from their own visible
# proposals and never reads or writes a snapshot.
SHARED_ROLES = frozenset({Role.PROPOSAL_OFFICE, Role.LEADER, Role.OVERSEER})
SHARED_VISIBILITY = "submitted"


def shared_visibility(user) -> str | None:
    """The name of the snapshot the user may read, or None when the user's figures are computed live."""
    return SHARED_VISIBILITY if roles_of(user) & SHARED_ROLES else None


# Freshness -------------------------------------------------------------------------------------------------------
#
# A snapshot is served only if it was computed for today (``as_of``: "overdue now" and the date on the report) and
# for the current version of its scope. The version of a year is the sum of the weights of its StatisticsChange
# rows; session and term scopes use the sum over every year. Every write that can change a figure records a change
# of the year of the proposal it touches, in its own transaction (so the version changes exactly when the write
# commits): the workflow engine calls ``changes.record_change`` once after every action it performs, whatever the
# action writes — states, co-signatures, assignments, replies and their grades (the office's correction is made on
# approval), evaluations, due dates (extensions), key and excellent choices — except the actions that write nothing
# a figure reads (``changes.ACTIONS_WITHOUT_FIGURES``).
#
# Drafts (services.save_draft) are counted nowhere. Names (units, sectors, parties, collectives, categories, members,
# leaders), the order of rows and every label are not stored: they are read when the figures are assembled, so a
# rename shows at once. A term's dates are part of its snapshot's key. ``record_change`` also stores, on each of the
# proposal's assignments, the figures of its current reply (``definitions.refresh_assignment_figures``), which the
# counts by unit, grade and satisfaction read. Data written around the services (bulk loads, the shell) must call
# ``refresh_assignment_figures`` on the assignments it touches and ``changes.figures_changed`` (or
# ``StatisticsSnapshot.objects.all().delete()``).
#
# Only whole scopes are stored: the statistics take no other parameter. The figures' filters (REPORT_FILTER_KEYS)
# belong to the proposal list each figure links to, which applies them live, a page at a time.

SNAPSHOT_FORMAT = 1  # part of every key: raise it when the stored counts change shape or meaning
COMPACT_ABOVE = 500  # change rows read by a version before they are summed into one row per year


def _changes(scope: Scope) -> QuerySet:
    changes = StatisticsChange.objects.order_by()
    return changes.filter(year=scope.year) if scope.kind == "year" else changes


def scope_version(scope: Scope) -> int:
    return _changes(scope).aggregate(v=Sum("weight"))["v"] or 0


def compact_changes(*, batch: int = 20_000) -> int:
    """Replace each year's change rows by one row carrying their sum, in the same transaction, so that every
    version stays exactly what it was. Rows another compaction holds are skipped, rows not yet committed are not
    seen; up to ``batch`` rows a call. Returns the number of rows removed."""
    with transaction.atomic():
        rows = list(
            StatisticsChange.objects.select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "year", "weight")[:batch]
        )
        by_year: dict[int, list] = {}
        for pk, year, weight in rows:
            by_year.setdefault(year, []).append((pk, weight))
        merged = {year: items for year, items in by_year.items() if len(items) > 1}
        removed = [pk for items in merged.values() for pk, _w in items]
        for i in range(0, len(removed), 500):  # within every database's limit of query parameters
            StatisticsChange.objects.filter(pk__in=removed[i : i + 500]).delete()
        StatisticsChange.objects.bulk_create(
            [StatisticsChange(year=year, weight=sum(w for _pk, w in items)) for year, items in merged.items()]
        )
        return len(removed) - len(merged)


def snapshot_key(scope: Scope, visibility: str = SHARED_VISIBILITY) -> str:
    if scope.kind == "session":
        where = f"session:{scope.session.pk}"
    elif scope.kind == "term":
        where = f"term:{scope.term.pk}:{scope.term.starts_on}:{scope.term.ends_on}"
    else:
        where = f"year:{scope.year}"
    # The grades configured decide which grade rows have zeros: a new setting starts new snapshots.
    return f"{SNAPSHOT_FORMAT}:{visibility}:{where}:{','.join(c for c, _label in conf('GRADES'))}"


def _current_version(scope: Scope) -> Coalesce:
    """``scope_version`` as an expression (SUM without GROUP BY: one row, NULL before the first change)."""
    total = _changes(scope).annotate(v=Func(F("weight"), function="SUM")).values("v")
    return Coalesce(Subquery(total), 0, output_field=BigIntegerField())


def fresh_snapshot(scope: Scope, key: str, today: datetime.date) -> tuple[datetime.datetime, dict] | None:
    """When the stored snapshot is fresh (computed today, for the scope's current version: one query), the time it
    was computed and its counts; else None."""
    return (
        StatisticsSnapshot.objects.filter(key=key, as_of=today, version=_current_version(scope))
        .values_list("computed_at", "figures")
        .first()
    )


def recompute(scope: Scope, key: str, today: datetime.date) -> tuple[dict, datetime.datetime]:
    """Compute and store the snapshot; returns its counts and when they were computed. The version is read first,
    so the counts are at least as new as the version they are stored with: a change committed meanwhile makes the
    next read recompute, never serves old counts. Two requests recomputing at once both store; the last one's row
    stays (each is valid for its version)."""
    version = _changes(scope).aggregate(v=Sum("weight"), rows=Count("pk"))
    with analytic_transaction():
        counts = count(shared_base(scope), today, year=scope.calendar_year, whole_year=scope.kind == "year")
    computed_at = timezone.now()
    StatisticsSnapshot.objects.bulk_create(
        [StatisticsSnapshot(key=key, as_of=today, version=version["v"] or 0, computed_at=computed_at, figures=counts)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["as_of", "version", "computed_at", "figures"],
    )
    if version["rows"] > COMPACT_ABOVE:
        compact_changes()
    return counts, computed_at


def shared_base(scope: Scope) -> QuerySet:
    """The proposals the shared snapshot counts: every submitted proposal of the scope."""
    return Proposal.objects.filter(submitted_q(), scope.q()).order_by()


def refresh_snapshot(scope: Scope, today: datetime.date | None = None) -> bool:
    """Recompute the shared snapshot of the scope unless it is fresh (the background task; idempotent). Returns
    whether it recomputed."""
    today = today or timezone.localdate()
    key = snapshot_key(scope)
    if StatisticsSnapshot.objects.filter(key=key, as_of=today, version=scope_version(scope)).exists():
        return False
    recompute(scope, key, today)
    return True
