"""Reads that know the reader: the secretariat and leaders see every plan and topic; a member sees published plans
and the topics whose group they are in; a staff user of a group sees that group's topics."""

from django.db.models import Q

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role

from .choices import PlanState
from .models import SupervisionPlan, SupervisionTopic

ALL_SEEING = {Role.SECRETARIAT, Role.LEADER}


def sees_everything(user) -> bool:
    return bool(ALL_SEEING & roles_of(user))


def visible_plans(user):
    if user is None or not user.is_authenticated:
        return SupervisionPlan.objects.none()
    if sees_everything(user):
        return SupervisionPlan.objects.all()
    if Role.MEMBER in roles_of(user):
        return SupervisionPlan.objects.filter(state=PlanState.PUBLISHED)
    return SupervisionPlan.objects.none()


def visible_topics(user):
    """Topics whose page the reader may open."""
    if user is None or not user.is_authenticated:
        return SupervisionTopic.objects.none()
    if sees_everything(user):
        return SupervisionTopic.objects.all()
    mine = Q(staff=user)
    if Role.MEMBER in roles_of(user):
        mine |= Q(members__user=user)
    return SupervisionTopic.objects.filter(
        pk__in=SupervisionTopic.objects.filter(mine).values("pk"), plan__state=PlanState.PUBLISHED
    )


def my_topic_ids(user) -> set[int]:
    """The topics whose group the reader is in (as a member or as staff)."""
    if user is None or not user.is_authenticated:
        return set()
    return set(SupervisionTopic.objects.filter(Q(staff=user) | Q(members__user=user)).values_list("pk", flat=True))
