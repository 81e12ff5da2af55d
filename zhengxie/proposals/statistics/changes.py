"""Recording changes: every write that can change a figure records, in its own transaction, a change of the year
of the proposal it touches (the version the snapshots are checked against, ``store``), and after commit has that
year's snapshot recomputed in the background, so that readers find it fresh."""

import datetime
import logging
import time
from functools import partial

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django_tasks import task

from ..models import Assignment, Proposal, StatisticsChange
from .definitions import refresh_assignment_figures, resolve_scope
from .store import refresh_snapshot

logger = logging.getLogger(__name__)

ACTIONS_WITHOUT_FIGURES = frozenset(
    {"record_contact", "request_extension", "record_supervision", "schedule_followup", "consent_publication", "urge"}
)
REFRESH_AFTER_SECONDS = 20  # writes come in bursts: one background recomputation after each
_refresh_scheduled: dict[int, float] = {}  # year -> when this process last scheduled one (time.monotonic)


def record_change(proposal: Proposal, action: str) -> None:
    """The workflow engine's hook: called once after every action it performs on a proposal or one of its
    assignments (``action``: the action's name), in the action's transaction, after its writes.

    Unless the action writes nothing a figure reads (``ACTIONS_WITHOUT_FIGURES``), it stores on the proposal's
    assignments the figures of their current replies, records one change of the proposal's year — and of the year of
    the proposal it was merged into, which the merge may have registered, when that is another year — and after
    commit has those years' snapshots recomputed in the background."""
    if action in ACTIONS_WITHOUT_FIGURES:
        return
    refresh_assignment_figures(Assignment.objects.filter(proposal=proposal))
    years = {proposal.year}
    if proposal.merged_into_id is not None:
        years.add(proposal.merged_into.year)
    for year in sorted(years):
        StatisticsChange.objects.create(year=year)
        transaction.on_commit(partial(_schedule_refresh, year))


def figures_changed(obj) -> None:
    """Record, in the caller's transaction, that the figures of this proposal's (or assignment's) year change: for
    writes made around the workflow engine (bulk loads), which ``record_change`` does not see.

    An insert only: writers take no lock here and cannot wait on one another."""
    if isinstance(obj, Proposal):
        StatisticsChange.objects.create(year=obj.year)
    else:
        year = Proposal.objects.filter(pk=obj.proposal_id).values("year")
        StatisticsChange.objects.create(year=Subquery(year))


@task()
def refresh_statistics(year: int) -> bool:
    """Recompute the year's statistics snapshot after a change (queued by ``record_change``, a few seconds after
    the write). Idempotent: does nothing while the stored snapshot is fresh."""
    return refresh_snapshot(resolve_scope(year=year))


def _schedule_refresh(year: int) -> None:
    now = time.monotonic()
    if now - _refresh_scheduled.get(year, -1e9) < REFRESH_AFTER_SECONDS:
        return  # the one already scheduled runs after this commit and sees it
    _refresh_scheduled[year] = now
    run_after = timezone.now() + datetime.timedelta(seconds=REFRESH_AFTER_SECONDS)
    try:
        refresh_statistics.using(run_after=run_after).enqueue(year)
    except Exception:  # noqa: BLE001 - only an optimisation: the next reader recomputes
        logger.exception("could not schedule the statistics refresh of %s", year)
