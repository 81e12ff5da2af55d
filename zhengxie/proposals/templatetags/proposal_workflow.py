"""Template words read from the workflow's declarations, so a page that takes an action outside the action buttons
(the editor's 保存并提交) asks the same question the declaration holds."""

from django import template

from zhengxie.proposals.workflow import PROPOSAL

register = template.Library()


@register.simple_tag
def proposal_confirm(action: str) -> str:
    """The question the proposal action ``action`` asks before it is taken ("" when it asks none)."""
    return str(PROPOSAL[action].confirm or "")
