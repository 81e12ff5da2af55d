"""Time the proposal API list and detail and /api/v1/me against a bare endpoint running the same SQL.

    .venv/bin/python bench/run_bare.py --database-url postgres://postgres@127.0.0.1:5432/zx_bench_prov_full
    .venv/bin/python bench/run_bare.py --database-url … --rounds 0 --profile 300   # the profile alone

Fill the database first with bench/generate.py --tier province and bench/generate_history.py (PostgreSQL only).

1. In this process (Django set up as gunicorn runs it: DEBUG off), demo-office obtains an API token through
   POST /api/v1/auth/token, and each timed request is made once through Django's WSGI handler to warm it and once
   more while ``connection.execute_wrapper`` records every statement (SQL, parameters, client- or server-side
   binding); the response's body is kept. The requests are those of bench/run_proposals.py's API endpoints (the list
   filtered by state + year + category, closed last year and assigned this year, limit=20; the detail of its 50
   proposals) and GET /api/v1/me, all with the bearer token.
2. gunicorn serves the project (``zhengxie.wsgi``) and, beside it, bench/bare.py (``bench.bare:application``) with
   the same workers; each bare request checks the Authorization header, replays the captured statements with
   psycopg on one kept connection and returns the captured body. Before timing, every path is requested from both
   servers and the answers must be the same JSON.
3. ``--rounds`` interleaved rounds (real list, bare list, real detail, bare detail, real /me, bare /me, …), each
   endpoint ``--requests`` requests from ``--concurrency`` client threads after ``--warmup`` untimed ones. Prints a
   Markdown table with each endpoint's requests/s, p50 and p95 over all rounds, the ratio real/bare and each round's
   ratio, and writes ``--json`` (bench/out/bare.json).
4. ``--profile N``: the real endpoints again in this process, N calls each through the WSGI handler, first timed (and
   the time spent in SQL statements measured), then under cProfile; each function's own time is put into a coarse
   group by the file it is in (a C function by what called it) and the split is printed.

The statements are captured at the start of every run, so the bare endpoint always runs what the code runs now.
Exits 1 if a request failed, 2 on any other error; both gunicorn servers are always stopped.
"""

import argparse
import cProfile
import io
import json
import os
import pickle
import platform
import pstats
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from common import REPO
from province import OUT, gunicorn, loadavg, now_label, start, write_json
from run import BenchError, Result, add_load_arguments, hammer, request, result_json
from run_proposals import endpoints as proposal_endpoints
from run_proposals import pick_targets

USERNAME = "demo-office"
PASSWORD = "zhengxie-demo"
BARE_APP = "bench.bare:application"
BARE_READY = "/ready"  # bench/bare.py's READY_PATH; bare.py is loaded by gunicorn only, not imported here


# What is timed ---------------------------------------------------------------------------------------------------


def timed_endpoints(targets: dict) -> list[tuple[str, list[str]]]:
    """The API list and detail exactly as bench/run_proposals.py times them, and /me."""
    chosen = [
        (label, paths)
        for label, paths, who in proposal_endpoints(targets)
        if who == "office_token" and label.startswith(("list API", "detail API"))
    ]
    return [*chosen, ("API me", ["/api/v1/me"])]


# The real endpoints in this process --------------------------------------------------------------------------------


class InProcess:
    """Requests through Django's WSGI handler, as gunicorn calls it (request_started and request_finished included,
    so the connection's health check and CONN_MAX_AGE behave as in a worker)."""

    def __init__(self):
        from django.core.wsgi import get_wsgi_application

        self.handler = get_wsgi_application()

    def call(self, method: str, path: str, *, headers: dict | None = None, body: bytes = b"") -> tuple:
        """(status, content type, body bytes)."""
        path_info, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        for name, value in (headers or {}).items():
            if name.lower() == "content-type":
                environ["CONTENT_TYPE"] = value
            else:
                environ["HTTP_" + name.upper().replace("-", "_")] = value
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split(" ", 1)[0])
            answer["content_type"] = dict(response_headers).get("Content-Type", "")

        response = self.handler(environ, start_response)
        try:
            content = b"".join(response)
        finally:
            response.close()  # request_finished, as gunicorn calls it
        return answer["status"], answer["content_type"], content

    def token(self, username: str, password: str) -> str:
        status, _ctype, content = self.call(
            "POST",
            "/api/v1/auth/token",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"username": username, "password": password}).encode(),
        )
        if status != 200:
            raise BenchError(f"token for {username}: HTTP {status} {content[:200]!r}")
        return json.loads(content)["token"]


