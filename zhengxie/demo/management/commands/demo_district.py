import time
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from zhengxie.core.roles import Role
from zhengxie.demo.modules import MODULE_BUILDERS
from zhengxie.demo.organisation import DEMO_SEED, DemoConflict, build_demo_district
from zhengxie.demo.work import build_demo_work
from zhengxie.duty.kinds import ensure_default_kinds

COUNT_LABELS = (
    ("terms", "terms (届)"),
    ("sessions", "sessions (次会议)"),
    ("parties", "parties (党派)"),
    ("sectors", "sectors (界别)"),
    ("sectors_with_convener", "sectors with a convener"),
    ("special_committees", "special committees (专门委员会)"),
    ("collective_proposers", "collective proposers"),
    ("members", "members (委员)"),
    ("serving_members", "serving members"),
    ("standing_committee", "standing-committee members (常委)"),
    ("handling_units", "handling units (承办单位)"),
    ("unit_staff", "unit staff accounts"),
    ("unit_leaders", "of whom unit leaders"),
    ("accounts", "accounts"),
)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


class Command(BaseCommand):
    help = (
        "Load the demo district (政协南昌市新建区委员会): organisation data, about 250 members, 40 handling units and "
        "the demo accounts (password zhengxie-demo). Running it again on a database that has the demo changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed (default %(default)s)")

    def handle(self, *args, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not fully migrated: run `manage.py migrate` first.")

        started = time.monotonic()
        try:
            # One transaction: the organisation and its demo work are there together or not at all.
            with transaction.atomic():
                summary = build_demo_district(seed=options["seed"])
                if summary["created"]:
                    ensure_default_kinds()
                    work = build_demo_work()
                    modules = [(name, build()) for name, build in MODULE_BUILDERS]
        except DemoConflict as exc:
            raise CommandError(str(exc)) from exc
        if not summary["created"]:
            self.stdout.write("demo data already present")
            return

        self.stdout.write(
            self.style.SUCCESS(
                f"Built {summary['committee']} in {time.monotonic() - started:.1f} s (seed {options['seed']})."
            )
        )
        self.stdout.write(f"  demo work: {work['proposals']} proposals in every stage, {work['activities']} activities")
        for name, counts in modules:
            self.stdout.write(f"  {name}: " + ", ".join(f"{value} {key}" for key, value in counts.items()))
        width = max(_width(label) for _, label in COUNT_LABELS)
        for key, label in COUNT_LABELS:
            self.stdout.write(f"  {_pad(label, width)}  {summary['counts'][key]:>6}")
        self._accounts_table(summary["accounts"])

    def _accounts_table(self, accounts: list[dict]) -> None:
        self.stdout.write("\nDemo accounts (password: zhengxie-demo):")
        rows = [("username", "name", "roles", "note")]
        for a in accounts:
            roles = ", ".join(str(Role(r).label) for r in a["roles"]) or "-"
            rows.append((a["username"], a["name"], roles, a["note"]))
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for *padded, note in rows:
            cells = [_pad(cell, width) for cell, width in zip(padded, widths, strict=True)]
            self.stdout.write("  " + "  ".join([*cells, note]))
