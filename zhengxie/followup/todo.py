"""Follow-up items on each person's to-do list (``core.todo``).

- A department's staff: each recommendation addressed to their department still to be answered, and each one
  carried out too slowly to be updated within the set working days (stale), the oldest first.
- The secretariat (and, for key proposals' supervision, the proposal office): outcome documents still to be sent.
"""

from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoGroups, TodoItem, register_todo_provider
from zhengxie.people.principal import units_of

from . import workflow as wf
from .actions import document_url, rec_url
from .choices import DocumentState, RecommendationState, Source
from .models import OutcomeDocument, Recommendation
from .selectors import stale_cutoff, stale_q

LIMIT = 20


def _subject(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


@register_todo_provider
def followup_todo(user) -> list[TodoItem]:
    roles = roles_of(user)
    groups = TodoGroups(_("成果转化"))
    units = units_of(user)
    if units:
        waiting = Recommendation.objects.filter(unit_id__in=units, state=RecommendationState.NOT_ANSWERED)
        for r in waiting.only("id", "text", "due_date").order_by("created_at", "id")[:LIMIT]:
            groups.add(rec_url(r.pk), _subject(r.text), wf.RECOMMENDATION["answer"].due.todo, due=r.due_date)
        stale = Recommendation.objects.filter(stale_q(stale_cutoff()), unit_id__in=units).exclude(
            state=RecommendationState.NOT_ANSWERED
        )
        for r in stale.only("id", "text", "due_date").order_by("last_update_at", "id")[:LIMIT]:
            groups.add(rec_url(r.pk), _subject(r.text), _("久未更新，请更新落实进度"), due=r.due_date)
    sources = None
    if Role.SECRETARIAT in roles:
        sources = list(Source.values)
    elif Role.PROPOSAL_OFFICE in roles:
        sources = [Source.KEY_PROPOSAL]
    if sources:
        drafts = OutcomeDocument.objects.filter(state=DocumentState.DRAFT, source__in=sources)
        for d in drafts.only("id", "title").order_by("created_at", "id")[:LIMIT]:
            groups.add(document_url(d.pk), d.title, wf.DOCUMENT["send"].due.todo)
    return groups.items()
