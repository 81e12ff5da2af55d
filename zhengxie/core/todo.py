"""The "my to-do" list on the home page. Each module registers a provider that returns the items a user must act
on; the home page shows them all, most urgent first."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    kind: str  # short label shown as a badge, e.g. "账号安全"
    due: datetime.date | None = None


_PROVIDERS: list[Callable] = []


def register_todo_provider(provider: Callable) -> Callable:
    _PROVIDERS.append(provider)
    return provider


def todo_for(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _PROVIDERS:
        items.extend(provider(user))
    return sorted(items, key=lambda i: (i.due is None, i.due or datetime.date.max, i.title))
