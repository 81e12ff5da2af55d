"""What the similar-proposals index reads, declared by the proposals when they are ready (``AppConfig.ready``), so
this app (which sits below the domain apps, like the search) needs none of their modules:

* ``texts(ids)``: ``(id, text)`` of those proposals (all of them when ``ids`` is None: the rebuild); an id it
  gives nothing for is dropped from the index (deleted).
* ``listable(user, ids, exclude)``: of these ids, the proposals ``user`` may see in the proposals' lists that are
  not drafts, less ``exclude``, as dicts of ``id``, ``number``, ``title``, ``year``.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    texts: Callable[[Iterable[int] | None], Iterable[tuple[int, str]]]
    listable: Callable[[object, list[int], int | None], list[dict]]


_SOURCE: list[Source] = []


def register(source: Source) -> None:
    _SOURCE[:] = [source]


def source() -> Source:
    if not _SOURCE:
        raise LookupError("no proposals registered for the similarity index")
    return _SOURCE[0]
