"""The past assignments the unit suggestion (智能交办, ``zhengxie.suggest``) learns from: every proposal — live or
imported from an earlier year — with the units that led it or alone handled it (主办、单办、分办; co-handlers and
assignments reassigned away after a dispute are not the office's answer to "who handles this"), its text, category
and the units its proposer suggested."""

from collections import defaultdict

from django.conf import settings

from zhengxie.suggest.engine import Example
from zhengxie.suggest.services import Source, register_source

from .choices import AssignmentRole, AssignmentState
from .models import Assignment, Category, Proposal

ANSWERING_ROLES = (AssignmentRole.SINGLE, AssignmentRole.SEPARATE, AssignmentRole.LEAD)


def _answering():
    return Assignment.objects.filter(role__in=ANSWERING_ROLES).exclude(state=AssignmentState.REASSIGNED)


def examples() -> tuple[list[Example], int]:
    """The most recent proposals with answering assignments (at most ``SUGGEST_MAX_PROPOSALS``), oldest first, and
    the newest such assignment's id."""
    cap = int(getattr(settings, "SUGGEST_MAX_PROPOSALS", 60_000))
    rows = list(_answering().order_by("-proposal_id", "id").values_list("id", "proposal_id", "unit_id", "role"))
    units: dict[int, list[tuple[int, str]]] = defaultdict(list)
    newest = 0
    for aid, pid, unit, role in rows:
        newest = max(newest, aid)
        if len(units) >= cap and pid not in units:
            continue
        if all(u != unit for u, _r in units[pid]):
            units[pid].append((unit, role))
    suggested: dict[int, list[int]] = defaultdict(list)
    through = Proposal.suggested_units.through
    for pid, unit in through.objects.filter(proposal_id__in=list(units)).values_list("proposal_id", "handlingunit_id"):
        suggested[pid].append(unit)
    out = []
    fields = ("id", "year", "number", "title", "analysis", "suggestions", "category_id")
    ids = sorted(units)
    for start in range(0, len(ids), 2000):
        for pid, year, number, title, analysis, suggestions, category in Proposal.objects.filter(
            pk__in=ids[start : start + 2000]
        ).values_list(*fields):
            out.append(
                Example(
                    key=pid,
                    label=number or f"《{title}》",
                    year=year,
                    title=title,
                    text=f"{analysis}\n{suggestions}",
                    category=category,
                    suggested=tuple(suggested.get(pid, ())),
                    units=tuple(u for u, _r in units[pid]),
                    roles=tuple(r for _u, r in units[pid]),
                )
            )
    out.sort(key=lambda e: (e.year, e.key))
    return out, newest


def count_after(assignment_id: int) -> int:
    return _answering().filter(pk__gt=assignment_id).count()


def category_names() -> dict[int, str]:
    return dict(Category.objects.values_list("id", "name"))


def register() -> None:
    register_source(Source(examples=examples, count_after=count_after, category_names=category_names))
