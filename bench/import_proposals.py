"""Time importing 10,000 earlier proposals from one spreadsheet (goal: under a minute), and importing it again.

    .venv/bin/python bench/generate.py --tier district --database-url sqlite:///var/bench-import.sqlite3
    .venv/bin/python bench/import_proposals.py --database-url sqlite:///var/bench-import.sqlite3

Needs a database filled by bench/generate.py (any tier: the handling units, members and terms the rows name, and the
demo-office account that imports). Writes an .xlsx of ``--rows`` rows (default 10,000) over the five years before
this one, with a fixed seed: a title, an analysis and suggestions of a few hundred characters each, one to three
proposers (four in five members serving that year, by name; the others names of no member), one or two handling
units by full or short name and in one row in four a co-handling unit, a reply category and a satisfaction. Then
times, as ``manage.py import_proposals`` and the page do, reading the file (``read_rows``), checking the rows (the
preview, ``check_rows``) and writing them (``import_confirm``, which checks them again under the year counters' lock),
then the same file once more (every row unchanged), then the file with every row's suggestions revised (every row
an update). Writing includes what follows the commit in the same process: the search index of the proposals written.
Prints a Markdown table of wall-clock and CPU seconds (the CPU time of this process, which runs SQLite too, tells
the work apart from waiting on a busy machine); exits 1 if a row was in error or the counts are not what they must
be. The imported proposals stay in the database (run it on a copy).
"""

import argparse
import io
import os
import random
import sys
import time

from common import REPO, absolute_database_url

WORDS = (
    "老旧小区 改造 加装电梯 停车 难题 社区 养老 服务 医疗 资源 下沉 基层 教育 均衡 发展 义务教育 学位 供给 "
    "乡村 振兴 产业 融合 农产品 品牌 冷链 物流 营商环境 优化 中小企业 融资 难 科技 创新 人才 引进 留住 "
    "生态 保护 河道 治理 垃圾 分类 公共交通 线网 优化 慢行系统 文化 遗产 保护 旅游 消费 就业 创业 "
    "食品 安全 监管 住房 保障 租赁 市场 规范 数字 政府 建设 一网通办 便民 服务 网点 应急 管理 能力"
).split()


def sentence(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(WORDS) for _ in range(n)) + "。"


def paragraph(rng: random.Random, chars: int) -> str:
    out = []
    while sum(len(s) for s in out) < chars:
        out.append(sentence(rng, rng.randint(6, 14)))
    return "".join(out)


def build_file(rows: int, seed: int, revised: bool = False) -> tuple[bytes, int]:
    """The spreadsheet, and the number of distinct years it holds; ``revised``: the same rows with every row's
    suggestions changed."""
    import openpyxl
    from django.utils import timezone

    from zhengxie.people.models import HandlingUnit, Member
    from zhengxie.proposals.history_import import COLUMNS

    rng = random.Random(seed)
    this_year = timezone.localdate().year
    years = list(range(this_year - 5, this_year))
    units = list(HandlingUnit.objects.values_list("name", "short_name"))
    serving = {
        year: list(
            Member.objects.filter(terms__starts_on__year__lte=year, terms__ends_on__year__gte=year)
            .values_list("name", flat=True)
            .distinct()
        )
        for year in years
    }
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("历史提案")
    sheet.append([c.header for c in COLUMNS])
    for n in range(rows):
        year = years[n % len(years)]
        chosen = rng.sample(units, rng.choice((1, 1, 1, 2)) + 1)
        leads, co = chosen[:-1], chosen[-1:] if rng.random() < 0.25 else []
        names = [
            rng.choice(serving[year]) if serving[year] and rng.random() < 0.8 else f"外{rng.randint(1, 999)}"
            for _ in range(rng.choice((1, 1, 2, 3)))
        ]
        grade = rng.choice("AABBC")
        sheet.append(
            [
                year,
                str(n // len(years) + 1),
                f"关于{sentence(rng, 3)[:-1]}的建议（{n + 1}）",
                paragraph(rng, rng.randint(300, 700)),
                paragraph(rng, rng.randint(200, 500)) + ("（修订）" if revised else ""),
                "、".join(dict.fromkeys(names)),
                "",
                "、".join(short if short and rng.random() < 0.5 else name for name, short in leads),
                "、".join(name for name, _short in co if (name, _short) not in leads),
                grade,
                rng.choice(("满意", "满意", "基本满意", "不满意")),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), len(years)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database filled by bench/generate.py")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = absolute_database_url(args.database_url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengxie.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from zhengxie.proposals import history_import
    from zhengxie.proposals.models import Assignment, Proposal

    office = get_user_model().objects.filter(username="demo-office").first()
    if office is None:
        print("no demo-office account: fill the database with bench/generate.py first", file=sys.stderr)
        return 1
    started = time.perf_counter()
    content, year_count = build_file(args.rows, args.seed)
    built = time.perf_counter() - started
    revised, _years = build_file(args.rows, args.seed, revised=True)
    settings.IMPORT_MAX_BYTES = max(settings.IMPORT_MAX_BYTES, len(content), len(revised))
    before = Proposal.objects.filter(imported=True).count()

    timings = []
    runs = (
        ("first import", content, "created"),
        ("same file again", content, "unchanged"),
        ("every row revised", revised, "updated"),
    )
    for run, data, expected in runs:
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        rows = history_import.read_rows(SimpleUploadedFile("历史提案.xlsx", data))
        t1 = time.perf_counter()
        checked = history_import.check_rows(rows)
        t2 = time.perf_counter()
        in_error = [r for r in checked if r.errors]
        if in_error:
            print(f"{len(in_error)} rows in error, e.g. line {in_error[0].line}: {in_error[0].errors}", file=sys.stderr)
            return 1
        counts = history_import.import_confirm(actor=office, rows=rows, filename="历史提案.xlsx", skip_errors=False)
        t3 = time.perf_counter()
        cpu = time.process_time() - cpu0
        if counts[expected] != args.rows:
            print(f"{run}: expected {args.rows} {expected}, got {counts}", file=sys.stderr)
            return 1
        timings.append((run, t1 - t0, t2 - t1, t3 - t2, t3 - t0, cpu))
    imported = Proposal.objects.filter(imported=True).count() - before
    if imported != args.rows:
        print(f"expected {args.rows} imported proposals, found {imported}", file=sys.stderr)
        return 1

    print(
        f"{args.rows} rows over {year_count} years, file {len(content) / 1024 / 1024:.1f} MB (built in {built:.1f} s), "
        f"{connection.vendor}, {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"{Assignment.objects.filter(proposal__imported=True).count()} assignments of imported proposals\n")
    print("| run | read file s | check rows (preview) s | check again, write, index s | total s | CPU s |")
    print("|---|---:|---:|---:|---:|---:|")
    for run, read, check, write, total, cpu in timings:
        print(f"| {run} | {read:.1f} | {check:.1f} | {write:.1f} | {total:.1f} | {cpu:.1f} |")
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
