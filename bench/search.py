"""Measure the search: latency, recall and precision against an exhaustive substring scan, and how soon a newly
submitted proposal is found.

    .venv/bin/python bench/search.py --database-url sqlite:///var/bench-search-district.sqlite3
    .venv/bin/python bench/search.py --database-url postgres://postgres@127.0.0.1:5432/zx_bench_prov_full --no-add

What it does:

1. Migrates the database; builds the district tier's organisation when the database is empty (as
   ``bench/generate.py --tier district``).
2. Unless ``--no-add``, adds proposals until the database holds ``--years`` × ``--per-year`` of them (default ten
   years of 300, the district tier's top), each closed with one approved reply. Their texts mix the demo topics
   (``zhengxie/demo/data/proposals.toml``) with the ten-year generator's sentences (``bench/generate_history.py``);
   one in twenty is written in traditional characters. Rows are written directly, as a data generator may.
3. Rebuilds the search index (``search.services.rebuild``), timed.
4. Recall and precision: for two-character words (the ones civic search misses: 医疗, 停车, 物业 … and words drawn
   from the texts), three-and-more-character words, and pairs of words, the entries the index matches are compared
   with a scan of every entry's normalised text for the same substrings.
5. Latency: ``GET /api/v1/search?q=…`` through Django's test client (middleware, session, the view, the JSON) as
   demo-office and demo-member, one- and two-word queries; p50, p95 and max of the wall-clock time, and p95 of this
   process's CPU time (on SQLite that includes the database's work; it does not grow with other processes' load).
6. Freshness: a member creates and submits a proposal through the services; the time from the commit until the
   office's search finds it.

Prints Markdown tables; ``--json FILE`` writes the figures.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time

from common import REPO, absolute_database_url

COMMON_WORDS = ["医疗", "停车", "物业", "教育", "养老", "充电", "融资", "人才", "监管", "乡村", "托育", "住房", "物流"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--per-year", type=int, default=300)
    parser.add_argument("--no-add", action="store_true", help="use the proposals already there")
    parser.add_argument("--no-rebuild", action="store_true", help="use the index as it is")
    parser.add_argument("--queries", type=int, default=60, help="random words drawn from the texts (default 60)")
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per query and reader (default 3)")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = absolute_database_url(args.database_url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengxie.settings"
    os.environ.setdefault("DJANGO_DEBUG", "0")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {message}", file=sys.stderr, flush=True)

    log(f"migrating {connection.vendor} database {connection.settings_dict['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    from zhengxie.accounts.models import User
    from zhengxie.proposals.models import Proposal

    if not User.objects.filter(username="demo-office").exists():
        from zhengxie.demo.organisation import DEMO_SEED, build_organisation
        from zhengxie.demo.tiers import TIERS

        log("building the district tier's organisation")
        build_organisation(tier=TIERS["district"], seed=DEMO_SEED, log=log)
    rng = random.Random(args.seed)
    if not args.no_add:
        wanted = args.years * args.per_year
        have = Proposal.objects.count()
        if have < wanted:
            log(f"adding {wanted - have} proposals with replies")
            add_proposals(rng, wanted - have, args.years)
    figures: dict = {"database": connection.vendor, "proposals": Proposal.objects.count()}

    from zhengxie.search import services
    from zhengxie.search.models import SearchEntry

    if not args.no_rebuild:
        t = time.monotonic()
        written = services.rebuild()
        figures["rebuild_s"] = round(time.monotonic() - t, 1)
        figures["entries"] = written
        log(f"index rebuilt in {figures['rebuild_s']} s: {written}")
    figures["entries_total"] = SearchEntry.objects.count()

    texts = corpus()
    # The queries are drawn with their own generator: the same words whether or not this run added data.
    figures["accuracy"] = accuracy(random.Random(args.seed + 1), texts, args.queries)
    load_before = os.getloadavg()[0]
    figures["latency"] = latency(random.Random(args.seed + 2), texts, args.queries, args.repeat)
    figures["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    figures["freshness"] = freshness()
    report(figures)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(figures, f, ensure_ascii=False, indent=1)
    return 0


# Data ------------------------------------------------------------------------------------------------------------


def add_proposals(rng: random.Random, n: int, years: int) -> None:
    import datetime

    import generate_history as history
    import opencc
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from zhengxie.demo.tables import TOPICS
    from zhengxie.people.models import HandlingUnit, Member
    from zhengxie.proposals.models import Assignment, Category, Proposal, Reply

    s2t = opencc.OpenCC("s2t")
    members = list(Member.objects.filter(user__isnull=False).select_related("user")[:400])
    units = list(HandlingUnit.objects.all()[:80])
    category = Category.objects.order_by("pk").first() or Category.objects.create(name="其他")
    unit_user = members[0].user
    now = timezone.now()
    this_year = timezone.localdate().year
    first = this_year - years + 1
    base_seq = (Proposal.objects.aggregate(m=Max("seq"))["m"] or 0) + 1
    proposals, texts = [], []
    for i in range(n):
        year = first + i % years
        if rng.random() < 0.5:
            title, analysis, suggestions = rng.choice(TOPICS)
        else:
            place, subject = rng.choice(history.CITIES), rng.choice(history.SUBJECTS)
            fill = {"p": place, "s": subject}
            title = f"关于{rng.choice(history.VERBS)}{place}{subject}的建议"
            analysis = "".join(s.format(**fill) for s in rng.sample(history.ANALYSIS, rng.randint(4, 6)))
            suggestions = "".join(
                f"{'一二三四五'[k]}是{s.format(**fill)}。" for k, s in enumerate(rng.sample(history.SUGGESTIONS, 4))
            )
        if rng.random() < 0.05:
            title, analysis, suggestions = s2t.convert(title), s2t.convert(analysis), s2t.convert(suggestions)
        m = rng.choice(members)
        at = datetime.datetime(year, 3, 1, 9, tzinfo=datetime.UTC)
        seq = base_seq + i
        proposals.append(
            Proposal(
                year=year,
                seq=seq,
                number=f"{year}{seq:05d}",
                title=title[:200],
                analysis=analysis,
                suggestions=suggestions,
                category=category,
                state="closed",
                author=m.user,
                lead_member=m,
                submitted_at=at,
                registered_at=at,
                assigned_at=at,
                replied_at=at,
                closed_at=at,
            )
        )
        texts.append(title)
    with transaction.atomic():
        Proposal.objects.bulk_create(proposals, batch_size=500)
        assignments = [
            Assignment(
                proposal=p,
                unit=rng.choice(units),
                role="single",
                state="replied",
                assigned_at=p.assigned_at,
                dispute_deadline=p.assigned_at.date(),
                due_date=p.assigned_at.date(),
                year=p.year,
            )
            for p in proposals
        ]
        Assignment.objects.bulk_create(assignments, batch_size=500)
        replies = [
            Reply(
                assignment=a,
                text=history.REPLY_TEXT.format(u=a.unit.name, t=a.proposal.title, s=a.proposal.title[2:-3]),
                grade="A",
                state="approved",
                drafted_by=unit_user,
                drafted_at=now,
            )
            for a in assignments
        ]
        Reply.objects.bulk_create(replies, batch_size=500)


def corpus() -> dict[tuple[str, int], str]:
    """Every entry's title and body, normalised as the search normalises them: what the substring scan reads."""
    from zhengxie.search.models import SearchEntry
    from zhengxie.search.text import normalize

    return {
        (kind, oid): normalize(f"{title}\n{body}")
        for kind, oid, title, body in SearchEntry.objects.values_list("kind", "object_id", "title", "body")
    }


