"""One read model per screen: what the activity screen shows, built once from the reader and the activity, then
rendered by the activity page and serialised by the API, so the two cannot drift apart."""

import datetime
from dataclasses import dataclass
from functools import cached_property

from django.utils import timezone

from . import activities
from .models import Activity, AttendanceMode, Invitation


@dataclass
class ActivityDetail:
    """An activity as its reader may see it: the actions they may take now, their own invitation and, for an
    organiser, every invitation."""

    activity: Activity
    organiser: bool  # the reader organises activities: they see every invitation and act on them
    allowed_actions: list[str]
    mine: Invitation | None  # the reader's invitation, with its member and leave request
    invitations: list[Invitation]  # for an organiser: every invitation with its member (and sector) and leave, by name

    @property
    def expected(self) -> bool:
        """The reader is expected to attend (invited to a required activity, or signed up)."""
        return self.mine is not None and activities.expected(self.mine)

    @cached_property
    def signed_up(self) -> int | None:
        """How many signed up, for a sign-up activity (the page shows it)."""
        if self.activity.attendance != AttendanceMode.SIGN_UP:
            return None
        return self.activity.invitations.filter(signed_up_at__isnull=False).count()

    @cached_property
    def materials(self) -> list:
        """The activity's materials in the order they were uploaded (the page lists them)."""
        return list(self.activity.materials.order_by("uploaded_at", "id"))


def activity_detail(user, activity: Activity, *, now: datetime.datetime | None = None) -> ActivityDetail:
    """``activity``: one ``user`` may see (``activities.visible_activities``), with its kind and organiser."""
    now = now or timezone.now()
    organiser = activities.is_organiser(user)
    mine = (
        Invitation.objects.select_related("member", "leave").filter(activity=activity, member__user=user).first()
        if user is not None and user.is_authenticated
        else None
    )
    invitations = []
    if organiser:
        rows = activity.invitations.select_related("member__sector", "leave").order_by("member__name", "member_id")
        invitations = list(rows)
    # Each invitation knows its activity: ``activities.expected`` reads it without a query per row.
    for inv in [mine, *invitations]:
        if inv is not None:
            inv.activity = activity
    return ActivityDetail(
        activity=activity,
        organiser=organiser,
        allowed_actions=activities.allowed_actions(activity, user, now=now),
        mine=mine,
        invitations=invitations,
    )
