"""Scheduled work on proposals: lapsing co-sign invitations, taking silent units to accept, reminders before due
dates, daily overdue flags, the weekly overseer digest and follow-up (回头看) reminders. Every function takes
``today`` so tests run it on a controlled clock; each reminder is recorded under a key, so a rerun never sends twice.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.roles import Role
from zhengxie.notifications.services import notify

from . import workflow as wf
from .actions import assignment_act, office_users, proposal_act, unit_users
from .choices import CosignState, ProposalState
from .conf import conf
from .models import Assignment, Cosignature, Proposal, ReminderLog
from .selectors import LIVE_ASSIGNMENT, evaluations_outstanding

# Due dates concern assignments still being handled on a proposal still being handled: once every owed reply is
# approved, a co-handler that never sent its opinion is not reminded or flagged about a replied or closed proposal.
IN_HANDLING = {"state__in": LIVE_ASSIGNMENT, "proposal__state__in": (ProposalState.ASSIGNED, ProposalState.REHANDLING)}


def _once(key: str) -> bool:
    """True the first time a key is seen (and records it); False afterwards."""
    try:
        with transaction.atomic():
            ReminderLog.objects.create(key=key)
        return True
    except IntegrityError:
        return False


def lapse_cosign_invitations(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    n = 0
    for pk in Proposal.objects.filter(
        state__in=wf.PROPOSAL["lapse_cosign"].sources, cosign_deadline__lt=now
    ).values_list("pk", flat=True):
        proposal_act(proposal_id=pk, action="lapse_cosign", actor=None)
        n += 1
    return n


def auto_accept_assignments(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    n = 0
    awaiting = wf.ASSIGNMENT["auto_accept"].sources
    for pk in Assignment.objects.filter(state__in=awaiting, dispute_deadline__lt=today).values_list("pk", flat=True):
        assignment_act(assignment_id=pk, action="auto_accept", actor=None)
        n += 1
    return n


def _url(a: Assignment) -> str:
    return f"/proposals/{a.proposal_id}/"


def due_date_reminders(*, today: datetime.date | None = None) -> int:
    """30, 7 and 1 days before a due date, to the unit's staff."""
    today = today or timezone.localdate()
    sent = 0
    for days in conf("REMINDER_DAYS_BEFORE"):
        due = today + datetime.timedelta(days=days)
        for a in Assignment.objects.filter(**IN_HANDLING, due_date=due).select_related("proposal", "unit"):
            if _once(f"due:{a.pk}:{a.due_date}:{days}"):
                notify(
                    recipients=unit_users(a.unit_id),
                    kind="proposal.due_soon",
                    title=_("提案办理期限还有 %(n)d 天：%(t)s") % {"n": days, "t": a.proposal.title},
                    body=_("办理期限 %(d)s。") % {"d": a.due_date},
                    url=_url(a),
                )
                sent += 1
    return sent


def overdue_flags(*, today: datetime.date | None = None) -> int:
    """Every day: each overdue assignment is flagged to its unit, and the office gets one list."""
    today = today or timezone.localdate()
    overdue = list(
        Assignment.objects.filter(**IN_HANDLING, due_date__lt=today)
        .select_related("proposal", "unit")
        .order_by("due_date")
    )
    sent = 0
    for a in overdue:
        if _once(f"overdue:{a.pk}:{today}"):
            notify(
                recipients=unit_users(a.unit_id),
                kind="proposal.overdue",
                title=_("提案办理已超期：%(t)s") % {"t": a.proposal.title},
                body=_("办理期限 %(d)s，已超期 %(n)d 天。") % {"d": a.due_date, "n": (today - a.due_date).days},
                url=_url(a),
            )
            sent += 1
    if overdue and _once(f"overdue-office:{today}"):
        lines = "\n".join(f"{a.unit}：{a.proposal.number} {a.proposal.title}（{a.due_date}）" for a in overdue[:200])
        notify(
            recipients=office_users(),
            kind="proposal.overdue_list",
            title=_("今日超期未办提案 %(n)d 件") % {"n": len(overdue)},
            body=lines,
            url="/proposals/boards/?overdue=1",
        )
        sent += 1
    return sent


