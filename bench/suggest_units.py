"""Unit suggestion (智能交办): top-1 and top-3 accuracy on the latest year held out from training, for the
platform's model and two baselines measured in the same run on the same split, and the latency of a suggestion.

    .venv/bin/python bench/generate.py --tier district --database-url sqlite:///var/bench-suggest-district.sqlite3
    .venv/bin/python bench/suggest_units.py --database-url sqlite:///var/bench-suggest-district.sqlite3

The handling units and categories are the tier's (bench/generate.py). The tier holds no proposal texts, so this
script writes a history of proposals for them here (``history``), made so that no method can lean on how it is
made: the words are cut from the project's own Chinese text, each topic is a random set of them, and the units
that handle a topic are drawn at random — nothing ties a unit's name to the words of its proposals, and the office
is not always consistent (a topic goes to its usual unit seven times in ten, otherwise to a second unit or to any
unit). Each year some topics are new. The proposer names suggested units in about half of the proposals, not
always the right ones. The platform's model knows no word of this (``zhengxie/suggest/engine.py``).

Split: train on every year but the latest, test on the latest. The platform's model chooses its blend on the
latest training year (never the test year) and is fitted on all training years, exactly as the product's
training does. Baselines, on the same split:

* **category prior**: the units most often given proposals of the proposal's category in training;
* **TF-IDF + logistic regression**: character 1–3-grams of title and text (scikit-learn), its C chosen on the same
  validation year.

Latency: each test proposal is suggested through ``zhengxie.suggest.services.suggest_units`` (the model stored in
the database, reasons with unit names and past numbers), after one warm-up call; the p50 and p95 are printed.
"""

import argparse
import glob
import itertools
import os
import random
import re
import statistics
import sys
import time

from common import REPO, absolute_database_url

FIRST_YEAR = 2019
VERBS = ["加快推进", "进一步加强", "完善", "推动", "提升", "规范", "支持", "优化", "统筹推进", "着力破解", "建立健全"]
PUNCT = ["，", "，", "，", "。", "；", "、"]


def vocabulary() -> list[str]:
    """Two- to four-character pieces cut from the project's Chinese text (data files, interface words), most
    frequent first."""
    text = ""
    for pattern in ("zhengxie/**/*.toml", "zhengxie/locale/**/*.po"):
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


def history(*, units: list[int], categories: list[int], years: int, per_year: int, seed: int):
    """Proposals with their assignments, year by year: ``Example`` rows of the product's model."""
    from zhengxie.suggest.engine import Example

    rng = random.Random(seed)
    words = vocabulary()
    cumulative = list(itertools.accumulate(1.0 / (rank + 10) for rank in range(len(words))))
    unit_weight = {u: 1.0 / (i + 3) for i, u in enumerate(rng.sample(units, len(units)))}  # some units get more

    def pick_unit(exclude=()):
        pool = [u for u in units if u not in exclude]
        return rng.choices(pool, [unit_weight[u] for u in pool])[0]

    def new_topic():
        primary = pick_unit()
        return {
            "words": rng.sample(words[40:], 30),
            "primary": primary,
            "secondary": pick_unit((primary,)),
            "category": rng.choice(categories),
            "weight": rng.paretovariate(1.5),
        }

    topics = [new_topic() for _ in range(160)]
    out = []
    pid = 0
    for year in range(FIRST_YEAR, FIRST_YEAR + years):
        topics.extend(new_topic() for _ in range(12))  # new matters each year
        for t in topics:  # the matters people write about drift
            t["weight"] *= rng.uniform(0.6, 1.6)
        for seq in range(1, per_year + 1):
            pid += 1
            topic = rng.choices(topics, [t["weight"] for t in topics])[0]
            tw = topic["words"]
            title = f"关于{rng.choice(VERBS)}{rng.choice(tw)}{rng.choice(tw)}的建议"
            body = []
            for _ in range(rng.randint(60, 160)):
                body.append(rng.choice(tw) if rng.random() < 0.35 else rng.choices(words, cum_weights=cumulative)[0])
                if rng.random() < 0.15:
                    body.append(rng.choice(PUNCT))
            roll = rng.random()
            lead = topic["primary"] if roll < 0.7 else topic["secondary"] if roll < 0.85 else pick_unit()
            leads, roles = [lead], ["single"]
            mode = rng.random()
            if mode < 0.1:  # 分办: two units each answer
                leads.append(pick_unit((lead,)) if rng.random() < 0.5 else topic["secondary"])
                leads = list(dict.fromkeys(leads))
                roles = ["separate"] * len(leads)
            elif mode < 0.3:
                roles = ["lead"]
            category = topic["category"] if rng.random() < 0.75 else rng.choice(categories)
            roll = rng.random()
            if roll < 0.45:
                suggested = ()
            elif roll < 0.8:
                suggested = (lead,) if rng.random() < 0.7 else (lead, pick_unit((lead,)))
            else:
                suggested = (pick_unit((lead,)),)
            out.append(
                Example(
                    key=pid,
                    label=f"{year}{seq:04d}",
                    year=year,
                    title=title,
                    text="".join(body),
                    category=category,
                    suggested=tuple(suggested),
                    units=tuple(leads),
                    roles=tuple(roles),
                )
            )
    return out


def top_hits(ranked: list[int], truth) -> tuple[int, int]:
    return int(bool(ranked[:1]) and ranked[0] in truth), int(bool(set(ranked[:3]) & set(truth)))


