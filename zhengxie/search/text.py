"""Chinese text for the search index: one normalisation and one segmentation, used for the texts and the queries
alike, on SQLite and PostgreSQL.

* **Normalisation**: Unicode NFKC (full-width letters and digits become ordinary ones), lower case, and traditional
  characters turned into simplified ones with OpenCC (``t2s``), so either form finds the other.
* **Segmentation**: jieba's precise cut with its kept dictionary plus the committee's own terms
  (``core/data/terms.txt``: 提案, 交办, 承办单位 …). A text is indexed with jieba's search cut (each word and the
  dictionary words inside it: 停车场 → 停车, 车场, 停车场) *and* every two-character run inside a longer word, so a
  two-character query word reaches the longer words that hold it even where the dictionary does not list the
  part (智慧停车场 → 智慧, 慧停, 停车, 车场). A query is cut with the precise cut; each of its words must occur.

A token is a run of letters and digits (punctuation and spaces are dropped), so the tokens written to the index,
joined by spaces, read the same to SQLite's FTS5 ``unicode61`` tokenizer and to PostgreSQL's ``simple``
configuration.
"""

import re
from functools import lru_cache

from zhengxie.core.chinese import normalize, tokenizer

MAX_QUERY_WORDS = 8  # a longer query keeps its first words: every word is one more condition on the index


def _is_token(word: str) -> bool:
    return any(ch.isalnum() for ch in word)


def _clean(word: str) -> str:
    """A word as the index's tokenizers read it: its letters and digits only (``C++`` → ``c``)."""
    return "".join(ch for ch in word if ch.isalnum())


def index_tokens(text: str) -> list[str]:
    """The tokens a text is indexed with, in text order (repeats kept: they count in the ranking)."""
    tokens: list[str] = []
    for clause in _CLAUSE_BREAKS.split(normalize(text)):
        if clause:
            tokens.extend(_clause_tokens(clause))
    return tokens


# jieba segments each run between punctuation on its own, so a text cut clause by clause gives the same words; the
# clauses that recur (a reply's opening and closing lines, the committee's set phrases) are then cut once.
_CLAUSE_BREAKS = re.compile(r"[\s，。！？；：、“”‘’（）《》【】…—,;:!?()]+")


@lru_cache(maxsize=65536)
def _clause_tokens(clause: str) -> tuple[str, ...]:
    tokens: list[str] = []
    for word in tokenizer().cut_for_search(clause):
        word = _clean(word)
        if not word:
            continue
        if len(word) > 2 and _is_cjk(word):
            # The search cut has just given the dictionary words inside this one: add the other pairs only.
            recent = set(tokens[-2 * len(word) :])
            tokens.extend(pair for i in range(len(word) - 1) if (pair := word[i : i + 2]) not in recent)
        tokens.append(word)
    return tuple(tokens)


def _is_cjk(word: str) -> bool:
    return all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in word)


def index_text(text: str) -> str:
    """``index_tokens`` joined by spaces: what the index's text columns hold."""
    return " ".join(index_tokens(text))


@lru_cache(maxsize=512)
def query_words(query: str) -> tuple[str, ...]:
    """The words of a query (each must occur), without repeats, in query order; at most ``MAX_QUERY_WORDS``."""
    words: list[str] = []
    for word in tokenizer().cut(normalize(query[:1000])):
        word = _clean(word)
        if word and word not in words:
            words.append(word)
        if len(words) == MAX_QUERY_WORDS:
            break
    return tuple(words)


def highlight_spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the query's words occur in ``text`` (any form: compared after normalising), as sorted, non-overlapping
    (start, end) offsets into ``text``."""
    if not text or not words:
        return []
    folded = normalize(text)
    if len(folded) != len(text):
        # A conversion that changed the length (rare phrase mappings): compare character by character instead.
        folded = "".join(normalize(ch)[:1] or " " for ch in text)
    spans: list[tuple[int, int]] = []
    for word in words:
        start = folded.find(word)
        while start != -1:
            spans.append((start, start + len(word)))
            start = folded.find(word, start + len(word))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
