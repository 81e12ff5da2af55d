"""Online deliberation on each person's to-do list, one item per deliberation (``core.todo.TodoGroups``), in the
words the declarations give (``Due``).

- A member: each open deliberation they are invited to whose window is open now and where they have not posted
  yet (参与网络议政), due on its closing day.
- The secretariat: drafts to open, and closed deliberations waiting for their summary.
"""

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.todo import TodoGroups, TodoItem, register_todo_provider

from .models import Deliberation, DeliberationInvitation, DeliberationPost
from .services import url_of
from .workflow import DELIBERATION

LIMIT = 20


def _todo(action: str) -> str:
    return str(DELIBERATION[action].due.todo)


@register_todo_provider
def deliberation_todo(user) -> list[TodoItem]:
    roles = roles_of(user)
    now = timezone.now()
    groups = TodoGroups(_("网络议政"))
    if Role.MEMBER in roles:
        invited = DeliberationInvitation.objects.filter(deliberation=OuterRef("pk"), member__user=user)
        posted = DeliberationPost.objects.filter(deliberation=OuterRef("pk"), author__user=user)
        waiting = (
            Deliberation.objects.filter(
                Exists(invited), state__in=DELIBERATION["post"].sources, opens_at__lte=now, closes_at__gt=now
            )
            .exclude(Exists(posted))
            .order_by("closes_at", "pk")
        )
        step = DELIBERATION["post"]
        for d in waiting[:LIMIT]:
            groups.add(url_of(d.pk), d.title, _todo("post"), due=step.due.by(d))
    if Role.SECRETARIAT in roles:
        for action in ("open", "summarise"):
            for d in Deliberation.objects.filter(state__in=DELIBERATION[action].sources).order_by("pk")[:LIMIT]:
                groups.add(url_of(d.pk), d.title, _todo(action), due=timezone.localdate(d.closes_at))
    return groups.items()
