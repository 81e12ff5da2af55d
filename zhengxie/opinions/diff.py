"""The difference between two versions of a report, for people to read: Chinese has no spaces between words, so the
texts are compared character by character (a run of Latin letters or digits counts as one token, so "2026年" does
not show as four changed digits). The result is a list of segments (``same`` / ``removed`` / ``added``, text) that
a template renders with ``<del>`` and ``<ins>``, escaping the text as it does any other."""

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[A-Za-z0-9_.%]+|\s+|.", re.S)


@dataclass(frozen=True)
class Segment:
    op: str  # "same", "removed", "added"
    text: str


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    segments: tuple[Segment, ...]

    @property
    def changed(self) -> bool:
        return any(s.op != "same" for s in self.segments)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def diff_text(old: str, new: str) -> tuple[Segment, ...]:
    a, b = tokens(old), tokens(new)
    out: list[Segment] = []

    def push(op, parts):
        text = "".join(parts)
        if not text:
            return
        if out and out[-1].op == op:
            out[-1] = Segment(op, out[-1].text + text)
        else:
            out.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            push("same", a[i1:i2])
        else:
            push("removed", a[i1:i2])
            push("added", b[j1:j2])
    return tuple(out)


def diff_versions(old, new, labels: dict[str, str]) -> list[FieldDiff]:
    """Each text field of the two versions (``title``, ``content``, ``suggestions``) compared."""
    return [
        FieldDiff(field, str(label), diff_text(getattr(old, field), getattr(new, field)))
        for field, label in labels.items()
    ]
