"""Snapshot every screen of the demo district, to show that a change of the code leaves pages and API answers as
they were.

    .venv/bin/python bench/snapshot_screens.py --out /tmp/snap-before [--root DIR]
    .venv/bin/python bench/snapshot_screens.py --compare /tmp/snap-before /tmp/snap-after

Capture: the tree at ``--root`` (default: the current directory) is imported, and in a temporary folder a fresh
SQLite database is migrated and filled with the demo district (``manage.py demo_district``), the whole run frozen
at one instant (time-machine) so that every date is the same from run to run. Then, in this process through
``django.test.Client``, each demo account signs in through the login form and reads the pages (navigation, lists
with a few filters, every proposal and activity, every action form its buttons offer, as a page and as the htmx
fragment), then takes an API token and reads the API. An anonymous visitor reads the same; the secretariat reads
each activity's check-in QR page once more at the activity's start, when the code is shown. One file per (reader,
address) holds the status, the headers that matter and the body (JSON laid out with sorted keys), with what changes
on every run masked (CSRF tokens, CSP nonces, API tokens and their ids, check-in codes and QR images, two-factor
secrets). Two runs on one tree give byte-identical folders. ``_index.tsv`` lists every file with its address.

Compare: lists the files that differ between two folders with a unified diff of each (cut after ``--lines``
lines), the files found in only one, and a count per reader; exits 1 when anything differs.
"""

import argparse
import datetime
import difflib
import hashlib
import html
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

# A Monday of the demo term's last year, in working hours: the demo's "next week" activity and the plenary in
# January both lie ahead, and nothing is overdue yet.
FROZEN_AT = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PASSWORD = "zhengxie-demo"
ROLES = [
    "demo-admin",
    "demo-office",
    "demo-staff",
    "demo-leader",
    "demo-overseer",
    "demo-unit",
    "demo-unit-leader",
    "demo-unit2",
    "demo-member",
    "demo-member2",
]
ANONYMOUS = "anonymous"
UNIT_TABS = ["pending", "handling", "to_sign", "returned", "replied"]
RUN_FILE = "_run.txt"  # what was captured and how; not compared

# Downloads (spreadsheets, documents, PDFs) are not screens; their GETs are left out.
DOWNLOAD = re.compile(r"\.(xlsx|docx|pdf)$|/template/$")
# Addresses a page links to whose GET changes something or ends the session: never followed.
UNSAFE = re.compile(r"/(logout|logout-everywhere|read|read-all|remove|delete|revoke)/")
# Links followed wherever they appear: the forms of action buttons, the unit board's tabs, and proposals and
# activities (each already read by id, but a link to one that is not in the database would show here).
FOLLOW = [
    re.compile(r"^/proposals/\d+/act/[\w-]+/form/$"),
    re.compile(r"^/proposals/assignments/\d+/act/[\w-]+/form/$"),
    re.compile(r"^/proposals/unit/\?tab=\w+$"),
    re.compile(r"^/proposals/\d+/$"),
    re.compile(r"^/activities/\d+/$"),
]
# Action forms are also read as the fragment the detail page's script fetches.
HTMX_TOO = re.compile(r"/act/[\w-]+/form/$")
LINK = re.compile(r"""(?:href|hx-get|data-action-form-url)\s*=\s*(["'])(.*?)\1""", re.S)

# What differs from run to run, and its mask. Applied to every text body, JSON after it is laid out.
MASKS = [
    (re.compile(r'(name="csrfmiddlewaretoken"\s+value=")[^"]*(")'), r"\1<csrf>\2"),
    # hx-headers='{"X-CSRFToken": "…"}' on the pages; req.headers['X-CSRFToken'] = "…" in the API's docs page.
    (re.compile(r"""(X-CSRFToken["']\]?\s*[:=]\s*["'])[A-Za-z0-9]+(["'])"""), r"\1<csrf>\2"),
    (re.compile(r'(<meta\s+name="csrf[-_]token"\s+content=")[^"]*(")'), r"\1<csrf>\2"),
    (re.compile(r'(\bnonce=")[^"]*(")'), r"\1<nonce>\2"),
    (re.compile(r'("token"\s*:\s*")[^"]*(")'), r"\1<api token>\2"),
    (re.compile(r"(/accounts/tokens/)\d+(/)"), r"\1<token id>\2"),
    # Check-in codes are "<activity>.<time window>.<signature>", in links, texts and the API.
    (re.compile(r"\b\d+\.\d{6,}\.[A-Za-z0-9_-]{6,}"), "<check-in code>"),
    (re.compile(r"(data:image/[\w+.-]+;base64,)[A-Za-z0-9+/=\s]+"), r"\1<image>"),
    # A new two-factor secret is drawn each time the set-up page is shown.
    (re.compile(r'(data-testid="totp-secret">)[A-Z2-7]+'), r"\1<totp secret>"),
    (re.compile(r"([?&]secret=)[A-Z2-7]+"), r"\1<totp secret>"),
]


