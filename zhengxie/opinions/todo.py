"""Opinion-report items on each person's to-do list, in the words the workflow declares (``Action.due``): a member's
invitations to co-author; the editor's reports to edit, the leader's to sign off and the secretariat's to report
(each one item with the count, linking to the queue); and for the authors, what happened to their reports lately
(edited, signed off, archived with the reason, reported, adopted at a level, an instruction), one item per report,
so that a report's fate at every level reaches their home page as well as their notifications."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoGroups, TodoItem, register_todo_provider

from . import workflow as wf
from .choices import CoAuthorState, ReportState
from .models import CoAuthor, OpinionEvent, OpinionReport

NEWS_DAYS = 14  # how long an author's report's news stays on their list
NEWS_ACTIONS = ("edit", "sign_off", "archive", "report", "record_adoption", "record_instruction")
LIMIT = 20
S = ReportState


def _todo(action: str) -> str:
    step = wf.OPINION[action]
    return str(step.due.todo or step.due.what) if step.due is not None else str(step.label)


def _subject(r) -> str:
    return f"{r.number} {r.title}" if r.number else r.title


def _count_item(qs, action: str, url: str, kind: str) -> list[TodoItem]:
    n = qs.count()
    if not n:
        return []
    return [TodoItem(_("%(what)s：%(n)d 件") % {"what": _todo(action), "n": n}, url, kind)]


@register_todo_provider
def opinion_todo(user) -> list[TodoItem]:
    if user is None or not user.is_authenticated:
        return []
    roles = roles_of(user)
    kind = _("社情民意")
    items: list[TodoItem] = []
    if Role.OPINION_EDITOR in roles:
        queue = OpinionReport.objects.filter(state__in=[S.SUBMITTED, S.EDITING])
        items += _count_item(queue, "edit", reverse("opinions:edit_queue"), kind)
    if Role.LEADER in roles:
        queue = OpinionReport.objects.filter(state=S.EDITING)
        items += _count_item(queue, "sign_off", reverse("opinions:sign_off_queue"), kind)
    if roles & {Role.SECRETARIAT, Role.OPINION_EDITOR}:
        queue = OpinionReport.objects.filter(state=S.SIGNED_OFF)
        items += _count_item(queue, "report", reverse("opinions:report_queue"), kind)
    if Role.MEMBER in roles:
        groups = TodoGroups(kind)
        invited = (
            OpinionReport.objects.filter(state__in=wf.INVITING)
            .filter(
                Exists(
                    CoAuthor.objects.filter(report=OuterRef("pk"), member__user_id=user.pk, state=CoAuthorState.INVITED)
                )
            )
            .only("id", "number", "title")
            .order_by("-id")[:LIMIT]
        )
        for r in invited:
            groups.add(reverse("opinions:detail", args=[r.pk]), _subject(r), _todo("confirm_coauthor"))
        items += groups.items()
    items += _news(user, kind)
    return items


def _news(user, kind: str) -> list[TodoItem]:
    since = timezone.now() - datetime.timedelta(days=NEWS_DAYS)
    mine = (
        Q(report__author_id=user.pk)
        | Q(report__lead_member__user_id=user.pk)
        | Exists(
            CoAuthor.objects.filter(
                report=OuterRef("report_id"), member__user_id=user.pk, state=CoAuthorState.CONFIRMED
            )
        )
    )
    events = (
        OpinionEvent.objects.filter(at__gte=since, action__in=NEWS_ACTIONS)
        .filter(mine)
        .select_related("report")
        .only("at", "action", "note", "report__id", "report__number", "report__title")
        .order_by("-at", "-id")[:LIMIT]
    )
    groups = TodoGroups(kind)
    for e in events:
        label = wf.OPINION.label(e.action)
        what = _("新进展：%(a)s") % {"a": label}
        groups.add(
            reverse("opinions:detail", args=[e.report_id]),
            _subject(e.report),
            what,
            detail=e.note[:40] if e.action in ("record_adoption", "report") else "",
        )
    return groups.items()
