"""How the audit page words the values only this app writes: a deliberation's invitation scope, a post (by its
author and opening words) and the outcome document its summary became. Registered in ``DeliberationsConfig.ready``."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.audit.labels import register_words
from zhengxie.people.models import Member, Sector, SpecialCommittee

from .models import DeliberationPost


def invitees(value, memo) -> str:
    """``{all, standing_committee, sector_ids, special_committee_ids, member_ids}``."""
    if not isinstance(value, dict):
        return "—" if value in (None, "") else str(value)
    parts = []
    if value.get("all"):
        parts.append(_("全体委员"))
    if value.get("standing_committee"):
        parts.append(_("常委"))
    for key, model in (("sector_ids", Sector), ("special_committee_ids", SpecialCommittee), ("member_ids", Member)):
        names = memo(f"deliberations:{key}", lambda model=model: dict(model.objects.values_list("pk", "name")))
        parts += [names.get(i, _("（已删除）")) for i in value.get(key) or ()]
    return "、".join(str(p) for p in parts) or "—"


def post(value, memo) -> str:
    """``{"id", "reply_to"}``: the post by its author and opening words, and whether it replies to another."""
    if not isinstance(value, dict):
        return "—" if value is None else str(value)
    row = DeliberationPost.objects.select_related("author").filter(pk=value.get("id")).first()
    words = f"{row.author.name}：{row.text[:30]}" if row else _("（已删除）")
    return (_("回复：%(w)s") if value.get("reply_to") else "%(w)s") % {"w": words}


def outcome_document(value, memo) -> str:
    return _("第 %(n)s 号成果文件") % {"n": value} if value else "—"


def register() -> None:
    register_words("deliberations.deliberation", "invitees_spec", invitees)
    register_words("deliberations.deliberation", "post", post, label=gettext_lazy("发言"))
    register_words("deliberations.deliberation", "outcome_document", outcome_document, label=gettext_lazy("成果文件"))