# Capture ----------------------------------------------------------------------------------------------------------


def prepare_django(root: Path, work: Path) -> None:
    """Import the tree at ``root`` with its settings pointed at a private database, var and media folder. Only
    what the run must control is set; the rest of the demo's settings stay as ``make demo`` has them."""
    os.chdir(root)
    sys.path.insert(0, str(root))
    env = {
        "DJANGO_SETTINGS_MODULE": "zhengxie.settings",
        "ZHENGXIE_ENV": "demo",
        "DATABASE_URL": f"sqlite:///{work / 'snapshot.sqlite3'}",
        "ZHENGXIE_VAR_DIR": str(work / "var"),
        "ZHENGXIE_MEDIA_ROOT": str(work / "media"),
        "DJANGO_DEBUG": "0",
        # Background jobs run as they are enqueued (after commit), so their effect is there before the next read,
        # as once the worker has caught up; mail stays in memory.
        "HUEY_IMMEDIATE": "1",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "ZHENGXIE_REQUIRE_STAFF_OTP": "0",
        "LOG_LEVEL": "ERROR",
    }
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    # Refusals (401, 403, 404) are expected by the hundred here; Django would log each one. Server errors stay.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("huey").setLevel(logging.WARNING)  # one line per background job otherwise
    import zhengxie

    imported = Path(zhengxie.__file__).resolve()
    if not imported.is_relative_to(root):
        raise SystemExit(f"zhengxie was imported from {imported}, not from {root}")


def mask(text: str) -> str:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def file_name(url: str, htmx: bool, taken: set[str]) -> str:
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", url).strip("_")[:150] or "home"
    name += "__hx" if htmx else ""
    if name in taken:
        name += "__" + hashlib.sha1(f"{url} {htmx}".encode()).hexdigest()[:8]
    taken.add(name)
    return name + ".txt"


