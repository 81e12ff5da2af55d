"""Opinion reports (社情民意信息) at province scale: ten years of reports, then the list, the detail, the year's
statistics and a 30-report bulletin timed against gunicorn.

    createdb -h 127.0.0.1 -U postgres zx_bench_opinions
    .venv/bin/python bench/generate.py --tier province --database-url postgres://postgres@127.0.0.1:5432/zx_bench_opinions
    .venv/bin/python bench/opinions.py --database-url postgres://postgres@127.0.0.1:5432/zx_bench_opinions

1. If the database holds no submitted report yet, it is migrated and filled with ``--reports`` (200,000) reports over
   ten years, loaded in bulk with PostgreSQL COPY (bench data: the rows a report has after the workflow's actions —
   its numbers, versions, co-authors, levels with adoptions, instructions and events — are written directly, not
   through the services; the services and their duty records are tested elsewhere). About 20,000 a year by the
   province's members (first authors weighted towards the busy ones, three in ten with co-authors), collectives and
   staff; the current year's up to today and still being edited and signed off; earlier years settled: one in ten
   archived, the rest signed off and nearly all reported to the city, a third also to the province, a few to the
   national committee; about 40 % of the city's adopted, 20 % of the province's, 10 % of the national's; one in
   twenty with a leader's instruction. Fixed seed.
2. gunicorn (2 sync workers, DEBUG off) on a free 127.0.0.1 port; demo-staff signs in (page and token); with 4
   clients, then one: the reports list for last year (page and API, first page, filtered by year; then by year and
   adopted=city), 50 report details (page and API), the year's statistics (page and API) — goals p95 ≤ 50 ms for the
   list and detail, ≤ 300 ms for the statistics.
3. A bulletin of 30 of last year's reported reports is compiled (``bulletins.bulletin_create`` in this process, as
   demo-staff) and its .docx and PDF are each downloaded ``--documents`` times by one client — goal ≤ 3 s for the
   .docx.

Prints Markdown tables with the load average, writes bench/out/opinions-province.json, exits 1 if a request failed.
"""

import argparse
import datetime
import random
import sys
import time
from pathlib import Path

from province import OUT, gunicorn, header_line, loadavg, now_label, start, time_endpoints, write_json
from run import BenchError, add_load_arguments, hammer, print_table, result_json, sign_in, token_for

GOALS_MS = {"list": 50, "detail": 50, "statistics": 300, "bulletin .docx": 3000}
YEARS = 10
REPORTS_TOTAL = 200_000

TOPICS = [
    ("老旧小区加装电梯", "城乡建设"),
    ("农村生活污水治理", "生态环境"),
    ("中小学课后服务", "教育文化"),
    ("基层医疗机构人才短缺", "医疗卫生"),
    ("预制菜产业链发展", "经济发展"),
    ("养老服务设施布局", "社会民生"),
    ("网络诈骗防范", "社会治理"),
    ("新能源汽车充电桩建设", "城乡建设"),
    ("中小企业融资难", "经济发展"),
    ("农贸市场秩序", "社会治理"),
    ("湿地生态保护", "生态环境"),
    ("职业教育产教融合", "教育文化"),
    ("社区心理健康服务", "医疗卫生"),
    ("外卖骑手权益保障", "社会民生"),
    ("历史文化街区保护", "教育文化"),
    ("农村集体经济发展", "经济发展"),
]
PLACES = [
    "南昌市",
    "九江市",
    "赣州市",
    "上饶市",
    "宜春市",
    "吉安市",
    "抚州市",
    "景德镇市",
    "萍乡市",
    "新余市",
    "鹰潭市",
]
PARAGRAPHS = [
    "近年来，{place}{topic}问题日益受到群众关注。据调查，相关投诉和咨询数量逐年上升，部分群众反映诉求解决周期长、"
    "渠道不畅。",
    "当前主要存在以下问题：一是统筹协调机制不健全，相关部门职责交叉；二是资金投入不足，历史欠账较多；三是政策宣传"
    "不到位，群众知晓率不高。",
    "从外省经验看，通过建立联席会议制度、引入社会资本和加强数字化监管，{topic}工作取得了明显成效，值得借鉴。",
]
SUGGESTIONS = [
    "一是建立由政府牵头、相关部门参与的{topic}工作协调机制，明确责任分工。",
    "二是加大财政投入，设立专项资金，并积极引导社会资本参与。",
    "三是加强宣传引导和监督检查，及时回应群众关切。",
]
PUBLICATIONS = {
    "city": ["市政协社情民意专报", "市政协《社情民意》", "市委办《每日要情》"],
    "province": ["省政协《社情民意信息》", "省政协专报"],
    "national": ["全国政协《社情民意信息》", "全国政协专报"],
}
LEADER_LEVELS = [("district", "区委书记"), ("city", "市委副书记"), ("city", "副市长"), ("province", "副省长")]


