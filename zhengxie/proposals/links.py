"""Links other modules show to proposals: the duty ledger's rows recorded for a proposal link to it when the reader
may open it (registered with ``duty.services.source_links_add`` in ``ProposalsConfig.ready``)."""

from django.urls import reverse

from .selectors import visible_proposals


def proposal_links(user, ids: set[int]) -> dict[int, str]:
    """The pages of the proposals among ``ids`` that ``user`` may see."""
    visible = visible_proposals(user).filter(pk__in=ids).values_list("pk", flat=True)
    return {pk: reverse("proposals:detail", args=[pk]) for pk in visible}
