"""The outcome follow-up (成果转化) at province scale: ten years of recommendations, then the leaders' and the
department's pages with 4 clients, the year's 成果转化情况报告 and the stale-recommendation job.

    createdb -h 127.0.0.1 -U postgres zx_bench_followup
    .venv/bin/python bench/generate.py --tier province --database-url postgres://postgres@127.0.0.1:5432/zx_bench_followup
    .venv/bin/python bench/followup.py --database-url postgres://postgres@127.0.0.1:5432/zx_bench_followup

1. Migrates the follow-up app (and what it depends on) and, unless the database already holds recommendations, adds
   ten years of outcome documents (about 500 a year from the five sources, on a list of real topics), 50,000
   recommendations (``--recommendations``) addressed to the province tier's 3,000 departments (busier departments
   get more; demo-unit's department about 60 a year), 500,000 progress updates (``--updates``: each answered
   recommendation's answer and dated progress entries), and leaders' instructions on a third of the sent documents.
   Past years are mostly settled; the current year has every state; old open ones are stale. **This is benchmark
   data, written with ``bulk_create`` (states, percents and dates set directly) rather than through the services**:
   the services' rule that states change only through the workflow is about the application, and half a million
   audited workflow steps would take hours. The documents' stored progress is then computed by the app's own
   ``progress.refresh_documents``, and the tables are vacuumed and analysed as autovacuum would after a load.
2. Starts gunicorn (2 sync workers, DEBUG off) on a free 127.0.0.1 port (bench/province.py) and times, with
   ``--concurrency`` clients (4) and then one: the leaders' page (``/followup/``, this year, a filtered page deep in
   the list, last year), the same read model from ``GET /api/v1/followup/overview`` (as demo-leader), and the
   department's page (``/followup/department/``, its default tab and "all", as demo-unit). Goal p95 <= 100 ms.
3. Builds the year's 成果转化情况报告 (.docx) in this process, as demo-leader (``leaders.report_data`` and
   ``reports.report_docx``), three times after an untimed one (imports), and the recommendations workbook once.
   Goal <= 5 s.
4. Runs the stale-recommendation job (``followup.stale.stale_reminders``) over all recommendations, after clearing
   the marks of earlier reminders so that it finds every stale one. Goal <= 60 s.

Prints Markdown tables with the load average, writes ``--json`` (bench/out/followup.json), exits 1 when a request
failed. Only 127.0.0.1 is contacted.
"""

import argparse
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from province import OUT, gunicorn, header_line, loadavg, now_label, start, time_endpoints, write_json
from run import BenchError, add_load_arguments, sign_in, token_for

TZ = datetime.timezone(datetime.timedelta(hours=8))
GOAL_MS = 100
REPORT_GOAL_S = 5
STALE_GOAL_S = 60
DEMO_UNIT_SHARE = 0.012  # demo-unit's department: about 60 of a year's 5,000

TOPICS = {
    "consultation": [
        "南矶湿地观鸟经济发展",
        "数字化燃气安全监管",
        "青少年爱国主义教育",
        "优化营商环境",
        "农村人居环境整治",
        "养老服务体系建设",
        "城市更新和老旧小区改造",
        "职业教育产教融合",
        "赣江流域生态保护",
        "中医药产业发展",
        "文化旅游融合发展",
        "县域医共体建设",
    ],
    "supervision": [
        "制造业和服务业发展",
        "西部物流园区建设",
        "河长制落实",
        "食品安全监管",
        "义务教育“双减”落实",
        "城乡供水一体化",
    ],
    "key_proposal": [
        "特色汽车产业园建设",
        "电动汽车充电桩建设",
        "中小企业融资难",
        "学前教育普惠发展",
        "乡村振兴人才队伍建设",
    ],
    "research_report": ["总部经济发展", "基层经济发展", "预制菜产业链", "数字经济", "现代农业产业园"],
    "deliberation": ["社区停车难", "垃圾分类", "全民健身设施", "夜间经济"],
}
SOURCE_SHARE = [
    ("consultation", 0.35),
    ("supervision", 0.25),
    ("key_proposal", 0.15),
    ("research_report", 0.15),
    ("deliberation", 0.10),
]
KINDS = {
    "consultation": ["minutes", "formal_recommendation", "consultation_report"],
    "supervision": ["supervision_findings"],
    "key_proposal": ["key_proposal_supervision"],
    "research_report": ["research_report"],
    "deliberation": ["deliberation_summary"],
}
TITLES = {
    "minutes": "关于“{t}”专题协商会议纪要",
    "formal_recommendation": "关于{t}的建议案",
    "consultation_report": "关于{t}的协商专报",
    "supervision_findings": "关于{t}情况的民主监督意见",
    "key_proposal_supervision": "关于{t}重点提案的督办意见",
    "research_report": "关于{t}的调研报告",
    "deliberation_summary": "关于{t}网络议政的综述",
}
ACTIONS = [
    "建立工作专班",
    "制定实施方案",
    "加大资金投入",
    "完善考核机制",
    "开展专项检查",
    "推进试点示范",
    "加强宣传引导",
]
# Final states: past years are mostly settled; this year has work in every state.
PAST_MIX = [("done", 0.62), ("not_adopted", 0.10), ("in_progress", 0.18), ("adopted", 0.04), ("partly_adopted", 0.03)]
PAST_MIX += [("not_answered", 0.03)]
CURRENT_MIX = [("not_answered", 0.25), ("adopted", 0.12), ("partly_adopted", 0.08), ("not_adopted", 0.05)]
CURRENT_MIX += [("in_progress", 0.38), ("done", 0.12)]


