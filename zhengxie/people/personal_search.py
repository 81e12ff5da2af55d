"""Finding a member by ID number or mobile (按证件号码或手机号码查找委员).

Only the roles that see those fields unmasked may search by them (``selectors.member_list`` ignores the personal
match for everyone else); otherwise a masked mobile (``135****3887``) could be recovered in at most 10,000
searches. Even for the permitted roles each such search is counted against a per-user limit per minute and leaves
an audit row naming the searcher — with a keyed digest of the value, never the value itself.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core import crypto
from zhengxie.core.access import has_perm
from zhengxie.core.exceptions import ActionRefused
from zhengxie.core.validators import normalise_id_number, normalise_mobile

AUDIT_ACTION = "people.search_personal_data"


class SearchThrottled(ActionRefused):
    status = 429


def personal_field(q: str) -> tuple[str, str] | None:
    """``(field, normalised value)`` when ``q`` is an exact ID number or mobile, else None (a name or unit)."""
    q = (q or "").strip()
    if not q:
        return None
    id_like, mobile_like = normalise_id_number(q), normalise_mobile(q)
    if len(id_like) == 18:
        return "id_number", id_like
    if mobile_like.isdigit() and len(mobile_like) == 11:
        return "mobile", mobile_like
    return None


def may_search_personal_data(*, user) -> bool:
    """Only the roles that see ID numbers and mobiles unmasked (``selectors.can_see_personal_data``) may search by
    them; a member sees their own, but finding oneself by one's own number tells nothing, so no exception here."""
    return has_perm(user, "people.view_personal_data")


def limit_per_minute() -> int:
    return getattr(settings, "PEOPLE_PERSONAL_SEARCHES_PER_MINUTE", 20)


def personal_search_record(*, user, q: str) -> None:
    """Count and audit a search by a personal field (by a role that may make one); raises ``SearchThrottled``
    (429) past the minute's limit, before anything is searched or written. A search by name or unit is neither
    counted nor audited."""
    found = personal_field(q)
    if found is None or not may_search_personal_data(user=user):
        return  # the selector searches names and units only for this user: nothing personal was looked up
    field, value = found
    # A fixed one-minute window per user: ``add`` starts it, ``incr`` is atomic in every cache backend used here.
    key = f"zhengxie:people:personal-search:{user.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    limit = limit_per_minute()
    if count > limit:
        raise SearchThrottled(
            _("按身份证号或手机号查找过于频繁，请一分钟后再试。"), {"q": _("每分钟最多查找%(n)d次") % {"n": limit}}
        )
    audit_record(
        actor=user,
        action=AUDIT_ACTION,
        object_type="people.member",
        object_repr=_("按身份证号查找委员") if field == "id_number" else _("按手机号查找委员"),
        changes={"field": field, "value_digest": crypto.digest(value)},
    )
