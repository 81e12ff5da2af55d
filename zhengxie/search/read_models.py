"""A search result as the page and the API show it: the entry's kind in words, title, year, address, and the
passage of the text around the first place a query word occurs, with where each word occurs in it. The page marks
those places with ``<mark>`` (escaping the text around them); the API gives the offsets."""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from . import registry
from .text import highlight_spans, query_words

SNIPPET_CHARS = 120
LEAD_CHARS = 30  # text shown before the first match


@dataclass
class Result:
    kind: str
    kind_label: str
    object_id: int
    year: int | None
    title: str
    snippet: str
    url: str
    highlights: list[tuple[int, int]] = field(default_factory=list)  # in ``snippet``
    title_highlights: list[tuple[int, int]] = field(default_factory=list)

    @property
    def snippet_html(self) -> SafeString:
        return marked(self.snippet, self.highlights)

    @property
    def title_html(self) -> SafeString:
        return marked(self.title, self.title_highlights)


def marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    """``text`` escaped, each span wrapped in ``<mark>``."""
    out, at = [], 0
    for start, end in spans:
        out.append(escape(text[at:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        at = end
    out.append(escape(text[at:]))
    return mark_safe("".join(out))


def passage(body: str, words: tuple[str, ...]) -> tuple[str, list[tuple[int, int]]]:
    """The part of ``body`` around its first match (its beginning when no word occurs in it: a title match), and
    the matches inside that part."""
    body = " ".join(body.split())
    spans = highlight_spans(body, words)
    start = max(0, spans[0][0] - LEAD_CHARS) if spans else 0
    end = min(len(body), start + SNIPPET_CHARS)
    text = body[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(body) else ""
    shift = len(prefix) - start
    inside = [(s + shift, min(e, end) + shift) for s, e in spans if s >= start and s < end]
    return prefix + text + suffix, inside


def results(entries, query: str) -> list[Result]:
    words = query_words(query or "")
    rows = []
    for entry in entries:
        src = registry.source(entry.kind)
        snippet, spans = passage(entry.body, words)
        rows.append(
            Result(
                kind=entry.kind,
                kind_label=str(src.label) if src is not None else "",
                object_id=entry.object_id,
                year=entry.year,
                title=entry.title,
                snippet=snippet,
                url=entry.url,
                highlights=spans,
                title_highlights=highlight_spans(entry.title, words),
            )
        )
    return rows
