"""Taking one workflow action on many proposals at once (批量立案, 批量交办): the proposal office works through
hundreds of proposals in the weeks after the plenary.

Each proposal goes through the engine on its own (``Workflow.perform``: lock, who, state and conditions, input,
handler, audit) in its own transaction, so one refusal neither stops nor undoes the others; the outcome of each is
kept in words for the person (its number or title, done or the reason it was refused). The shared input (the units
and the deadline of 交办) is validated once before any proposal is touched: bad input changes nothing.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.core.exceptions import ActionRefused, InvalidInput
from zhengxie.core.workflow import BIGINT_MAX, validate_input

from . import workflow as wf
from .actions import proposal_act
from .selectors import visible_proposals

# The actions the office takes in bulk, and the words of the result page.
BATCH_ACTIONS = {
    "register": gettext_lazy("批量立案"),
    "assign": gettext_lazy("批量交办"),
}
# Bounded so one request holds no lock and no transaction for long: a review page holds 30, the API takes 100.
MAX_BATCH = 100


@dataclass
class Outcome:
    """What became of one proposal of a batch: ``done``, or ``status`` (403, 404, 409, 422) and the reason."""

    id: int
    title: str  # empty when the person may not see the proposal
    number: str
    done: bool
    status: int
    message: str

    @property
    def name(self) -> str:
        """How the result page names the proposal: its number and title (nothing about one the person may not see)."""
        if not self.title:
            return _("不存在或无权查看的提案")
        return f"{self.number} {self.title}" if self.number else self.title


def batch_ids(raw) -> list[int]:
    """The proposals chosen, in order and without repeats; 422 for none, too many, or anything not an id."""
    if not isinstance(raw, list | tuple):
        raise InvalidInput(_("请选择要处理的提案。"), {"ids": _("必填")})
    ids: list[int] = []
    for value in raw:
        if isinstance(value, bool):
            raise InvalidInput(_("所选提案无效。"), {"ids": _("无效")})
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise InvalidInput(_("所选提案无效。"), {"ids": _("无效")}) from None
        if not 1 <= pk <= BIGINT_MAX:
            raise InvalidInput(_("所选提案无效。"), {"ids": _("无效")})
        ids.append(pk)
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise InvalidInput(_("请至少选择一件提案。"), {"ids": _("必填")})
    if len(ids) > MAX_BATCH:
        raise InvalidInput(
            _("一次最多处理%(n)d件提案。") % {"n": MAX_BATCH}, {"ids": _("最多%(n)d件") % {"n": MAX_BATCH}}
        )
    return ids


def proposals_batch_act(*, ids, action: str, actor, payload: dict | None = None) -> list[Outcome]:
    """Takes ``action`` on each of the proposals ``ids`` as ``actor`` with the same input, each in its own
    transaction, and returns each one's outcome in the order given. Refuses the whole batch (422, nothing changed)
    for an action that cannot be taken in bulk, a bad list of ids or input the action's schema refuses."""
    if action not in BATCH_ACTIONS:
        raise InvalidInput(_("不能批量执行此操作。"), {"action": _("无效")})
    ids = batch_ids(ids)
    payload = dict(payload or {})
    validate_input(wf.PROPOSAL[action].schema, payload)  # the shared input, once: bad input touches no proposal
    seen = {row["pk"]: row for row in visible_proposals(actor).filter(pk__in=ids).values("pk", "title", "number")}
    outcomes = []
    for pk in ids:
        row = seen.get(pk)
        title, number = (row["title"] or _("（未填写案由）"), row["number"]) if row else ("", "")
        try:
            # Not inside a transaction of ours: perform's own is the only one, so each proposal commits alone.
            proposal = proposal_act(proposal_id=pk, action=action, actor=actor, payload=payload)
        except ActionRefused as exc:
            outcomes.append(Outcome(pk, title, number, False, exc.status, str(exc.message)))
            continue
        done = wf.PROPOSAL[action].done_message(proposal, payload)  # the words the single action's page shows
        outcomes.append(Outcome(pk, title, proposal.number or number, True, 200, done))
    return outcomes
