"""What the search finds of proposals: the proposals (案由, 情况分析, 具体建议) and the units' replies, each found
by those who may see it in the lists and on the detail page, and kept current on commit.

``proposal_indexed_on_commit(proposal_id)`` is the one hook: the workflow engine's ``after`` step calls it for
every action, the draft services for every save; the import of past proposals calls
``proposals_indexed_on_commit`` with the proposals it writes."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from zhengxie.accounts.roles import Role
from zhengxie.core.access import roles_of
from zhengxie.search import registry
from zhengxie.search.services import index_on_commit
from zhengxie.similarity.services import index_on_commit as similarity_index_on_commit

from .choices import ReplyState
from .models import Assignment, Cosignature, Proposal, Reply
from .selectors import reader_units, visible_proposals

PROPOSAL = "proposal"
REPLY = "reply"


def _detail_url(proposal_id: int) -> str:
    return reverse("proposals:detail", args=[proposal_id])


def proposal_documents(ids):
    qs = Proposal.objects.only("id", "year", "title", "analysis", "suggestions").order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    for p in qs.iterator(chunk_size=1000):
        body = "\n".join(part for part in (p.analysis, p.suggestions) if part)
        yield registry.Document(object_id=p.pk, year=p.year, title=p.title, body=body, url=_detail_url(p.pk))


def reply_documents(ids):
    qs = (
        Reply.objects.select_related("assignment__proposal", "assignment__unit")
        .only(
            "id",
            "text",
            "assignment__unit__name",
            "assignment__proposal__id",
            "assignment__proposal__year",
            "assignment__proposal__title",
        )
        .order_by("id")
    )
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    for r in qs.iterator(chunk_size=1000):
        proposal = r.assignment.proposal
        # The index is written once for every reader: in the committee's language, whoever's request wrote it.
        with translation.override(settings.LANGUAGE_CODE):
            title = str(_("%(unit)s对《%(title)s》的答复") % {"unit": r.assignment.unit.name, "title": proposal.title})
        yield registry.Document(
            object_id=r.pk, year=proposal.year, title=title, body=r.text, url=_detail_url(proposal.pk), key=proposal.pk
        )


def visible_proposal_ids(user):
    return visible_proposals(user).values("pk")


def visible_reply_ids(user):
    """The replies ``user`` reads on the detail pages of the proposals they see (``selectors.visible_replies``, as
    one query): the office every reply that left its unit; a unit its own, and as co-handler the lead unit's once
    signed; the proposers (author, confirmed co-signers, authors of proposals merged into it) and leaders the
    approved ones."""
    roles = roles_of(user)
    units = sorted(reader_units(user))
    # Asked of each reply (EXISTS), not as the list of every proposal the reader sees: the search checks its matches.
    base = Reply.objects.filter(Exists(visible_proposals(user).filter(pk=OuterRef("assignment__proposal_id"))))
    if Role.PROPOSAL_OFFICE in roles:
        return base.filter(~Q(state=ReplyState.DRAFT) | Q(assignment__unit_id__in=units)).values("pk")
    if Role.LEADER in roles:
        proposer = Q()
    else:
        proposal = OuterRef("assignment__proposal_id")
        proposer = (
            Q(assignment__proposal__author_id=user.pk)
            | Exists(Proposal.objects.filter(merged_into_id=proposal, author_id=user.pk))
            | Exists(Cosignature.objects.filter(proposal_id=proposal, member__user_id=user.pk, state="confirmed"))
        )
    rule = Q(state=ReplyState.APPROVED) & proposer
    if units:
        rule |= Q(assignment__unit_id__in=units)
        co_handler = Assignment.objects.filter(
            proposal_id=OuterRef("assignment__proposal_id"), unit_id__in=units, role="co"
        )
        rule |= Q(assignment__role="lead", state__in=(ReplyState.SIGNED, ReplyState.APPROVED)) & Exists(co_handler)
    return base.filter(rule).values("pk")


def visible_reply_keys(user) -> list[int] | None:
    """The proposals whose replies ``user`` may possibly read, for a reader who reads few: someone with neither a
    unit nor the office's or a leader's role reads only the approved replies to the proposals they are a proposer
    of (``visible_reply_ids``, which still decides for each reply). None for the others, who read most replies."""
    roles = roles_of(user)
    if Role.PROPOSAL_OFFICE in roles or Role.LEADER in roles or reader_units(user):
        return None
    authored = Proposal.objects.filter(author_id=user.pk).values_list("pk", flat=True)
    merged = Proposal.objects.filter(author_id=user.pk, merged_into__isnull=False).values_list(
        "merged_into_id", flat=True
    )
    cosigned = Cosignature.objects.filter(member__user_id=user.pk, state="confirmed").values_list(
        "proposal_id", flat=True
    )
    return sorted(set(authored.order_by().union(merged.order_by(), cosigned.order_by())))


def proposal_indexed_on_commit(proposal_id: int) -> None:
    """Re-index the proposal and its replies once the current transaction commits."""
    proposals_indexed_on_commit([proposal_id])


def proposals_indexed_on_commit(proposal_ids) -> None:
    """Re-index these proposals and their replies once the current transaction commits (an import's batch), in
    the search and in the similar-proposals index."""
    ids = sorted(set(proposal_ids))
    similarity_index_on_commit(ids)
    index_on_commit(PROPOSAL, ids)
    index_on_commit(REPLY, lambda: Reply.objects.filter(assignment__proposal_id__in=ids).values_list("pk", flat=True))


def register() -> None:
    registry.register(
        registry.Source(
            kind=PROPOSAL,
            label=_("提案"),
            documents=proposal_documents,
            visible_ids=visible_proposal_ids,
            order=10,
        )
    )
    registry.register(
        registry.Source(
            kind=REPLY,
            label=_("答复"),
            documents=reply_documents,
            visible_ids=visible_reply_ids,
            visible_keys=visible_reply_keys,
            order=20,
        )
    )
