"""Time the proposal pages and API on a database with ten years of history, then the plenary-deadline burst.

    .venv/bin/python bench/run_proposals.py --database-url postgres://postgres@127.0.0.1:5432/zx_bench_prov_full

Fill the database first with bench/generate.py --tier province and bench/generate_history.py. Starts
``gunicorn zhengxie.wsgi`` (2 sync workers, DEBUG off) on a free 127.0.0.1 port, as bench/run.py does, with its own
temporary ZHENGXIE_VAR_DIR (so the e-mail tasks the burst queues go to a private Huey file), signs in through the
login form and POST /api/v1/auth/token, and sends a fixed number of requests (after a few untimed ones) from a few
client threads to each of:

* the proposal list filtered by state + year + category (page /proposals/ with its PAGE_SIZE of 20, and
  GET /api/v1/proposals with limit=20), as demo-office, for a past year and for the current one;
* proposal detail (page and API), as demo-office, cycling through 50 proposals of all years;
* the assignment board of demo-unit's unit (/proposals/unit/, its default tab and the "replied" tab);
* the year's statistics (page and API), as demo-office.

Each endpoint is then timed again with one client (the time one request takes, without queueing). Then the
statistics page and API are read right after a change of the year (``--after-change`` times each), so that each read
recomputes the figures, as the first reader after an action does before the background refresh has run.

Then the burst: 200 serving members (given a known password in the database first; their API tokens obtained
before it starts) each create a draft and submit it (POST /api/v1/proposals, POST
/api/v1/proposals/{id}/actions/submit), all at once from 200 threads; errors must be 0 and exactly 200 new submitted
proposals (and 200 ledger rows "proposal_submitted") must exist afterwards.

Prints Markdown tables with the load average, exits 1 if any request failed or a goal's check failed, and always
stops gunicorn. Only 127.0.0.1 is contacted; every loop is bounded in count and time.
"""

import argparse
import datetime
import http.client
import json
import random
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from province import (
    BENCH_PASSWORD,
    OUT,
    burst_members,
    give_password,
    gunicorn,
    header_line,
    loadavg,
    ms,
    now_label,
    start,
    time_endpoints,
    tokens_for,
    write_json,
)
from run import BenchError, Result, add_load_arguments, print_table, request, result_json, sign_in, token_for

# What is timed ---------------------------------------------------------------------------------------------------


def pick_targets(seed: int) -> dict:
    from django.utils import timezone

    from zhengxie.people.models import HandlingUnit
    from zhengxie.proposals import views
    from zhengxie.proposals.models import Assignment, Category, Proposal

    today = timezone.localdate()
    past = today.year - 1
    economy = Category.objects.get(name="经济建设")
    rng = random.Random(seed)
    # Detail: 50 proposals of every year and state after submission (as the office sees them).
    ids = list(Proposal.objects.exclude(state__in=["draft", "withdrawn"]).values_list("pk", flat=True))
    sample = sorted(rng.sample(ids, 50))
    unit = HandlingUnit.objects.get(name="新建区住房和城乡建设局")
    return {
        "page_size": views.PAGE_SIZE,
        "past_year": past,
        "current_year": today.year,
        "category": economy.pk,
        "detail_ids": sample,
        "unit": unit.pk,
        "unit_assignments": Assignment.objects.filter(unit=unit).count(),
        "matches_past": Proposal.objects.filter(state="closed", year=past, category=economy).count(),
        "matches_current": Proposal.objects.filter(state="assigned", year=today.year, category=economy).count(),
        "proposals": Proposal.objects.count(),
    }