def capture(app: InProcess, endpoints: list, authorization: str) -> dict:
    """Each path's statements and answer, recorded on its second request (the first warms caches and compiled
    reads, and makes the token's once-a-minute last-use write if one is due)."""
    import psycopg
    from django.db import connection

    headers = {"Authorization": authorization}
    routes = {}
    for _label, paths in endpoints:
        for path in paths:
            app.call("GET", path, headers=headers)
            statements = []

            def record(execute, sql, params, many, context, statements=statements):
                bound_on_server = not isinstance(context["cursor"].cursor, psycopg.ClientCursor)
                statements.append((sql, params, many, bound_on_server))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(record):
                status, content_type, body = app.call("GET", path, headers=headers)
            if status != 200:
                raise BenchError(f"GET {path} in this process: HTTP {status} {body[:200]!r}")
            routes[path] = {
                "authorization": authorization,
                "status": status,
                "content_type": content_type,
                "body": body,
                "statements": statements,
            }
    params = connection.get_connection_params()
    # The adapters context and cursor class are Django's own objects; the bare app uses psycopg's, as Django's are.
    params = {k: v for k, v in params.items() if k not in ("context", "cursor_factory")}
    return {"connection": params, "timezone": connection.timezone_name, "routes": routes}


def statement_counts(routes: dict, paths: list[str]) -> dict:
    counts = [len(routes[p]["statements"]) for p in paths]
    writes = sum(
        1
        for p in paths
        for sql, *_ in routes[p]["statements"]
        if not sql.lstrip().upper().startswith(("SELECT", "WITH"))
    )
    server = sum(1 for p in paths for *_, on_server in routes[p]["statements"] if on_server)
    return {
        "min": min(counts),
        "max": max(counts),
        "mean": round(sum(counts) / len(counts), 1),
        "bound_on_server": round(server / len(paths), 1),
        "not_select": writes,
    }


def check_same_answers(real_port: int, bare_port: int, routes: dict) -> dict:
    """Every path from both servers: both 200 and the same JSON (the bare body is the captured one, so this also
    checks that the capture in this process answered what gunicorn answers)."""
    same_bytes = 0
    for path, route in routes.items():
        headers = {"Authorization": route["authorization"]}
        real = request(real_port, "GET", path, headers=headers)
        bare = request(bare_port, "GET", path, headers=headers)
        if real.status != 200 or bare.status != 200:
            raise BenchError(f"GET {path}: real HTTP {real.status}, bare HTTP {bare.status}")
        if real.body == bare.body:
            same_bytes += 1
        elif json.loads(real.body) != json.loads(bare.body):
            raise BenchError(f"GET {path}: the bare endpoint's JSON differs from the real one's")
    return {"paths": len(routes), "same_bytes": same_bytes}


# Timing ------------------------------------------------------------------------------------------------------------


def merged(label: str, results: list[Result]) -> Result:
    out = Result(label, results[0].path)
    for r in results:
        out.latencies += r.latencies
        out.errors += r.errors
        out.wall += r.wall
        out.first_error = out.first_error or r.first_error
    return out


def run_rounds(real_port: int, bare_port: int, endpoints: list, authorization: str, args) -> dict:
    """Real, then bare, endpoint by endpoint, ``args.rounds`` times: both see the same state of the machine."""
    headers = {"Authorization": authorization}
    runs: dict[tuple[str, str], list[Result]] = defaultdict(list)
    loads = []
    for n in range(1, args.rounds + 1):
        loads.append(loadavg())
        print(f"round {n} of {args.rounds} · {now_label()} · load average {loads[-1]}", flush=True)
        for label, paths in endpoints:
            for server, port in (("real", real_port), ("bare", bare_port)):
                runs[(label, server)].append(
                    hammer(
                        port,
                        f"{label}, {server}",
                        paths,
                        headers,
                        requests=args.requests,
                        concurrency=args.concurrency,
                        warmup=args.warmup,
                    )
                )
    loads.append(loadavg())
    return {"runs": runs, "load_averages": loads}


