"""Time the duty archive, the committee table, a year's recomputation and a check-in burst at province scale.

    .venv/bin/python bench/run_duty.py --database-url postgres://postgres@127.0.0.1:5432/zx_bench_prov_full

Fill the database first with bench/generate.py --tier province and bench/generate_history.py. Starts gunicorn
(2 sync workers, DEBUG off) on a free 127.0.0.1 port as bench/run_proposals.py does, and measures:

* a member's duty archive for last year, as demo-staff (the secretariat sees every member): the page
  /activities/archive/<id>/?year= and GET /api/v1/members/<id>/duty?year=, cycling through 50 members
  (goal p95 <= 100 ms);
* the committee table for last year, page of 50 sorted by points (/activities/table/?year=, first page and a page
  deep in the table) (goal p95 <= 200 ms);
* recomputing last year after a rule change: ``zhengxie.duty.rules.ruleset_save`` called here, as demo-admin, with
  the points of "attended.*" raised by one, then again with the table as it was (each recomputes the whole year;
  goal <= 60 s);
* a check-in burst: an activity (starting now) is created and published through the API by demo-staff, inviting
  500 serving members who were given a known password and signed in through POST /api/v1/auth/token beforehand;
  a thread fetches the current code from GET /api/v1/activities/{id}/check-in-code as demo-staff at the start and
  again each time the 30-second code changes; each member POSTs check_in with the code it last saw, at a moment
  spread evenly over one minute. Errors must be 0 and 500 invitations must be checked in afterwards. The activity
  is then closed through the API (attendance written to the ledger, 500 archives recomputed) and that is timed too.

Prints Markdown tables with the load average, exits 1 if any request failed or a check failed, always stops
gunicorn. Only 127.0.0.1 is contacted; every loop is bounded in count and time.
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
from run import BenchError, add_load_arguments, request, sign_in, token_for

GOALS_MS = {"archive": 100, "committee table": 200}


def goal_for(label: str) -> int | None:
    return next((v for k, v in GOALS_MS.items() if label.startswith(k)), None)


def pick_targets(seed: int) -> dict:
    from django.utils import timezone

    from zhengxie.duty.models import DutyRecord, MemberYearScore
    from zhengxie.people.models import Member

    year = timezone.localdate().year - 1
    ids = list(Member.objects.filter(status="serving").order_by("pk").values_list("pk", flat=True))
    sample = sorted(random.Random(seed).sample(ids, 50))
    per_member = DutyRecord.objects.filter(year=year, member_id__in=sample).count() / len(sample)
    scored = MemberYearScore.objects.filter(year=year).count()
    return {
        "year": year,
        "archive_members": sample,
        "ledger_rows_per_sampled_member": round(per_member, 1),
        "ledger_rows": DutyRecord.objects.count(),
        "scores_in_year": scored,
        "deep_page": max(1, scored // 50 // 2),
    }


def endpoints(t: dict) -> list[tuple[str, list[str], str]]:
    y = t["year"]
    return [
        (
            f"archive page {y} (50 members)",
            [f"/activities/archive/{m}/?year={y}" for m in t["archive_members"]],
            "page",
        ),
        (f"archive API {y} (50 members)", [f"/api/v1/members/{m}/duty?year={y}" for m in t["archive_members"]], "api"),
        (f"committee table {y}, page 1", [f"/activities/table/?year={y}"], "page"),
        (f"committee table {y}, page {t['deep_page']}", [f"/activities/table/?year={y}&page={t['deep_page']}"], "page"),
    ]


# Recomputation -----------------------------------------------------------------------------------------------------


def rule_change(year: int) -> dict:
    """ruleset_save twice: "attended.*" one point more, then the table as it was. Both timed."""
    from django.contrib.auth import get_user_model

    from zhengxie.duty.points import ruleset_for
    from zhengxie.duty.rules import ruleset_save

    admin = get_user_model().objects.get(username="demo-admin")
    rs = ruleset_for(year)
    original = [
        {
            "kind": i.kind,
            "label": i.label,
            "points": str(i.points),
            "yearly_cap": None if i.yearly_cap is None else str(i.yearly_cap),
            "joint_points": None if i.joint_points is None else str(i.joint_points),
        }
        for i in rs.items.all()
    ]
    changed = [dict(i, points=str(float(i["points"]) + 1)) if i["kind"] == "attended.*" else i for i in original]
    out = {"year": year, "version_before": rs.version}
    for label, items in (("changed", changed), ("restored", original)):
        load = loadavg()
        began = time.monotonic()
        result = ruleset_save(actor=admin, year=year, data={"items": items})
        seconds = time.monotonic() - began
        out[label] = {"seconds": round(seconds, 1), "recomputed": result["recomputed"], "load_average_before": load}
    out["version_after"] = ruleset_for(year).version
    out["vacuumed"] = vacuum_if_no_autovacuum()
    return out


def vacuum_if_no_autovacuum() -> bool:
    """The two saves rewrote a year's rows (30,000). In service autovacuum then vacuums the table (its threshold is
    5 % of the rows: migration duty.0005), and the committee table's index-only reads are fast again; on a server with
    autovacuum off, later runs would measure the table as if it never were. Do here what autovacuum would."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW autovacuum")
        if cur.fetchone()[0] == "on":
            return False
        cur.execute("VACUUM ANALYZE duty_memberyearscore")
    print("(the server's autovacuum is off: VACUUM ANALYZE duty_memberyearscore, as autovacuum would after the saves)")
    return True


