"""What every signed-in page pays before its own work: middleware, the context processors and the shared frame
(base.html), measured in this process through Django's test client on the district demo (SQLite).

    rm -f /tmp/frame.db
    DATABASE_URL=sqlite:////tmp/frame.db .venv/bin/python manage.py migrate -v0
    DATABASE_URL=sqlite:////tmp/frame.db .venv/bin/python manage.py demo_district
    DATABASE_URL=sqlite:////tmp/frame.db .venv/bin/python bench/page_frame.py [--requests 200] [--profile PATH USER]

Besides the pages named with ``--pages`` (by default ``/opinions/`` and ``/``), three pages are added for this run
only, each a view behind ``require()``: ``/__plain__/`` answers "x" (middleware and signing in alone),
``/__context__/`` renders a template that shows one variable (plus the context processors), ``/__frame__/`` renders
base.html with a one-line content block (plus the frame). For each demo account and page it prints the Python
function calls per request (cProfile, 20 requests), CPU and wall milliseconds per request (``--requests`` requests,
without the profiler) and the statements one request runs. ``--profile PATH USER`` also prints that page's profile.
It writes only sessions (``force_login``) to the database it is given: never point it at a bench database.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengxie.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

import zhengxie.urls  # noqa: E402
from zhengxie.core.access import require  # noqa: E402

TEMPLATES_DIR = Path(tempfile.mkdtemp(prefix="zx-frame-"))
(TEMPLATES_DIR / "bench_context.html").write_text("{{ committee_name }}")
(TEMPLATES_DIR / "bench_frame.html").write_text('{% extends "base.html" %}{% block content %}<p>x</p>{% endblock %}')


@require()
def plain(request):
    return HttpResponse("x")


@require()
def context_only(request):
    return render(request, "bench_context.html", {})


@require()
def frame(request):
    return render(request, "bench_frame.html", {})


urlconf = types.ModuleType("bench_page_frame_urls")
urlconf.urlpatterns = [
    path("__plain__/", plain),
    path("__context__/", context_only),
    path("__frame__/", frame),
    *zhengxie.urls.urlpatterns,
]
sys.modules[urlconf.__name__] = urlconf


def measure(client: Client, page: str, requests: int, profile: bool) -> dict:
    for _ in range(10):  # warm: templates compiled, caches filled
        response = client.get(page)
        if response.status_code != 200:
            raise SystemExit(f"{page}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(page)
    statements = len(queries.captured_queries)  # read now: the next request clears the connection's log
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        client.get(page)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        client.get(page)
    profiler.disable()
    stats = pstats.Stats(profiler)
    if profile:
        stats.sort_stats("cumulative").print_stats(60)
    return {
        "calls": stats.total_calls / 20,
        "cpu": cpu / requests * 1000,
        "wall": wall / requests * 1000,
        "statements": statements,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--users", nargs="+", default=["demo-staff", "demo-member"])
    parser.add_argument("--pages", nargs="+", default=["/opinions/", "/"])
    parser.add_argument("--profile", nargs=2, metavar=("PATH", "USER"))
    args = parser.parse_args()
    pages = ["/__plain__/", "/__context__/", "/__frame__/", *args.pages]
    templates = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}]
    print(f"load average {os.getloadavg()[0]:.2f}, {args.requests} requests a page")
    print("| user | page | calls / request | CPU ms | wall ms | statements |\n|---|---|---:|---:|---:|---:|")
    with override_settings(ROOT_URLCONF=urlconf.__name__, TEMPLATES=templates, ALLOWED_HOSTS=["*"]):
        clear_url_caches()
        for username in args.users:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            for page in pages:
                r = measure(client, page, args.requests, profile=args.profile == [page, username])
                print(
                    f"| {username} | `{page}` | {r['calls']:,.0f} | {r['cpu']:.2f} | {r['wall']:.2f} "
                    f"| {r['statements']} |",
                    flush=True,
                )
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