def category_baseline(train, test):
    from collections import Counter, defaultdict

    by_cat: dict = defaultdict(Counter)
    overall: Counter = Counter()
    for e in train:
        for u in e.units:
            by_cat[e.category][u] += 1
            overall[u] += 1
    h1 = h3 = 0
    for e in test:
        ranked = [u for u, _c in by_cat[e.category].most_common(3)] or [u for u, _c in overall.most_common(3)]
        a, b = top_hits(ranked, e.units)
        h1, h3 = h1 + a, h3 + b
    return h1 / len(test), h3 / len(test)


def tfidf_lr_baseline(train, test):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    def fit(rows, c):
        x_text = [f"{e.title}\n{e.text}" for e in rows for _u in e.units]
        y = [u for e in rows for u in e.units]
        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)
        x = vectorizer.fit_transform(x_text)
        # One-vs-rest (liblinear): the multinomial solver's memory (L-BFGS keeps ten copies of 80 units × 150,000
        # n-gram weights) is beyond this machine's share; one-vs-rest is the usual choice for text and as accurate.
        model = OneVsRestClassifier(LogisticRegression(C=c, solver="liblinear"))
        model.fit(x, y)
        return vectorizer, model

    def score(vectorizer, model, rows):
        proba = model.predict_proba(vectorizer.transform([f"{e.title}\n{e.text}" for e in rows]))
        order = np.argsort(-proba, axis=1)[:, :3]
        h1 = h3 = 0
        for e, idx in zip(rows, order, strict=True):
            a, b = top_hits([model.classes_[i] for i in idx], e.units)
            h1, h3 = h1 + a, h3 + b
        return h1 / len(rows), h3 / len(rows)

    held = max(e.year for e in train)
    inner, valid = [e for e in train if e.year < held], [e for e in train if e.year == held]
    best_c = max((1.0, 10.0), key=lambda c: score(*fit(inner, c), valid))
    return (*score(*fit(train, best_c), test), best_c)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a tier made by bench/generate.py")
    parser.add_argument("--years", type=int, default=8)
    parser.add_argument("--per-year", type=int, default=400, help="assigned proposals a year (default %(default)s)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--skip-baselines", action="store_true", help="the platform's model and latency alone")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = absolute_database_url(args.database_url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengxie.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    from zhengxie.people.models import HandlingUnit
    from zhengxie.proposals.models import Category
    from zhengxie.suggest import engine, services

    call_command("migrate", interactive=False, verbosity=0)
    units = list(HandlingUnit.objects.filter(is_active=True).order_by("id").values_list("id", flat=True))
    categories = list(Category.objects.order_by("id").values_list("id", flat=True))
    if not categories:
        for order, name in enumerate(["经济建设", "政治建设", "文化建设", "社会建设", "生态文明建设", "其他"]):
            Category.objects.get_or_create(name=name, defaults={"sort_order": order})
        categories = list(Category.objects.order_by("id").values_list("id", flat=True))
    if len(units) < 10:
        print("error: the database holds fewer than 10 handling units; make a tier with bench/generate.py first")
        return 2
    data = history(units=units, categories=categories, years=args.years, per_year=args.per_year, seed=args.seed)
    test_year = max(e.year for e in data)
    train, test = [e for e in data if e.year < test_year], [e for e in data if e.year == test_year]
    print(
        f"{len(units)} units, {len(categories)} categories; train {len(train)} proposals "
        f"({FIRST_YEAR}–{test_year - 1}), test {len(test)} ({test_year})"
    )

    started = time.monotonic()
    model, validation = engine.train(train)
    fitted = time.monotonic() - started
    ours = engine.accuracy(model, test)
    # Where the gain comes from: the same model with its text signals alone (no category, no proposer's units).
    text_only = engine.accuracy(model, test, {**model.weights, "prior": 0.0, "suggested": 0.0})
    print(f"platform model: trained in {fitted:.1f} s, blend {model.weights} (validation {validation})", flush=True)
    cat = category_baseline(train, test)
    if not args.skip_baselines:
        started = time.monotonic()
        *lr, best_c = tfidf_lr_baseline(train, test)
        lr_time = time.monotonic() - started
        print(f"tf-idf + logistic regression: C={best_c}, {lr_time:.1f} s", flush=True)

    # Latency through the product's service, the model stored in the database as training stores it.
    services.store_model(model=model, validation=validation, last_assignment_id=0)
    services.suggest_units(title=test[0].title, text=test[0].text)  # warm-up: loads jieba and the model
    times = []
    for e in test:
        t0 = time.perf_counter()
        services.suggest_units(title=e.title, text=e.text, category=e.category, suggested=e.suggested, limit=5)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]

    print(flush=True)
    print("| method | top-1 | top-3 |", flush=True)
    print("|---|---|---|", flush=True)
    print(f"| most frequent units of the category | {cat[0]:.1%} | {cat[1]:.1%} |", flush=True)
    if not args.skip_baselines:
        print(f"| TF-IDF (character 1–3-grams) + logistic regression | {lr[0]:.1%} | {lr[1]:.1%} |", flush=True)
    print(f"| platform model, text only (neighbours + unit centroids) | {text_only[0]:.1%} | {text_only[1]:.1%} |")
    print(
        f"| platform model (text, category, proposer's suggested units) | {ours[0]:.1%} | {ours[1]:.1%} |", flush=True
    )
    print(f"\nlatency per suggestion ({len(times)} calls): p50 {p50:.1f} ms, p95 {p95:.1f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