def goal_for(label: str) -> int | None:
    return next((v for k, v in GOALS_MS.items() if k in label), None)


# Generation ------------------------------------------------------------------------------------------------------


def _columns(model) -> list:
    return [f for f in model._meta.concrete_fields]


def _copy(cur, model, rows: list[dict]) -> int:
    """COPY ``rows`` (dicts by attname) into ``model``'s table; every concrete field must be given."""
    fields = _columns(model)
    columns = ", ".join(f'"{f.column}"' for f in fields)
    with cur.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[f.attname] for f in fields])
    return len(rows)


def _next_id(cur, model) -> int:
    cur.execute(f'SELECT coalesce(max(id), 0) + 1 FROM "{model._meta.db_table}"')
    return cur.fetchone()[0]


def _reset_sequence(cur, model) -> None:
    table = model._meta.db_table
    cur.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))")


def generate(total: int, seed: int, log) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from zhengxie.opinions.models import (
        CoAuthor,
        Instruction,
        OpinionCategory,
        OpinionEvent,
        OpinionReport,
        OpinionVersion,
        ReportCounter,
        ReportLevel,
    )

    rng = random.Random(seed)
    today = timezone.localdate()
    first_year = today.year - YEARS + 1
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        cur = connection.connection.cursor()
        cur.execute("SELECT id, user_id, sector_id, name FROM people_member WHERE status = 'serving' ORDER BY id")
        members = cur.fetchall()
        cur.execute(
            "SELECT c.id, min(cc.user_id) FROM people_collectiveproposer c JOIN people_collectiveproposer_contacts cc "
            "ON cc.collectiveproposer_id = c.id GROUP BY c.id ORDER BY c.id"
        )
        collectives = cur.fetchall()
        cur.execute("SELECT username, id, display_name FROM accounts_user WHERE username LIKE 'demo-%%'")
        demo = {name: (pk, display or name) for name, pk, display in cur.fetchall()}
        categories = {c.name: c.pk for c in OpinionCategory.objects.all()}
        staff, staff_label = demo["demo-staff"]
        leader, leader_label = demo["demo-leader"]
        # Busy members write most: a power law over a shuffled order.
        order = members[:]
        rng.shuffle(order)
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL session_replication_role = replica")  # no FK triggers while loading

        ids = {m: _next_id(cur, m) for m in (OpinionReport, CoAuthor, OpinionVersion, ReportLevel, Instruction)}
        ids[OpinionEvent] = _next_id(cur, OpinionEvent)
        counters = {}
        per_year = total // YEARS
        totals = dict.fromkeys(("reports", "coauthors", "versions", "levels", "instructions", "events"), 0)
        for year in range(first_year, today.year + 1):
            last_day = today if year == today.year else datetime.date(year, 12, 31)
            span = (last_day - datetime.date(year, 1, 1)).days + 1
            days = sorted(
                datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(span)) for _ in range(per_year)
            )
            reports, coauthors, versions, levels, instructions, events = [], [], [], [], [], []
            for seq, day in enumerate(days, start=1):
                pk = ids[OpinionReport]
                ids[OpinionReport] += 1
                topic, category = rng.choice(TOPICS)
                place = rng.choice(PLACES)
                title = f"关于{place}{topic}问题的{rng.choice(['建议', '情况反映', '调研报告'])}"
                content = "\n".join(p.format(place=place, topic=topic) for p in PARAGRAPHS)
                suggestions = "\n".join(s.format(topic=topic) for s in SUGGESTIONS)
                submitted = datetime.datetime.combine(day, datetime.time(rng.randrange(8, 21), rng.randrange(60)), tz)
                r = rng.random()
                kind, lead, collective, author, sector = "member", None, None, None, None
                if r < 0.85:
                    lead = order[min(len(order) - 1, int(len(order) * rng.random() ** 2.2))]
                    author, sector = lead[1] or staff, lead[2]
                elif r < 0.93 and collectives:
                    kind = "collective"
                    collective, author = rng.choice(collectives)
                else:
                    kind, author = "staff", staff
                age = (today - day).days
                s = rng.random()
                if year == today.year and age < 20:
                    state = "submitted" if s < 0.5 else "editing"
                elif year == today.year and age < 40 and s < 0.5:
                    state = "signed_off"
                elif s < 0.1:
                    state = "archived"
                else:
                    state = "reported"
                row = {
                    "id": pk,
                    "year": year,
                    "seq": seq,
                    "number": f"{year}-{seq:04d}" if seq < 10000 else f"{year}-{seq}",
                    "title": title,
                    "content": content,
                    "suggestions": suggestions,
                    "category_id": categories.get(category),
                    "state": state,
                    "proposer_kind": kind,
                    "author_id": author,
                    "lead_member_id": lead[0] if lead else None,
                    "collective_id": collective,
                    "lead_sector_id": sector,
                    "created_at": submitted - datetime.timedelta(hours=rng.randrange(1, 72)),
                    "updated_at": submitted,
                    "submitted_at": submitted,
                    "signed_off_at": None,
                    "signed_off_by_id": None,
                    "archived_at": None,
                    "archive_reason": "",
                    "reported_at": None,
                    "share_count": 1,
                    "proposal_id": None,
                    "proposal_number": "",
                    "proposal_title": "",
                    "adopted_city": False,
                    "adopted_province": False,
                    "adopted_national": False,
                }
                joint = []
                if lead and rng.random() < 0.3:
                    for other in rng.sample(members, rng.randint(1, 3)):
                        if other[0] != lead[0] and other[0] not in [j[0] for j in joint]:
                            joint.append(other)
                for other in joint:
                    coauthors.append(
                        {
                            "id": ids[CoAuthor],
                            "report_id": pk,
                            "member_id": other[0],
                            "state": "confirmed",
                            "answered_at": submitted - datetime.timedelta(hours=1),
                        }
                    )
                    ids[CoAuthor] += 1
                row["share_count"] = 1 + len(joint)

                def event(at, action, frm, to, note="", actor=None, label="", events=events, pk=pk):
                    events.append(
                        {
                            "id": ids[OpinionEvent],
                            "report_id": pk,
                            "at": at,
                            "actor_id": actor,
                            "actor_label": label,
                            "action": action,
                            "from_state": frm,
                            "to_state": to,
                            "note": note,
                        }
                    )
                    ids[OpinionEvent] += 1

                def version(
                    number, at, by, label, note, versions=versions, pk=pk, title=title, text=content, advice=suggestions
                ):
                    versions.append(
                        {
                            "id": ids[OpinionVersion],
                            "report_id": pk,
                            "number": number,
                            "title": title,
                            "content": text if number > 1 else text.replace("。", "，据反映。", 1),
                            "suggestions": advice,
                            "by_id": by,
                            "by_label": label,
                            "at": at,
                            "note": note,
                        }
                    )
                    ids[OpinionVersion] += 1

                version(1, submitted, author, "", "提交稿")
                event(submitted, "submit", "draft", "submitted", actor=author, label="作者")
                t = submitted
                if state != "submitted":
                    t = t + datetime.timedelta(days=rng.uniform(0.5, 5))
                    version(2, t, staff, staff_label, "文字修改")
                    event(t, "edit", "submitted", "editing", actor=staff, label=staff_label)
                if state == "archived":
                    t = t + datetime.timedelta(days=rng.uniform(1, 5))
                    row.update(archived_at=t, archive_reason="内容与已报送信息重复")
                    event(t, "archive", "editing", "archived", "内容与已报送信息重复", leader, leader_label)
                if state in ("signed_off", "reported"):
                    t = t + datetime.timedelta(days=rng.uniform(1, 5))
                    row.update(signed_off_at=t, signed_off_by_id=leader)
                    event(t, "sign_off", "editing", "signed_off", actor=leader, label=leader_label)
                if state == "reported":
                    t = t + datetime.timedelta(days=rng.uniform(0.5, 3))
                    row["reported_at"] = t
                    chosen = ["city"]
                    if rng.random() < 0.33:
                        chosen.append("province")
                    if rng.random() < 0.04:
                        chosen.append("national")
                    event(t, "report", "signed_off", "reported", "、".join(chosen), staff, staff_label)
                    for level in chosen:
                        adopted = rng.random() < {"city": 0.4, "province": 0.2, "national": 0.1}[level]
                        adopted_on = min(today, t.date() + datetime.timedelta(days=rng.randrange(3, 60)))
                        levels.append(
                            {
                                "id": ids[ReportLevel],
                                "report_id": pk,
                                "level": level,
                                "year": t.year,
                                "reported_on": t.date(),
                                "reported_by_id": staff,
                                "adopted_on": adopted_on if adopted else None,
                                "publication": rng.choice(PUBLICATIONS[level]) if adopted else "",
                                "adoption_recorded_by_id": staff if adopted else None,
                            }
                        )
                        ids[ReportLevel] += 1
                        if adopted:
                            row[f"adopted_{level}"] = True  # the report's copy, as record_adoption keeps it
                            at = datetime.datetime.combine(adopted_on, datetime.time(10), tz)
                            event(at, "record_adoption", "", "", level, staff, staff_label)
                    if rng.random() < 0.05:
                        lv, leader_name = rng.choice(LEADER_LEVELS)
                        on = min(today, t.date() + datetime.timedelta(days=rng.randrange(5, 40)))
                        at = datetime.datetime.combine(on, datetime.time(15), tz)
                        instructions.append(
                            {
                                "id": ids[Instruction],
                                "report_id": pk,
                                "level": lv,
                                "leader": leader_name,
                                "date": on,
                                "text": f"请有关部门认真研究{topic}问题，提出具体措施。",
                                "year": on.year,
                                "recorded_by_id": staff,
                                "recorded_at": at,
                            }
                        )
                        ids[Instruction] += 1
                        event(at, "record_instruction", "", "", leader_name, staff, staff_label)
                row["updated_at"] = t
                reports.append(row)
            counters[year] = len(days)
            totals["reports"] += _copy(cur, OpinionReport, reports)
            totals["coauthors"] += _copy(cur, CoAuthor, coauthors)
            totals["versions"] += _copy(cur, OpinionVersion, versions)
            totals["levels"] += _copy(cur, ReportLevel, levels)
            totals["instructions"] += _copy(cur, Instruction, instructions)
            totals["events"] += _copy(cur, OpinionEvent, events)
            log(f"{year}: {len(reports):,} reports, {len(levels):,} levels, {len(instructions):,} instructions")
        for model in (OpinionReport, CoAuthor, OpinionVersion, ReportLevel, Instruction, OpinionEvent):
            _reset_sequence(cur, model)
        for year, last in counters.items():
            ReportCounter.objects.update_or_create(year=year, defaults={"last_seq": last})
    with connection.cursor() as c:
        for model in (OpinionReport, CoAuthor, OpinionVersion, ReportLevel, Instruction, OpinionEvent):
            c.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
    return totals


