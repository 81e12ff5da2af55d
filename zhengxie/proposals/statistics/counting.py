"""Counting: the counts behind every figure of a set of proposals, in a fixed handful of queries whatever the
number of proposals, units, sectors or categories (conditional aggregation in the database). Ids and numbers only:
names, labels and list filters are added when the figures are assembled (``figures``)."""

import datetime
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count, Exists, Q, QuerySet

from ..choices import LIVE_ASSIGNMENT_STATES, AssignmentState, CosignState, ExcellentState, KeyState, Satisfaction
from ..choices import ProposalState as P
from ..conf import conf
from ..models import Assignment, Cosignature, Evaluation, Proposal
from .definitions import (
    RECEIVED_STATES,
    REGISTERED_STATES,
    current_reply_condition,
    handling_q,
    has_confirmed_cosigner,
    registered_q,
    withdrawn_when_submitted,
)


class _Count(Count):
    """COUNT whose values the database already returns as ints: skips Django's per-value int() conversion, which
    at province scale is tens of thousands of calls per report."""

    @property
    def convert_value(self):
        return self._convert_value_noop


def _proposal_columns() -> dict:
    """The proposal counts, each a conditional COUNT over the proposals in scope. No subquery here: proposals
    withdrawn after reaching the office are counted apart (``count``) and added to "received"."""
    in_office = Q(state__in=RECEIVED_STATES)
    conditions = {  # "received" and "registered" first: ``count`` reads them by position
        "received": in_office,
        "registered": registered_q(),
        "pending": Q(state=P.SUBMITTED),
        "merged": Q(state=P.MERGED),
        "converted": Q(state=P.CONVERTED),
        "rejected": Q(state=P.REJECTED),
        "session_proposals": in_office & Q(is_session_proposal=True),
        "key": Q(key_state=KeyState.APPROVED),
        "excellent": Q(excellent_state=ExcellentState.APPROVED),
        **{f"state_{state}": Q(state=state) for state in REGISTERED_STATES},
    }
    return {name: _Count("pk", filter=condition) for name, condition in conditions.items()}


@contextmanager
def analytic_transaction():
    """PostgreSQL's JIT compiler spends longer on these aggregates than they take to run (measured at province
    scale: 1.35 s of compiling for a 0.2 s query), so it is switched off for this read-only transaction — unless
    the connection already runs with it off (settings.py does so unless DB_JIT=on), when no transaction is needed:
    the version a snapshot is stored with is read before the figures (``store.recompute``), which is all its
    freshness needs."""
    options = connection.settings_dict.get("OPTIONS", {}).get("options", "")
    if connection.vendor != "postgresql" or "jit=off" in options:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield


class _Reads:
    """Runs some of a computation's reads on a second database connection while the caller runs the others: at
    province scale the year's figures are about ten reads of 10–30 ms each, and PostgreSQL answers two connections
    at once on two cores (measured: 110 -> 63 ms for the reads).

    Only on PostgreSQL, outside any transaction (``settings.STATISTICS_PARALLEL_READS``): inside one, the second
    connection would not see what the transaction has written, so the reads are then run in turn, as they are on
    SQLite. Either way each read sees the data as of its own start, as reads outside a transaction always do; the
    snapshot's version is read before any of them (``store.recompute``), which is what its freshness needs."""

    _pool = None
    _pool_lock = threading.Lock()

    def __init__(self):
        self.parallel = (
            connection.vendor == "postgresql"
            and not connection.in_atomic_block
            and getattr(settings, "STATISTICS_PARALLEL_READS", False)
        )

    @classmethod
    def _executor(cls) -> ThreadPoolExecutor:
        with cls._pool_lock:  # made in the process that uses it (after gunicorn forks its workers)
            if cls._pool is None:
                cls._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="statistics-reads")
            return cls._pool

    def submit(self, read: Callable[[], Any]) -> Callable[[], Any]:
        """Start ``read`` (on the other connection, or now); returns what gives its result."""
        if not self.parallel:
            result = read()
            return lambda: result
        future = self._executor().submit(self._run, read)
        return future.result

    @classmethod
    def close(cls) -> None:
        """Close the second connection (it is opened again when next needed)."""
        with cls._pool_lock:
            pool = cls._pool
        if pool is not None:
            pool.submit(connections.close_all).result()

    @staticmethod
    def _run(read: Callable[[], Any]) -> Any:
        # The pool's thread keeps its own connection between computations, as a worker keeps its own between
        # requests (CONN_MAX_AGE, health checks).
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        return read()


