"""Time the main pages and API endpoints against gunicorn on loopback.

    .venv/bin/python bench/run.py --database-url sqlite:///var/bench-district.sqlite3
    .venv/bin/python bench/run.py --database-url postgres://postgres@127.0.0.1:5432/zx_province

Starts ``gunicorn zhengxie.wsgi`` (sync workers, DEBUG off) on a free 127.0.0.1 port against the database (fill it
with bench/generate.py first), signs in as demo-staff through the login form (session cookie, CSRF) and through
POST /api/v1/auth/token (bearer token), then sends each endpoint a fixed number of requests from a few client
threads. Prints endpoint, requests, errors, p50 and p95 latency and throughput; exits 1 if any request failed.
gunicorn is always stopped at the end.
"""

import argparse
import datetime
import http.client
import json
import math
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from common import REPO, absolute_database_url

HOST = "127.0.0.1"  # loopback only
USERNAME = "demo-staff"
PASSWORD = "zhengxie-demo"


class BenchError(Exception):
    pass


# HTTP --------------------------------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def cookies(self) -> dict[str, str]:
        out = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            out[name.strip()] = rest.split(";", 1)[0]
        return out


def request(port: int, method: str, path: str, *, headers: dict | None = None, body: bytes | None = None) -> Response:
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return Response(resp.status, resp.headers, resp.read())
    finally:
        conn.close()


def sign_in(port: int, username: str, password: str = PASSWORD) -> str:
    """The session cookie after signing in through the login form (CSRF token from the page first)."""
    page = request(port, "GET", "/accounts/login/")
    csrf = page.cookies().get("csrftoken")
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or not csrf or not match:
        raise BenchError(f"login page: HTTP {page.status}, no CSRF token")
    form = urlencode({"csrfmiddlewaretoken": match.group(1).decode(), "username": username, "password": password})
    resp = request(
        port,
        "POST",
        "/accounts/login/",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"},
        body=form.encode(),
    )
    session = resp.cookies().get("sessionid")
    if resp.status != 302 or not session:
        raise BenchError(f"signing in as {username} failed: HTTP {resp.status}")
    return session


def token_for(port: int, username: str, password: str = PASSWORD) -> str:
    resp = request(
        port,
        "POST",
        "/api/v1/auth/token",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"username": username, "password": password}).encode(),
    )
    if resp.status != 200:
        raise BenchError(f"token for {username}: HTTP {resp.status} {resp.body[:200]!r}")
    return json.loads(resp.body)["token"]


def session_cookie(port: int) -> str:
    return sign_in(port, USERNAME)


def api_token(port: int) -> str:
    return token_for(port, USERNAME)


def api_get(port: int, path: str, token: str) -> dict:
    resp = request(port, "GET", path, headers={"Authorization": f"Bearer {token}"})
    if resp.status != 200:
        raise BenchError(f"GET {path}: HTTP {resp.status}")
    return json.loads(resp.body)


# Load --------------------------------------------------------------------------------------------------------


@dataclass
class Result:
    label: str
    path: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful and failed alike
    errors: int = 0
    first_error: str = ""
    wall: float = 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p * len(ordered)) - 1)] * 1000 if ordered else 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


def hammer(
    port: int, label: str, paths: str | list[str], headers: dict, *, requests: int, concurrency: int, warmup: int
) -> Result:
    """``requests`` GETs from ``concurrency`` threads after ``warmup`` untimed ones. Several paths are requested in
    turn (e.g. 50 different proposals), so that one row of the database is not all that is read."""
    paths = [paths] if isinstance(paths, str) else paths
    for i in range(warmup):
        request(port, "GET", paths[i % len(paths)], headers=headers)
    shown = paths[0] if len(paths) == 1 else f"{paths[0]} … ({len(paths)} paths)"
    result = Result(label, shown)
    counter = [0]
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                if counter[0] == requests:
                    return
                path = paths[counter[0] % len(paths)]
                counter[0] += 1
            began = time.perf_counter()
            try:
                resp = request(port, "GET", path, headers=headers)
                problem = "" if resp.status == 200 else f"HTTP {resp.status} on {path}"
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - began
            with lock:
                result.latencies.append(elapsed)
                if problem:
                    result.errors += 1
                    result.first_error = result.first_error or problem

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.wall = time.perf_counter() - began
    return result


def result_json(r: Result) -> dict:
    return {
        "endpoint": r.label,
        "path": r.path,
        "requests": len(r.latencies),
        "errors": r.errors,
        "p50_ms": round(r.percentile(0.5), 1),
        "p95_ms": round(r.percentile(0.95), 1),
        "max_ms": round(max(r.latencies, default=0) * 1000, 1),
        "req_per_s": round(r.throughput, 1),
    }