def endpoints(t: dict) -> list[tuple[str, list[str], str]]:
    past = urlencode({"state": "closed", "year": t["past_year"], "category": t["category"]})
    current = urlencode({"state": "assigned", "year": t["current_year"], "category": t["category"]})
    return [
        (f"list page, closed {t['past_year']} (PAGE_SIZE {t['page_size']})", [f"/proposals/?{past}"], "office"),
        (f"list API, closed {t['past_year']}, limit=20", [f"/api/v1/proposals?{past}&limit=20"], "office_token"),
        (f"list page, assigned {t['current_year']}", [f"/proposals/?{current}"], "office"),
        (
            f"list API, assigned {t['current_year']}, limit=20",
            [f"/api/v1/proposals?{current}&limit=20"],
            "office_token",
        ),
        ("detail page (50 proposals)", [f"/proposals/{pk}/" for pk in t["detail_ids"]], "office"),
        ("detail API (50 proposals)", [f"/api/v1/proposals/{pk}" for pk in t["detail_ids"]], "office_token"),
        ("unit board, default tab (demo-unit)", ["/proposals/unit/"], "unit"),
        ("unit board, replied tab (demo-unit)", ["/proposals/unit/?tab=replied"], "unit"),
        (
            f"statistics page {t['past_year']}",
            [f"/proposals/statistics/?year={t['past_year']}"],
            "office",
        ),
        (
            f"statistics API {t['past_year']}",
            [f"/api/v1/proposals/statistics?year={t['past_year']}"],
            "office_token",
        ),
    ]


GOALS_MS = {  # p95 goals in ms (PostgreSQL, province tier, this 2-core machine)
    "API": 50,  # list and detail, 4 clients
    "page, one client": 50,  # list, detail and the unit board: 50 ms for one reader …
    "page": 100,  # … and 100 ms with 4 clients
    "statistics": 300,
}


def goal_for(label: str) -> int | None:
    if label.startswith("statistics"):
        return GOALS_MS["statistics"]
    if " API" in label:
        return GOALS_MS["API"]
    if label.endswith(", one client"):
        return GOALS_MS["page, one client"]
    return GOALS_MS["page"]


def time_after_change(port: int, year: int, auth: dict, rounds: int) -> list:
    """The statistics read right after a change, before the background refresh has run: each round records a
    change of ``year`` (the row every counted action writes, ``statistics.figures_changed``), then reads the page
    and, after another change, the API, one client, so that every read recomputes and stores the year's figures."""
    from zhengxie.proposals.models import StatisticsChange

    reads = [
        (f"statistics page {year}, right after a change", f"/proposals/statistics/?year={year}", auth["office"]),
        (
            f"statistics API {year}, right after a change",
            f"/api/v1/proposals/statistics?year={year}",
            auth["office_token"],
        ),
    ]
    results = [Result(label, path) for label, path, _headers in reads]
    began = time.perf_counter()
    for _ in range(rounds):
        for result, (_label, path, headers) in zip(results, reads, strict=True):
            StatisticsChange.objects.create(year=year)
            t = time.perf_counter()
            resp = request(port, "GET", path, headers=headers)
            result.latencies.append(time.perf_counter() - t)
            if resp.status != 200:
                result.errors += 1
                result.first_error = result.first_error or f"HTTP {resp.status} on {path}"
    for result in results:
        result.wall = time.perf_counter() - began
    return results


# The burst -------------------------------------------------------------------------------------------------------


def run_burst(port: int, tokens: dict[str, str], category: int, timeout: float) -> dict:
    """Every member at once: create a draft, submit it. Returns the outcome per member and the wall time."""
    n = len(tokens)
    barrier = threading.Barrier(n + 1)
    outcomes: dict[str, dict] = {}
    lock = threading.Lock()

    def member(username: str, token: str):
        auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        draft = {
            "title": f"关于进一步优化营商环境的建议（{username}）",
            "analysis": "当前我省营商环境持续改善，但市场主体反映审批环节多、时限长、跨部门协同不够。",
            "suggestions": "一是推进审批事项清单化管理；二是推行“一件事一次办”；三是建立营商环境监测评价机制。",
            "category": category,
        }
        out = {"errors": []}
        barrier.wait(timeout=timeout)
        try:
            began = time.perf_counter()
            resp = request(port, "POST", "/api/v1/proposals", headers=auth, body=json.dumps(draft).encode())
            out["create_s"] = time.perf_counter() - began
            if resp.status != 201:
                out["errors"].append(f"create: HTTP {resp.status} {resp.body[:200]!r}")
            else:
                pk = json.loads(resp.body)["id"]
                out["id"] = pk
                began = time.perf_counter()
                resp = request(port, "POST", f"/api/v1/proposals/{pk}/actions/submit", headers=auth, body=b"{}")
                out["submit_s"] = time.perf_counter() - began
                if resp.status != 200:
                    out["errors"].append(f"submit: HTTP {resp.status} {resp.body[:200]!r}")
                else:
                    out["state"] = json.loads(resp.body)["state"]
        except (OSError, http.client.HTTPException, ValueError) as exc:
            out["errors"].append(f"{type(exc).__name__}: {exc}")
        out["done"] = time.perf_counter()
        with lock:
            outcomes[username] = out

    threads = [threading.Thread(target=member, args=item, daemon=True) for item in tokens.items()]
    for t in threads:
        t.start()
    barrier.wait(timeout=timeout)
    began = time.perf_counter()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()))
    wall = time.perf_counter() - began
    finished = [o["done"] - began for o in outcomes.values()]
    return {
        "outcomes": outcomes,
        "wall_s": wall,
        "last_done_s": max(finished, default=0),
        "unfinished": n - len(outcomes),
    }


