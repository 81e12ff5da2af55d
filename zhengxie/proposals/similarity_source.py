"""What the similar-proposals index (``zhengxie.similarity``) reads of the proposals: the text compared (案由,
情况分析, 具体建议) and, for a reader, which of the candidates the proposals' list would show them. The index
follows the same on-commit hook as the search (``search_index.proposals_indexed_on_commit``)."""

from django.db.models import Q

from zhengxie.similarity import registry
from zhengxie.similarity.sketch import proposal_text

from .choices import ProposalState
from .models import Proposal
from .selectors import proposal_list

P = ProposalState
# Never shown as similar: a draft, and a draft withdrawn before it was ever submitted (its author's alone).
UNSUBMITTED = Q(state=P.DRAFT) | Q(state=P.WITHDRAWN, submitted_at__isnull=True)


def texts(ids):
    qs = Proposal.objects.only("id", "title", "analysis", "suggestions").order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    for p in qs.iterator(chunk_size=1000):
        yield p.pk, proposal_text(p.title, p.analysis, p.suggestions)


def listable(user, ids: list[int], exclude: int | None) -> list[dict]:
    qs = proposal_list(user=user).filter(pk__in=ids).exclude(UNSUBMITTED)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return list(qs.order_by().values("id", "number", "title", "year"))


def register() -> None:
    registry.register(registry.Source(texts=texts, listable=listable))
