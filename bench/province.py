"""Shared by the province-scale timing scripts (bench/run_proposals.py, bench/run_duty.py): Django in the
benchmark's own process, signing in, gunicorn with a private var directory, and the endpoint tables."""

import contextlib
import datetime
import http.client
import json
import math
import os
import platform
import random
import shutil
import signal
import sys
import tempfile
import threading
from pathlib import Path

from common import REPO, absolute_database_url
from run import (
    HOST,
    BenchError,
    free_port,
    hammer,
    print_table,
    result_json,
    start_gunicorn,
    stop_gunicorn,
    token_for,
    wait_until_serving,
)

BENCH_PASSWORD = "zhengxie-bench-2026"  # given to the members taking part in a burst
OUT = Path(__file__).resolve().parent / "out"


def setup_django(database_url: str) -> None:
    """Django in this process too, against the same database: to pick ids, give passwords and check results."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengxie.settings"
    os.environ.setdefault("ZHENGXIE_ENV", "demo")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def now_label() -> str:
    return f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"


def tokens_for(port: int, usernames: list[str], password: str, threads: int = 2) -> dict[str, str]:
    """API tokens for many accounts, ``threads`` at a time (each sign-in is a deliberate PBKDF2 check)."""
    out: dict[str, str] = {}
    errors: list[str] = []
    queue = list(usernames)
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if not queue or errors:
                    return
                name = queue.pop()
            try:
                token = token_for(port, name, password)
            except (BenchError, OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(str(exc))
                return
            with lock:
                out[name] = token

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if errors:
        raise BenchError(f"obtaining tokens: {errors[0]}")
    return out


def give_password(user_ids: list[int], password: str) -> None:
    """One hash (the project's hasher) for all the accounts: a benchmark's members sign in with a known password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    get_user_model().objects.filter(pk__in=user_ids).update(password=make_password(password), is_active=True)


def burst_members(n: int, seed: int) -> list[tuple[int, int, str]]:
    """(member id, user id, username) of ``n`` serving members, picked with ``seed``, not the demo accounts."""
    from zhengxie.people.models import Member

    rows = list(
        Member.objects.filter(status="serving", user__isnull=False, user__is_active=True)
        .exclude(user__username__startswith="demo-")
        .order_by("pk")
        .values_list("pk", "user_id", "user__username")
    )
    return sorted(random.Random(seed).sample(rows, n))


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int, app: str = "zhengxie.wsgi", ready_path: str = "/accounts/login/"):
    """gunicorn on a free loopback port with a private var directory; always stopped, directory removed. ``app``
    and ``ready_path`` (answered 200 once it serves) are the project's unless another WSGI app is served."""
    var_dir = Path(tempfile.mkdtemp(prefix="zhengxie-bench-var-"))
    (var_dir / "static").symlink_to(REPO / "var" / "static")
    os.environ["ZHENGXIE_VAR_DIR"] = str(var_dir)  # start_gunicorn passes os.environ on
    port = free_port()
    log_path = var_dir / "gunicorn.log"
    proc = start_gunicorn(database_url, port, workers, log_path, app)
    failed = True
    try:
        wait_until_serving(proc, port, log_path, path=ready_path)
        yield port
        failed = False
    finally:
        stop_gunicorn(proc)
        if failed and log_path.exists():
            kept = Path(tempfile.mkstemp(prefix="zhengxie-bench-gunicorn-", suffix=".log")[1])
            shutil.copy(log_path, kept)
            print(f"(gunicorn's log: {kept})", file=sys.stderr)
        shutil.rmtree(var_dir, ignore_errors=True)


def header_line(args, facts: str) -> str:
    return (
        f"{now_label()} · PostgreSQL · {facts} · gunicorn {args.workers} sync workers on {HOST} · "
        f"{args.requests} requests per endpoint, concurrency {args.concurrency} · {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()} · load average {loadavg()}"
    )


def write_json(path: Path | None, data: dict) -> None:
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def ms(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(p * len(ordered)) - 1)] * 1000


def time_endpoints(port: int, args, endpoints: list, auth: dict, goal_for, failures: list[str]) -> list[dict]:
    """Each endpoint with ``args.concurrency`` clients, then again with one (the time a single request takes,
    without queueing); prints both tables and the goals missed, records failed requests in ``failures``."""
    results = [
        hammer(port, label, paths, auth[who], requests=args.requests, concurrency=args.concurrency, warmup=args.warmup)
        for label, paths, who in endpoints
    ]
    print_table(results)
    print(f"load average at the end: {loadavg()}")
    single = [
        hammer(port, f"{label}, one client", paths, auth[who], requests=args.single_requests, concurrency=1, warmup=2)
        for label, paths, who in endpoints
    ]
    print(f"\nOne client ({args.single_requests} requests each) · load average {loadavg()}")
    print_table(single)
    for r in results + single:
        goal = goal_for(r.label)
        if r.errors:
            failures.append(f"{r.label}: {r.errors} failed requests, first: {r.first_error}")
        if goal and r.percentile(0.95) > goal:
            print(f"goal missed: {r.label}: p95 {r.percentile(0.95):.1f} ms > {goal} ms")
    return [result_json(r) for r in results + single]


def start(args, pick_targets) -> tuple[str, dict, dict]:
    """What both scripts do first: SIGTERM unwinds like Ctrl-C (so gunicorn is stopped), Django is set up against
    the database, the targets are picked. Returns the database URL, the targets and the report begun."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    database_url = absolute_database_url(args.database_url)
    setup_django(database_url)
    targets = pick_targets(args.seed)
    report = {"started": now_label(), "load_average_start": loadavg(), "workers": args.workers, **targets}
    return database_url, targets, report