def verify_burst(user_ids: list[int], since: datetime.datetime, ids: list[int]) -> dict:
    from zhengxie.duty.models import DutyRecord
    from zhengxie.proposals.models import Proposal

    new = Proposal.objects.filter(author_id__in=user_ids, created_at__gte=since)
    per_author = list(new.values("author_id").distinct())
    return {
        "new_proposals": new.count(),
        "new_submitted": new.filter(state="submitted").count(),
        "authors_with_one": len(per_author),
        "ids_returned_distinct": len(set(ids)),
        "ledger_proposal_submitted": DutyRecord.objects.filter(
            kind="proposal_submitted",
            source_type="proposals.proposal",
            source_id__in=list(new.values_list("pk", flat=True)),
        ).count(),
    }


# Main ------------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_arguments(parser)
    parser.add_argument("--single-requests", type=int, default=50, help="each endpoint with one client (%(default)s)")
    parser.add_argument(
        "--after-change", type=int, default=20, help="statistics reads right after a change, each (%(default)s)"
    )
    parser.add_argument("--burst", type=int, default=200, help="members in the deadline burst (%(default)s)")
    parser.add_argument("--burst-timeout", type=float, default=300, help="seconds the burst may take (%(default)s)")
    parser.add_argument("--skip-endpoints", action="store_true", help="only the burst")
    parser.add_argument("--skip-burst", action="store_true", help="only the endpoints")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, default=OUT / "proposals-province.json")
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1 or args.burst < 1:
        parser.error("--requests, --concurrency and --burst must be at least 1")

    database_url, targets, report = start(args, pick_targets)
    failures: list[str] = []
    print(
        f"database: {targets['proposals']:,} proposals; list filters match {targets['matches_past']:,} (closed "
        f"{targets['past_year']}) and {targets['matches_current']:,} (assigned {targets['current_year']}); "
        f"demo-unit's unit has {targets['unit_assignments']} assignments; the list page's PAGE_SIZE is "
        f"{targets['page_size']}"
    )
    try:
        with gunicorn(database_url, args.workers) as port:
            if not args.skip_endpoints:
                auth = {
                    "office": {"Cookie": f"sessionid={sign_in(port, 'demo-office')}"},
                    "office_token": {"Authorization": f"Bearer {token_for(port, 'demo-office')}"},
                    "unit": {"Cookie": f"sessionid={sign_in(port, 'demo-unit')}"},
                }
                print("\n" + header_line(args, f"{targets['proposals']:,} proposals"))
                report["endpoints"] = time_endpoints(port, args, endpoints(targets), auth, goal_for, failures)
                report["load_average_endpoints_end"] = loadavg()
                fresh = time_after_change(port, targets["past_year"], auth, args.after_change)
                print(f"\nRight after a change, one client ({args.after_change} reads each) · load average {loadavg()}")
                print_table(fresh)
                for r in fresh:
                    if r.errors:
                        failures.append(f"{r.label}: {r.errors} failed requests, first: {r.first_error}")
                    if r.percentile(0.95) > GOALS_MS["statistics"]:
                        print(f"goal missed: {r.label}: p95 {r.percentile(0.95):.1f} ms > {GOALS_MS['statistics']} ms")
                report["endpoints"] += [result_json(r) for r in fresh]
            if not args.skip_burst:
                report["burst"] = burst(port, args, targets, failures)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report["load_average_end"] = loadavg()
    write_json(args.json, report)
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


