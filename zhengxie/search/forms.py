"""The search's inputs, read the same by the page and the API."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import registry

MAX_QUERY_CHARS = 1000
PAGE_SIZE = 20


@dataclass(frozen=True)
class SearchInput:
    query: str = ""
    kind: str = ""
    year: int | None = None


def clean_query(text) -> str:
    """The query as searched: at most ``MAX_QUERY_CHARS`` characters, NUL and other control characters dropped."""
    text = str(text or "")[:MAX_QUERY_CHARS]
    return "".join(ch for ch in text if ch >= " " or ch in "\t\n").strip()


def kind_choices() -> list[tuple[str, str]]:
    return [("", _("全部"))] + [(s.kind, s.label) for s in registry.sources()]


def clean_kind(value) -> str:
    """A registered kind, or "" (all kinds) for anything else."""
    value = str(value or "")
    return value if registry.source(value) is not None else ""


def clean_year(value) -> int | None:
    """A year from 1 to 9999, or None for anything else."""
    text = str(value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 4:
        return None
    year = int(text)
    return year if year >= 1 else None
