"""Consultation items on the secretariat's to-do list, one item per page (``core.todo.TodoGroups``):

- each plan version not yet published: its next approval step (the declared ``Due`` words of the action open to
  them);
- each open consultation: its next stage's step, and every date warning (notice 15, materials 10 working days before
  the meeting; outcome within 7 working days after it), due by the rule's date.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoGroups, register_todo_provider
from zhengxie.duty.services import activity_notices, activity_summaries
from zhengxie.followup import services as followup

from .actions import source_of
from .choices import PlanState
from .models import Consultation, ConsultationPlan
from .read_models import OPEN_STATES, warnings_for
from .workflow import CONSULTATION, PLAN, SECRETARIAT

LIMIT = 30


def _due_words(flow, state: str) -> str | None:
    for step in flow.actions.values():
        if step.due is not None and state in step.sources and SECRETARIAT in step.who:
            return str(step.due.todo or step.due.what)
    return None


@register_todo_provider
def consultation_todo(user):
    if Role.SECRETARIAT not in roles_of(user):
        return []
    groups = TodoGroups(_("协商"))
    for plan in ConsultationPlan.objects.exclude(state=PlanState.PUBLISHED).order_by("year", "version")[:LIMIT]:
        what = _due_words(PLAN, plan.state)
        if what:
            groups.add(f"/consultations/plans/{plan.pk}/", plan.title, what)
    consultations = list(
        Consultation.objects.filter(state__in=OPEN_STATES).prefetch_related("materials").order_by("year", "id")[:LIMIT]
    )
    meetings = [c.meeting_activity_id for c in consultations if c.meeting_activity_id]
    summaries = activity_summaries(ids=meetings)
    notices = activity_notices(ids=meetings)
    documents = {}
    for c in consultations:
        if c.meeting_activity_id:
            documents.update(followup.documents_for_sources(source=source_of(c), source_ids=[c.pk]))
    today = timezone.localdate()
    for c in consultations:
        url = f"/consultations/{c.pk}/"
        what = _due_words(CONSULTATION, c.state)
        if what:
            groups.add(url, c.title, what)
        meeting = summaries.get(c.meeting_activity_id)
        for warning in warnings_for(
            c,
            meeting=meeting,
            notice=notices.get(c.meeting_activity_id),
            documents=documents.get(c.pk, []),
            today=today,
        ):
            groups.add(url, c.title, _("时限提醒"), detail=warning.message, due=warning.due)
    return groups.items()