class Reader:
    """One person (or nobody) reading, and the files their answers go to."""

    def __init__(self, out: Path, role: str, index: list, *, folder: str = ""):
        from django.test import Client

        self.role, self.index = role, index
        self.folder = folder or role
        self.dir = out / self.folder
        self.dir.mkdir(parents=True)
        # A server error is kept as its 500 page (and logged), not raised: it is one of the differences to show.
        self.client = Client(raise_request_exception=False)
        self.api = Client(raise_request_exception=False)
        self.done: set[tuple[str, bool]] = set()
        self.taken: set[str] = set()
        self.queue: list[tuple[str, bool]] = []

    def save(self, method: str, url: str, response, *, htmx: bool = False) -> str:
        head = [f"{method} {url}"]
        if htmx:
            head.append("HX-Request: true")
        head.append(f"status: {response.status_code}")
        for header in ("Content-Type", "Location", "Content-Disposition", "HX-Redirect", "HX-Trigger"):
            if response.has_header(header):
                head.append(f"{header.lower()}: {response[header]}")
        text = self.body(response)
        name = file_name(url if method == "GET" else f"{method} {url}", htmx, self.taken)
        (self.dir / name).write_text(mask("\n".join(head) + "\n\n" + text), encoding="utf-8")
        self.index.append((self.folder, name, response.status_code, method, url, "hx" if htmx else ""))
        return text

    @staticmethod
    def body(response) -> str:
        if getattr(response, "streaming", False):
            return "<streamed body, not kept>\n"
        kind = response.get("Content-Type", "")
        data = response.content
        if "json" in kind:
            try:
                return json.dumps(json.loads(data), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            except ValueError:
                pass
        if kind.startswith(("text/", "application/json", "image/svg")) or not kind:
            return data.decode("utf-8", errors="replace")
        return f"<{len(data)} bytes of {kind}, not kept>\n"

    # Pages

    def sign_in(self) -> None:
        response = self.client.post("/accounts/login/", {"username": self.role, "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"{self.role} could not sign in (status {response.status_code})")

    def add(self, url: str, htmx: bool = False) -> None:
        if (url, htmx) not in self.done:
            self.done.add((url, htmx))
            self.queue.append((url, htmx))

    def read_pages(self, seeds: list[str]) -> None:
        for url in seeds:
            self.add(url)
        while self.queue:
            url, htmx = self.queue.pop(0)
            extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = self.client.get(url, **extra)
            text = self.save("GET", url, response, htmx=htmx)
            if "html" in response.get("Content-Type", ""):
                self.follow(text, every_link=url == "/")

    def follow(self, text: str, *, every_link: bool) -> None:
        """Queue the links of a page that lead to more screens. The home page's every internal link is followed
        (the navigation and the to-do lists); elsewhere only those in ``FOLLOW``."""
        for _quote, raw in LINK.findall(text):
            url = html.unescape(raw).strip()
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith(("/static/", "/media/")):
                continue
            url = parts.path + (f"?{parts.query}" if parts.query else "")
            if DOWNLOAD.search(parts.path) or UNSAFE.search(parts.path):
                continue
            if every_link or any(p.match(url) for p in FOLLOW):
                self.add(url)
                if HTMX_TOO.search(parts.path):
                    self.add(url, htmx=True)

    # API

    def api_token(self) -> None:
        response = self.api.post(
            "/api/v1/auth/token", {"username": self.role, "password": PASSWORD}, content_type="application/json"
        )
        self.save("POST", "/api/v1/auth/token", response)
        if response.status_code != 200:
            raise SystemExit(f"{self.role} got no API token (status {response.status_code})")
        self.api.defaults["HTTP_AUTHORIZATION"] = f"Bearer {response.json()['token']}"

    def read_api(self, urls: list[str]) -> None:
        for url in urls:
            self.save("GET", url, self.api.get(url))

    def count(self) -> str:
        return f"{self.folder}: {sum(1 for _ in self.dir.iterdir())} files"


def q(path: str, **params) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def demo_ids() -> dict:
    """The ids the addresses are made of, read from the database the demo filled (through the app registry, so
    that models may move between modules of an app)."""
    from django.apps import apps

    def model(label):
        return apps.get_model(label)

    member_of = {
        username: model("people.Member").objects.filter(user__username=username).values_list("pk", flat=True).first()
        for username in ("demo-member", "demo-member2")
    }
    unit_of = {
        username: model("people.HandlingUnit")
        .objects.filter(staff__user__username=username)
        .values_list("pk", flat=True)
        .first()
        for username in ("demo-unit", "demo-unit2")
    }
    members = list(model("people.Member").objects.order_by("pk").values_list("pk", flat=True))
    units = list(model("people.HandlingUnit").objects.order_by("pk").values_list("pk", flat=True))
    return {
        "members": sorted({members[0], members[1], members[-1], *filter(None, member_of.values())}),
        "member": member_of["demo-member"],
        "units": sorted({units[0], units[-1], *filter(None, unit_of.values())}),
        "unit": unit_of["demo-unit"],
        "sector": model("people.Member").objects.values_list("sector", flat=True).get(pk=member_of["demo-member"]),
        "category": model("proposals.Category").objects.order_by("pk").values_list("pk", flat=True).first(),
        "proposals": list(model("proposals.Proposal").objects.order_by("pk").values_list("pk", flat=True)),
        "activities": list(model("duty.Activity").objects.order_by("pk").values_list("pk", flat=True)),
        "year": FROZEN_AT.year,
    }


def page_seeds(ids: dict) -> list[str]:
    year = ids["year"]
    pages = [
        "/",
        "/accounts/login/",
        "/accounts/profile/",
        "/accounts/history/",
        "/accounts/password/",
        "/notifications/",
        "/notifications/preferences/",
        # Proposals: the list with a few filters, the review queue, the boards and the statistics.
        "/proposals/",
        "/proposals/?state=submitted",
        f"/proposals/?year={year}",
        "/proposals/?mine=1",
        "/proposals/?key=1",
        f"/proposals/?unit={ids['unit']}",
        f"/proposals/?category={ids['category']}",
        q("/proposals/", q="建议"),
        q("/proposals/", unit_name="教育"),
        "/proposals/new/",
        "/proposals/review/",
        "/proposals/categories/",
        "/proposals/unit/",
        *(f"/proposals/unit/?tab={tab}" for tab in UNIT_TABS),
        "/proposals/boards/",
        "/proposals/boards/?overdue=1",
        "/proposals/key/",
        "/proposals/key/?closed=1",
        "/proposals/excellent/",
        "/proposals/statistics/",
        f"/proposals/statistics/?year={year - 1}",
        "/proposals/statistics/?units=all",
        q("/proposals/lookup/units/", q="局"),
        q("/proposals/lookup/members/", q="李"),
    ]
    for pk in ids["proposals"]:
        pages += [f"/proposals/{pk}/", f"/proposals/{pk}/edit/"]
    pages += [
        "/activities/",
        "/activities/?view=month",
        "/activities/?state=published",
        "/activities/new/",
        "/activities/check-in/",
    ]
    for pk in ids["activities"]:
        pages += [f"/activities/{pk}/", f"/activities/{pk}/qr/"]
    pages += [
        "/activities/archive/",
        *(f"/activities/archive/{pk}/" for pk in ids["members"]),
        f"/activities/archive/{ids['member']}/other/",
        "/activities/table/",
        "/activities/table/short/",
        "/activities/table/alerts/",
        "/activities/rules/",
        # People.
        "/people/members/",
        f"/people/members/?sector={ids['sector']}",
        "/people/members/?standing=1",
        q("/people/members/", q="王"),
        *(f"/people/members/{pk}/" for pk in ids["members"]),
        f"/people/members/{ids['member']}/edit/",
        "/people/members/new/",
        "/people/members/import/",
        "/people/units/",
        *(f"/people/units/{pk}/" for pk in ids["units"]),
        f"/people/units/{ids['unit']}/edit/",
        "/people/units/new/",
        "/people/units/import/",
        "/people/organisation/",
        "/audit/",
        "/audit/?page=2",
        "/audit/?action=proposal.submit",
        "/workdays/",
        f"/workdays/?year={year}&month=10",
    ]
    return pages


def api_seeds(ids: dict) -> list[str]:
    urls = [
        "/api/v1/me",
        "/api/v1/proposals",
        q("/api/v1/proposals", state="submitted"),
        q("/api/v1/proposals", year=ids["year"]),
        q("/api/v1/proposals", mine="true"),
        q("/api/v1/proposals", unit=ids["unit"]),
        q("/api/v1/proposals", key="true"),
        q("/api/v1/proposals", q="建议", limit=3, offset=2),
        *(f"/api/v1/proposals/{pk}" for pk in ids["proposals"]),
        "/api/v1/proposals/statistics",
        q("/api/v1/proposals/statistics", year=ids["year"] - 1),
        "/api/v1/activities",
        q("/api/v1/activities", state="published"),
    ]
    for pk in ids["activities"]:
        urls += [f"/api/v1/activities/{pk}", f"/api/v1/activities/{pk}/check-in-code"]
    urls += [
        "/api/v1/members",
        q("/api/v1/members", sector=ids["sector"]),
        q("/api/v1/members", standing="true", limit=5, offset=3),
        q("/api/v1/members", q="王"),
        *(f"/api/v1/members/{pk}" for pk in ids["members"]),
        *(f"/api/v1/members/{pk}/duty" for pk in ids["members"]),
        "/api/v1/units",
        q("/api/v1/units", q="局", limit=10),
        *(f"/api/v1/units/{pk}" for pk in ids["units"]),
    ]
    return urls


def read_at_check_in(out: Path, index: list) -> None:
    """The check-in QR code is shown only from an hour before an activity starts: the secretariat reads each
    activity's QR page, its live fragment, its page and its API answers at its start (frozen there too), signed
    in afresh there, as the session and the token of the first instant may have expired by then."""
    import time_machine
    from django.apps import apps

    starts = apps.get_model("duty.Activity").objects.order_by("pk").values_list("pk", "start")
    for pk, start in list(starts):
        with time_machine.travel(start, tick=False):
            reader = Reader(out, "demo-staff", index, folder=f"demo-staff-at-activity-{pk}")
            reader.sign_in()
            reader.read_pages([f"/activities/{pk}/", f"/activities/{pk}/qr/"])
            reader.add(f"/activities/{pk}/qr/live/", htmx=True)
            reader.read_pages([])
            reader.api_token()
            reader.read_api([f"/api/v1/activities/{pk}", f"/api/v1/activities/{pk}/check-in-code"])
        print(reader.count(), flush=True)


def git_commit(root: Path) -> str:
    done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True)
    return (done.stdout.strip() or "unknown") + (" with uncommitted changes" if dirty.stdout.strip() else "")


def capture(root: Path, out: Path) -> None:
    if out.exists() and any(out.iterdir()):
        if not (out / RUN_FILE).exists():
            raise SystemExit(f"{out} is not empty and holds no snapshot: refusing to overwrite it")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="zx-snapshot-"))
    try:
        prepare_django(root, work)
        import time_machine
        from django.core.management import call_command

        index: list = []
        with time_machine.travel(FROZEN_AT, tick=False):
            call_command("migrate", verbosity=0, interactive=False)
            call_command("demo_district", stdout=io.StringIO())
            ids = demo_ids()
            pages, api = page_seeds(ids), api_seeds(ids)
            for role in ROLES:
                reader = Reader(out, role, index)
                reader.sign_in()
                reader.read_pages(pages)
                reader.api_token()
                reader.read_api(api)
                print(reader.count(), flush=True)
            reader = Reader(out, ANONYMOUS, index)
            reader.read_pages(pages)
            reader.read_api([*api, "/api/v1/openapi.json", "/api/v1/docs"])
            print(reader.count(), flush=True)
            read_at_check_in(out, index)
        with open(out / "_index.tsv", "w", encoding="utf-8") as f:
            f.write("role\tfile\tstatus\tmethod\turl\thtmx\n")
            for row in index:
                f.write("\t".join(str(x) for x in row) + "\n")
        statuses = Counter(row[2] for row in index)
        (out / RUN_FILE).write_text(
            f"root: {root}\ncommit: {git_commit(root)}\nfrozen at: {FROZEN_AT.isoformat()}\n"
            f"files: {len(index)}\nstatuses: {dict(sorted(statuses.items()))}\n",
            encoding="utf-8",
        )
        print(f"{len(index)} files in {out}; statuses {dict(sorted(statuses.items()))}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# Compare ----------------------------------------------------------------------------------------------------------


def snapshot_files(folder: Path) -> dict[str, Path]:
    return {
        str(p.relative_to(folder)): p
        for p in sorted(folder.rglob("*.txt"))
        if p.is_file() and not p.name.startswith("_")
    }


def squeeze(lines: list[str]) -> list[str]:
    """Lines without their leading and trailing spaces, blank ones dropped: for a comparison that ignores how a
    template is indented."""
    return [line.strip() + "\n" for line in lines if line.strip()]


def compare(a: Path, b: Path, *, lines: int, ignore_space: bool) -> int:
    left, right = snapshot_files(a), snapshot_files(b)
    if not left or not right:
        raise SystemExit("both folders must hold a snapshot")
    per_role: dict[str, Counter] = {}
    differ = 0
    for name in sorted(left.keys() | right.keys()):
        role = name.split("/", 1)[0]
        counts = per_role.setdefault(role, Counter())
        if name not in right:
            counts["only in A"] += 1
            print(f"only in A: {name}")
            continue
        if name not in left:
            counts["only in B"] += 1
            print(f"only in B: {name}")
            continue
        old = left[name].read_text(encoding="utf-8").splitlines(keepends=True)
        new = right[name].read_text(encoding="utf-8").splitlines(keepends=True)
        if ignore_space:
            old, new = squeeze(old), squeeze(new)
        if old == new:
            counts["same"] += 1
            continue
        counts["differ"] += 1
        differ += 1
        diff = list(difflib.unified_diff(old, new, f"A/{name}", f"B/{name}", n=2))
        sys.stdout.writelines(diff[:lines])
        if len(diff) > lines:
            print(f"... {len(diff) - lines} more diff lines")
        print()
    total = Counter()
    print("reader\tsame\tdiffer\tonly in A\tonly in B")
    for role, counts in sorted(per_role.items()):
        total.update(counts)
        print(f"{role}\t{counts['same']}\t{counts['differ']}\t{counts['only in A']}\t{counts['only in B']}")
    print(
        f"{len(left)} files in A, {len(right)} in B: {total['same']} the same, {total['differ']} differ, "
        f"{total['only in A']} only in A, {total['only in B']} only in B"
    )
    return 1 if differ or total["only in A"] or total["only in B"] else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--out", type=Path, help="capture into this folder (replaced if it holds a snapshot)")
    action.add_argument("--compare", nargs=2, type=Path, metavar=("DIR_A", "DIR_B"), help="compare two snapshots")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository whose code is run (capture)")
    parser.add_argument("--lines", type=int, default=60, help="diff lines shown per file (compare)")
    parser.add_argument(
        "--ignore-space", action="store_true", help="compare lines stripped, without blank lines (compare)"
    )
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare, lines=args.lines, ignore_space=args.ignore_space)
    capture(args.root.resolve(), args.out.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