def ratio(real: Result, bare: Result) -> float:
    return real.throughput / bare.throughput if bare.throughput else 0.0


def report_rounds(endpoints: list, runs: dict, counts: dict) -> list[dict]:
    print(
        "\n| endpoint | statements | real req/s | real p50 ms | real p95 ms | bare req/s | bare p50 ms | bare p95 ms "
        "| real/bare | each round |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    rows = []
    for label, _paths in endpoints:
        real = merged(f"{label}, real", runs[(label, "real")])
        bare = merged(f"{label}, bare", runs[(label, "bare")])
        per_round = [ratio(r, b) for r, b in zip(runs[(label, "real")], runs[(label, "bare")], strict=True)]
        c = counts[label]
        shown = f"{c['min']}" if c["min"] == c["max"] else f"{c['min']}–{c['max']} (mean {c['mean']})"
        print(
            f"| {label} | {shown} | {real.throughput:.1f} | {real.percentile(0.5):.1f} | {real.percentile(0.95):.1f} "
            f"| {bare.throughput:.1f} | {bare.percentile(0.5):.1f} | {bare.percentile(0.95):.1f} "
            f"| {ratio(real, bare):.2f} | {' / '.join(f'{x:.2f}' for x in per_round)} |"
        )
        rows.append(
            {
                "endpoint": label,
                "statements": c,
                "real": result_json(real),
                "bare": result_json(bare),
                "ratio": round(ratio(real, bare), 3),
                "ratio_per_round": [round(x, 3) for x in per_round],
                "rounds": [
                    {"real": result_json(r), "bare": result_json(b)}
                    for r, b in zip(runs[(label, "real")], runs[(label, "bare")], strict=True)
                ],
            }
        )
    return rows


# Profile -----------------------------------------------------------------------------------------------------------

# Where a function's own time goes, by the file it is in; the first group whose fragment is in the path wins. A
# function of C (a built-in, a method of a C type) has no file: its time goes to the groups of its callers.
GROUPS = [
    ("benchmark driver", ("/bench/run_bare.py", "/cProfile.py")),
    ("SQL execution", ("/psycopg/", "/psycopg_binary/", "/psycopg_c/", "/django/db/backends/", "/django/db/utils.py")),
    (
        "middleware",
        (
            "/django/middleware/",
            "/django/utils/deprecation.py",  # MiddlewareMixin
            "/django/core/handlers/exception.py",  # the wrapper around each middleware
            "/django/contrib/sessions/",
            "/django/contrib/messages/",
            "/django/contrib/auth/middleware.py",
            "/django_otp/middleware.py",
            "/csp/",
            "/whitenoise/",
            "/axes/",
            "/django_htmx/",
            "/zhengxie/core/middleware.py",
            "/zhengxie/accounts/middleware.py",
        ),
    ),
    (
        "authentication",
        (
            "/ninja/security/",
            "/django/contrib/auth/",
            "/django_otp/",
            "/zhengxie/api.py",
            "/zhengxie/accounts/backends.py",
            "/zhengxie/accounts/services.py",
        ),
    ),
    ("ORM / model building", ("/django/db/", "/zhengxie/core/prepared.py")),
    (
        "template / JSON rendering",
        ("/ninja/renderers.py", "/ninja/responses.py", "/json/", "/django/core/serializers/", "/django/template/"),
    ),
    (
        "django-ninja validation / serialisation",
        ("/ninja/", "/pydantic/", "/pydantic_core/", "/annotated_types/", "/typing.py", "/typing_extensions.py"),
    ),
    (
        "translation / localtime",
        (
            "/django/utils/translation/",
            "/django/utils/timezone.py",
            "/django/utils/functional.py",
            "/django/utils/formats.py",
            "/zoneinfo/",
            "/gettext.py",
        ),
    ),
    ("the endpoint's own code (zhengxie/)", ("/zhengxie/",)),
]
SQL = "SQL execution"
AUTH = "authentication"
MIDDLEWARE = "middleware"
OTHER = "other (request handling, URL resolving, Python)"
PYTHON_GROUPS = [name for name, _ in GROUPS if name not in ("benchmark driver", SQL)] + [OTHER]


def group_of_file(func: tuple) -> str | None:
    filename = func[0]
    if filename == "~" or filename.startswith("<"):  # C functions; frozen or generated code
        return None
    path = filename.replace(os.sep, "/")
    for name, fragments in GROUPS:
        if any(fragment in path for fragment in fragments):
            return name
    return OTHER


def where(func: tuple) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    path = filename.replace(os.sep, "/")
    for anchor in ("/site-packages/", f"/python{sys.version_info[0]}.{sys.version_info[1]}/", f"{REPO.as_posix()}/"):
        if anchor in path:
            path = path.split(anchor, 1)[1]
            break
    return f"{path}:{line}({name})"


def is_view_call(func: tuple) -> bool:
    """Django's handler below the middleware: it resolves the URL and calls the view."""
    return func[0].replace(os.sep, "/").endswith("/django/core/handlers/base.py") and func[2] == "_get_response"


def split_by_group(stats: pstats.Stats) -> dict[str, dict[tuple, float]]:
    """Seconds of own time per group, and in each group per function.

    A function without a file is shared among its callers' groups in proportion to the own time it spent under
    each (cProfile records that per caller), up the calls until a file is found. Authentication and middleware also
    take the Python time spent on their behalf in other groups (the ORM building the token's read; the translation
    machinery LocaleMiddleware switches on): a function's time counts as theirs in the share of its cumulative time
    that its callers in their files account for, as gprof shares a callee among its callers; for middleware, what
    runs under Django's call of the view does not count. Their SQL stays SQL."""
    table = stats.stats  # {func: (primitive calls, calls, own time, cumulative time, {caller: (…, …, own, cum)})}
    file_memo: dict[tuple, dict[str, float]] = {}

    def shares(callers: dict, index: int) -> list[tuple[tuple, float]]:
        """Each caller's share of a function's time: by the time it took under each (own time when index is 2,
        cumulative when 3), or by calls where no time was recorded."""
        total = sum(v[index] for v in callers.values())
        if total:
            return [(caller, v[index] / total) for caller, v in callers.items()]
        calls = sum(v[1] for v in callers.values()) or 1
        return [(caller, v[1] / calls) for caller, v in callers.items()]

    def file_groups(func: tuple, depth: int) -> dict[str, float]:
        found = group_of_file(func)
        if found:
            return {found: 1.0}
        if func in file_memo:
            return file_memo[func]
        callers = table.get(func, (0, 0, 0, 0, {}))[4]
        if depth > 12 or not callers:
            return {OTHER: 1.0}
        file_memo[func] = {OTHER: 1.0}  # a cycle of C functions ends here
        mix: dict[str, float] = defaultdict(float)
        for caller, share in shares(callers, 2):
            for name, weight in file_groups(caller, depth + 1).items():
                mix[name] += share * weight
        file_memo[func] = dict(mix)
        return file_memo[func]

    def on_behalf_of(group: str):
        """The share of a function's time spent under functions of ``group``'s files."""
        memo: dict[tuple, float] = {}

        def share_of(func: tuple, depth: int) -> float:
            if group_of_file(func) == group:
                return 1.0
            if is_view_call(func) and group == MIDDLEWARE:
                return 0.0
            if func in memo:
                return memo[func]
            callers = table.get(func, (0, 0, 0, 0, {}))[4]
            if depth > 60 or not callers:
                return 0.0
            memo[func] = 0.0  # a recursive cycle ends here
            memo[func] = sum(share * share_of(caller, depth + 1) for caller, share in shares(callers, 3))
            return memo[func]

        return share_of

    auth_share, middleware_share = on_behalf_of(AUTH), on_behalf_of(MIDDLEWARE)
    by_function: dict[str, dict[tuple, float]] = defaultdict(lambda: defaultdict(float))
    for func, (_cc, _nc, own, _cum, _callers) in table.items():
        for name, weight in file_groups(func, 0).items():
            if name in (SQL, "benchmark driver", AUTH, MIDDLEWARE):
                by_function[name][func] += own * weight
                continue
            auth = auth_share(func, 0)
            middleware = (1 - auth) * middleware_share(func, 0)
            by_function[AUTH][func] += own * weight * auth
            by_function[MIDDLEWARE][func] += own * weight * middleware
            by_function[name][func] += own * weight * (1 - auth - middleware)
    by_function.pop("benchmark driver", None)
    return {name: dict(functions) for name, functions in by_function.items()}


def profile(app: InProcess, endpoints: list, authorization: str, calls: int) -> list[dict]:
    from django.db import connection

    headers = {"Authorization": authorization}
    out = []
    for label, paths in endpoints:
        sequence = [paths[i % len(paths)] for i in range(calls)]
        for path in paths[:10]:
            app.call("GET", path, headers=headers)
        # Without the profiler first: the time per call, and the part spent in the database driver's execute().
        sql = {"n": 0, "s": 0.0}

        def timed(execute, sql_text, params, many, context, sql=sql):
            began = time.perf_counter()
            try:
                return execute(sql_text, params, many, context)
            finally:
                sql["n"] += 1
                sql["s"] += time.perf_counter() - began

        began = time.perf_counter()
        with connection.execute_wrapper(timed):
            for path in sequence:
                app.call("GET", path, headers=headers)
        per_call = (time.perf_counter() - began) / calls
        profiler = cProfile.Profile()
        profiler.enable()
        for path in sequence:
            app.call("GET", path, headers=headers)
        profiler.disable()
        by_function = split_by_group(pstats.Stats(profiler))
        seconds = {name: sum(functions.values()) for name, functions in by_function.items()}
        total = sum(seconds.values())
        python = total - seconds.get(SQL, 0.0)
        out.append(
            {
                "endpoint": label,
                "calls": calls,
                "ms_per_call": round(per_call * 1000, 2),
                "statements_per_call": round(sql["n"] / calls, 1),
                "sql_execute_ms_per_call": round(sql["s"] * 1000 / calls, 2),
                "profiled_ms_per_call": round(total * 1000 / calls, 2),
                "sql_percent_of_profiled": round(100 * seconds.get(SQL, 0.0) / total, 1),
                "python_percent": {name: round(100 * seconds.get(name, 0.0) / python, 1) for name in PYTHON_GROUPS},
                # What each group's time is mostly made of, for reading the split.
                "top_functions": {
                    name: [
                        {"function": where(func), "ms_per_call": round(s * 1000 / calls, 3)}
                        for func, s in sorted(functions.items(), key=lambda item: item[1], reverse=True)[:8]
                    ]
                    for name, functions in by_function.items()
                },
            }
        )
    print(f"\nProfile in this process ({calls} calls each, WSGI handler, DEBUG off) · load average {loadavg()}")
    print(
        "| endpoint | ms per call | statements | in execute() ms | SQL execution, % of all | "
        + " | ".join(PYTHON_GROUPS)
        + " |\n|---|---:|---:|---:|---:|"
        + "---:|" * len(PYTHON_GROUPS)
    )
    for p in out:
        shares = " | ".join(f"{p['python_percent'][name]:.0f} %" for name in PYTHON_GROUPS)
        print(
            f"| {p['endpoint']} | {p['ms_per_call']:.2f} | {p['statements_per_call']:g} | "
            f"{p['sql_execute_ms_per_call']:.2f} | {p['sql_percent_of_profiled']:.0f} % | {shares} |"
        )
    print(
        "(ms per call, statements and execute() time without the profiler. Under it: the share of SQL execution "
        "(psycopg and Django's cursor, waiting for the server included) in all the time, then each group's share of "
        "the rest, the Python time; cProfile inflates Python code more than C)"
    )
    return out


# Main ------------------------------------------------------------------------------------------------------------


def machine() -> dict:
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/meminfo").read_text().splitlines()
            if "MemTotal" in line
        ),
        "",
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]

    def git(*command: str) -> str:
        return subprocess.run(["git", *command], cwd=REPO, capture_output=True, text=True).stdout.strip()

    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "memory": memory,
        "postgresql": server_version,
        "python": platform.python_version(),
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_changes_in_zhengxie": bool(git("status", "--porcelain", "--", "zhengxie")),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_arguments(parser)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds, 0 for none (%(default)s)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="profile N calls of each endpoint")
    parser.add_argument("--seed", type=int, default=2026, help="picks the detail proposals, as run_proposals.py")
    parser.add_argument("--json", type=Path, default=OUT / "bare.json")
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1 or args.rounds < 0 or args.profile < 0:
        parser.error("--requests and --concurrency must be at least 1, --rounds and --profile at least 0")
    if not args.database_url.startswith(("postgres://", "postgresql://", "pgsql://")):
        parser.error("the bare endpoint speaks psycopg: the database must be PostgreSQL")

    # The script's own Django runs as gunicorn's does (bench/run.py start_gunicorn), so that it captures the same
    # statements and its profile is of the code that serves.
    os.environ.update({"DJANGO_DEBUG": "0", "ZHENGXIE_REQUIRE_STAFF_OTP": "0", "ZHENGXIE_ENV": "demo"})
    database_url, targets, report = start(args, pick_targets)
    endpoints = timed_endpoints(targets)
    report["machine"] = machine()
    report.update(requests=args.requests, concurrency=args.concurrency, rounds=args.rounds)
    print(
        f"{report['started']} · commit {report['machine']['commit']}"
        f"{' (with uncommitted changes in zhengxie/)' if report['machine']['uncommitted_changes_in_zhengxie'] else ''}"
        f" · {report['machine']['cpus']} CPUs ({report['machine']['cpu_model']}), {report['machine']['memory']} · "
        f"PostgreSQL {report['machine']['postgresql']} · Python {report['machine']['python']} · "
        f"{targets['proposals']:,} proposals · gunicorn {args.workers} sync workers, real and bare · "
        f"{args.rounds} rounds of {args.requests} requests per endpoint, concurrency {args.concurrency} · "
        f"load average {loadavg()}"
    )
    capture_dir = Path(tempfile.mkdtemp(prefix="zhengxie-bench-bare-"))
    capture_path = capture_dir / "capture.pickle"
    failures = []
    try:
        app = InProcess()
        authorization = f"Bearer {app.token(USERNAME, PASSWORD)}"
        captured = capture(app, endpoints, authorization)
        counts = {label: statement_counts(captured["routes"], paths) for label, paths in endpoints}
        report["statements"] = counts
        for label, c in counts.items():
            if c["not_select"]:
                print(f"note: {label}: {c['not_select']} captured statements are not reads; the bare app runs them too")
        capture_path.write_bytes(pickle.dumps(captured))
        os.environ["ZX_BARE_CAPTURE"] = str(capture_path)
        if args.rounds:
            with (
                gunicorn(database_url, args.workers) as real_port,
                gunicorn(database_url, args.workers, app=BARE_APP, ready_path=BARE_READY) as bare_port,
            ):
                report["same_answers"] = check_same_answers(real_port, bare_port, captured["routes"])
                same = report["same_answers"]
                print(f"same JSON from both servers for all {same['paths']} paths ({same['same_bytes']} byte for byte)")
                timed = run_rounds(real_port, bare_port, endpoints, authorization, args)
            report["load_averages_per_round"] = timed["load_averages"]
            report["results"] = report_rounds(endpoints, timed["runs"], counts)
            print(f"load average at the end: {loadavg()}")
            failures = [
                f"{r.label}: {r.errors} failed requests, first: {r.first_error}"
                for results in timed["runs"].values()
                for r in results
                if r.errors
            ]
        if args.profile:
            report["profile"] = profile(app, endpoints, authorization, args.profile)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        capture_path.unlink(missing_ok=True)
        capture_dir.rmdir()
    report["load_average_end"] = loadavg()
    write_json(args.json, report)
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