# Timing ----------------------------------------------------------------------------------------------------------


def pick_targets(seed: int) -> dict:
    from django.utils import timezone

    from zhengxie.opinions.models import OpinionReport

    year = timezone.localdate().year - 1
    ids = list(
        OpinionReport.objects.filter(year=year, state="reported").order_by("pk").values_list("pk", flat=True)[:5000]
    )
    rng = random.Random(seed)
    return {
        "year": year,
        "reports": OpinionReport.objects.exclude(state="draft").count(),
        "reports_in_year": OpinionReport.objects.filter(year=year).count(),
        "detail_ids": sorted(rng.sample(ids, 50)),
        "bulletin_ids": rng.sample(ids, 30),
    }


def endpoints(t: dict) -> list[tuple[str, list[str], str]]:
    y = t["year"]
    return [
        (f"list page {y}", [f"/opinions/?year={y}"], "page"),
        (f"list API {y}", [f"/api/v1/opinions?year={y}&limit=20"], "api"),
        (f"list page {y}, adopted by the city", [f"/opinions/?year={y}&adopted=city"], "page"),
        (f"list API {y}, adopted by the city", [f"/api/v1/opinions?year={y}&adopted=city&limit=20"], "api"),
        ("detail page (50 reports)", [f"/opinions/{pk}/" for pk in t["detail_ids"]], "page"),
        ("detail API (50 reports)", [f"/api/v1/opinions/{pk}" for pk in t["detail_ids"]], "api"),
        (f"statistics page {y}", [f"/opinions/statistics/?year={y}"], "page"),
        (f"statistics API {y}", [f"/api/v1/opinions/statistics?year={y}"], "api"),
    ]


