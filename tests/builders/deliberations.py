"""Online deliberations made through the real services by the secretariat (``demo-staff``).

``draft_deliberation`` (for org.sector's members: org.member is invited, org.member2 of 教育 is not) →
``open_deliberation`` (window open since an hour, closing in three days) → ``closed_deliberation`` (with an opinion
by org.member and a reply, closed early by staff)."""

import datetime

from django.utils import timezone

from zhengxie.deliberations.models import Deliberation
from zhengxie.deliberations.services import deliberation_act, deliberation_create, post_create


def draft_deliberation(org, *, opens_at=None, closes_at=None, sector=None, **fields) -> Deliberation:
    now = timezone.now()
    data = {
        "title": "数字燃气安全",
        "background": "围绕老旧小区燃气管网改造和燃气安全监管平台建设听取委员意见。",
        "opens_at": (opens_at or now - datetime.timedelta(hours=1)).isoformat(),
        "closes_at": (closes_at or now + datetime.timedelta(days=3)).isoformat(),
        "invitees": {"sector_ids": [(sector or org.sector).pk]},
        **fields,
    }
    return deliberation_create(actor=org.users["staff"], data=data)


def open_deliberation(org, **kw) -> Deliberation:
    d = draft_deliberation(org, **kw)
    deliberation_act(deliberation_id=d.pk, action="open", actor=org.users["staff"])
    d.refresh_from_db()
    return d


def opinion(org, d, text="建议为老旧小区免费加装燃气泄漏报警器。", *, user=None, reply_to=None):
    return post_create(deliberation_id=d.pk, actor=user or org.users["member"], text=text, reply_to=reply_to)


def closed_deliberation(org, **kw) -> Deliberation:
    d = open_deliberation(org, **kw)
    first = opinion(org, d)
    opinion(org, d, "同意，并建议与物业平台联网。", reply_to=first.pk)
    deliberation_act(deliberation_id=d.pk, action="close", actor=org.users["staff"])
    d.refresh_from_db()
    return d
