"""Realistic proposal texts for bench/similar.py, made here rather than copied from templates: a vocabulary of the
words of the project's own Chinese text (the demo data and the interface's words), topics that each favour their
own few dozen words (so proposals on one topic resemble each other the way real ones do), and edits that replace a
given share of a text's words.

A text is kept as its list of words, so "5 % of the words changed" is exact."""

import glob
import itertools
import random
import re
from dataclasses import dataclass

from common import REPO

VERBS = ["加快推进", "进一步加强", "完善", "推动", "提升", "规范", "支持", "优化", "统筹推进", "着力破解", "建立健全"]


def vocabulary() -> list[str]:
    """Two- to four-character words cut from the project's Chinese text, most frequent first."""
    text = ""
    patterns = ("zhengxie/**/*.toml", "zhengxie/locale/**/*.po", "bench/generate_history.py")
    for pattern in patterns:
        for name in sorted(glob.glob(str(REPO / pattern), recursive=True)):
            with open(name, encoding="utf-8") as f:
                text += f.read()
    counts: dict[str, int] = {}
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        step = 2 if len(run) % 3 else 3
        for i in range(0, len(run) - 1, step):
            word = run[i : i + step]
            if len(word) >= 2:
                counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: (-counts[w], w))


@dataclass
class Doc:
    title: list[str]
    body: list[str]  # words and punctuation marks

    def text(self) -> tuple[str, str]:
        return "".join(self.title), "".join(self.body)


class Corpus:
    def __init__(self, *, seed: int = 7, topics: int = 2000, topic_words: int = 40):
        self.rng = random.Random(seed)
        self.words = vocabulary()
        n = len(self.words)
        self.cum_weights = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(n)))  # Zipf-like
        self.topics = [self.rng.sample(self.words[50:], topic_words) for _ in range(topics)]

    def general(self) -> str:
        return self.rng.choices(self.words, cum_weights=self.cum_weights)[0]

    def doc(self) -> Doc:
        rng = self.rng
        topic = rng.choice(self.topics)
        title = ["关于", rng.choice(VERBS), rng.choice(topic), rng.choice(topic), "的建议"]
        body: list[str] = []
        for _sentence in range(rng.randint(18, 40)):
            for i in range(rng.randint(6, 14)):
                body.append(rng.choice(topic) if rng.random() < 0.35 else self.general())
                if i and rng.random() < 0.15:
                    body.append("，")
            body.append("。")
        return Doc(title, body)

    def edit(self, doc: Doc, share: float) -> Doc:
        """The same text with ``share`` of its words (title and body, punctuation not counted) replaced by others."""
        title, body = list(doc.title), list(doc.body)
        slots = [(title, i) for i in range(len(title))] + [
            (body, i) for i, w in enumerate(body) if w not in ("，", "。")
        ]
        for words, i in self.rng.sample(slots, round(share * len(slots))):
            old = words[i]
            while words[i] == old:
                words[i] = self.general()
        return Doc(title, body)

    def collection(self, n: int, *, copies: float = 0.1) -> list[Doc]:
        """``n`` texts of which about ``copies`` are another one (any earlier, a copy too) with 5–40 % of its
        words changed: proposals resubmitted in a later year, or written from the same draft."""
        docs: list[Doc] = []
        for _ in range(n):
            if docs and self.rng.random() < copies:
                docs.append(self.edit(self.rng.choice(docs), self.rng.uniform(0.05, 0.4)))
            else:
                docs.append(self.doc())
        return docs