# The check-in burst ------------------------------------------------------------------------------------------------


def api_json(port: int, method: str, path: str, token: str, body: dict | None = None) -> dict:
    resp = request(
        port,
        method,
        path,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body=None if body is None else json.dumps(body).encode(),
    )
    if resp.status not in (200, 201):
        raise BenchError(f"{method} {path}: HTTP {resp.status} {resp.body[:300]!r}")
    return json.loads(resp.body)


def checkin_burst(port: int, args, failures: list[str]) -> dict:
    from zhengxie.duty.models import Invitation

    members = burst_members(args.checkins, args.seed + 1)
    give_password([u for _m, u, _n in members], BENCH_PASSWORD)
    began = time.monotonic()
    tokens = tokens_for(port, [name for _m, _u, name in members], BENCH_PASSWORD)
    token_seconds = time.monotonic() - began
    staff = token_for(port, "demo-staff")
    now = datetime.datetime.now(datetime.UTC)
    activity = api_json(
        port,
        "POST",
        "/api/v1/activities",
        staff,
        {
            "title": "省政协专题协商会（签到压测）",
            "kind": "consultation",
            "start": (now - datetime.timedelta(minutes=1)).isoformat(),
            "end": (now + datetime.timedelta(hours=2)).isoformat(),
            "place": "省政协机关会议室",
            "invitees": {"member_ids": [m for m, _u, _n in members]},
        },
    )
    pk = activity["id"]
    began = time.monotonic()
    api_json(port, "POST", f"/api/v1/activities/{pk}/actions/publish", staff, {})
    publish_seconds = time.monotonic() - began
    print(
        f"\nCheck-in burst: activity {pk} published to {len(members)} members in {publish_seconds:.1f} s; "
        f"{len(tokens)} tokens obtained beforehand ({token_seconds:.1f} s, 2 at a time)"
    )

    code = {"value": None, "fetched": 0, "errors": []}
    lock = threading.Lock()
    stop = threading.Event()

    def refresh():
        window = None
        while not stop.is_set():
            current = int(time.time() // 30)
            if current != window:
                try:
                    value = api_json(port, "GET", f"/api/v1/activities/{pk}/check-in-code", staff)["code"]
                    with lock:
                        code["value"], code["fetched"] = value, code["fetched"] + 1
                    window = current
                except (BenchError, OSError, http.client.HTTPException) as exc:
                    with lock:
                        code["errors"].append(str(exc))
            stop.wait(0.25)

    refresher = threading.Thread(target=refresh, daemon=True)
    refresher.start()
    deadline = time.monotonic() + 10
    while code["value"] is None and time.monotonic() < deadline and not code["errors"]:
        time.sleep(0.05)
    if code["value"] is None:
        stop.set()
        raise BenchError(f"no check-in code: {code['errors'][:1]}")

    rng = random.Random(args.seed)
    schedule = sorted(rng.uniform(0, args.spread) for _ in members)
    outcomes: list[dict] = []
    start = time.perf_counter() + 0.5

    def member(username: str, token: str, at: float):
        time.sleep(max(0.0, start + at - time.perf_counter()))
        with lock:
            value = code["value"]
        began = time.perf_counter()
        try:
            resp = request(
                port,
                "POST",
                f"/api/v1/activities/{pk}/actions/check_in",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                body=json.dumps({"code": value}).encode(),
            )
            problem = "" if resp.status == 200 else f"HTTP {resp.status} {resp.body[:200]!r}"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        done = time.perf_counter()
        with lock:
            outcomes.append({"latency": done - began, "done": done - start, "problem": problem})

    load_before = loadavg()
    threads = [
        threading.Thread(target=member, args=(name, tokens[name], at), daemon=True)
        for (_m, _u, name), at in zip(members, schedule, strict=True)
    ]
    for t in threads:
        t.start()
    limit = time.monotonic() + args.spread + args.burst_timeout
    for t in threads:
        t.join(timeout=max(0.1, limit - time.monotonic()))
    stop.set()
    refresher.join(timeout=5)
    load_after = loadavg()

    errors = [o["problem"] for o in outcomes if o["problem"]] + code["errors"]
    unfinished = len(members) - len(outcomes)
    latencies = [o["latency"] for o in outcomes]
    last = max((o["done"] for o in outcomes), default=0)
    checked_in = Invitation.objects.filter(activity_id=pk, checked_in_at__isnull=False).count()

    # Closing: final attendance to the ledger and the 500 archives recomputed.
    began = time.monotonic()
    try:
        api_json(port, "POST", f"/api/v1/activities/{pk}/actions/close", staff, {})
        close_seconds = round(time.monotonic() - began, 2)
    except BenchError as exc:
        failures.append(f"closing the activity: {exc}")
        close_seconds = None

    summary = {
        "activity": pk,
        "members": len(members),
        "spread_s": args.spread,
        "errors": len(errors) + unfinished,
        "first_error": errors[0] if errors else "",
        "all_done_s": round(last, 1),
        "checkins_per_s": round(len(outcomes) / last, 1) if last else 0,
        "p50_ms": round(ms(latencies, 0.5), 1),
        "p95_ms": round(ms(latencies, 0.95), 1),
        "max_ms": round(ms(latencies, 1.0), 1),
        "codes_fetched": code["fetched"],
        "checked_in_in_db": checked_in,
        "publish_s": round(publish_seconds, 2),
        "close_s": close_seconds,
        "token_seconds": round(token_seconds, 1),
        "load_average_before": load_before,
        "load_average_after": load_after,
    }
    print(f"{now_label()} · load average before {load_before}, after {load_after}")
    print(
        "| members | spread over s | errors | last done at s | check-ins/s | p50 ms | p95 ms | max ms | "
        "codes fetched | checked in (DB) | publish s | close s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {len(members)} | {args.spread:.0f} | {summary['errors']} | {summary['all_done_s']} | "
        f"{summary['checkins_per_s']} | {summary['p50_ms']:.0f} | {summary['p95_ms']:.0f} | {summary['max_ms']:.0f} | "
        f"{code['fetched']} | {checked_in} | {summary['publish_s']} | {close_seconds} |"
    )
    if summary["errors"]:
        failures.append(f"check-in burst: {summary['errors']} errors, first: {summary['first_error']}")
    if checked_in != len(members):
        failures.append(f"check-in burst: {checked_in} of {len(members)} invitations checked in")
    return summary


# Main --------------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_arguments(parser)
    parser.add_argument("--single-requests", type=int, default=50, help="each endpoint with one client (%(default)s)")
    parser.add_argument("--checkins", type=int, default=500, help="members checking in (%(default)s)")
    parser.add_argument("--spread", type=float, default=60, help="seconds the check-ins are spread over (%(default)s)")
    parser.add_argument("--burst-timeout", type=float, default=120, help="extra seconds allowed (%(default)s)")
    parser.add_argument("--skip-endpoints", action="store_true")
    parser.add_argument("--skip-recompute", action="store_true")
    parser.add_argument("--skip-burst", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, default=OUT / "duty-province.json")
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1 or args.checkins < 1 or args.spread <= 0:
        parser.error("--requests, --concurrency, --checkins and --spread must be positive")

    database_url, targets, report = start(args, pick_targets)
    failures: list[str] = []
    print(
        f"database: {targets['ledger_rows']:,} ledger rows; {targets['scores_in_year']:,} archives in "
        f"{targets['year']}; the 50 sampled members have {targets['ledger_rows_per_sampled_member']} ledger rows "
        f"each in {targets['year']} on average"
    )
    try:
        with gunicorn(database_url, args.workers) as port:
            if not args.skip_endpoints:
                auth = {
                    "page": {"Cookie": f"sessionid={sign_in(port, 'demo-staff')}"},
                    "api": {"Authorization": f"Bearer {token_for(port, 'demo-staff')}"},
                }
                print("\n" + header_line(args, f"{targets['ledger_rows']:,} ledger rows"))
                report["endpoints"] = time_endpoints(port, args, endpoints(targets), auth, goal_for, failures)
            if not args.skip_recompute:
                print(f"\nRecomputing {targets['year']} after a rule change (rules.ruleset_save, in this process)")
                change = rule_change(targets["year"])
                report["recompute"] = change
                print("| save | members recomputed | seconds | load average before |")
                print("|---|---:|---:|---|")
                for label in ("changed", "restored"):
                    c = change[label]
                    print(f"| {label} | {c['recomputed']:,} | {c['seconds']} | {c['load_average_before']} |")
                    if c["seconds"] > 60:
                        print(f"goal missed: recompute ({label}) took {c['seconds']} s > 60 s")
            if not args.skip_burst:
                report["checkin_burst"] = checkin_burst(port, args, failures)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report["load_average_end"] = loadavg()
    write_json(args.json, report)
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