def make_bulletin(report_ids: list[int]) -> int:
    from django.contrib.auth import get_user_model

    from zhengxie.opinions.bulletins import bulletin_create

    staff = get_user_model().objects.get(username="demo-staff")
    bulletin = bulletin_create(actor=staff, data={"kind": "special", "title": "基准测试专报", "report_ids": report_ids})
    return bulletin.pk


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_arguments(parser)
    parser.add_argument("--single-requests", type=int, default=50, help="each endpoint with one client (%(default)s)")
    parser.add_argument("--reports", type=int, default=REPORTS_TOTAL, help="over ten years (%(default)s)")
    parser.add_argument("--documents", type=int, default=5, help="downloads of the bulletin (%(default)s)")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, default=OUT / "opinions-province.json")
    args = parser.parse_args()

    def prepare(seed):
        from django.core.management import call_command
        from django.db import connection

        from zhengxie.opinions.models import OpinionReport

        if connection.vendor != "postgresql":
            raise SystemExit("error: bench/opinions.py loads with COPY: it needs PostgreSQL")
        call_command("migrate", interactive=False, verbosity=0)
        began = time.monotonic()
        generated = None
        if not OpinionReport.objects.exclude(state="draft").exists():

            def log(message):
                print(f"[{time.monotonic() - began:7.1f} s] {message}", flush=True)

            generated = generate(args.reports, seed, log)
            generated["seconds"] = round(time.monotonic() - began, 1)
            print(f"generated in {generated['seconds']} s: {generated}")
        return {**pick_targets(seed), "generated": generated}

    database_url, targets, report = start(args, prepare)
    if args.generate_only:
        write_json(args.json, report)
        return 0
    failures: list[str] = []
    print(f"database: {targets['reports']:,} reports, {targets['reports_in_year']:,} in {targets['year']}")
    try:
        with gunicorn(database_url, args.workers) as port:
            auth = {
                "page": {"Cookie": f"sessionid={sign_in(port, 'demo-staff')}"},
                "api": {"Authorization": f"Bearer {token_for(port, 'demo-staff')}"},
            }
            print("\n" + header_line(args, f"{targets['reports']:,} opinion reports"))
            report["endpoints"] = time_endpoints(port, args, endpoints(targets), auth, goal_for, failures)
            bulletin = make_bulletin(targets["bulletin_ids"])
            docs = [
                hammer(
                    port,
                    f"bulletin {kind} (30 reports)",
                    [f"/opinions/bulletins/{bulletin}.{kind}"],
                    auth["page"],
                    requests=args.documents,
                    concurrency=1,
                    warmup=1,
                )
                for kind in ("docx", "pdf")
            ]
            print(f"\nThe bulletin, one client ({args.documents} downloads each) · load average {loadavg()}")
            print_table(docs)
            for r in docs:
                if r.errors:
                    failures.append(f"{r.label}: {r.errors} failed, first: {r.first_error}")
                goal = goal_for(r.label.replace("bulletin docx", "bulletin .docx"))
                if goal and r.percentile(0.95) > goal:
                    print(f"goal missed: {r.label}: p95 {r.percentile(0.95):.0f} ms > {goal} ms")
            report["bulletin"] = [result_json(r) for r in docs]
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report["load_average_end"] = loadavg()
    report["finished"] = now_label()
    write_json(args.json, report)
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