def burst(port: int, args, targets: dict, failures: list[str]) -> dict:
    from django.utils import timezone

    members = burst_members(args.burst, args.seed)
    user_ids = [u for _m, u, _n in members]
    give_password(user_ids, BENCH_PASSWORD)
    began = time.monotonic()
    tokens = tokens_for(port, [name for _m, _u, name in members], BENCH_PASSWORD)
    token_seconds = time.monotonic() - began
    print(
        f"\nBurst: {len(tokens)} members signed in through POST /api/v1/auth/token beforehand "
        f"({token_seconds:.1f} s, 2 at a time)"
    )
    since = timezone.now()
    load_before = loadavg()
    outcome = run_burst(port, tokens, targets["category"], args.burst_timeout)
    load_after = loadavg()
    results = outcome["outcomes"].values()
    errors = [e for o in results for e in o["errors"]]
    creates = [o["create_s"] for o in results if "create_s" in o]
    submits = [o["submit_s"] for o in results if "submit_s" in o]
    pairs = [o["create_s"] + o["submit_s"] for o in results if "submit_s" in o]
    ids = [o["id"] for o in results if "id" in o]
    check = verify_burst(user_ids, since, ids)
    states = sorted({o.get("state") for o in results} - {None})
    n = args.burst
    summary = {
        "members": n,
        "errors": len(errors) + outcome["unfinished"],
        "first_error": errors[0] if errors else "",
        "wall_s": round(outcome["wall_s"], 2),
        "last_done_s": round(outcome["last_done_s"], 2),
        "proposals_per_s": round(n / outcome["last_done_s"], 1) if outcome["last_done_s"] else 0,
        "create_p50_ms": round(ms(creates, 0.5), 1),
        "create_p95_ms": round(ms(creates, 0.95), 1),
        "submit_p50_ms": round(ms(submits, 0.5), 1),
        "submit_p95_ms": round(ms(submits, 0.95), 1),
        "member_p50_ms": round(ms(pairs, 0.5), 1),
        "member_p95_ms": round(ms(pairs, 0.95), 1),
        "member_max_ms": round(ms(pairs, 1.0), 1),
        "states_answered": states,
        "token_seconds": round(token_seconds, 1),
        "load_average_before": load_before,
        "load_average_after": load_after,
        **check,
    }
    print(f"{now_label()} · load average before {load_before}, after {load_after}")
    print(
        "| members | errors | all done in s | proposals/s | create p50/p95 ms | submit p50/p95 ms | "
        "create+submit per member p50/p95/max ms | new submitted proposals | ledger rows |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {n} | {summary['errors']} | {summary['last_done_s']:.1f} | {summary['proposals_per_s']} | "
        f"{summary['create_p50_ms']:.0f} / {summary['create_p95_ms']:.0f} | "
        f"{summary['submit_p50_ms']:.0f} / {summary['submit_p95_ms']:.0f} | "
        f"{summary['member_p50_ms']:.0f} / {summary['member_p95_ms']:.0f} / {summary['member_max_ms']:.0f} | "
        f"{check['new_submitted']} of {check['new_proposals']} new | {check['ledger_proposal_submitted']} |"
    )
    if summary["errors"]:
        failures.append(f"burst: {summary['errors']} errors, first: {summary['first_error']}")
    if not (check["new_proposals"] == check["new_submitted"] == check["authors_with_one"] == n):
        failures.append(f"burst: expected exactly {n} new submitted proposals, found {check}")
    if check["ledger_proposal_submitted"] != n:
        failures.append(
            f"burst: expected {n} ledger rows proposal_submitted, found {check['ledger_proposal_submitted']}"
        )
    return summary


if __name__ == "__main__":
    sys.exit(main())
