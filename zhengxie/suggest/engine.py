"""The unit suggestion model (智能交办), apart from Django: features, training, scoring and reasons' evidence.

A proposal is read as a bag of terms: jieba's words and every two-character run of its Chinese text (after NFKC,
lower case and traditional → simplified), its title counted twice. Terms are weighted by sublinear TF-IDF learned
from the past proposals and the vectors normalised. Four signals then score each handling unit:

* ``knn``: the nearest past proposals (cosine over an inverted index) vote for the units that led them, each by its
  similarity; these neighbours are also the reasons a person reads ("类似提案 20240031 由区住建局主办").
* ``centroid``: the cosine of the text to the mean vector of each unit's past proposals (a Rocchio classifier).
* ``prior``: how often proposals of the proposal's category went to the unit (smoothed with the overall share).
* ``suggested``: the proposer named the unit among the suggested handling units.

The blend's weights are chosen on the latest year of the training data held out from the others (a grid over a few
values), then the model is fitted on every year. Nothing in it knows any word: it learns what it knows from the
assignments it is given, so it works the same on any committee's texts.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
import zlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import orjson

from zhengxie.core.chinese import normalize, tokenizer

FORMAT = 1
DOC_TERMS = 80  # terms kept per past proposal (the heaviest): enough to find neighbours, small to store and scan
CENTROID_TERMS = 400  # terms kept per unit's mean vector
NEIGHBOURS = 20
MAX_DF_SHARE = 0.5  # terms in more than half of the proposals say nothing of the unit
MAX_VALIDATION = 2000
DEFAULT_WEIGHTS = {"knn": 1.0, "centroid": 1.0, "prior": 0.3, "suggested": 0.5}
GRID = {
    "knn": (0.5, 1.0, 2.0),
    "centroid": (0.0, 0.5, 1.0, 2.0),
    "prior": (0.0, 0.15, 0.3, 0.6),
    "suggested": (0.0, 0.25, 0.5, 1.0, 2.0),
}

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def terms(text: str) -> list[str]:
    """jieba's words (those with a letter, digit or Chinese character; single characters left out) and every
    two-character run of the Chinese text, so words jieba cuts differently still meet."""
    text = normalize(text)
    if not text.strip():
        return []
    out = [w for w in tokenizer().lcut(text) if len(w) > 1 and _WORD.search(w)]
    for run in _CJK_RUN.findall(text):
        out.extend("~" + run[i : i + 2] for i in range(len(run) - 1))
    return out


def document_terms(title: str, text: str) -> Counter:
    counts = Counter(terms(text))
    for term in terms(title):
        counts[term] += 2
    return counts


@dataclass
class Example:
    """One past proposal as the model learns from it: its words, category, the units its proposer suggested and
    the units that led or alone handled it (with the way, 主办/单办/分办)."""

    key: int  # the proposal's id
    label: str  # its number, or its title when it has none
    year: int
    title: str
    text: str
    category: int | None
    suggested: tuple[int, ...]
    units: tuple[int, ...]
    roles: tuple[str, ...] = ()


@dataclass
class Scored:
    unit: int
    score: float
    parts: dict[str, float]
    neighbours: list[tuple[str, float, str]]  # (label, similarity, role) of similar past proposals led by the unit
    category_share: tuple[int, int] | None = None  # (went to the unit, all) of the category's past proposals
    suggested: bool = False


def _weighted(counts: Counter, idf: dict[str, float], keep: int) -> dict[str, float]:
    vector = {t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items() if t in idf}
    if len(vector) > keep:
        vector = dict(heapq.nlargest(keep, vector.items(), key=lambda kv: kv[1]))
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {t: v / norm for t, v in vector.items()} if norm else {}


@dataclass
class Model:
    idf: dict[str, float]
    docs: list[dict]  # {"label", "units", "roles"} per past proposal
    postings: dict[str, tuple[array, array]]  # term → (past proposals' indexes, weights): compact in memory
    centroids: dict[int, dict[str, float]]
    centroid_postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    prior: dict[str, dict[int, float]] = field(default_factory=dict)  # category ("" overall) → unit → share
    category_counts: dict[str, dict[int, int]] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    examples: int = 0

    # -- fitting -------------------------------------------------------------------------------------------------
    @classmethod
    def fit(cls, examples: list[Example], weights: dict[str, float] | None = None) -> Model:
        examples = [e for e in examples if e.units]
        bags = [document_terms(e.title, e.text) for e in examples]
        n = len(bags)
        df = Counter(itertools.chain.from_iterable(bags))
        idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items() if d <= max(1, MAX_DF_SHARE * n)}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        sums: dict[int, Counter] = defaultdict(Counter)
        docs = []
        for i, (e, bag) in enumerate(zip(examples, bags, strict=True)):
            vector = _weighted(bag, idf, DOC_TERMS)
            for t, v in vector.items():
                postings[t].append((i, v))
            for u in e.units:
                sums[u].update(vector)
            docs.append({"label": e.label, "units": list(e.units), "roles": list(e.roles)})
        packed = {t: (array("i", (i for i, _v in ps)), array("f", (v for _i, v in ps))) for t, ps in postings.items()}
        centroids = {}
        centroid_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for u, total in sums.items():
            vector = dict(heapq.nlargest(CENTROID_TERMS, total.items(), key=lambda kv: kv[1]))
            norm = math.sqrt(sum(v * v for v in vector.values()))
            centroids[u] = {t: v / norm for t, v in vector.items()}
            for t, v in centroids[u].items():
                centroid_postings[t].append((u, v))
        counts: dict[str, Counter] = defaultdict(Counter)
        for e in examples:
            for u in e.units:
                counts[""][u] += 1
                if e.category is not None:
                    counts[str(e.category)][u] += 1
        overall = counts[""]
        total_all = sum(overall.values()) or 1
        prior = {}
        for cat, c in counts.items():
            total = sum(c.values())
            # Additive smoothing towards the overall shares (a pseudo-count of 5 proposals).
            prior[cat] = {u: (c.get(u, 0) + 5 * overall[u] / total_all) / (total + 5) for u in overall}
        return cls(
            idf=idf,
            docs=docs,
            postings=packed,
            centroids=centroids,
            centroid_postings=dict(centroid_postings),
            prior=prior,
            category_counts={k: dict(v) for k, v in counts.items()},
            weights=dict(weights or DEFAULT_WEIGHTS),
            examples=n,
        )

    # -- scoring -------------------------------------------------------------------------------------------------
    def signals(self, title: str, text: str, category: int | None, suggested) -> tuple[dict, dict, list]:
        """The four signals per unit (each between 0 and 1) and the neighbours, before weighting."""
        vector = _weighted(document_terms(title, text), self.idf, 10_000)
        sims: dict[int, float] = defaultdict(float)
        cents: dict[int, float] = defaultdict(float)
        for t, q in vector.items():
            posting = self.postings.get(t)
            if posting is not None:
                for i, v in zip(*posting, strict=True):
                    sims[i] += q * v
            for u, v in self.centroid_postings.get(t, ()):
                cents[u] += q * v
        neighbours = heapq.nlargest(NEIGHBOURS, sims.items(), key=lambda kv: kv[1])
        knn: dict[int, float] = defaultdict(float)
        total = sum(s for _i, s in neighbours) or 1.0
        for i, s in neighbours:
            units = self.docs[i]["units"]
            for u in units:
                knn[u] += s / total / len(units)
        prior = (
            self.prior.get(str(category), self.prior.get("", {})) if category is not None else self.prior.get("", {})
        )
        suggested = [u for u in dict.fromkeys(suggested or ()) if u in self.prior.get("", {})]
        sugg = {u: 1.0 / len(suggested) for u in suggested}
        return {"knn": knn, "centroid": cents, "prior": prior, "suggested": sugg}, dict(sims), neighbours

    @staticmethod
    def blend(signals: dict, weights: dict[str, float]) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for name, values in signals.items():
            w = weights.get(name, 0.0)
            if w:
                for u, v in values.items():
                    scores[u] += w * v
        return scores

    def suggest(self, title: str, text: str, *, category=None, suggested=(), limit: int = 5) -> list[Scored]:
        if not self.docs:
            return []
        signals, _sims, neighbours = self.signals(title, text, category, suggested)
        scores = self.blend(signals, self.weights)
        scale = sum(self.weights.values()) or 1.0
        ranked = heapq.nlargest(limit, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        cat_counts = self.category_counts.get(str(category)) if category is not None else None
        out = []
        for u, s in ranked:
            if s <= 0:
                continue
            near = []
            for i, sim in neighbours:
                doc = self.docs[i]
                if u in doc["units"] and sim > 0:
                    roles = doc.get("roles") or []
                    role = roles[doc["units"].index(u)] if len(roles) == len(doc["units"]) else ""
                    near.append((doc["label"], sim, role))
            out.append(
                Scored(
                    unit=u,
                    score=min(1.0, s / scale),
                    parts={k: signals[k].get(u, 0.0) for k in signals},
                    neighbours=near[:3],
                    category_share=(cat_counts.get(u, 0), sum(cat_counts.values())) if cat_counts else None,
                    suggested=u in signals["suggested"],
                )
            )
        return out

    # -- storage -------------------------------------------------------------------------------------------------
    def dumps(self) -> bytes:
        data = {
            "format": FORMAT,
            "idf": self.idf,
            "docs": self.docs,
            "postings": {t: [ids.tolist(), ws.tolist()] for t, (ids, ws) in self.postings.items()},
            "centroids": {str(u): v for u, v in self.centroids.items()},
            "prior": {k: {str(u): p for u, p in v.items()} for k, v in self.prior.items()},
            "category_counts": {k: {str(u): c for u, c in v.items()} for k, v in self.category_counts.items()},
            "weights": self.weights,
            "examples": self.examples,
        }
        return zlib.compress(orjson.dumps(data), 6)

    @classmethod
    def loads(cls, blob: bytes) -> Model:
        data = orjson.loads(zlib.decompress(bytes(blob)))
        if data.get("format") != FORMAT:
            raise ValueError("unknown model format")
        centroids = {int(u): v for u, v in data["centroids"].items()}
        centroid_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for u, vector in centroids.items():
            for t, v in vector.items():
                centroid_postings[t].append((u, v))
        return cls(
            idf=data["idf"],
            docs=data["docs"],
            postings={t: (array("i", ids), array("f", ws)) for t, (ids, ws) in data["postings"].items()},
            centroids=centroids,
            centroid_postings=dict(centroid_postings),
            prior={k: {int(u): p for u, p in v.items()} for k, v in data["prior"].items()},
            category_counts={k: {int(u): c for u, c in v.items()} for k, v in data["category_counts"].items()},
            weights=data["weights"],
            examples=data["examples"],
        )


def accuracy(model: Model, examples: list[Example], weights: dict[str, float] | None = None) -> tuple[float, float]:
    """Top-1 and top-3 accuracy: a hit when one of the units that led (or alone handled) the proposal is ranked
    first / among the first three."""
    hits1 = hits3 = 0
    cases = [e for e in examples if e.units]
    for e in cases:
        signals, _s, _n = model.signals(e.title, e.text, e.category, e.suggested)
        scores = model.blend(signals, weights or model.weights)
        top = [u for u, _s in heapq.nlargest(3, scores.items(), key=lambda kv: (kv[1], -kv[0]))]
        hits1 += bool(top[:1] and top[0] in e.units)
        hits3 += bool(set(top) & set(e.units))
    n = len(cases) or 1
    return hits1 / n, hits3 / n


def tune(examples: list[Example]) -> tuple[dict[str, float], dict]:
    """The blend's weights: fitted on every year but the latest, chosen by top-1 (then top-3) accuracy on the
    latest. With fewer than two years, or too few proposals in either part, the defaults."""
    years = sorted({e.year for e in examples if e.units})
    if len(years) < 2:
        return dict(DEFAULT_WEIGHTS), {"validated": False}
    held = years[-1]
    train = [e for e in examples if e.year < held]
    valid = [e for e in examples if e.year == held and e.units]
    if len(train) < 30 or len(valid) < 20:
        return dict(DEFAULT_WEIGHTS), {"validated": False}
    if len(valid) > MAX_VALIDATION:  # every k-th: the grid is tried on each case
        valid = valid[:: math.ceil(len(valid) / MAX_VALIDATION)]
    model = Model.fit(train)
    # The signals do not depend on the weights: compute them once per case, then try every weighting.
    cases = [(model.signals(e.title, e.text, e.category, e.suggested)[0], set(e.units)) for e in valid]
    best, best_key = dict(DEFAULT_WEIGHTS), (-1.0, -1.0)
    names = list(GRID)
    for values in itertools.product(*(GRID[n] for n in names)):
        weights = dict(zip(names, values, strict=True))
        hits1 = hits3 = 0
        for signals, truth in cases:
            scores = Model.blend(signals, weights)
            top = heapq.nlargest(3, scores.items(), key=lambda kv: (kv[1], -kv[0]))
            hits1 += bool(top and top[0][0] in truth)
            hits3 += any(u in truth for u, _s in top)
        key = (hits1 / len(cases), hits3 / len(cases))
        if key > best_key:
            best, best_key = weights, key
    return best, {"validated": True, "year": held, "top1": best_key[0], "top3": best_key[1], "cases": len(cases)}


def train(examples: list[Example]) -> tuple[Model, dict]:
    weights, validation = tune(examples)
    return Model.fit(examples, weights), validation
