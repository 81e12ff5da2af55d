"""Figures of the annual proposal work report (提案工作统计), for a year, a session or a term.

- ``definitions``: what each figure counts, as query conditions the proposal list and the boards share;
- ``counting``: the counts behind every figure of a set of proposals, in a fixed handful of queries;
- ``store``: the snapshots the office, leaders and overseers share, and when one is fresh;
- ``changes``: what every write that can change a figure records (``record_change``, the workflow engine's hook);
- ``figures``: the figures assembled from the counts, with names, labels and list filters.

Callers use the names this package re-exports (``statistics.proposal_statistics`` …). Each module imports only the
ones listed before it.
"""

from .changes import ACTIONS_WITHOUT_FIGURES, figures_changed, record_change, refresh_statistics
from .definitions import (
    HANDLING_FILTERS,
    PROPOSER_TYPES,
    RECEIVED_STATES,
    REGISTERED_STATES,
    REPORT_FILTER_KEYS,
    Scope,
    ScopeError,
    ScopeNotFound,
    apply_report_filters,
    assignment_figures,
    current_replies_q,
    handling_q,
    proposer_type_q,
    received_q,
    refresh_assignment_figures,
    registered_q,
    resolve_scope,
    submitted_q,
    term_q,
    withdrawn_after_reaching_office,
)
from .figures import Report, live_report, proposal_statistics, proposer_label, share, statistics_report
from .store import (
    COMPACT_ABOVE,
    SHARED_ROLES,
    SHARED_VISIBILITY,
    SNAPSHOT_FORMAT,
    compact_changes,
    refresh_snapshot,
    scope_version,
    shared_visibility,
    snapshot_key,
)

__all__ = [
    "ACTIONS_WITHOUT_FIGURES",
    "COMPACT_ABOVE",
    "HANDLING_FILTERS",
    "PROPOSER_TYPES",
    "RECEIVED_STATES",
    "REGISTERED_STATES",
    "REPORT_FILTER_KEYS",
    "SHARED_ROLES",
    "SHARED_VISIBILITY",
    "SNAPSHOT_FORMAT",
    "Report",
    "Scope",
    "ScopeError",
    "ScopeNotFound",
    "apply_report_filters",
    "assignment_figures",
    "compact_changes",
    "current_replies_q",
    "figures_changed",
    "handling_q",
    "live_report",
    "proposal_statistics",
    "proposer_label",
    "proposer_type_q",
    "received_q",
    "record_change",
    "refresh_assignment_figures",
    "refresh_snapshot",
    "refresh_statistics",
    "registered_q",
    "resolve_scope",
    "scope_version",
    "share",
    "shared_visibility",
    "snapshot_key",
    "statistics_report",
    "submitted_q",
    "term_q",
    "withdrawn_after_reaching_office",
]