def pick(rng: random.Random, mix):
    x, acc = rng.random(), 0.0
    for value, share in mix:
        acc += share
        if x < acc:
            return value
    return mix[-1][0]


# Generation ------------------------------------------------------------------------------------------------------


def generate(args, log) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from zhengxie.followup.models import Instruction, OutcomeDocument, Recommendation, RecommendationUpdate
    from zhengxie.followup.progress import refresh_documents
    from zhengxie.people.models import HandlingUnit, UnitStaff

    rng = random.Random(args.seed)
    today = datetime.datetime.now(TZ)
    this_year = today.year
    years = list(range(this_year - args.years + 1, this_year + 1))
    units = list(HandlingUnit.objects.order_by("pk").values_list("pk", flat=True))
    if len(units) < 100:
        raise BenchError("the database has no province tier: run bench/generate.py --tier province first")
    demo_unit = UnitStaff.objects.filter(user__username="demo-unit").values_list("unit_id", flat=True).first()
    busy = units[:150]  # a tenth of the recommendations go to 150 busy departments
    staff = get_user_model().objects.get(username="demo-staff")
    per_year = args.recommendations // len(years)

    def unit_for() -> int:
        x = rng.random()
        if demo_unit and x < DEMO_UNIT_SHARE:
            return demo_unit
        if x < 0.25:
            return rng.choice(busy)
        return rng.choice(units)

    # Documents and recommendations, year by year.
    plan = []  # per recommendation: (final state, created at, answered at or None, number of updates)
    doc_total = rec_total = 0
    with transaction.atomic():
        for year in years:
            start = datetime.datetime(year, 1, 10, 9, tzinfo=TZ)
            end = min(datetime.datetime(year, 12, 20, 17, tzinfo=TZ), today - datetime.timedelta(days=1))
            span = (end - start).total_seconds()
            made = 0
            docs = []
            doc_recs = []
            while made < per_year:
                source = pick(rng, SOURCE_SHARE)
                topic_index = rng.randrange(len(TOPICS[source]))
                topic = TOPICS[source][topic_index]
                kind = rng.choice(KINDS[source])
                n = min(per_year - made, rng.randint(4, 16))
                created = start + datetime.timedelta(seconds=rng.uniform(0, span * 0.8))
                sent = created + datetime.timedelta(days=rng.randint(3, 12))
                is_sent = sent < today and rng.random() < 0.95
                docs.append(
                    OutcomeDocument(
                        source=source,
                        source_id=year * 1000 + topic_index,
                        source_title=f"{year}年{topic}",
                        source_url=f"/{source}/{year * 1000 + topic_index}/",
                        year=year,
                        kind=kind,
                        title=TITLES[kind].format(t=topic),
                        body="经调研协商，提出如下建议。",
                        state="sent" if is_sent else "draft",
                        sent_to="省委、省政府" if is_sent else "",
                        sent_on=sent.date() if is_sent else None,
                        recommendation_count=n,
                        created_by=staff,
                    )
                )
                doc_recs.append((n, created, topic))
                made += n
            OutcomeDocument.objects.bulk_create(docs, batch_size=1000)
            OutcomeDocument.objects.filter(pk__in=[d.pk for d in docs]).update(
                created_at=datetime.datetime(year, 6, 30, 9, tzinfo=TZ)
            )
            recs = []
            mix = CURRENT_MIX if year == this_year else PAST_MIX
            for d, (n, created, topic) in zip(docs, doc_recs, strict=True):
                for position in range(1, n + 1):
                    state = pick(rng, mix)
                    answered = None
                    if state != "not_answered":
                        answered = created + datetime.timedelta(days=rng.randint(5, 40))
                        if answered >= today:
                            answered = today - datetime.timedelta(hours=rng.randint(1, 48))
                    percent = {"done": 100, "in_progress": rng.randint(10, 90)}.get(state, 0)
                    recs.append(
                        Recommendation(
                            document=d,
                            position=position,
                            text=f"{rng.choice(ACTIONS)}，推动{topic}工作取得实效（第{position}条）",
                            unit_id=unit_for(),
                            weight=rng.choice((1, 1, 1, 2, 3)),
                            due_date=(created + datetime.timedelta(days=rng.randint(90, 300))).date(),
                            state=state,
                            percent=percent,
                            year=year,
                            source=d.source,
                            answer_note="已研究，按此办理。" if answered else "",
                            answered_at=answered,
                            last_update_at=answered or created,  # set to the last update below
                        )
                    )
                    plan.append((state, created, answered, percent))
            Recommendation.objects.bulk_create(recs, batch_size=2000)
            doc_total += len(docs)
            rec_total += len(recs)
            log(f"{year}: {len(docs)} documents, {len(recs)} recommendations")
        rec_ids = list(Recommendation.objects.order_by("pk").values_list("pk", "unit_id"))
    # Updates: each answered recommendation's answer, then its progress entries, up to --updates in all.
    answered_idx = [i for i, p in enumerate(plan) if p[2] is not None]
    counts = {i: 1 for i in answered_idx}
    carried = [i for i in answered_idx if plan[i][0] in ("in_progress", "done")]
    left = args.updates - len(answered_idx)
    while left > 0 and carried:
        i = rng.choice(carried)
        step = min(left, rng.randint(1, 6))
        counts[i] += step
        left -= step
    unit_names = dict(HandlingUnit.objects.values_list("pk", "short_name"))
    written = 0
    batch: list = []

    def flush():
        nonlocal written, batch
        if batch:
            RecommendationUpdate.objects.bulk_create(batch, batch_size=5000)
            written += len(batch)
            batch = []

    with transaction.atomic():
        for i, n in counts.items():
            state, created, answered, percent = plan[i]
            pk, unit_id = rec_ids[i]
            label = f"{unit_names.get(unit_id) or '承办单位'} 经办人"
            answer_state = "adopted" if state in ("in_progress", "done") else state
            batch.append(
                RecommendationUpdate(
                    recommendation_id=pk,
                    at=answered,
                    date=answered.date(),
                    actor_label=label,
                    action="answer",
                    from_state="not_answered",
                    to_state=answer_state,
                    from_percent=0,
                    to_percent=0,
                    note="已研究，按此办理。",
                )
            )
            at, current, previous_state = answered, 0, answer_state
            horizon = min(today, answered + datetime.timedelta(days=330))
            gap = max(1.0, (horizon - answered).total_seconds() / max(1, n))
            for k in range(1, n):
                at = at + datetime.timedelta(seconds=rng.uniform(0.3, 1.0) * gap)
                target = percent if k == n - 1 else min(percent, max(current, int(percent * k / (n - 1))))
                to_state = "done" if target == 100 else "in_progress"
                batch.append(
                    RecommendationUpdate(
                        recommendation_id=pk,
                        at=at,
                        date=at.date(),
                        actor_label=label,
                        action="update_progress",
                        from_state=previous_state,
                        to_state=to_state,
                        from_percent=current,
                        to_percent=target,
                        note=f"{rng.choice(ACTIONS)}，已完成阶段任务。",
                    )
                )
                current, previous_state = target, to_state
            if len(batch) >= 20000:
                flush()
                log(f"{written:,} updates")
        flush()
        # Each answered recommendation's last update time, read from its timeline in one statement.
        from django.db.models import Exists, OuterRef, Subquery

        timeline = RecommendationUpdate.objects.filter(recommendation=OuterRef("pk"))
        Recommendation.objects.filter(Exists(timeline)).update(
            last_update_at=Subquery(timeline.order_by("-at").values("at")[:1])
        )
    log(f"{written:,} updates; last update times set")
    # Leaders' instructions on a third of the sent documents.
    sent = list(OutcomeDocument.objects.filter(state="sent").values_list("pk", "sent_on"))
    Instruction.objects.bulk_create(
        [
            Instruction(
                document_id=pk,
                leader=rng.choice(["省委书记", "省长", "常务副省长", "分管副省长"]),
                level=rng.choice(["main", "in_charge", "higher", "other"]),
                date=sent_on + datetime.timedelta(days=rng.randint(2, 20)),
                text="请有关部门认真研究，抓好落实。",
                recorded_by=staff,
            )
            for pk, sent_on in sent
            if rng.random() < 0.33
        ],
        batch_size=2000,
    )
    began = time.monotonic()
    refresh_documents(OutcomeDocument.objects.values_list("pk", flat=True))
    log(f"documents' progress stored by progress.refresh_documents in {time.monotonic() - began:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for table in ("followup_outcomedocument", "followup_recommendation", "followup_recommendationupdate"):
                cur.execute(f"VACUUM ANALYZE {table}")
        log("vacuumed and analysed")
    return {"documents": doc_total, "recommendations": rec_total, "updates": written}


# Measurements ----------------------------------------------------------------------------------------------------


def pick_targets(seed: int) -> dict:
    from django.utils import timezone

    from zhengxie.followup.models import OutcomeDocument, Recommendation, RecommendationUpdate
    from zhengxie.followup.selectors import stale_cutoff, stale_q
    from zhengxie.people.models import UnitStaff

    year = timezone.localdate().year
    unit = UnitStaff.objects.filter(user__username="demo-unit").values_list("unit_id", flat=True).first()
    year_count = Recommendation.objects.filter(year=year).count()
    return {
        "year": year,
        "documents": OutcomeDocument.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "updates": RecommendationUpdate.objects.count(),
        "recommendations_this_year": year_count,
        "stale": Recommendation.objects.filter(stale_q(stale_cutoff())).count(),
        "demo_unit_recommendations": Recommendation.objects.filter(unit_id=unit).count(),
        "deep_page": max(1, year_count // 50 // 2),
    }


def endpoints(t: dict) -> list[tuple[str, list[str], str]]:
    y = t["year"]
    return [
        (f"leaders' page {y}", [f"/followup/?year={y}"], "leader"),
        (
            f"leaders' page {y}, consultation, page {max(1, t['deep_page'] // 3)}",
            [f"/followup/?year={y}&source=consultation&page={max(1, t['deep_page'] // 3)}"],
            "leader",
        ),
        (f"leaders' page {y}, stale only", [f"/followup/?year={y}&stale=1"], "leader"),
        (f"leaders' page {y - 1}", [f"/followup/?year={y - 1}"], "leader"),
        (f"leaders' API {y}", [f"/api/v1/followup/overview?year={y}"], "api"),
        ("department's page", ["/followup/department/"], "unit"),
        ("department's page, all", ["/followup/department/?tab=all"], "unit"),
    ]


def goal_for(label: str) -> int | None:
    return GOAL_MS if label.startswith(("leaders'", "department's")) else None


def time_report(year: int, runs: int) -> dict:
    from django.contrib.auth import get_user_model

    from zhengxie.followup import reports
    from zhengxie.followup.leaders import Filters, export_rows, report_data
    from zhengxie.people.selectors import committee_name

    leader = get_user_model().objects.get(username="demo-leader")
    # Untimed first: the first document a process writes imports python-docx and openpyxl (seconds), which a serving
    # worker has done long before.
    reports.recommendations_xlsx([], heading="warm-up")
    reports.report_docx(report_data(user=leader, filters=Filters(year=year, source="deliberation")), committee="")
    out = {"docx_s": [], "load_average_before": loadavg()}
    size = 0
    for _ in range(runs):
        began = time.monotonic()
        data = report_data(user=leader, filters=Filters(year=year))
        content = reports.report_docx(data, committee=committee_name())
        out["docx_s"].append(round(time.monotonic() - began, 2))
        size = len(content)
    out["docx_bytes"] = size
    out["documents"] = len(data.documents)
    out["recommendations"] = data.overview.count
    began = time.monotonic()
    rows = export_rows(user=leader, filters=Filters(year=year))
    content = reports.recommendations_xlsx(rows, heading="bench")
    out["xlsx_s"] = round(time.monotonic() - began, 2)
    out["xlsx_bytes"] = len(content)
    return out


def time_stale_job() -> dict:
    from zhengxie.followup.models import Recommendation
    from zhengxie.followup.stale import stale_reminders

    # Every stale one is reminded again, as on the job's first day over all of them.
    cleared = Recommendation.objects.exclude(stale_reminded_for=None).update(stale_reminded_for=None)
    load = loadavg()
    began = time.monotonic()
    result = stale_reminders()
    seconds = round(time.monotonic() - began, 1)
    began = time.monotonic()
    again = stale_reminders()
    rerun = round(time.monotonic() - began, 1)
    return {
        "cleared": cleared,
        "seconds": seconds,
        "result": result,
        "rerun_s": rerun,
        "rerun": again,
        "load_average_before": load,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_load_arguments(parser)
    parser.add_argument("--single-requests", type=int, default=50, help="each endpoint with one client (%(default)s)")
    parser.add_argument("--recommendations", type=int, default=50_000)
    parser.add_argument("--updates", type=int, default=500_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--report-runs", type=int, default=3)
    parser.add_argument("--skip-endpoints", action="store_true")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-stale", action="store_true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, default=OUT / "followup.json")
    args = parser.parse_args()
    # This process's background jobs (the stale job's e-mails) go to a queue of its own, thrown away afterwards.
    os.environ["ZHENGXIE_VAR_DIR"] = tempfile.mkdtemp(prefix="zhengxie-bench-followup-")

    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:7.1f} s] {message}", flush=True)

    def targets_after_generation(seed: int) -> dict:
        from django.core.management import call_command

        from zhengxie.followup.models import Recommendation

        call_command("migrate", "followup", interactive=False, verbosity=0)
        generated = None
        if not Recommendation.objects.exists():
            log(f"generating {args.years} years: {args.recommendations:,} recommendations, {args.updates:,} updates")
            generated = generate(args, log)
            log(f"generated {generated}")
        return {**pick_targets(seed), "generated": generated}

    database_url, targets, report = start(args, targets_after_generation)
    failures: list[str] = []
    facts = (
        f"{targets['documents']:,} documents, {targets['recommendations']:,} recommendations "
        f"({targets['recommendations_this_year']:,} in {targets['year']}), {targets['updates']:,} progress updates, "
        f"{targets['stale']:,} stale; demo-unit's department {targets['demo_unit_recommendations']}"
    )
    print(facts)
    try:
        if not args.skip_endpoints:
            with gunicorn(database_url, args.workers) as port:
                auth = {
                    "leader": {"Cookie": f"sessionid={sign_in(port, 'demo-leader')}"},
                    "unit": {"Cookie": f"sessionid={sign_in(port, 'demo-unit')}"},
                    "api": {"Authorization": f"Bearer {token_for(port, 'demo-leader')}"},
                }
                print("\n" + header_line(args, facts))
                report["endpoints"] = time_endpoints(port, args, endpoints(targets), auth, goal_for, failures)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.skip_report:
        r = time_report(targets["year"], args.report_runs)
        report["report"] = r
        print(
            f"\nReport {targets['year']} ({r['documents']} documents, {r['recommendations']} recommendations, "
            f"{r['docx_bytes']:,} bytes) · load average before {r['load_average_before']}"
        )
        print("| document | seconds (each run) | goal |")
        print("|---|---|---:|")
        print(f"| .docx report | {', '.join(str(s) for s in r['docx_s'])} | {REPORT_GOAL_S} s |")
        print(f"| .xlsx list ({r['xlsx_bytes']:,} bytes) | {r['xlsx_s']} | — |")
        if max(r["docx_s"]) > REPORT_GOAL_S:
            print(f"goal missed: the report took {max(r['docx_s'])} s > {REPORT_GOAL_S} s")
    if not args.skip_stale:
        s = time_stale_job()
        report["stale_job"] = s
        print(f"\nStale job over all ({now_label()}, load average before {s['load_average_before']})")
        print("| run | stale found | departments | notifications | seconds |")
        print("|---|---:|---:|---:|---:|")
        print(
            f"| first (marks cleared) | {s['result']['stale']:,} | {s['result']['departments']:,} | "
            f"{s['result']['notifications']:,} | {s['seconds']} |"
        )
        print(
            f"| again at once | {s['rerun']['stale']:,} | {s['rerun']['departments']:,} | "
            f"{s['rerun']['notifications']:,} | {s['rerun_s']} |"
        )
        if s["seconds"] > STALE_GOAL_S:
            print(f"goal missed: the stale job took {s['seconds']} s > {STALE_GOAL_S} s")
    report["load_average_end"] = loadavg()
    write_json(args.json, report)
    for f in failures:
        print(f"FAILED: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
