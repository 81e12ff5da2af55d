from django import template

from zhengxie.similarity.services import similar_proposals

register = template.Library()
REVIEW_LIMIT = 5


def _name(item):
    return item.get("name") if isinstance(item, dict) else getattr(item, "name", None)


@register.simple_tag(takes_context=True)
def similar_for_review(context, proposal) -> dict:
    """For the office reviewing a submitted proposal: the proposals most similar to it that the reader may list,
    and whether the page offers merging it (``actions`` holds ``merge``), for the 并案 shortcut."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if proposal is None or getattr(proposal, "state", None) != "submitted":
        return {"shown": False, "matches": [], "merge": False}
    merge = any(_name(item) == "merge" for item in context.get("actions") or ())
    text = "\n".join(part for part in (proposal.analysis, proposal.suggestions) if part)
    matches = similar_proposals(user=user, title=proposal.title, text=text, limit=REVIEW_LIMIT, exclude=proposal.pk)
    return {"shown": True, "matches": matches, "merge": merge}
