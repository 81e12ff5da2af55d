"""Fill a fresh database with organisation data at one of the scale tiers of overview.md, plus the demo accounts.

    .venv/bin/python bench/generate.py --tier district --database-url sqlite:///var/bench-district.sqlite3
    .venv/bin/python bench/generate.py --tier province --database-url postgres://postgres@127.0.0.1:5432/zx_province

The database is migrated first. The data comes from ``zhengxie.demo.organisation.build_organisation`` (the builder
of the demo district, at the tier's size), so every tier has the demo-* accounts with the password ``zhengxie-demo``.
Running it again on a database that already holds the tier does nothing; a database holding anything else is
refused.
"""

import argparse
import os
import sys
import time

from common import REPO, absolute_database_url

TIER_NAMES = ("district", "city", "province")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tier", choices=TIER_NAMES, required=True)
    parser.add_argument("--database-url", required=True, help="e.g. postgres://postgres@127.0.0.1:5432/zx_bench")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: the demo's)")
    parser.add_argument("--batch-size", type=int, default=2000, help="rows per INSERT (default %(default)s)")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = absolute_database_url(args.database_url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengxie.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection

    from zhengxie.demo.organisation import DEMO_SEED, DemoConflict, build_organisation
    from zhengxie.demo.tiers import TIERS

    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {message}", flush=True)

    log(f"migrating {connection.vendor} database {connection.settings_dict['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    log(f"building the {args.tier} tier")
    try:
        summary = build_organisation(
            tier=TIERS[args.tier],
            seed=DEMO_SEED if args.seed is None else args.seed,
            batch_size=args.batch_size,
            log=log,
        )
    except DemoConflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not summary["created"]:
        log(f"the database already holds {summary['committee']}; nothing to do")
        return 0
    if connection.vendor == "postgresql":
        # After a bulk load autovacuum would vacuum and analyse the new rows within minutes; do it now so that the
        # planner's statistics and the visibility map (index-only scans) match a database that has been running.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log("vacuumed and analysed")
    log(f"done: {summary['committee']}")
    for key, value in summary["counts"].items():
        print(f"  {key:<22} {value:>7}")
    print(f"demo accounts: {', '.join(a['username'] for a in summary['accounts'])} (password zhengxie-demo)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
