"""智能交办 on the assignment pages: the units the suggestion model (``zhengxie.suggest``) proposes for proposals
about to be assigned, for the office only."""

from zhengxie.core.access import has_perm
from zhengxie.suggest.services import suggest_many, why_none

from .models import Proposal

QUEUE_LIMIT = 2  # units shown on each row of the assignment queue


def attach_to_queue(proposals: list[Proposal], user) -> dict | None:
    """Sets ``unit_suggestions`` on each proposal of a page of the assignment queue (their texts read in one query)
    and returns ``{"note"}``: why there are none when the model has nothing to say, else None. None for those who
    may not see suggestions."""
    if not proposals or not has_perm(user, "suggest.use"):
        return None
    texts = dict(
        (pk, (title, f"{analysis}\n{suggestions}"))
        for pk, title, analysis, suggestions in Proposal.objects.filter(pk__in=[p.pk for p in proposals]).values_list(
            "pk", "title", "analysis", "suggestions"
        )
    )
    cases = [
        {
            "title": texts[p.pk][0],
            "text": texts[p.pk][1],
            "category": p.category_id,
            "suggested": [u.pk for u in p.suggested_units.all()],
        }
        for p in proposals
    ]
    rows = suggest_many(cases, limit=QUEUE_LIMIT)
    for p, items in zip(proposals, rows, strict=True):
        p.unit_suggestions = items
    return {"note": None if any(rows) else why_none()}
