"""Opinion reports (社情民意信息) in a given state, made through the real services (``report_create_draft``,
``report_act``), never by setting fields.

The ladder: ``draft`` → ``submitted`` → ``edited`` (state editing, a second version) → ``signed_off`` →
``reported`` (to the city unless told) → ``adopted``. Each takes the ``org`` fixture (tests/builders/org.py) and the
keyword arguments of the step before it. The editor (信息员) is not one of the ``org`` fixture's columns:
``editor(org)`` makes the account (``demo-editor``, granted the secretariat and the editor roles) on first use.
"""

import datetime

from django.utils import timezone

from tests.builders.org import PASSWORD
from zhengxie.accounts.services import account_create, role_grant
from zhengxie.core.roles import Role
from zhengxie.opinions.categories import ensure_default_categories
from zhengxie.opinions.models import OpinionCategory, OpinionReport
from zhengxie.opinions.services import report_act, report_create_draft

TITLE = "关于老旧小区加装电梯的建议"


def editor(org):
    """The 信息员 account, made once per test."""
    user = org.users.get("editor")
    if user is None:
        user = account_create(username="demo-editor", password=PASSWORD, display_name="钟信息员")
        role_grant(user=user, role=Role.SECRETARIAT, actor=None)
        role_grant(user=user, role=Role.OPINION_EDITOR, actor=None)
        org.users["editor"] = user
    return user


def person(org, who):
    if who == "editor":
        return editor(org)
    return org.users[who] if isinstance(who, str) else who


def ensure_categories() -> None:
    """The categories the data migration installs: a live-server test's flush of the database removes them."""
    ensure_default_categories()


def category():
    ensure_categories()
    return OpinionCategory.objects.filter(is_active=True).order_by("sort_order").first()


def act(report: OpinionReport, action: str, actor, **payload) -> OpinionReport:
    return report_act(report_id=report.pk, action=action, actor=actor, payload=payload)


def draft(org, *, author="member", title: str = TITLE, coauthors=(), **fields) -> OpinionReport:
    data = {
        "title": title,
        "content": f"{title}：群众反映老旧小区上下楼困难，加装电梯进展缓慢。",
        "suggestions": "一、简化审批；二、设立补贴。",
        "category_id": category().pk,
        **fields,
    }
    if coauthors:
        data["coauthor_ids"] = [m.pk for m in coauthors]
    return report_create_draft(author=person(org, author), data=data)


def submitted(org, *, author="member", **kw) -> OpinionReport:
    r = draft(org, author=author, **kw)
    return act(r, "submit", person(org, author))


def joint_submitted(org, **kw) -> OpinionReport:
    """Submitted by member with member2 as co-author, who has confirmed."""
    r = submitted(org, coauthors=[org.member2], **kw)
    return act(r, "confirm_coauthor", org.users["member2"])


EDITED = "群众反映老旧小区居民上下楼困难，加装电梯工作推进缓慢，亟需解决。"


def edited(org, *, joint: bool = True, **kw) -> OpinionReport:
    r = joint_submitted(org, **kw) if joint else submitted(org, **kw)
    return act(r, "edit", editor(org), title=r.title, content=EDITED, suggestions=r.suggestions)


def signed_off(org, **kw) -> OpinionReport:
    return act(edited(org, **kw), "sign_off", org.users["leader"])


def reported(org, *, levels=("city",), **kw) -> OpinionReport:
    return act(signed_off(org, **kw), "report", org.users["staff"], levels=list(levels))


def adopted(org, *, level: str = "city", date: datetime.date | None = None, **kw) -> OpinionReport:
    r = reported(org, levels=kw.pop("levels", (level,)), **kw)
    day = date or timezone.localdate()
    return act(
        r,
        "record_adoption",
        org.users["staff"],
        level=level,
        date=day.isoformat(),
        publication="南昌政协社情民意专报第12期",
    )