def count(base: QuerySet, today: datetime.date, *, year: int | None = None, whole_year: bool = False) -> dict:
    """The counts behind every figure of the proposals in ``base`` (the scope's, as some user sees them), as JSON
    data: ids and numbers only, no names, labels or filters (``figures.assemble`` adds them). ``year``: the scope's
    year, when it is one (its assignments are then read from the index on their year). ``whole_year``: ``base`` is
    every submitted proposal of that year (the shared snapshot's): every assignment of the year belongs to one of
    them (only a registered proposal is assigned), so the assignments are counted by their year alone, without
    looking up their proposals (at province scale: by unit 30 -> 12 ms, by grade 24 -> 8 ms)."""
    withdrawn_received = base.filter(Q(state=P.WITHDRAWN) & Exists(withdrawn_when_submitted()))
    # The assignments in scope, by unit, then by the grade and the rating of their current replies: two passes over
    # the assignments alone, which carry those figures (``assignment_figures``). "Overdue now" needs the proposal's
    # state: it is counted apart, over the proposals being handled only.
    in_scope = base.values("pk")
    handling = base.filter(state__in=(P.ASSIGNED, P.REHANDLING)).values("pk")
    assignments = Assignment.objects.exclude(state=AssignmentState.REASSIGNED)
    if year is not None:
        assignments = assignments.filter(year=year)
    if not (whole_year and year is not None):
        assignments = assignments.filter(proposal__in=in_scope)
    replied = handling_q("replied", today)
    # Ratings given on behalf of proposals merged into the ones in scope (the only other evaluating proposals).
    # Such a rating is always of a reply to the proposal it was merged into (evaluate and close rate a proposal's
    # replies on behalf of it and of the proposals merged into it), so naming those merged proposals selects the
    # same rows while letting the database start from them rather than from every rating ever given (at province
    # scale, ten years: 130-200 ms -> 30 ms).
    merged_in_scope = Proposal.objects.filter(state=P.MERGED, merged_into__in=in_scope).values("pk")

    # Half of the reads on a second connection while this one makes the others (``_Reads``).
    reads = _Reads()
    # Joint proposals (a confirmed co-signer, not in a collective's name) in a pass of their own, so that the
    # grouping below tests no co-signature per proposal.
    joint_read = reads.submit(
        lambda: (
            base.filter(has_confirmed_cosigner(year), collective__isnull=True)
            .order_by()
            .aggregate(
                received=_Count(
                    "pk",
                    filter=Q(state__in=RECEIVED_STATES) | (Q(state=P.WITHDRAWN) & Exists(withdrawn_when_submitted())),
                ),
                registered=_Count("pk", filter=registered_q()),
            )
        )
    )
    units_read = reads.submit(
        lambda: list(
            assignments.order_by()
            .values("unit_id")
            .annotate(  # counted by unit (never null), so that the rows are read from the index alone
                assigned=_Count("unit"),
                owes=_Count("unit", filter=handling_q("owes", today)),
                replied=_Count("unit", filter=replied),
                on_time=_Count("unit", filter=replied & Q(replied_on_time=True)),
            )
        )
    )
    grades_read = reads.submit(
        lambda: list(
            assignments.exclude(current_grade="")
            .order_by()
            .values("current_grade", "proposer_rating")
            .annotate(n=_Count("unit"))
            .values_list("current_grade", "proposer_rating", "n")
        )
    )
    merged_ratings_read = reads.submit(
        lambda: list(
            Evaluation.objects.filter(
                current_reply_condition("reply__", "reply__assignment"),
                proposal__in=merged_in_scope,
                reply__assignment__proposal__in=in_scope,
            )
            .order_by()
            .values("satisfaction")
            .annotate(n=Count("pk"))
            .values_list("satisfaction", "n")
        )
    )

    columns = _proposal_columns()
    # Proposals in scope grouped by what the breakdowns split on; the groups (a few thousand at most) are summed
    # below. Read from the index on the year alone on PostgreSQL (``proposal_year_scope``).
    dimensions = ("category_id", "lead_sector_id", "lead_party_id", "collective_id")
    names = list(columns)
    rows = list(
        base.values(*dimensions)
        .annotate(**columns)
        .values_list(*dimensions, *names)  # "received" and "registered" first (see _proposal_columns)
    )
    totals = {name: sum(r[i] for r in rows) for i, name in enumerate(names, start=len(dimensions))}
    # Withdrawn after reaching the office: received, and counted as withdrawn (a few rows).
    withdrawn = list(
        withdrawn_received.values(*dimensions)
        .annotate(received=_Count("pk"), session_proposals=_Count("pk", filter=Q(is_session_proposal=True)))
        .values_list(*dimensions, "received", "session_proposals")
    )
    totals["withdrawn"] = sum(r[-2] for r in withdrawn)
    totals["received"] += totals["withdrawn"]
    totals["session_proposals"] += sum(r[-1] for r in withdrawn)
    breakdowns = {key: {} for key in ("category", "sector", "party", "collective")}
    for category, sector, party, collective_id, received, registered, *_counts in (
        *rows,
        *((*r[:-1], 0) for r in withdrawn),
    ):
        for key, value in (("category", category), ("sector", sector), ("party", party), ("collective", collective_id)):
            if value is not None:
                sums = breakdowns[key].setdefault(value, [0, 0])
                sums[0] += received
                sums[1] += registered
    totals["ordinary_proposals"] = totals["received"] - totals["session_proposals"]
    collective = [sum(r[i] for r in breakdowns["collective"].values()) for i in (0, 1)]

    # handling_q("overdue"), its condition on the proposal's state being ``handling``.
    overdue = dict(
        Assignment.objects.filter(proposal__in=handling, state__in=LIVE_ASSIGNMENT_STATES, due_date__lt=today)
        .order_by()
        .values("unit_id")
        .annotate(n=_Count("pk"))
        .values_list("unit_id", "n")
    )
    # Members: lead proposers and confirmed co-signers of received proposals (the few withdrawn after reaching
    # the office in branches of their own, so the big branches need no subquery).
    in_office = base.filter(state__in=RECEIVED_STATES)
    branches = [
        rows.filter(lead_member__isnull=False).values("lead_member_id") for rows in (in_office, withdrawn_received)
    ] + [
        Cosignature.objects.filter(
            state=CosignState.CONFIRMED, proposal__in=rows.values("pk"), **({} if year is None else {"year": year})
        )
        .order_by()
        .values("member_id")
        for rows in (in_office, withdrawn_received)
    ]
    totals["members"] = branches[0].union(*branches[1:]).count()

    joint = joint_read()
    joint = [joint["received"], joint["registered"]]
    types = {
        "individual": [totals["received"] - collective[0] - joint[0], totals["registered"] - collective[1] - joint[1]],
        "joint": joint,
        "collective": collective,
    }
    units_counted = units_read()
    grades = {code: 0 for code, _label in conf("GRADES")}  # a grade no longer configured is counted as it is
    ratings = dict.fromkeys(Satisfaction.values, 0)
    for grade, rating, n in grades_read():
        grades[grade] = grades.get(grade, 0) + n
        if rating:
            ratings[rating] = ratings.get(rating, 0) + n
    for value, n in merged_ratings_read():
        ratings[value] = ratings.get(value, 0) + n
    return {
        "totals": totals,
        "types": types,
        "by_category": [[pk, *sums] for pk, sums in breakdowns["category"].items()],
        "by_sector": [[pk, *sums] for pk, sums in breakdowns["sector"].items()],
        "by_party": [[pk, *sums] for pk, sums in breakdowns["party"].items()],
        "by_collective": [[pk, *sums] for pk, sums in breakdowns["collective"].items()],
        # unit, assigned, owes a reply, replied, replied on time, overdue now
        "by_unit": [
            [u["unit_id"], u["assigned"], u["owes"], u["replied"], u["on_time"], overdue.get(u["unit_id"], 0)]
            for u in units_counted
        ],
        "grades": [[code, n] for code, n in grades.items()],
        "ratings": [[value, n] for value, n in ratings.items()],
    }
