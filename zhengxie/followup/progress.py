"""How far outcomes are carried out (落实进度), computed from the recommendations.

A recommendation counts with its ``percent`` (0 until updated; 100 once done), weighted by its ``weight``. A
document's progress is the weighted average of its recommendations' percents — **a not-adopted recommendation is
left out of the average** (nothing of it is to be carried out, so it neither holds the document back nor counts as
done); one not yet answered counts with 0. A document with no recommendation counted (none at all, or all not
adopted) has no progress (``None``). A source's progress (a consultation's, a key proposal's) is the same weighted
average over all its documents' recommendations; a plan's is its items' sources', computed the same way.

Example (the test ``test_progress_is_the_weighted_average``): weights 3, 1, 2, 4 at 50 %, 100 % (done),
0 % (not answered) and not adopted → (3×50 + 1×100 + 2×0) / (3 + 1 + 2) = 250 / 6 = 41.7 %."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum

from .choices import RecommendationState
from .models import OutcomeDocument, Recommendation

TENTH = Decimal("0.1")
_COUNTED = ~Q(state=RecommendationState.NOT_ADOPTED)


def weighted(points, weights) -> Decimal | None:
    """``points`` = Σ weight × percent, ``weights`` = Σ weight over the counted recommendations."""
    if not weights:
        return None
    return (Decimal(points or 0) / Decimal(weights)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _sums(queryset, *group):
    return queryset.values(*group).annotate(
        points=Sum(F("weight") * F("percent"), filter=_COUNTED),
        weights=Sum("weight", filter=_COUNTED),
        n=Count("id"),
    )


def refresh_documents(document_ids: Iterable[int]) -> None:
    """Store the documents' progress and recommendation counts (after any write that changes them)."""
    ids = sorted(set(document_ids))
    if not ids:
        return
    found = {
        row["document_id"]: row for row in _sums(Recommendation.objects.filter(document_id__in=ids), "document_id")
    }
    for pk in ids:
        row = found.get(pk) or {"points": None, "weights": None, "n": 0}
        OutcomeDocument.objects.filter(pk=pk).update(
            progress=weighted(row["points"], row["weights"]), recommendation_count=row["n"]
        )


def progress_of_sources(*, source: str, source_ids: Iterable[int]) -> dict[int, Decimal | None]:
    ids = sorted({int(i) for i in source_ids})
    rows = _sums(
        Recommendation.objects.filter(document__source=source, document__source_id__in=ids), "document__source_id"
    )
    found = {row["document__source_id"]: weighted(row["points"], row["weights"]) for row in rows}
    return {pk: found.get(pk) for pk in ids}
