"""The "my to-do" list on the home page. Each module registers a provider that returns the items a user must act
on; the home page shows them all, most urgent first.

One item per place a person acts: a provider that finds several things waiting on the same page (two units' replies
to approve on one proposal, leave requests and a check-in on one activity) gathers them with ``TodoGroups`` into one
item naming each of them, due by the earliest of their dates."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    kind: str  # short label shown as a badge, e.g. "账号安全"
    due: datetime.date | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


@dataclass
class _Group:
    url: str
    subject: str
    kind: str
    words: dict[str, list[str]] = field(default_factory=dict)  # what is due -> the details (units, counts), in order
    due: datetime.date | None = None


class TodoGroups:
    """Items gathered by the page they link to: ``add(url, subject, what, detail=…, due=…)`` for each thing waiting;
    ``items()`` gives one item per page, titled "what（details）、what：subject"."""

    def __init__(self, kind: str):
        self.kind = kind
        self._groups: dict[str, _Group] = {}

    def add(self, url: str, subject: str, what: str, *, detail: str = "", due: datetime.date | None = None) -> None:
        if isinstance(due, datetime.datetime):
            due = timezone.localdate(due)
        group = self._groups.setdefault(url, _Group(url, subject, self.kind))
        details = group.words.setdefault(str(what), [])
        if detail and detail not in details:
            details.append(detail)
        if due is not None and (group.due is None or due < group.due):
            group.due = due

    def items(self) -> list[TodoItem]:
        out = []
        comma = _("、")
        for g in self._groups.values():
            parts = [
                _("%(what)s（%(details)s）") % {"what": what, "details": comma.join(details)} if details else what
                for what, details in g.words.items()
            ]
            title = comma.join(parts)
            if g.subject:
                title = _("%(what)s：%(subject)s") % {"what": title, "subject": g.subject}
            out.append(TodoItem(title, g.url, g.kind, g.due))
        return out


_PROVIDERS: list[Callable] = []


def register_todo_provider(provider: Callable) -> Callable:
    _PROVIDERS.append(provider)
    return provider


def todo_for(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _PROVIDERS:
        items.extend(provider(user))
    return sorted(items, key=lambda i: (i.due is None, i.due or datetime.date.max, i.title))