def overseer_weekly_digest(*, today: datetime.date | None = None) -> int:
    """Mondays: overseers get the overdue list by unit."""
    today = today or timezone.localdate()
    iso_year, iso_week, _weekday = today.isocalendar()
    if not _once(f"overseer-digest:{iso_year}-W{iso_week:02d}"):
        return 0
    overdue = Assignment.objects.filter(**IN_HANDLING, due_date__lt=today).select_related("unit", "proposal")
    by_unit: dict[str, int] = {}
    for a in overdue:
        by_unit[str(a.unit)] = by_unit.get(str(a.unit), 0) + 1
    overseers = get_user_model().objects.filter(role_grants__role=Role.OVERSEER, is_active=True)
    body = "\n".join(f"{u}：{n} 件" for u, n in sorted(by_unit.items(), key=lambda kv: -kv[1])) or _("本周无超期提案。")
    notify(
        recipients=overseers,
        kind="proposal.overseer_digest",
        title=_("提案办理督查周报（%(y)d年第%(w)d周）：超期 %(n)d 件")
        % {"y": iso_year, "w": iso_week, "n": sum(by_unit.values())},
        body=body,
        url="/proposals/boards/?overdue=1",
    )
    return 1


def evaluation_reminders(*, today: datetime.date | None = None) -> int:
    """Proposers who have not rated yet: reminded when the evaluation window has 3 days left."""
    today = today or timezone.localdate()
    sent = 0
    soon = today + datetime.timedelta(days=3)
    for p in Proposal.objects.filter(state__in=wf.PROPOSAL["evaluate"].sources, evaluation_deadline=soon):
        authors = {q.author for _r, q in evaluations_outstanding(p)}
        for user in authors:
            if _once(f"evaluate:{p.pk}:{user.pk}:{p.evaluation_deadline}"):
                notify(
                    recipients=[user],
                    kind="proposal.evaluate_reminder",
                    title=_("请在 %(d)s 前完成提案答复测评：%(t)s") % {"d": p.evaluation_deadline, "t": p.title},
                    url=f"/proposals/{p.pk}/",
                )
                sent += 1
    return sent


def cosign_reminders(*, now: datetime.datetime | None = None) -> int:
    """Invited co-signers: reminded one day before the co-sign window ends."""
    now = now or timezone.now()
    sent = 0
    window = (now, now + datetime.timedelta(days=1))
    for c in Cosignature.objects.filter(
        state=CosignState.INVITED,
        proposal__state__in=wf.PROPOSAL["cosign"].sources,
        proposal__cosign_deadline__range=window,
    ).select_related("proposal", "member__user"):
        if c.member.user_id and _once(f"cosign:{c.pk}:{c.proposal.cosign_deadline.isoformat()}"):
            notify(
                recipients=[c.member.user],
                kind="proposal.cosign_reminder",
                title=_("联名邀请即将到期：%(t)s") % {"t": c.proposal.title},
                url=f"/proposals/{c.proposal_id}/",
            )
            sent += 1
    return sent


def followup_reminders(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    for p in Proposal.objects.filter(state=ProposalState.CLOSED, followup_on=today):
        if _once(f"followup:{p.pk}:{p.followup_on}"):
            notify(
                recipients=office_users(),
                kind="proposal.followup",
                title=_("今日“回头看”：%(n)s %(t)s") % {"n": p.number, "t": p.title},
                url=f"/proposals/{p.pk}/",
            )
            sent += 1
    return sent


def run_daily(*, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "auto_accepted": auto_accept_assignments(today=today),
        "due_reminders": due_date_reminders(today=today),
        "overdue": overdue_flags(today=today),
        "evaluation_reminders": evaluation_reminders(today=today),
        "followups": followup_reminders(today=today),
        # Once per ISO week: on Monday, or on the first run after a missed Monday.
        "overseer_digest": overseer_weekly_digest(today=today),
    }