def add_load_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every timing script takes."""
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per endpoint (%(default)s)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads (%(default)s)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per endpoint first (%(default)s)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (%(default)s)")


# gunicorn ----------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def gunicorn_executable() -> str:
    for candidate in (Path(sys.executable).parent / "gunicorn", REPO / ".venv" / "bin" / "gunicorn"):
        if candidate.exists():
            return str(candidate)
    raise BenchError("gunicorn not found next to this Python or in .venv/bin")


def start_gunicorn(
    database_url: str, port: int, workers: int, log_path: Path, app: str = "zhengxie.wsgi"
) -> subprocess.Popen:
    """gunicorn serving ``app`` (the project by default; bench/run_bare.py serves its bare endpoint the same way)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "zhengxie.settings",
        "ZHENGXIE_ENV": "demo",
        "DJANGO_DEBUG": "0",
        "ZHENGXIE_REQUIRE_STAFF_OTP": "0",
    }
    cmd = [gunicorn_executable(), app, "-w", str(workers), "-b", f"{HOST}:{port}"]
    cmd += ["--chdir", str(REPO), "--log-level", "warning"]
    with open(log_path, "wb") as log:
        # Its own session, so that stopping it (and its workers) cannot touch anything else.
        return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_until_serving(
    proc: subprocess.Popen, port: int, log_path: Path, timeout: float = 60, path: str = "/accounts/login/"
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            if request(port, "GET", path).status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within {timeout:.0f} s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# Main --------------------------------------------------------------------------------------------------------


def endpoints(port: int, token: str) -> tuple[list[tuple[str, str, str]], dict]:
    """(label, path, "session" | "token") of what is timed, with the query values picked from the data."""
    members = api_get(port, "/api/v1/members?limit=1", token)
    units = api_get(port, "/api/v1/units?limit=1", token)
    if not members["count"]:
        raise BenchError("the database has no members: run bench/generate.py first")
    # A member from the middle of the list: their name, sector and (unmasked for the secretariat) mobile.
    sample = api_get(port, f"/api/v1/members?limit=1&offset={members['count'] // 2}", token)["items"][0]
    if "*" in sample["mobile"]:
        raise BenchError(f"{USERNAME} sees masked mobiles; the exact-mobile search needs the real one")
    facts = {"members": members["count"], "units": units["count"], "sample_member": sample["id"]}
    return [
        ("home", "/", "session"),
        ("member list", "/people/members/", "session"),
        ("member list, name search", f"/people/members/?q={quote(sample['name'])}", "session"),
        ("member list, one sector", f"/people/members/?sector={sample['sector_id']}", "session"),
        ("member detail", f"/people/members/{sample['id']}/", "session"),
        ("unit list", "/people/units/", "session"),
        ("API members", "/api/v1/members?limit=50", "token"),
        ("API members, exact mobile", f"/api/v1/members?q={sample['mobile']}", "token"),
        ("API units", "/api/v1/units", "token"),
        ("API me", "/api/v1/me", "token"),
    ], facts


def print_table(results: list[Result]) -> None:
    print("| endpoint | path | requests | errors | p50 ms | p95 ms | req/s |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.label} | `{r.path}` | {len(r.latencies)} | {r.errors} | {r.percentile(0.5):.1f} | "
            f"{r.percentile(0.95):.1f} | {r.throughput:.1f} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_arguments(parser)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")

    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so gunicorn is stopped by the finally below.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    database_url = absolute_database_url(args.database_url)
    port = free_port()
    log_path = Path(tempfile.mkstemp(prefix="zhengxie-bench-gunicorn-", suffix=".log")[1])
    proc = start_gunicorn(database_url, port, args.workers, log_path)
    try:
        wait_until_serving(proc, port, log_path)
        session, token = session_cookie(port), api_token(port)
        targets, facts = endpoints(port, token)
        auth = {"session": {"Cookie": f"sessionid={session}"}, "token": {"Authorization": f"Bearer {token}"}}
        vendor = database_url.split(":", 1)[0]
        # Other work on the machine skews the figures; the load average says how quiet it was.
        load_before = os.getloadavg()[0]
        print(
            f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {vendor} · {facts['members']} members, "
            f"{facts['units']} units · gunicorn {args.workers} sync workers on {HOST}:{port} · "
            f"{args.requests} requests per endpoint, concurrency {args.concurrency} · "
            f"{os.cpu_count()} CPUs, Python {platform.python_version()} · load average {load_before:.2f}"
        )
        results = []
        for label, path, kind in targets:
            results.append(
                hammer(
                    port,
                    label,
                    path,
                    auth[kind],
                    requests=args.requests,
                    concurrency=args.concurrency,
                    warmup=args.warmup,
                )
            )
        print_table(results)
        load_after = os.getloadavg()[0]
        print(f"load average at the end: {load_after:.2f}")
    except BenchError as exc:
        print(f"error: {exc}\n(gunicorn's log: {log_path})", file=sys.stderr)
        return 2
    finally:
        stop_gunicorn(proc)

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "database": vendor,
                    **facts,
                    "requests": args.requests,
                    "concurrency": args.concurrency,
                    "workers": args.workers,
                    "load_average": [round(load_before, 2), round(load_after, 2)],
                    "results": [result_json(r) for r in results],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    failed = [r for r in results if r.errors]
    for r in failed:
        print(f"{r.label}: {r.errors} failed requests, first: {r.first_error}", file=sys.stderr)
    if failed:
        print(f"gunicorn's log: {log_path}", file=sys.stderr)
        return 1
    log_path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
