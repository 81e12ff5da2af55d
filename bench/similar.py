"""Similar proposals (提案查重): recall@10 against exact brute force, latency and index size.

    .venv/bin/python bench/similar.py --database-url sqlite:///var/bench-similar.sqlite3 --proposals 100000

On a fresh database: the district tier (bench/generate.py) for the accounts, then ``--proposals`` registered
proposals over ten years with realistic texts (bench/similar_texts.py: topics with their own words, and about 10 %
of the proposals copies of another with 5–40 % of their words changed, as resubmissions are), written directly in
batches like the other generators do, then indexed with the product's own rebuild
(``zhengxie.similarity.services.rebuild``, timed).

Then, for each edit level (5 %, 15 %, 30 % of the words changed), ``--queries`` proposals picked at random are
edited and looked up through ``similar_proposals`` as the office (who may list every one of them):

* recall@10: the share of the exact top 10 (by the same score, Jaccard of the shingle sets, over every proposal
  in the index, computed by brute force with a sparse matrix; only those scoring at least ``MIN_SCORE``, as the
  API lists) that the answer holds. The recall against the exact top 10 without that floor is printed too.
* latency of each lookup (wall clock, the whole service call: signature, candidate query, visibility, scoring),
  p50 / p95 / max.

Last, freshness: a member writes and submits a copy of an indexed proposal through the real services; the time
from the submit's commit until the lookup finds it. And the index's size on disk (SQLite's dbstat, PostgreSQL's
pg_total_relation_size), tables with their indexes.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time

from common import REPO, absolute_database_url

LEVELS = (0.05, 0.15, 0.30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200, help="lookups per edit level (default %(default)s)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="the database holds an earlier run's proposals and index (same --proposals and --seed): measure only, "
        "without writing or rebuilding",
    )
    args = parser.parse_args()

    url = absolute_database_url(args.database_url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengxie.settings"
    sys.path.insert(0, str(REPO))
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {message}", flush=True)

    generate = [sys.executable, str(REPO / "bench" / "generate.py"), "--tier", "district", "--database-url", url]
    subprocess.run(generate, check=True, stdout=subprocess.DEVNULL)
    log("district tier ready")

    import django

    django.setup()
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone
    from scipy import sparse
    from similar_texts import Corpus

    from zhengxie.accounts.models import User
    from zhengxie.proposals.actions import proposal_act
    from zhengxie.proposals.models import Category, Proposal
    from zhengxie.proposals.services import proposal_create_draft
    from zhengxie.similarity import sketch
    from zhengxie.similarity.models import ProposalSketch
    from zhengxie.similarity.services import rebuild, similar_proposals

    office = User.objects.get(username="demo-office")
    member = User.objects.get(username="demo-member")
    category = Category.objects.filter(is_active=True).first() or Category.objects.create(name="经济建设")

    corpus = Corpus(seed=args.seed)
    held = Proposal.objects.count()
    if held and not args.reuse:
        print("error: the database already holds proposals; give a fresh one (or --reuse)", file=sys.stderr)
        return 2
    if args.reuse and (held < args.proposals or not ProposalSketch.objects.exists()):
        print(
            f"error: --reuse needs {args.proposals:,} indexed proposals; the database holds {held:,}", file=sys.stderr
        )
        return 2
    docs = corpus.collection(args.proposals)
    this_year = timezone.localdate().year
    seq: dict[int, int] = {}
    rows = []
    for i, doc in enumerate(docs):
        year = this_year - 9 + i * 10 // len(docs)
        seq[year] = seq.get(year, 0) + 1
        title, body = doc.text()
        cut = len(body) // 2
        rows.append(
            Proposal(
                year=year,
                seq=seq[year],
                number=f"{year}{seq[year]:05d}",
                title=title[:200],
                analysis=body[:cut],
                suggestions=body[cut:],
                category=category,
                state="closed",
                author=member,
                lead_member=member.member,
            )
        )
    if args.reuse:
        # The same seed makes the same texts, written in this order: the proposals' ids follow it.
        # (An earlier run's freshness check added its copies after them.)
        pks = list(Proposal.objects.order_by("pk").values_list("pk", flat=True)[: args.proposals])
        doc_of = dict(zip(pks, docs, strict=True))
        # The words are cut from the project's own texts (the catalogues among them): a tree whose texts changed
        # since the run that wrote the proposals makes other texts, and the lookups would measure nothing.
        stored = dict(Proposal.objects.filter(pk__in=pks[:20]).values_list("pk", "title"))
        if any(stored.get(pk) != doc_of[pk].text()[0][:200] for pk in pks[:20]):
            print(
                "error: --reuse needs the tree that wrote these proposals (its texts make the words); "
                "this one makes other texts: load a fresh database instead",
                file=sys.stderr,
            )
            return 2
        log(f"reusing the {held:,} proposals and their index")
    else:
        with transaction.atomic():
            Proposal.objects.bulk_create(rows, batch_size=2000)
        log(f"{len(rows):,} proposals written")
        t, cpu = time.monotonic(), time.process_time()
        count = rebuild(log_to=lambda n: n % 50_000 == 0 and log(f"rebuild: {n:,} proposals"))
        log(
            f"index rebuilt: {count:,} proposals in {time.monotonic() - t:.1f} s "
            f"(this process's CPU {time.process_time() - cpu:.1f} s)"
        )
        doc_of = {row.pk: doc for row, doc in zip(rows, docs, strict=True)}

    # The exact score over every proposal, by brute force: the index's own shingle sets as a sparse matrix, by
    # column (shingle), so a text's common counts read only the columns of its own shingles.
    ids, sets = [], []
    for pid, data in ProposalSketch.objects.order_by("proposal_id").values_list("proposal_id", "shingles").iterator():
        ids.append(pid)
        sets.append(sketch.from_bytes(data))
    ids = np.array(ids)
    sizes = np.array([len(s) for s in sets])
    columns = np.concatenate(sets)
    del sets
    vocab, columns = np.unique(columns, return_inverse=True)
    row_of = np.repeat(np.arange(len(ids), dtype=np.int32), sizes)
    matrix = sparse.csc_matrix((np.ones(len(columns), dtype=np.int32), (row_of, columns)), shape=(len(ids), len(vocab)))
    del columns, row_of
    log(f"exact scores: {matrix.nnz:,} shingles of {len(ids):,} proposals, {len(vocab):,} distinct")

    def exact_scores(q):
        at = np.searchsorted(vocab, q)
        ok = (at < len(vocab)) & (vocab[np.minimum(at, len(vocab) - 1)] == q)
        common = np.asarray(matrix[:, at[ok]].sum(axis=1)).ravel()
        return common / (sizes + len(q) - common)

    picked = random.Random(args.seed).sample(sorted(doc_of), min(len(doc_of), args.queries * len(LEVELS)))
    results = {}
    for n, share in enumerate(LEVELS):
        recalls, recalls_unfloored, times = [], [], []
        for pid in picked[n * args.queries : (n + 1) * args.queries]:
            edited = corpus.edit(doc_of[pid], share).text()
            t = time.perf_counter()
            found = similar_proposals(user=office, title=edited[0], text=edited[1], limit=10)
            times.append(time.perf_counter() - t)
            scores = exact_scores(sketch.shingles(sketch.proposal_text(*edited)))
            order = np.argsort(-scores, kind="stable")[:10]
            truth = {int(ids[i]) for i in order if scores[i] >= sketch.MIN_SCORE}
            got = {m.id for m in found}
            if truth:
                recalls.append(len(truth & got) / len(truth))
            recalls_unfloored.append(len({int(ids[i]) for i in order} & got) / 10)
        results[share] = (recalls, recalls_unfloored, times)
        ms = sorted(x * 1000 for x in times)
        log(
            f"{share:.0%} of words changed: recall@10 {statistics.mean(recalls):.3f} (over {len(recalls)} lookups; "
            f"against the unfloored top 10 {statistics.mean(recalls_unfloored):.3f}); "
            f"p50 {ms[len(ms) // 2]:.1f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms, max {ms[-1]:.1f} ms"
        )

    # Freshness: a copy written and submitted through the services, found once the submit has committed.
    source = Proposal.objects.get(pk=picked[0])
    data = {
        "title": source.title,
        "analysis": source.analysis,
        "suggestions": source.suggestions[: len(source.suggestions) // 2],
        "category_id": category.pk,
    }
    draft = proposal_create_draft(author=member, data=data)
    proposal_act(proposal_id=draft.pk, action="submit", actor=member)
    submitted = time.monotonic()
    while draft.pk not in {m.id for m in similar_proposals(user=office, title=source.title, text=data["analysis"])}:
        if time.monotonic() - submitted > 10:
            log("freshness: not found within 10 s")
            break
        time.sleep(0.01)
    else:
        log(f"freshness: a submitted copy found {1000 * (time.monotonic() - submitted):.0f} ms after the submit")

    tables = ("similarity_proposalsketch", "similarity_proposalband")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name IN (%s, %s))",
                tables,
            )
            size = cursor.fetchone()[0]
        else:
            size = sum(cursor.execute("SELECT pg_total_relation_size(%s)", [t]).fetchone()[0] for t in tables)
        bands = ProposalSketch.objects.count()
    log(f"index size: {size / 2**20:.1f} MiB for {bands:,} proposals ({size / max(bands, 1):.0f} bytes each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
