"""What supervision puts on a person's to-do list: for the secretariat, the plans waiting for approval or
publication and each open topic waiting for its next phase (in the words the workflow declares); for a group's
members and staff, their topics' inspections and research visits still to come."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoGroups, register_todo_provider
from zhengxie.duty.services import activity_invited, activity_summaries

from .choices import PlanState, TopicState
from .models import SupervisionPlan, SupervisionTopic, TopicActivity
from .services import plan_url, topic_url
from .workflow import PLAN, TOPIC

LIMIT = 30
# The step each phase waits for: its ``due`` words are the item's.
NEXT_STEP = {
    TopicState.ORGANISING: "start_investigation",
    TopicState.INVESTIGATING: "start_rectification",
    TopicState.RECTIFYING: "close",
}
PLAN_NEXT = {PlanState.DRAFT: "approve", PlanState.APPROVED: "publish"}


def _secretariat_items(groups: TodoGroups) -> None:
    for plan in SupervisionPlan.objects.exclude(state=PlanState.PUBLISHED).order_by("-year")[:LIMIT]:
        step = PLAN[PLAN_NEXT[plan.state]]
        groups.add(plan_url(plan.pk), plan.title, str(step.due.todo))
    topics = (
        SupervisionTopic.objects.filter(plan__state=PlanState.PUBLISHED, state__in=list(NEXT_STEP))
        .only("pk", "title", "state")
        .order_by("plan__year", "sort_order", "pk")[:LIMIT]
    )
    for topic in topics:
        step = TOPIC[NEXT_STEP[topic.state]]
        groups.add(topic_url(topic.pk), topic.title, str(step.due.todo))


def _group_items(user, groups: TodoGroups) -> None:
    mine = SupervisionTopic.objects.filter(
        Q(staff=user) | Q(members__user=user), plan__state=PlanState.PUBLISHED
    ).exclude(state=TopicState.CLOSED)
    links = list(
        TopicActivity.objects.filter(topic__in=mine.values("pk")).values_list("topic__title", "activity_id")[:LIMIT]
    )
    now = timezone.now()
    summaries = activity_summaries(ids=[a for _t, a in links])
    for title, activity_id in links:
        summary = summaries.get(activity_id)
        if summary is None or summary.state != "published" or summary.end < now:
            continue
        # An invited member already has the activity on their list from duty (sign up, attend, check in, or nothing
        # once leave is asked): one item per page.
        if activity_invited(activity_id=activity_id, user=user):
            continue
        groups.add(
            summary.url,
            summary.title,
            _("监督%(k)s（%(t)s）") % {"k": summary.kind_name, "t": title},
            due=timezone.localdate(summary.start),
        )


@register_todo_provider
def supervision_todo(user):
    if user is None or not user.is_authenticated:
        return []
    groups = TodoGroups(str(_("民主监督")))
    if Role.SECRETARIAT in roles_of(user):
        _secretariat_items(groups)
    _group_items(user, groups)
    return groups.items()
