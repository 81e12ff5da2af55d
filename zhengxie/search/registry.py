"""What is searched: each module declares its sources here when it is ready (``AppConfig.ready``), so the search
(which sits below the domain apps) needs none of them, and opinion reports, outcome documents and recommendations
join by registering theirs.

A source says, for one kind of object:

* ``documents(ids)``: the objects' texts as the index holds them (``Document``), for the ids given, or for all of
  that kind when ``ids`` is None (the rebuild; an iterable, read in batches). An id it returns nothing for is
  dropped from the index (deleted, or no longer searchable).
* ``visible_ids(user)``: a queryset of the ids of the objects of that kind ``user`` may see, built from the same
  selector the module's lists use. The search joins it as a subquery, so visibility is the lists' rule, never a
  copy of it.
* ``visible_keys(user)`` (optional): for kinds whose visibility follows another object's (a reply its proposal's,
  the ``key`` of its ``Document``), the keys of the entries ``user`` may possibly see, as a list, or None when that
  narrows nothing (a reader who sees nearly everything). The search keeps only the matches with those keys before
  asking ``visible_ids`` of each: the keys must include every key of a visible object (``visible_ids`` still
  decides), and are meant for readers who see few of the kind (a member the replies to their own proposals).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """One object's text for the index."""

    object_id: int
    year: int | None
    title: str
    body: str
    url: str
    key: int | None = None  # the object whose visibility this one's follows (a reply's proposal)


@dataclass(frozen=True)
class Source:
    kind: str  # the code of the kind (API ``type``); never shown to a person
    label: object  # what a person reads (提案, 答复 …), lazy translated
    documents: Callable[[Iterable[int] | None], Iterable[Document]]
    visible_ids: Callable[[object], object]  # user -> QuerySet of ids (values_list / values of the primary key)
    order: int = 0
    visible_keys: Callable[[object], list[int] | None] | None = None  # user -> keys worth checking, None: all


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.kind] = source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.kind))


def source(kind: str) -> Source | None:
    return _SOURCES.get(kind)