def words_of(rng: random.Random, texts: dict, n: int, *, length) -> list[str]:
    """``n`` distinct words of jieba's precise cut (of that length) drawn from random entries."""
    from zhengxie.search.text import query_words

    keys = list(texts)
    found: list[str] = []
    for _ in range(n * 50):
        words = [w for w in query_words(texts[rng.choice(keys)][:400]) if length(len(w)) and not w.isascii()]
        if words:
            w = rng.choice(words)
            if w not in found:
                found.append(w)
        if len(found) == n:
            break
    return found


# Accuracy --------------------------------------------------------------------------------------------------------


def accuracy(rng: random.Random, texts: dict, n: int) -> dict:
    from zhengxie.search.selectors import _matching
    from zhengxie.search.text import query_words

    groups = {
        "two-character words": COMMON_WORDS + words_of(rng, texts, n, length=lambda k: k == 2),
        "words of three or more characters": words_of(rng, texts, n // 2, length=lambda k: k >= 3),
    }
    pairs = []
    two = groups["two-character words"]
    for _ in range(n // 2):
        pairs.append(f"{rng.choice(two)} {rng.choice(two)}")
    groups["two words"] = pairs
    out = {}
    for name, queries in groups.items():
        hit = truth_total = found_total = 0
        worst = (1.0, "")
        for q in queries:
            words = query_words(q)
            truth = {key for key, text in texts.items() if all(w in text for w in words)}
            matched = set(_matching(words).values_list("kind", "object_id"))
            hit += len(truth & matched)
            truth_total += len(truth)
            found_total += len(matched)
            if truth:
                worst = min(worst, (len(truth & matched) / len(truth), q))
        out[name] = {
            "queries": len(queries),
            "relevant": truth_total,
            "found": found_total,
            "recall": round(hit / truth_total, 4) if truth_total else None,
            "precision": round(hit / found_total, 4) if found_total else None,
            "worst_query": worst[1],
            "worst_recall": round(worst[0], 4),
        }
    return out


# Latency ---------------------------------------------------------------------------------------------------------


def latency(rng: random.Random, texts: dict, n: int, repeat: int) -> dict:
    from django.test import Client

    from zhengxie.accounts.models import User

    two = COMMON_WORDS + words_of(rng, texts, n, length=lambda k: k == 2)
    one_word = two[: n // 2] + words_of(rng, texts, n // 4, length=lambda k: k >= 3)
    two_words = [f"{rng.choice(two)} {rng.choice(two)}" for _ in range(n // 2)]
    out = {}
    for username in ("demo-office", "demo-member"):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        client.get("/api/v1/search", {"q": "医疗"})  # warm: jieba's dictionary, the connection
        for name, queries in (("one word", one_word), ("two words", two_words)):
            times, cpu, counts = [], [], []
            for q in queries:
                for _ in range(repeat):
                    t, c = time.perf_counter(), time.process_time()
                    r = client.get("/api/v1/search", {"q": q})
                    times.append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
                    assert r.status_code == 200, r.content
                counts.append(r.json()["count"])
            out[f"{username} · {name}"] = {
                "requests": len(times),
                "p50_ms": round(percentile(times, 50), 1),
                "p95_ms": round(percentile(times, 95), 1),
                "max_ms": round(max(times), 1),
                "cpu_p95_ms": round(percentile(cpu, 95), 1),
                "median_results": statistics.median(counts),
            }
    return out


def freshness(rounds: int = 10) -> dict:
    from zhengxie.accounts.models import User
    from zhengxie.proposals.actions import proposal_act
    from zhengxie.proposals.models import Category
    from zhengxie.proposals.services import proposal_create_draft
    from zhengxie.search.selectors import search_entries

    member = User.objects.get(username="demo-member")
    office = User.objects.get(username="demo-office")
    category = Category.objects.filter(is_active=True).order_by("pk").first()
    waits = []
    for _ in range(rounds):
        marker = f"bench{time.time_ns()}"
        data = {"title": f"关于{marker}停车位的建议", "analysis": "情况。", "suggestions": "建议。"}
        if category is not None:
            data["category_id"] = category.pk
        p = proposal_create_draft(author=member, data=data)
        proposal_act(proposal_id=p.pk, action="submit", actor=member)  # commits; the index follows on commit
        committed = time.perf_counter()
        while not search_entries(user=office, query=marker).filter(object_id=p.pk).exists():
            if time.perf_counter() - committed > 10:
                break
            time.sleep(0.01)
        waits.append((time.perf_counter() - committed) * 1000)
    return {"rounds": rounds, "max_ms": round(max(waits), 1), "median_ms": round(statistics.median(waits), 1)}


def report(f: dict) -> None:
    print(f"\n{f['database']}: {f['proposals']} proposals, {f['entries_total']} index entries", end="")
    if "rebuild_s" in f:
        print(f", rebuilt in {f['rebuild_s']} s", end="")
    print("\n\n| queries | n | relevant (substring scan) | found | recall | precision | worst query (its recall) |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, a in f["accuracy"].items():
        print(
            f"| {name} | {a['queries']} | {a['relevant']} | {a['found']} | {a['recall']} | {a['precision']} | "
            f"{a['worst_query']} ({a['worst_recall']}) |"
        )
    print("\n| reader · query | requests | p50 ms | p95 ms | max ms | this process's CPU p95 ms | median results |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, t in f["latency"].items():
        print(
            f"| {name} | {t['requests']} | {t['p50_ms']} | {t['p95_ms']} | {t['max_ms']} | {t['cpu_p95_ms']} | "
            f"{t['median_results']} |"
        )
    print(f"\n1-minute load average before and after the timed requests: {f['load_average']}")
    fr = f["freshness"]
    print(
        f"\nA submitted proposal found by the office's search after its commit: median {fr['median_ms']} ms, "
        f"max {fr['max_ms']} ms ({fr['rounds']} proposals)."
    )


if __name__ == "__main__":
    sys.exit(main())
