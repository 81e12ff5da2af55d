"""Add ten years of proposal and duty history to a province-tier organisation database (bench/generate.py).

    .venv/bin/python bench/generate_history.py --database-url postgres://postgres@127.0.0.1:5432/zx_bench_prov_full

What it writes (the defaults; a fixed seed, so every run makes the same history):

* **300,000 proposals** over the ten years up to this one (about 30,000 a year, growing a little each year), with
  their co-signatures (about 30 % of members' proposals are joint), suggested units, assignments to the 3,000
  handling units (single 70 %, separate 10 %, lead with co-handlers 20 %), contacts, replies with grades A/B/C,
  evaluations, a few re-handled ones, key and excellent proposals, and timeline entries (the steps of each
  proposal's life). Past years are closed except those merged, converted, rejected, withdrawn or abandoned as
  drafts; the current year has proposals in every state. Registration numbers are gapless per year (YearCounter).
  demo-unit's unit (新建区住房和城乡建设局) is given about 45 assignments a year.
* **Activities and invitations** (one plenary and four standing-committee meetings a year, and some 2,100 other
  activities a year of 20–600 invitees each) with final attendance, and **5,000,000 duty ledger rows**: attendance
  (attended / late / on leave / absent by activity kind) and training hours from the invitations, the proposal
  kinds from the proposals (submitted, registered as lead / co-signer / collective contact, key, excellent), and
  opinion-report kinds (submitted, adopted at four levels, leader instructions) plus a few "other" rows.
* **MemberYearScore** for each year through ``zhengxie.duty.points.recompute_year`` (each call timed; the goal is
  at most 60 s for one year), after ``VACUUM ANALYZE``.

Rows are streamed with PostgreSQL COPY (psycopg's ``cursor.copy``) with explicit ids, in one transaction with the
foreign-key triggers off (``session_replication_role = replica``) and the tables' non-unique indexes dropped and
rebuilt afterwards; the foreign keys are then checked with anti-joins. States and dates are set directly, as a data
generator may: the application's rule that states change only through ``workflow.py`` is about ``zhengxie/``.
Refuses a database without the province tier or one that already holds proposals or ledger rows.
"""

import argparse
import bisect
import datetime
import itertools
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field

from common import REPO, absolute_database_url

TZ = datetime.timezone(datetime.timedelta(hours=8))  # Asia/Shanghai, no daylight saving
DUTY_TOTAL = 5_000_000
PROPOSALS_TOTAL = 300_000
YEARS = 10
PROVINCE_COMMITTEE = "政协江西省委员会"
DEMO_UNIT = "新建区住房和城乡建设局"
DEMO_UNIT_PER_YEAR = 45

CATEGORIES = [("经济建设", 35), ("政治建设", 9), ("文化建设", 12), ("社会建设", 29), ("生态文明建设", 10), ("其他", 5)]
GRADES = [("A", 55), ("B", 35), ("C", 10)]
SATISFACTION = [("satisfied", 72), ("basically_satisfied", 21), ("dissatisfied", 2), ("not_rated", 5)]
REJECTION_GROUNDS = ["litigation", "personal", "promotion", "no_content", "outside_remit", "academic", "party_affairs"]

# Final-state mix: past years are settled; the current year (today's) has work in every state.
PAST_MIX = [
    ("merged", 0.03),
    ("converted", 0.045),
    ("rejected", 0.035),
    ("withdrawn_office", 0.004),
    ("withdrawn_draft", 0.003),
    ("draft", 0.004),
]
CURRENT_MIX = [
    ("draft", 0.015),
    ("withdrawn_draft", 0.003),
    ("cosigning", 0.006),
    ("submitted", 0.025),
    ("withdrawn_office", 0.005),
    ("merged", 0.03),
    ("converted", 0.045),
    ("rejected", 0.035),
    ("registered", 0.015),
    ("assigned", 0.075),
    ("replied", 0.002),
    ("evaluating", 0.04),
    ("rehandling", 0.003),
]
REGISTERED_LIKE = {"registered", "assigned", "replied", "evaluating", "rehandling", "closed"}

ACTIVITY_KINDS = [  # code, weight among "other" activities, typical half days
    ("consultation", 12, 1),
    ("inspection", 15, 2),
    ("research", 18, 2),
    ("training", 10, 2),
    ("seminar", 8, 1),
    ("sector_activity", 15, 1),
    ("appraisal", 5, 1),
    ("online_deliberation", 7, 1),
    ("chairs_meeting", 3, 1),
    ("other", 7, 1),
]
CITIES = [
    "南昌市",
    "九江市",
    "景德镇市",
    "萍乡市",
    "新余市",
    "鹰潭市",
    "赣州市",
    "宜春市",
    "上饶市",
    "吉安市",
    "抚州市",
]
SUBJECTS = [
    "老旧小区改造",
    "乡村振兴产业发展",
    "中小学课后服务",
    "基层医疗卫生服务能力",
    "养老服务体系建设",
    "新能源汽车充电设施布局",
    "数字政府建设",
    "营商环境优化",
    "鄱阳湖生态保护",
    "农村人居环境整治",
    "职业教育产教融合",
    "预制菜产业链",
    "燃气安全数字化监管",
    "红色文化资源保护利用",
    "城市内涝治理",
    "青年人才引进",
    "民营企业融资",
    "文旅融合发展",
    "赣南脐橙品牌建设",
    "物流园区建设",
    "社区嵌入式服务设施",
    "耕地保护",
    "县域商业体系建设",
    "托育服务",
    "陶瓷产业转型升级",
    "电子信息产业集群",
    "河湖长制落实",
    "住房保障",
    "食品安全监管",
    "退役军人服务保障",
]
VERBS = ["加快推进", "进一步加强", "完善", "推动", "提升", "规范", "支持", "优化", "统筹推进", "着力破解"]
ANALYSIS = [
    "近年来，{p}在{s}方面做了大量工作，取得了明显成效，但与群众期待相比仍有差距。",
    "据调研，{p}目前{s}的资金投入主要依靠财政，社会资本参与度不高，长效机制尚未形成。",
    "部分地区存在规划滞后、标准不一、部门协同不够等问题，制约了{s}的整体推进。",
    "基层反映，相关政策落地“最后一公里”不畅，群众获得感不强，满意度有待提升。",
    "从全省情况看，区域之间发展不平衡，欠发达县（市、区）的{s}短板较为突出。",
    "专业人才队伍不足，待遇偏低、流失较多，难以满足{s}高质量发展的需要。",
    "信息化水平不高，数据分散在多个部门，尚未实现互联互通和共享应用。",
    "监管手段相对单一，事前预防和事中监管薄弱，存在一定安全隐患。",
    "与周边省份相比，我省在{s}方面的支持政策力度偏小，吸引力不够强。",
    "群众对{s}的关注度持续上升，12345热线相关诉求逐年增加。",
]
SUGGESTIONS = [
    "加强顶层设计，制定{s}专项规划，明确目标任务和时间表",
    "加大财政投入，设立专项资金，引导社会资本参与{s}",
    "建立部门联席会议制度，形成工作合力",
    "完善考核评价机制，将{s}纳入高质量发展综合考核",
    "加强人才队伍建设，提高基层工作人员待遇",
    "推进信息平台建设，实现数据共享和全流程监管",
    "开展试点示范，总结推广{p}等地的好经验好做法",
    "加强宣传引导，营造全社会共同参与的良好氛围",
]
REPLY_TEXT = (
    "{u}高度重视您提出的《{t}》，经认真研究，现答复如下：一、关于{s}的现状……二、下一步工作打算……"
    "感谢您对我们工作的关心和支持，欢迎继续提出宝贵意见。"
)
CONTACT_WAYS = ["face_to_face", "phone", "letter", "site_visit"]

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def log_factory():
    started = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f} s] {message}", flush=True)

    return log


def add_months(day: datetime.date, months: int) -> datetime.date:
    import calendar

    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def allocate(total: int, weights: list[float]) -> list[int]:
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class Weighted:
    """Draw from items with fixed weights in O(log n)."""

    def __init__(self, rng: random.Random, items: list, weights: list[float]):
        self.rng, self.items = rng, items
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def __call__(self):
        return self.items[bisect.bisect_right(self.cum, self.rng.random() * self.total)]


# Reference data ----------------------------------------------------------------------------------------------


@dataclass
class Ref:
    members: list  # (id, user_id, sector_id, party_id, serving, name)
    member_by_id: dict
    user_name: dict  # user id -> display label
    units: list  # unit ids
    unit_name: dict
    unit_staff: dict  # unit id -> [user ids] (non-leaders; the leader when none)
    unit_leader: dict  # unit id -> user id
    collectives: list  # (id, author user id, author member id or None)
    sessions: list  # (id, year, window_opens, deadline, closes_on, opens_on)
    categories: list  # (id, weight)
    kinds: dict  # activity kind code -> id
    special_committees: dict  # id -> [member ids]
    sectors: dict  # id -> [member ids]
    standing: list  # member ids
    office_user: int
    leader_user: int
    staff_user: int
    demo_unit: int


def load_reference(cur, log) -> Ref:
    cur.execute("SELECT id, display_name, username FROM accounts_user")
    user_name = {pk: (display or username) for pk, display, username in cur.fetchall()}
    cur.execute(
        "SELECT id, user_id, sector_id, party_id, status = 'serving', name, is_standing_committee "
        "FROM people_member ORDER BY id"
    )
    rows = cur.fetchall()
    members = [r[:6] for r in rows]
    standing = [r[0] for r in rows if r[6] and r[4]]
    sectors: dict[int, list] = {}
    for r in rows:
        sectors.setdefault(r[2], []).append(r[0])
    cur.execute("SELECT specialcommittee_id, member_id FROM people_member_special_committees")
    special: dict[int, list] = {}
    for sc, m in cur.fetchall():
        special.setdefault(sc, []).append(m)
    cur.execute("SELECT id, name FROM people_handlingunit WHERE is_active ORDER BY id")
    unit_rows = cur.fetchall()
    cur.execute("SELECT unit_id, user_id, is_leader FROM people_unitstaff ORDER BY id")
    staff: dict[int, list] = {}
    leader: dict[int, int] = {}
    for unit, user, is_leader in cur.fetchall():
        if is_leader:
            leader.setdefault(unit, user)
        else:
            staff.setdefault(unit, []).append(user)
    for unit, _name in unit_rows:
        staff.setdefault(unit, [leader[unit]])
    member_of_user = {r[1]: r[0] for r in rows if r[1]}
    cur.execute(
        "SELECT c.id, min(cc.user_id) FROM people_collectiveproposer c "
        "JOIN people_collectiveproposer_contacts cc ON cc.collectiveproposer_id = c.id GROUP BY c.id ORDER BY c.id"
    )
    collectives = [(c, u, member_of_user.get(u)) for c, u in cur.fetchall()]
    cur.execute(
        "SELECT id, year, proposal_window_opens, proposal_deadline, closes_on, opens_on FROM people_session "
        "ORDER BY year"
    )
    sessions = cur.fetchall()
    cur.execute("SELECT count(*) FROM proposals_category")
    if cur.fetchone()[0] == 0:
        for order, (name, _w) in enumerate(CATEGORIES, start=1):
            cur.execute(
                "INSERT INTO proposals_category (name, sort_order, is_active) VALUES (%s, %s, true)", (name, order)
            )
        log(f"created the {len(CATEGORIES)} default proposal categories")
    cur.execute("SELECT id, name FROM proposals_category WHERE is_active ORDER BY sort_order, id")
    weights = dict(CATEGORIES)
    categories = [(pk, weights.get(name, 5)) for pk, name in cur.fetchall()]
    cur.execute("SELECT code, id FROM duty_activitykind")
    kinds = dict(cur.fetchall())
    cur.execute("SELECT username, id FROM accounts_user WHERE username IN ('demo-office', 'demo-leader', 'demo-staff')")
    demo = dict(cur.fetchall())
    unit_name = dict(unit_rows)
    demo_unit = next(pk for pk, name in unit_rows if name == DEMO_UNIT)
    return Ref(
        members=members,
        member_by_id={m[0]: m for m in members},
        user_name=user_name,
        units=[u for u, _n in unit_rows],
        unit_name=unit_name,
        unit_staff=staff,
        unit_leader=leader,
        collectives=collectives,
        sessions=sessions,
        categories=categories,
        kinds=kinds,
        special_committees=special,
        sectors=sectors,
        standing=standing,
        office_user=demo["demo-office"],
        leader_user=demo["demo-leader"],
        staff_user=demo["demo-staff"],
        demo_unit=demo_unit,
    )


# COPY --------------------------------------------------------------------------------------------------------

COLUMNS = {
    "proposals_proposal": (
        "id year is_session_proposal seq number title analysis suggestions state created_at updated_at submitted_at "
        "cosign_deadline registered_at assigned_at replied_at evaluation_deadline closed_at converted_kind "
        "rejection_ground office_comment rehandling_count key_state excellent_state followup_on publish_consent "
        "author_id category_id collective_id lead_member_id lead_party_id lead_sector_id merged_into_id session_id "
        "supervising_leader_id"
    ),
    "proposals_cosignature": "id state answered_at member_id proposal_id year",
    "proposals_proposal_suggested_units": "id proposal_id handlingunit_id",
    "proposals_assignment": (
        "id role state assigned_at dispute_deadline accepted_at due_date dispute_reason co_opinion co_opinion_at "
        "round replaced_by_note unit_id proposal_id year"
    ),
    "proposals_reply": (
        "id round text grade office_grade grade_note state drafted_at signed_at approved_at return_comment "
        "approved_by_id assignment_id drafted_by_id signed_by_id"
    ),
    "proposals_contact": "id date way summary recorded_at late assignment_id recorded_by_id",
    "proposals_evaluation": "id satisfaction comment at evaluator_id proposal_id reply_id",
    "proposals_timelineentry": (
        "id at actor_label action from_state to_state note internal actor_id assignment_id proposal_id"
    ),
    "duty_activity": (
        "id title start end place description state attendance capacity sign_up_closes invitees_spec half_days "
        "training_hours checkin_secret created_at published_at closed_at created_by_id organiser_id kind_id"
    ),
    "duty_invitation": "id signed_up_at checked_in_at checked_in_by_staff status activity_id member_id",
}
BULK_TABLES = [*COLUMNS, "duty_dutyrecord"]


def copy_rows(cur, table: str, rows) -> int:
    columns = ", ".join(f'"{c}"' for c in COLUMNS[table].split())
    n = 0
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def drop_indexes(cur, tables) -> list[tuple[str, str]]:
    """Drop the non-unique, non-constraint indexes of ``tables``; returns their definitions to rebuild them."""
    dropped = []
    for table in tables:
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' AND i.tablename = %s "
            "AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            (table, table),
        )
        for name, definition in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')
            dropped.append((name, definition))
    return dropped


def next_id(cur, table: str) -> int:
    cur.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
    return cur.fetchone()[0]


# Proposals ---------------------------------------------------------------------------------------------------


@dataclass
class P:
    """One proposal's plan before its rows are written."""

    id: int
    year: int
    state: str  # final state; "withdrawn_office"/"withdrawn_draft" are written as "withdrawn"
    lead: tuple | None  # member row
    collective: tuple | None
    author: int
    category: int
    created: datetime.datetime
    submitted: datetime.datetime | None = None
    session: int | None = None
    cosigners: list = field(default_factory=list)  # [(member id, state, answered_at)]
    office_at: datetime.datetime | None = None  # reached the office
    decided: datetime.datetime | None = None  # registered / rejected / converted / merged / withdrawn
    seq: int | None = None
    merged_into: "P | None" = None
    merged_in: list = field(default_factory=list)
    key: str = ""
    excellent: str = ""
    title: str = ""
    subject: str = ""
    place: str = ""


class ProposalHistory:
    def __init__(self, cur, ref: Ref, rng: random.Random, today: datetime.date, log, total: int):
        self.cur, self.ref, self.rng, self.today, self.log = cur, ref, rng, today, log
        # Nothing happens after the start of today (so a run is the same whatever the time of day).
        self.now = datetime.datetime.combine(today, datetime.time(0, 0), tzinfo=TZ)
        self.first_year = today.year - YEARS + 1
        # A little growth each year, summing to ``total``.
        self.per_year = allocate(total, [1 + 0.015 * i for i in range(YEARS)])
        self.ids = {t: next_id(cur, t) for t in COLUMNS if t.startswith("proposals_")}
        self.counts = dict.fromkeys(COLUMNS, 0)
        members = ref.members
        cur.execute("SELECT id FROM accounts_user WHERE username IN ('demo-member', 'demo-member2')")
        demo_users = {r[0] for r in cur.fetchall()}
        # Some members propose far more than others; the two demo members are among the active ones.
        weights = [min(rng.paretovariate(1.7), 12.0) * (4 if m[1] in demo_users else 1) for m in members]
        self.pick_lead_any = Weighted(rng, members, weights)
        serving = [(m, w) for m, w in zip(members, weights, strict=True) if m[4]]
        self.pick_lead_serving = Weighted(rng, [m for m, _w in serving], [w for _m, w in serving])
        self.serving_ids = [m[0] for m in members if m[4]]
        self.all_ids = [m[0] for m in members]
        unit_weights = [rng.lognormvariate(0, 1.1) for _ in ref.units]
        # demo-unit's unit: about DEMO_UNIT_PER_YEAR of the ~1.45 assignments per registered proposal.
        i = ref.units.index(ref.demo_unit)
        others = sum(unit_weights) - unit_weights[i]
        share = DEMO_UNIT_PER_YEAR / (total / YEARS * 0.88 * 1.45)
        unit_weights[i] = others * share / (1 - share)
        self.pick_unit = Weighted(rng, ref.units, unit_weights)
        self.pick_category = Weighted(rng, [c for c, _w in ref.categories], [w for _c, w in ref.categories])
        self.pick_grade = Weighted(rng, [g for g, _w in GRADES], [w for _g, w in GRADES])
        self.pick_satisfaction = Weighted(rng, [s for s, _w in SATISFACTION], [w for _s, w in SATISFACTION])
        self.sessions = {s[1]: s for s in ref.sessions}
        self.targets_by_year: dict[int, list[P]] = {}

    # Dates ----------------------------------------------------------------------------------------------------

    def moment(self, day: datetime.date, lo: int = 8, hi: int = 21) -> datetime.datetime:
        out = datetime.datetime.combine(day, datetime.time(self.rng.randint(lo, hi), self.rng.randrange(60)), TZ)
        return min(out, self.now - datetime.timedelta(minutes=self.rng.randint(1, 600)))

    def later(self, t: datetime.datetime, lo_days: float, hi_days: float) -> datetime.datetime:
        """A working-hours moment between lo and hi days after ``t`` (and before today, when it can be)."""
        day = (t + datetime.timedelta(days=self.rng.uniform(lo_days, hi_days))).date()
        out = self.moment(day, 8, 18)
        return out if out > t else t + datetime.timedelta(minutes=self.rng.randint(1, 5))

    def session_for(self, day: datetime.date):
        for s in (self.sessions.get(day.year), self.sessions.get(day.year + 1)):
            if s and s[2] <= day <= s[3]:
                return s
        return None

    def submission_day(self, year: int, state: str) -> datetime.date:
        """A day of ``year`` on which a proposal that is now in ``state`` was submitted (or created)."""
        rng, today = self.rng, self.today
        lo, hi = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        if year == today.year:
            windows = {
                "draft": (40, 0),
                "withdrawn_draft": (60, 5),
                "cosigning": (6, 0),
                "submitted": (20, 1),
                "withdrawn_office": (120, 10),
                "registered": (30, 6),
                "assigned": (110, 25),
                "replied": (75, 50),
                "evaluating": (110, 50),
                "rehandling": (200, 130),
                "closed": (None, 200),
                "merged": (None, 40),
                "converted": (None, 15),
                "rejected": (None, 15),
            }
            back_lo, back_hi = windows[state]
            hi = today - datetime.timedelta(days=back_hi)
            if back_lo is not None:
                lo = max(lo, today - datetime.timedelta(days=back_lo))
        # Most proposals are session proposals, filed in the plenary's window (which may start in December).
        if rng.random() < 0.7:
            spans = []
            s = self.sessions.get(year)
            if s:
                spans.append((max(lo, s[2], datetime.date(year, 1, 1)), min(hi, s[3])))
            s = self.sessions.get(year + 1)
            if s:
                spans.append((max(lo, s[2]), min(hi, datetime.date(year, 12, 31))))
            spans = [(a, b) for a, b in spans if a <= b]
            if spans:
                a, b = rng.choice(spans)
                return a + datetime.timedelta(days=rng.randint(0, (b - a).days))
        return lo + datetime.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))

    # Plans ----------------------------------------------------------------------------------------------------

    def states_for(self, year: int, n: int) -> list[str]:
        mix = CURRENT_MIX if year == self.today.year else PAST_MIX
        names = [s for s, _f in mix] + ["closed"]
        fractions = [f for _s, f in mix]
        counts = allocate(n, [*fractions, 1 - sum(fractions)])
        states = [s for s, c in zip(names, counts, strict=True) for _ in range(c)]
        self.rng.shuffle(states)
        return states

    def plan_year(self, year: int, n: int, next_pid: int) -> list[P]:
        rng, ref = self.rng, self.ref
        current = year == self.today.year
        plans = []
        for state in self.states_for(year, n):
            collective = None
            if rng.random() < 0.05 and state not in ("cosigning",):
                collective = rng.choice(ref.collectives)
                lead, author = None, collective[1]
            else:
                lead = self.pick_lead_serving() if current else self.pick_lead_any()
                author = lead[1]
            day = self.submission_day(year, state)
            p = P(
                id=next_pid,
                year=year,
                state=state,
                lead=lead,
                collective=collective,
                author=author,
                category=self.pick_category(),
                created=self.moment(day),
            )
            next_pid += 1
            p.subject, p.place = rng.choice(SUBJECTS), rng.choice(CITIES)
            p.title = f"关于{rng.choice(VERBS)}{p.place if rng.random() < 0.3 else '我省'}{p.subject}的建议"
            joint = lead is not None and (state == "cosigning" or rng.random() < 0.3)
            if state not in ("draft", "withdrawn_draft"):
                p.submitted = p.created
                p.created = p.submitted - datetime.timedelta(days=rng.uniform(0, 10), minutes=rng.randint(1, 600))
                s = self.session_for(p.submitted.date())
                p.session = s[0] if s else None
            if joint:
                pool = self.serving_ids if current else self.all_ids
                ids = set()
                want = rng.choices([1, 2, 3, 4, 5], weights=[40, 25, 15, 10, 10])[0]
                while len(ids) < want:
                    m = rng.choice(pool)
                    if m != lead[0]:
                        ids.add(m)
                for m in sorted(ids):
                    if p.submitted is None:
                        p.cosigners.append((m, "invited", None))
                    elif state == "cosigning":
                        if rng.random() < 0.4:
                            p.cosigners.append((m, "confirmed", self.later(p.submitted, 0, 2)))
                        else:
                            p.cosigners.append((m, "invited", None))
                    else:
                        roll = rng.random()
                        cs = "confirmed" if roll < 0.9 else ("declined" if roll < 0.95 else "lapsed")
                        if cs == "lapsed" and p.submitted + 7 * DAY >= self.now:
                            cs = "declined"  # the co-sign window has not ended yet
                        answered = None if cs == "lapsed" else self.later(p.submitted, 0.05, 6)
                        p.cosigners.append((m, cs, answered))
                if state == "cosigning" and all(c[1] != "invited" for c in p.cosigners):
                    m, _s, _a = p.cosigners[0]
                    p.cosigners[0] = (m, "invited", None)
            if p.submitted is not None and state != "cosigning":
                answers = [c[2] for c in p.cosigners if c[2] is not None]
                lapsed = any(c[1] == "lapsed" for c in p.cosigners)
                p.office_at = max([p.submitted, *answers])
                if lapsed:
                    p.office_at = p.submitted + datetime.timedelta(days=7, minutes=5)
            if state not in ("draft", "withdrawn_draft", "cosigning", "submitted"):
                p.decided = self.decision_time(p)
            plans.append(p)
        # Registration numbers: gapless, in order of registration.
        registered = sorted((p for p in plans if p.state in REGISTERED_LIKE), key=lambda p: (p.decided, p.id))
        for seq, p in enumerate(registered, start=1):
            p.seq = seq
        # Merged proposals go into a registered one of the same year, at its registration or later.
        for p in plans:
            if p.state == "merged":
                target = rng.choice(registered)
                p.merged_into = target
                target.merged_in.append(p)
                if p.decided < target.decided:
                    p.decided = target.decided + datetime.timedelta(minutes=rng.randint(1, 90))
        # Key (about 6 % of registered) and excellent (about 5 % of the closed, decided at the end of the year).
        for p in registered:
            if p.state != "registered" and rng.random() < 0.06:
                p.key = "approved"
            if p.state == "closed" and year < self.today.year and rng.random() < 0.05:
                p.excellent = "approved"
            elif p.state == "closed" and year == self.today.year and rng.random() < 0.01:
                p.excellent = "nominated"
        return plans

    def decision_time(self, p: P) -> datetime.datetime:
        rng = self.rng
        start = p.office_at
        if p.state == "withdrawn_office":
            return self.later(start, 0.5, 6)
        if p.session is not None:
            session = next(s for s in self.ref.sessions if s[0] == p.session)
            after_plenary = datetime.datetime.combine(session[4], datetime.time(9), TZ) + datetime.timedelta(
                days=rng.uniform(2, 20)
            )
            return self.later(max(start, after_plenary), 0, 1)
        t = self.later(start, 3, 20)
        return min(t, self.now - datetime.timedelta(days=rng.uniform(1, 4))) if t > self.now else t

    # Rows -----------------------------------------------------------------------------------------------------

    def new_id(self, table: str) -> int:
        pk = self.ids[table]
        self.ids[table] += 1
        return pk

    def run(self) -> None:
        pid = self.ids["proposals_proposal"]
        for index, year in enumerate(range(self.first_year, self.today.year + 1)):
            began = time.monotonic()
            plans = self.plan_year(year, self.per_year[index], pid)
            pid += len(plans)
            self.ids["proposals_proposal"] = pid
            rows = {t: [] for t in COLUMNS if t.startswith("proposals_")}
            for p in plans:
                self.emit(p, rows)
            for table, table_rows in rows.items():
                self.counts[table] += copy_rows(self.cur, table, table_rows)
            last_seq = max((p.seq for p in plans if p.seq), default=0)
            self.cur.execute(
                "INSERT INTO proposals_yearcounter (year, last_seq) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE SET last_seq = EXCLUDED.last_seq",
                (year, last_seq),
            )
            self.log(
                f"  {year}: {len(plans):,} proposals, {last_seq:,} registered, "
                f"{len(rows['proposals_assignment']):,} assignments, {len(rows['proposals_timelineentry']):,} "
                f"timeline entries ({time.monotonic() - began:.1f} s)"
            )

    def tl(self, rows, p: P, at, action, frm="", to="", *, actor=None, note="", internal=False, assignment=None):
        label = self.ref.user_name.get(actor, "系统") if actor else "系统"
        rows["proposals_timelineentry"].append(
            (
                self.new_id("proposals_timelineentry"),
                at,
                label,
                action,
                frm,
                to,
                note,
                internal,
                actor,
                assignment,
                p.id,
            )
        )

    def emit(self, p: P, rows) -> None:
        rng, ref = self.rng, self.ref
        office = ref.office_user
        state = p.state
        db_state = "withdrawn" if state.startswith("withdrawn") else state
        text = {"p": p.place, "s": p.subject}
        analysis = "".join(s.format(**text) for s in rng.sample(ANALYSIS, rng.randint(4, 6)))
        numerals = "一二三四五六"
        suggestions = "".join(
            f"{numerals[i]}是{s.format(**text)}。" for i, s in enumerate(rng.sample(SUGGESTIONS, rng.randint(3, 5)))
        )
        v = {
            "cosign_deadline": None,
            "registered_at": None,
            "assigned_at": None,
            "replied_at": None,
            "evaluation_deadline": None,
            "closed_at": None,
            "converted_kind": "",
            "rejection_ground": "",
            "office_comment": "",
            "rehandling_count": 0,
            "followup_on": None,
        }
        author = p.author
        updated = p.submitted or p.created
        # Submission and co-signing.
        if p.submitted is not None:
            to = "cosigning" if p.cosigners else "submitted"
            self.tl(rows, p, p.submitted, "submit", "draft", to, actor=author)
            if p.cosigners:
                v["cosign_deadline"] = p.submitted + 7 * DAY
                for m, cs, answered in p.cosigners:
                    if cs in ("confirmed", "declined"):
                        member = ref.member_by_id[m]
                        action = "cosign" if cs == "confirmed" else "decline_cosign"
                        last = answered == max((c[2] for c in p.cosigners if c[2]), default=None)
                        frm_to = (
                            ("cosigning", "submitted") if last and state != "cosigning" else ("cosigning", "cosigning")
                        )
                        self.tl(rows, p, answered, action, *frm_to, actor=member[1], note=member[5])
                if any(c[1] == "lapsed" for c in p.cosigners):
                    self.tl(rows, p, p.office_at, "lapse_cosign", "cosigning", "submitted")
        for m, cs, answered in p.cosigners:
            rows["proposals_cosignature"].append((self.new_id("proposals_cosignature"), cs, answered, m, p.id, p.year))
        if rng.random() < 0.4:
            for u in {self.pick_unit() for _ in range(rng.choice((1, 1, 2)))}:
                rows["proposals_proposal_suggested_units"].append(
                    (self.new_id("proposals_proposal_suggested_units"), p.id, u)
                )
        # The office's decision.
        if state == "withdrawn_draft":
            updated = min(self.later(p.created, 1, 20), self.now - HOUR)
            self.tl(rows, p, updated, "withdraw", "draft", "withdrawn", actor=author)
        elif state == "withdrawn_office":
            self.tl(rows, p, p.decided, "withdraw", "submitted", "withdrawn", actor=author, note="另行提交")
            updated = p.decided
        elif state == "rejected":
            v["rejection_ground"] = rng.choice(REJECTION_GROUNDS)
            v["office_comment"] = "经审查，该提案不符合立案条件，建议通过其他渠道反映。"
            self.tl(rows, p, p.decided, "reject", "submitted", "rejected", actor=office, note=v["office_comment"])
            updated = p.decided
        elif state == "converted":
            v["converted_kind"] = "opinion_report" if rng.random() < 0.7 else "suggestion"
            v["office_comment"] = "内容较为具体，转为社情民意信息办理。"
            self.tl(rows, p, p.decided, "convert", "submitted", "converted", actor=office, note=v["office_comment"])
            updated = p.decided
        elif state == "merged":
            target = p.merged_into
            note = f"{p.year}{target.seq:04d} {target.title}"
            self.tl(rows, p, p.decided, "merge", "submitted", "merged", actor=office, note=note)
            self.tl(rows, target, p.decided, "merged_in", actor=office, note=p.title)
            updated = p.decided
        number = f"{p.year}{p.seq:04d}" if p.seq else ""
        if p.seq:
            v["registered_at"] = p.decided
            self.tl(rows, p, p.decided, "register", "submitted", "registered", actor=office, note=number)
            updated = p.decided
            if state != "registered":
                updated = self.handle(p, v, rows)
        lead = p.lead
        rows["proposals_proposal"].append(
            (
                p.id,
                p.year,
                p.session is not None,
                p.seq,
                number,
                p.title,
                analysis,
                suggestions,
                db_state,
                p.created,
                max(updated, p.created),
                p.submitted,
                v["cosign_deadline"],
                v["registered_at"],
                v["assigned_at"],
                v["replied_at"],
                v["evaluation_deadline"],
                v["closed_at"],
                v["converted_kind"],
                v["rejection_ground"],
                v["office_comment"],
                v["rehandling_count"],
                p.key,
                p.excellent,
                v["followup_on"],
                False,
                author,
                p.category,
                p.collective[0] if p.collective else None,
                lead[0] if lead else None,
                lead[3] if lead and p.submitted else None,
                lead[2] if lead and p.submitted else None,
                p.merged_into.id if p.merged_into else None,
                p.session,
                ref.leader_user if p.key else None,
            )
        )

    def between(self, lo: datetime.datetime, hi: datetime.datetime) -> datetime.datetime:
        """A moment between ``lo`` and ``hi`` (``lo`` plus a few minutes when the span is empty)."""
        if hi <= lo:
            return lo + datetime.timedelta(minutes=self.rng.randint(1, 30))
        return lo + (hi - lo) * self.rng.random()

    def handle(self, p: P, v: dict, rows) -> datetime.datetime:
        """Assignments, contacts, replies, evaluations and the steps after registration, up to the proposal's
        state; returns the time of the last change."""
        rng, ref, office, now = self.rng, self.ref, self.ref.office_user, self.now
        state = p.state
        live = state == "assigned"  # the current year's proposals still being handled
        assigned = self.later(p.decided, 2, 12)
        if assigned > now:
            assigned = self.between(p.decided, now - HOUR)
        v["assigned_at"] = assigned
        due = add_months(assigned.date(), 3)
        units: list[int] = []
        while len(units) < 4:
            u = self.pick_unit()
            if u not in units:
                units.append(u)
        roll = rng.random()
        if roll < 0.7:
            plan = [(units[0], "single")]
        elif roll < 0.8:
            plan = [(u, "separate") for u in units[: rng.choice((2, 2, 3))]]
        else:
            plan = [(units[0], "lead")] + [(u, "co") for u in units[1 : 1 + rng.choice((1, 1, 2, 3))]]
        names = "、".join(ref.unit_name[u] for u, _r in plan)
        self.tl(rows, p, assigned, "assign", "registered", "assigned", actor=office, note=f"{plan[0][1]}：{names}")
        # Rare, past years: the unit disputed the assignment and the office gave it to another unit.
        if not live and plan[0][1] == "single" and rng.random() < 0.01:
            gone = plan[0][0]
            aid = self.new_id("proposals_assignment")
            disputed = self.later(assigned, 1, 4)
            rows["proposals_assignment"].append(
                [
                    aid,
                    "single",
                    "reassigned",
                    assigned,
                    assigned.date() + 7 * DAY,
                    None,
                    due,
                    "不属于本单位职责",
                    "",
                    None,
                    1,
                    "经研究改交其他单位办理",
                    gone,
                    p.id,
                    p.year,
                ]
            )
            self.tl(
                rows,
                p,
                disputed,
                "dispute_assignment",
                "pending",
                "disputed",
                actor=ref.unit_staff[gone][0],
                note="不属于本单位职责",
                internal=True,
                assignment=aid,
            )
            assigned = self.later(disputed, 1, 3)
            self.tl(
                rows,
                p,
                assigned,
                "resolve_dispute",
                "disputed",
                "reassigned",
                actor=office,
                note="经研究改交其他单位办理",
                internal=True,
                assignment=aid,
            )
            u = self.pick_unit()
            while u == gone:
                u = self.pick_unit()
            plan = [(u, "single")]
            due = add_months(assigned.date(), 3)
            self.tl(rows, p, assigned, "reassigned", actor=office, note=ref.unit_name[u])
        owing = [i for i, (_u, role) in enumerate(plan) if role != "co"]
        open_owing = ({i for i in owing if rng.random() < 0.75} or {rng.choice(owing)}) if live else set()
        # Replies are approved by this time at the latest (the current year's proposals in the later states).
        limit = now - HOUR if p.year == self.today.year else None
        last = assigned
        # The approved replies proposers rate: [reply id, assignment id, unit, approved, staff, leader, text, grade].
        current = []
        for i, (unit, role) in enumerate(plan):
            aid = self.new_id("proposals_assignment")
            staff, leader = rng.choice(ref.unit_staff[unit]), ref.unit_leader[unit]
            is_open = i in open_owing
            if role == "co":
                a_state = "opinion_sent" if not live or rng.random() < 0.6 else "accepted"
            elif is_open:
                fresh = (now - assigned).days < 8
                a_state = rng.choices(
                    ["pending", "accepted", "disputed", "reply_signed"], [8 if fresh else 1, 75, 2, 10]
                )[0]
            else:
                a_state = "replied"
            accepted = co_at = None
            co_opinion = ""
            if a_state == "disputed":
                at = self.between(assigned, min(assigned + 5 * DAY, now - HOUR))
                self.tl(
                    rows,
                    p,
                    at,
                    "dispute_assignment",
                    "pending",
                    "disputed",
                    actor=staff,
                    note="建议由其他单位主办",
                    internal=True,
                    assignment=aid,
                )
            elif a_state != "pending":
                accepted = self.later(assigned, 0.2, 5)
                if accepted > now:
                    accepted = self.between(assigned, now - HOUR)
                self.tl(rows, p, accepted, "accept_assignment", "pending", "accepted", actor=staff, assignment=aid)
                last = max(last, accepted)
            if a_state == "opinion_sent":
                co_at = self.later(accepted, 7, 30)
                if limit:
                    co_at = min(co_at, limit)
                co_opinion = "我单位原则同意主办单位的办理意见，并将积极配合做好相关工作。"
                self.tl(
                    rows,
                    p,
                    co_at,
                    "submit_co_opinion",
                    "accepted",
                    "opinion_sent",
                    actor=staff,
                    internal=True,
                    assignment=aid,
                )
            if accepted is not None and role != "co":
                contact_day = (accepted + datetime.timedelta(days=rng.uniform(1, 25))).date()
                if contact_day < self.today:
                    rows["proposals_contact"].append(
                        (
                            self.new_id("proposals_contact"),
                            contact_day,
                            rng.choice(CONTACT_WAYS),
                            "与提案人沟通办理思路，听取意见建议。",
                            self.moment(contact_day, 9, 18),
                            (contact_day - accepted.date()).days > 21,
                            aid,
                            staff,
                        )
                    )
            if accepted is not None and role != "co":
                grade = self.pick_grade()
                text = REPLY_TEXT.format(u=ref.unit_name[unit], t=p.title, s=p.subject)
                due_at = datetime.datetime.combine(due, datetime.time(10), TZ)
                if rng.random() < 0.92:  # on time
                    drafted = self.between(accepted + 20 * DAY, due_at - 5 * DAY)
                else:
                    drafted = self.later(due_at, 1, 30)
                if limit and drafted > limit - 2 * DAY:
                    drafted = self.between(accepted, limit - 2 * DAY)
                signed = self.later(drafted, 0.1, 2)
                if limit:
                    signed = max(drafted + datetime.timedelta(minutes=1), min(signed, limit))
                if a_state == "accepted" and is_open:
                    # Still working: perhaps a draft waiting for the leader, or a reply the office sent back.
                    roll = rng.random()
                    if roll < 0.25:
                        rows["proposals_reply"].append(
                            (
                                self.new_id("proposals_reply"),
                                1,
                                text,
                                grade,
                                "",
                                "",
                                "draft",
                                drafted,
                                None,
                                None,
                                "",
                                None,
                                aid,
                                staff,
                                None,
                            )
                        )
                        self.tl(
                            rows,
                            p,
                            drafted,
                            "draft_reply",
                            actor=staff,
                            note=f"答复类别 {grade}",
                            internal=True,
                            assignment=aid,
                        )
                    elif roll < 0.32:
                        comment = "请补充具体措施和时间安排。"
                        rows["proposals_reply"].append(
                            (
                                self.new_id("proposals_reply"),
                                1,
                                text,
                                grade,
                                "",
                                "",
                                "returned",
                                drafted,
                                signed,
                                None,
                                comment,
                                None,
                                aid,
                                staff,
                                leader,
                            )
                        )
                        self.tl(
                            rows,
                            p,
                            self.between(signed, limit),
                            "return_reply",
                            "reply_signed",
                            "accepted",
                            actor=office,
                            note=comment,
                            internal=True,
                            assignment=aid,
                        )
                elif a_state == "reply_signed":
                    rows["proposals_reply"].append(
                        (
                            self.new_id("proposals_reply"),
                            1,
                            text,
                            grade,
                            "",
                            "",
                            "signed",
                            drafted,
                            signed,
                            None,
                            "",
                            None,
                            aid,
                            staff,
                            leader,
                        )
                    )
                    self.tl(
                        rows,
                        p,
                        signed,
                        "sign_reply",
                        "accepted",
                        "reply_signed",
                        actor=leader,
                        note=f"答复类别 {grade}",
                        assignment=aid,
                    )
                    last = max(last, signed)
                elif a_state == "replied":
                    approved = self.later(signed, 0.5, 4)
                    if limit:
                        approved = min(approved, limit)
                    office_grade, note = "", ""
                    if rng.random() < 0.02:
                        office_grade, note = ("B" if grade == "A" else "A"), "根据办理实际调整答复类别"
                    rid = self.new_id("proposals_reply")
                    rows["proposals_reply"].append(
                        (
                            rid,
                            1,
                            text,
                            grade,
                            office_grade,
                            note,
                            "approved",
                            drafted,
                            signed,
                            approved,
                            "",
                            office,
                            aid,
                            staff,
                            leader,
                        )
                    )
                    self.tl(
                        rows,
                        p,
                        signed,
                        "sign_reply",
                        "accepted",
                        "reply_signed",
                        actor=leader,
                        note=f"答复类别 {grade}",
                        assignment=aid,
                    )
                    self.tl(
                        rows,
                        p,
                        approved,
                        "approve_reply",
                        "reply_signed",
                        "replied",
                        actor=office,
                        note=f"答复类别 {office_grade or grade}",
                        assignment=aid,
                    )
                    current.append([rid, aid, unit, approved, staff, leader, text, office_grade or grade])
                    last = max(last, approved)
            rows["proposals_assignment"].append(
                [
                    aid,
                    role,
                    a_state,
                    assigned,
                    assigned.date() + 7 * DAY,
                    accepted,
                    due,
                    "",
                    co_opinion,
                    co_at,
                    1,
                    "",
                    unit,
                    p.id,
                    p.year,
                ]
            )
        if live or not current:
            return last
        # Every owed reply approved: replied, and at once sent to the proposers for evaluation.
        replied = max(r[3] for r in current)
        v["replied_at"], v["evaluation_deadline"] = replied, replied.date() + 21 * DAY
        self.tl(rows, p, replied, "replies_complete", "assigned", "replied")
        if state == "replied":
            return replied
        self.tl(rows, p, replied, "send_for_evaluation", "replied", "evaluating")
        rehandle = state == "rehandling" or (state == "closed" and p.year < self.today.year and rng.random() < 0.01)
        if rehandle:
            # The proposer is not satisfied with the first reply; the office has the unit handle it again.
            first = current[0]
            at = self.later(replied, 1, 8)
            again = self.later(at, 1, 4)
            if limit:
                at, again = min(at, limit - HOUR), min(again, limit)
            rows["proposals_evaluation"].append(
                (
                    self.new_id("proposals_evaluation"),
                    "dissatisfied",
                    "答复内容空泛，未回应具体建议。",
                    at,
                    p.author,
                    p.id,
                    first[0],
                )
            )
            self.tl(rows, p, at, "evaluate", actor=p.author, note=f"{ref.unit_name[first[2]]}：不满意")
            self.tl(
                rows,
                p,
                again,
                "request_rehandling",
                "evaluating",
                "rehandling",
                actor=office,
                note="请针对提案人意见重新办理",
            )
            v["rehandling_count"], v["evaluation_deadline"] = 1, None
            row = next(r for r in rows["proposals_assignment"] if r[0] == first[1])
            row[10], row[6] = 2, add_months(again.date(), 1)  # round 2, a new due date
            if state == "rehandling":
                row[2] = "accepted"
                return again
            drafted = self.later(again, 5, 20)
            signed = self.later(drafted, 0.1, 2)
            approved = self.later(signed, 0.5, 3)
            rid = self.new_id("proposals_reply")
            rows["proposals_reply"].append(
                (
                    rid,
                    2,
                    first[6] + "（重新办理）",
                    "B",
                    "",
                    "",
                    "approved",
                    drafted,
                    signed,
                    approved,
                    "",
                    office,
                    first[1],
                    first[4],
                    first[5],
                )
            )
            self.tl(
                rows,
                p,
                signed,
                "sign_reply",
                "accepted",
                "reply_signed",
                actor=first[5],
                note="答复类别 B",
                assignment=first[1],
            )
            self.tl(
                rows,
                p,
                approved,
                "approve_reply",
                "reply_signed",
                "replied",
                actor=office,
                note="答复类别 B",
                assignment=first[1],
            )
            first[0], first[3], first[7] = rid, approved, "B"
            replied = max(r[3] for r in current)
            v["replied_at"], v["evaluation_deadline"] = replied, replied.date() + 21 * DAY
            self.tl(rows, p, replied, "replies_complete", "rehandling", "replied")
            self.tl(rows, p, replied, "send_for_evaluation", "replied", "evaluating")
        rated, unrated = [], []
        for rid, _aid, unit, *_rest in current:
            for on_behalf in [p, *p.merged_in]:
                value = self.pick_satisfaction()
                if value == "dissatisfied" and rehandle:
                    value = "basically_satisfied"
                if state == "evaluating" and rng.random() < 0.5:
                    continue  # still awaited
                if value == "not_rated":
                    unrated.append((rid, on_behalf))
                    continue
                at = self.later(replied, 1, 18)
                if limit:
                    at = min(at, limit)
                rated.append(at)
                rows["proposals_evaluation"].append(
                    (
                        self.new_id("proposals_evaluation"),
                        value,
                        "答复未能解决实际问题。" if value == "dissatisfied" else "",
                        at,
                        on_behalf.author,
                        on_behalf.id,
                        rid,
                    )
                )
                self.tl(
                    rows,
                    p,
                    at,
                    "evaluate",
                    actor=on_behalf.author,
                    note=f"{ref.unit_name[unit]}：{SATISFACTION_LABEL[value]}",
                )
        if state == "evaluating":
            return max([replied, *rated])
        # Closed when every rating is in, or after the window (the missing ratings recorded as not rated).
        if unrated:
            closed = self.later(datetime.datetime.combine(v["evaluation_deadline"], datetime.time(18), TZ), 1, 5)
            for rid, on_behalf in unrated:
                rows["proposals_evaluation"].append(
                    (self.new_id("proposals_evaluation"), "not_rated", "", closed, None, on_behalf.id, rid)
                )
        else:
            closed = self.later(max([replied, *rated]), 1, 8)
        v["closed_at"] = closed
        self.tl(rows, p, closed, "close", "evaluating", "closed", actor=office)
        if any(r[7] == "B" for r in current):
            v["followup_on"] = add_months(closed.date(), 12)
        return closed


SATISFACTION_LABEL = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
    "not_rated": "未测评",
}


# Activities and the ledger -------------------------------------------------------------------------------------


class ActivityHistory:
    def __init__(self, cur, ref: Ref, rng: random.Random, today: datetime.date, log):
        self.cur, self.ref, self.rng, self.today, self.log = cur, ref, rng, today, log
        self.first_year = today.year - YEARS + 1
        self.activity_id = next_id(cur, "duty_activity")
        self.invitation_id = next_id(cur, "duty_invitation")
        self.counts = {"duty_activity": 0, "duty_invitation": 0, "ledger_rows": 0}
        # Each member's habits: most attend nearly everything, a few are often absent or on leave.
        self.habit = {}
        for m in ref.members:
            roll = rng.random()
            self.habit[m[0]] = (0.03, 0.06) if roll < 0.8 else ((0.12, 0.12) if roll < 0.95 else (0.3, 0.15))
        kinds = [k for k in ACTIVITY_KINDS if k[0] in ref.kinds]
        self.pick_kind = Weighted(rng, kinds, [k[1] for k in kinds])
        self.sessions = {s[1]: s for s in ref.sessions}

    def activity_row(self, title, kind, start, end, half_days, hours, spec, *, organiser=None, state="closed"):
        rng = self.rng
        pk = self.activity_id
        self.activity_id += 1
        midnight = datetime.datetime.combine(self.today, datetime.time(0), TZ)  # nothing happens after it
        published = min(start - datetime.timedelta(days=rng.uniform(5, 20)), midnight - datetime.timedelta(hours=9))
        closed = None
        if state == "closed":
            closed = max(end, min(end + datetime.timedelta(hours=rng.uniform(1, 30)), midnight - HOUR))
        return (
            pk,
            title,
            start,
            end,
            rng.choice(["省政协机关会议室", "省政协礼堂", "江西艺术中心", "现场", "线上"]),
            f"{title}。请受邀委员准时参加。",
            state,
            "required",
            None,
            None,
            json.dumps(spec, ensure_ascii=False),
            half_days,
            hours,
            f"{rng.getrandbits(128):032x}",
            published - DAY,
            published,
            closed,
            self.ref.staff_user,
            organiser,
            self.ref.kinds[kind],
        )

    def invitations(self, activity, members, *, plenary=False, closed=True):
        """Invitation rows of ``activity`` and the ledger rows they will make (attendance, training hours)."""
        rng = self.rng
        pk, start, hours = activity[0], activity[2], activity[12]
        out, ledger = [], 0
        for m in members:
            status, checked = "", None
            if closed:
                absent, leave = self.habit[m]
                if plenary:
                    absent, leave = absent / 3, leave / 2
                roll = rng.random()
                if roll < absent:
                    status = "absent"
                elif roll < absent + leave:
                    status = "on_leave"
                elif roll < absent + leave + 0.04:
                    status = "late"
                    checked = start + datetime.timedelta(minutes=rng.randint(16, 70))
                else:
                    status = "present"
                    checked = start - datetime.timedelta(minutes=rng.randint(0, 45))
                ledger += 1 + (1 if hours and status in ("present", "late") else 0)
            out.append((self.invitation_id, None, checked, bool(checked) and rng.random() < 0.1, status, pk, m))
            self.invitation_id += 1
        return out, ledger

    def run(self, target_rows: int) -> None:
        rng, ref, today = self.rng, self.ref, self.today
        years = list(range(self.first_year, today.year + 1))
        elapsed = (today - datetime.date(today.year, 1, 1)).days / 365
        per_year = allocate(target_rows, [1.0] * (len(years) - 1) + [elapsed])
        serving_set = {m[0] for m in ref.members if m[4]}
        # Whom an activity invites: one sector's or one special committee's members (or a sample of them).
        pools_all = [("sector", sid, ids) for sid, ids in ref.sectors.items()] + [
            ("special_committee", sid, ids) for sid, ids in ref.special_committees.items()
        ]
        pools_serving = [(kind, sid, [m for m in ids if m in serving_set]) for kind, sid, ids in pools_all]
        all_ids = [m[0] for m in ref.members]
        serving = [m[0] for m in ref.members if m[4]]
        for year, target in zip(years, per_year, strict=True):
            began = time.monotonic()
            current = year == today.year
            people = serving if current else all_ids
            activities, invitations, ledger = [], [], 0
            # The plenary (five half days) and four standing-committee meetings.
            s = self.sessions.get(year)
            opens = s[5] if s else datetime.date(year, 1, 15)
            start = datetime.datetime.combine(opens, datetime.time(9), TZ)
            row = self.activity_row(
                f"政协江西省委员会{year}年全体会议",
                "plenary",
                start,
                start + datetime.timedelta(days=2, hours=8),
                5,
                0,
                {"all": True},
            )
            activities.append(row)
            inv, n = self.invitations(row, people, plenary=True)
            invitations += inv
            ledger += n
            for q in range(4):
                day = datetime.date(year, 3 * q + 3, rng.randint(5, 25))
                if current and day >= today:
                    continue
                start = datetime.datetime.combine(day, datetime.time(9), TZ)
                row = self.activity_row(
                    f"{year}年第{q + 1}次常委会议",
                    "standing_committee",
                    start,
                    start + 7 * HOUR,
                    1,
                    0,
                    {"standing_committee": True},
                )
                activities.append(row)
                inv, n = self.invitations(row, ref.standing)
                invitations += inv
                ledger += n
            last_day = (today - 2 * DAY) if current else datetime.date(year, 12, 20)
            first_day = datetime.date(year, 2, 1)
            span = (last_day - first_day).days
            while ledger < target:
                code, _w, half_days = self.pick_kind()
                day = first_day + datetime.timedelta(days=rng.randint(0, span))
                start = datetime.datetime.combine(day, datetime.time(rng.choice((9, 14)), rng.choice((0, 30))), TZ)
                end = start + (datetime.timedelta(hours=3) if half_days == 1 else datetime.timedelta(days=1, hours=8))
                hours = rng.choice((2, 4, 6, 8, 12, 16)) if code == "training" else 0
                size = max(20, min(600, int(rng.lognormvariate(math.log(120), 0.6))))
                if code == "chairs_meeting":
                    members = rng.sample(ref.standing, 30)
                    spec = {"member_ids": sorted(members)}
                    organiser = None
                else:
                    kind, pool_id, pool = rng.choice(pools_serving if current else pools_all)
                    members = rng.sample(pool, min(size, len(pool)))
                    spec = {f"{kind}_ids": [pool_id]} if len(members) == len(pool) else {"member_ids": sorted(members)}
                    organiser = pool_id if kind == "special_committee" else None
                title = f"{CITIES[rng.randrange(len(CITIES))]}{rng.choice(SUBJECTS)}{dict(KIND_TITLES)[code]}"
                row = self.activity_row(title, code, start, end, half_days, hours, spec, organiser=organiser)
                activities.append(row)
                inv, n = self.invitations(row, members)
                invitations += inv
                ledger += n
            if current:
                # Published, not yet held: December's activities, invitations without a status.
                for _ in range(12):
                    day = today + datetime.timedelta(days=rng.randint(3, 30))
                    start = datetime.datetime.combine(day, datetime.time(9), TZ)
                    _kind, _pool_id, pool = rng.choice(pools_serving)
                    members = rng.sample(pool, min(80, len(pool)))
                    row = self.activity_row(
                        f"{rng.choice(SUBJECTS)}专题调研",
                        "research",
                        start,
                        start + 3 * HOUR,
                        1,
                        0,
                        {"member_ids": sorted(members)},
                        state="published",
                    )
                    activities.append(row)
                    inv, _n = self.invitations(row, members, closed=False)
                    invitations += inv
            self.counts["duty_activity"] += copy_rows(self.cur, "duty_activity", activities)
            self.counts["duty_invitation"] += copy_rows(self.cur, "duty_invitation", invitations)
            self.counts["ledger_rows"] += ledger
            self.log(
                f"  {year}: {len(activities):,} activities, {len(invitations):,} invitations, "
                f"{ledger:,} attendance and training rows to come ({time.monotonic() - began:.1f} s)"
            )


KIND_TITLES = [
    ("consultation", "专题协商会"),
    ("inspection", "视察"),
    ("research", "专题调研"),
    ("training", "委员培训班"),
    ("seminar", "理论研讨会"),
    ("sector_activity", "界别活动"),
    ("appraisal", "民主评议"),
    ("online_deliberation", "网络议政"),
    ("chairs_meeting", "主席会议"),
    ("other", "委员活动"),
]

LEDGER_COLUMNS = (
    "kind, year, occurred_on, source_type, source_id, source_label, quantity, sign, share_count, note, created_at, "
    "created_by_id, member_id, reverses_id"
)
LOCAL_DATE = "(({col}) AT TIME ZONE 'Asia/Shanghai')::date"


def ledger_from_proposals(cur, today: datetime.date, office_user: int) -> int:
    """The proposal kinds, as the actions write them: submitted (lead), registered (lead / co-signer / collective
    contact, shared among the lead and the confirmed co-signers), key and excellent (lead and co-signers)."""
    registered = "p.state IN ('registered', 'assigned', 'replied', 'evaluating', 'rehandling', 'closed')"
    confirmed = "JOIN proposals_cosignature c ON c.proposal_id = p.id AND c.state = 'confirmed'"
    reg_day = LOCAL_DATE.format(col="p.registered_at")
    key_at = "p.registered_at + interval '35 days'"
    exc_at = "make_timestamptz(p.year, 12, 15, 10, 0, 0, 'Asia/Shanghai')"
    office = str(int(office_user))
    # kind, member, day, shared by, created at, created by, FROM … WHERE
    statements = [
        (
            "proposal_submitted",
            "p.lead_member_id",
            LOCAL_DATE.format(col="p.submitted_at"),
            "1",
            "p.submitted_at",
            "p.author_id",
            "WHERE p.lead_member_id IS NOT NULL AND p.submitted_at IS NOT NULL",
        ),
        (
            "proposal_registered_lead",
            "p.lead_member_id",
            reg_day,
            "1 + coalesce(cc.n, 0)",
            "p.registered_at",
            office,
            f"WHERE p.lead_member_id IS NOT NULL AND {registered}",
        ),
        (
            "proposal_registered_cosigner",
            "c.member_id",
            reg_day,
            "1 + coalesce(cc.n, 0)",
            "p.registered_at",
            office,
            f"{confirmed} WHERE {registered}",
        ),
        (
            "proposal_registered_collective",
            "m.id",
            reg_day,
            "1",
            "p.registered_at",
            office,
            f"JOIN people_member m ON m.user_id = p.author_id WHERE p.collective_id IS NOT NULL AND {registered}",
        ),
        (
            "key_proposal_lead",
            "p.lead_member_id",
            LOCAL_DATE.format(col=key_at),
            "1",
            key_at,
            office,
            "WHERE p.lead_member_id IS NOT NULL AND p.key_state = 'approved'",
        ),
        (
            "key_proposal_cosigner",
            "c.member_id",
            LOCAL_DATE.format(col=key_at),
            "1",
            key_at,
            office,
            f"{confirmed} WHERE p.key_state = 'approved'",
        ),
        (
            "excellent_proposal_lead",
            "p.lead_member_id",
            LOCAL_DATE.format(col=exc_at),
            "1",
            exc_at,
            office,
            "WHERE p.lead_member_id IS NOT NULL AND p.excellent_state = 'approved'",
        ),
        (
            "excellent_proposal_cosigner",
            "c.member_id",
            LOCAL_DATE.format(col=exc_at),
            "1",
            exc_at,
            office,
            f"{confirmed} WHERE p.excellent_state = 'approved'",
        ),
    ]
    label = "left(CASE WHEN p.number <> '' THEN p.number || ' ' || p.title ELSE p.title END, 255)"
    shares = (
        "LEFT JOIN (SELECT proposal_id, count(*) AS n FROM proposals_cosignature WHERE state = 'confirmed' "
        "GROUP BY proposal_id) cc ON cc.proposal_id = p.id"
    )
    total = 0
    for kind, member, day, share, at, actor, where in statements:
        cur.execute(
            f"INSERT INTO duty_dutyrecord ({LEDGER_COLUMNS}) "
            f"SELECT %s, extract(year FROM d)::int, d, 'proposals.proposal', pid, label, 1, 1, share, '', at, actor, "
            f"member, NULL FROM (SELECT p.id AS pid, {label} AS label, {member} AS member, {day} AS d, "
            f"{share} AS share, {at} AS at, {actor} AS actor FROM proposals_proposal p {shares} {where}) s "
            f"WHERE d <= %s ORDER BY pid",
            (kind, today),
        )
        total += cur.rowcount
    return total


def ledger_from_invitations(cur) -> int:
    """Attendance by activity kind (quantity: half days when present or late) and training hours."""
    day = LOCAL_DATE.format(col="a.start")
    cur.execute(
        f"INSERT INTO duty_dutyrecord ({LEDGER_COLUMNS}) "
        f"SELECT CASE i.status WHEN 'present' THEN 'attended.' WHEN 'late' THEN 'late.' "
        f"WHEN 'on_leave' THEN 'on_leave.' ELSE 'absent.' END || k.code, extract(year FROM {day})::int, {day}, "
        f"'duty.invitation', i.id, left(a.title, 255), "
        f"CASE WHEN i.status IN ('present', 'late') THEN a.half_days ELSE 1 END, 1, 1, '', a.closed_at, "
        f"a.created_by_id, i.member_id, NULL "
        f"FROM duty_invitation i JOIN duty_activity a ON a.id = i.activity_id "
        f"JOIN duty_activitykind k ON k.id = a.kind_id "
        f"WHERE a.state = 'closed' AND i.status <> '' ORDER BY a.start, i.id"
    )
    n = cur.rowcount
    cur.execute(
        f"INSERT INTO duty_dutyrecord ({LEDGER_COLUMNS}) "
        f"SELECT 'training_hours', extract(year FROM {day})::int, {day}, 'duty.invitation', i.id, left(a.title, 255), "
        f"a.training_hours, 1, 1, '', a.closed_at, a.created_by_id, i.member_id, NULL "
        f"FROM duty_invitation i JOIN duty_activity a ON a.id = i.activity_id "
        f"WHERE a.state = 'closed' AND a.training_hours > 0 AND i.status IN ('present', 'late') ORDER BY a.start, i.id"
    )
    return n + cur.rowcount


def ledger_opinions(cur, rows: int, first_year: int, today: datetime.date, staff_user: int, seed: int) -> int:
    """Opinion reports (社情民意) and a few staff-entered "other" rows, spread over the years, to make up the total."""
    cur.execute("SELECT setseed(%s)", ((seed % 1000) / 1000,))
    days = (today - datetime.date(first_year, 1, 1)).days
    cur.execute(
        f"INSERT INTO duty_dutyrecord ({LEDGER_COLUMNS}) "
        "SELECT kind, extract(year FROM d)::int, d, "
        "CASE WHEN kind = 'other' THEN 'duty.manual' ELSE 'opinions.report' END, "
        "CASE WHEN kind = 'other' THEN 0 ELSE g END, "
        "CASE WHEN kind = 'other' THEN '参加省政协“委员进基层”活动' ELSE '社情民意信息第' || g || '期' END, "
        "1, 1, 1, CASE WHEN kind = 'other' THEN '补录' ELSE '' END, d + time '10:00', "
        "CASE WHEN kind = 'other' THEN %s::bigint END, member, NULL "
        "FROM (SELECT g, %s::date + floor(random() * %s)::int AS d, "
        "  m.ids[1 + floor(power(random(), 1.3) * array_length(m.ids, 1))::int] AS member, "
        "  CASE WHEN r < 0.80 THEN 'opinion_submitted' WHEN r < 0.88 THEN 'opinion_adopted_district' "
        "  WHEN r < 0.93 THEN 'opinion_adopted_city' WHEN r < 0.96 THEN 'opinion_adopted_province' "
        "  WHEN r < 0.97 THEN 'opinion_adopted_national' WHEN r < 0.985 THEN 'leader_instruction' "
        "  ELSE 'other' END AS kind "
        "  FROM generate_series(1, %s) g, (SELECT array_agg(id ORDER BY random()) ids FROM people_member) m, "
        "  LATERAL (SELECT random() + g * 0 AS r) x) s ORDER BY d, g",
        (staff_user, datetime.date(first_year, 1, 1), days, rows),
    )
    return cur.rowcount


# Main --------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a province-tier database from bench/generate.py")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--proposals", type=int, default=PROPOSALS_TOTAL, help="over ten years (%(default)s)")
    parser.add_argument("--duty-rows", type=int, default=DUTY_TOTAL, help="ledger rows in all (%(default)s)")
    parser.add_argument("--skip-scores", action="store_true", help="do not compute MemberYearScore")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = absolute_database_url(args.database_url)
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengxie.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    log = log_factory()
    if connection.vendor != "postgresql":
        print("error: generate_history.py needs PostgreSQL (it loads with COPY)", file=sys.stderr)
        return 2
    today = timezone.localdate()
    rng = random.Random(args.seed)
    phases: dict[str, float] = {}

    def phase(name: str, began: float) -> None:
        phases[name] = time.monotonic() - began
        log(f"{name}: {phases[name]:.1f} s")

    connection.ensure_connection()
    with transaction.atomic():
        cur = connection.connection.cursor()
        cur.execute("SELECT count(*) FROM people_committee WHERE name = %s", (PROVINCE_COMMITTEE,))
        if not cur.fetchone()[0]:
            print("error: no province tier here: run bench/generate.py --tier province first", file=sys.stderr)
            return 2
        cur.execute("SELECT (SELECT count(*) FROM proposals_proposal), (SELECT count(*) FROM duty_dutyrecord)")
        if any(cur.fetchone()):
            print("error: this database already holds proposals or duty records; use a fresh copy", file=sys.stderr)
            return 2
        began = time.monotonic()
        ref = load_reference(cur, log)
        log(
            f"{len(ref.members):,} members, {len(ref.units):,} units, {len(ref.sessions)} sessions; "
            f"history {today.year - YEARS + 1}–{today.year} up to {today}"
        )
        cur.execute("SET LOCAL session_replication_role = replica")  # no FK triggers while loading
        cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cur.execute("SET LOCAL synchronous_commit = off")
        dropped = drop_indexes(cur, BULK_TABLES)
        phase("reference data, indexes dropped", began)

        began = time.monotonic()
        proposals = ProposalHistory(cur, ref, rng, today, log, args.proposals)
        proposals.run()
        phase("proposals (COPY)", began)

        began = time.monotonic()
        from_proposals = ledger_from_proposals(cur, today, ref.office_user)
        phase(f"ledger: {from_proposals:,} proposal rows (INSERT … SELECT)", began)

        began = time.monotonic()
        activities = ActivityHistory(cur, ref, rng, today, log)
        opinion_share = 0.1
        attendance_target = int((args.duty_rows - from_proposals) * (1 - opinion_share))
        activities.run(attendance_target)
        phase("activities and invitations (COPY)", began)

        began = time.monotonic()
        from_invitations = ledger_from_invitations(cur)
        phase(f"ledger: {from_invitations:,} attendance and training rows (INSERT … SELECT)", began)

        began = time.monotonic()
        remaining = args.duty_rows - from_proposals - from_invitations
        if remaining < 0:
            log(f"warning: attendance alone exceeds --duty-rows by {-remaining:,} (too small a --duty-rows)")
        from_opinions = ledger_opinions(cur, remaining, today.year - YEARS + 1, today, ref.staff_user, args.seed)
        phase(f"ledger: {from_opinions:,} opinion-report and other rows (INSERT … SELECT)", began)

        began = time.monotonic()
        for _name, definition in dropped:
            cur.execute(definition)
        for table in BULK_TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        cur.execute("SET LOCAL session_replication_role = DEFAULT")
        phase(f"{len(dropped)} indexes rebuilt, sequences set", began)

        began = time.monotonic()
        problems = check_integrity(cur)
        phase("foreign keys and numbering checked", began)
        if problems:
            for p in problems:
                print(f"integrity: {p}", file=sys.stderr)
            raise SystemExit("integrity check failed: nothing was written")

        began = time.monotonic()
        from zhengxie.proposals.models import Assignment
        from zhengxie.proposals.statistics import refresh_assignment_figures

        stored = refresh_assignment_figures(Assignment.objects.all())
        phase(f"statistics figures of {stored:,} assignments stored", began)

    began = time.monotonic()
    with connection.cursor() as cur:  # Django's connection is in autocommit outside atomic()
        cur.execute("VACUUM ANALYZE")
    phase("VACUUM ANALYZE", began)

    if not args.skip_scores:
        from zhengxie.duty.points import recompute_year

        for year in range(today.year - YEARS + 1, today.year + 1):
            began = time.monotonic()
            n = recompute_year(year=year)
            seconds = time.monotonic() - began
            phases[f"recompute_year({year})"] = seconds
            verdict = "within" if seconds <= 60 else "OVER"
            log(f"recompute_year({year}): {n:,} members in {seconds:.1f} s ({verdict} the 60 s goal)")
        began = time.monotonic()
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE duty_memberyearscore")
        phase("VACUUM ANALYZE duty_memberyearscore", began)

    with connection.cursor() as cur:
        summary = {}
        for table in [*COLUMNS, "duty_dutyrecord", "duty_memberyearscore", "proposals_yearcounter"]:
            cur.execute(f"SELECT count(*) FROM {table}")
            summary[table] = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM proposals_assignment a JOIN people_handlingunit u ON u.id = a.unit_id "
            "WHERE u.name = %s",
            (DEMO_UNIT,),
        )
        summary[f"assignments of {DEMO_UNIT}"] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    print("\nrows:")
    for table, n in summary.items():
        print(f"  {table:<42} {n:>10,}")
    print(f"database size: {size}")
    print("phases (s): " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()))
    return 0


FOREIGN_KEYS = [
    ("proposals_proposal", "author_id", "accounts_user"),
    ("proposals_proposal", "lead_member_id", "people_member"),
    ("proposals_proposal", "collective_id", "people_collectiveproposer"),
    ("proposals_proposal", "category_id", "proposals_category"),
    ("proposals_proposal", "merged_into_id", "proposals_proposal"),
    ("proposals_proposal", "session_id", "people_session"),
    ("proposals_proposal", "lead_sector_id", "people_sector"),
    ("proposals_proposal", "lead_party_id", "people_party"),
    ("proposals_proposal", "supervising_leader_id", "accounts_user"),
    ("proposals_cosignature", "proposal_id", "proposals_proposal"),
    ("proposals_cosignature", "member_id", "people_member"),
    ("proposals_proposal_suggested_units", "proposal_id", "proposals_proposal"),
    ("proposals_proposal_suggested_units", "handlingunit_id", "people_handlingunit"),
    ("proposals_assignment", "proposal_id", "proposals_proposal"),
    ("proposals_assignment", "unit_id", "people_handlingunit"),
    ("proposals_reply", "assignment_id", "proposals_assignment"),
    ("proposals_reply", "drafted_by_id", "accounts_user"),
    ("proposals_reply", "signed_by_id", "accounts_user"),
    ("proposals_reply", "approved_by_id", "accounts_user"),
    ("proposals_contact", "assignment_id", "proposals_assignment"),
    ("proposals_contact", "recorded_by_id", "accounts_user"),
    ("proposals_evaluation", "reply_id", "proposals_reply"),
    ("proposals_evaluation", "proposal_id", "proposals_proposal"),
    ("proposals_evaluation", "evaluator_id", "accounts_user"),
    ("proposals_timelineentry", "proposal_id", "proposals_proposal"),
    ("proposals_timelineentry", "assignment_id", "proposals_assignment"),
    ("proposals_timelineentry", "actor_id", "accounts_user"),
    ("duty_activity", "kind_id", "duty_activitykind"),
    ("duty_activity", "organiser_id", "people_specialcommittee"),
    ("duty_activity", "created_by_id", "accounts_user"),
    ("duty_invitation", "activity_id", "duty_activity"),
    ("duty_invitation", "member_id", "people_member"),
    ("duty_dutyrecord", "member_id", "people_member"),
    ("duty_dutyrecord", "created_by_id", "accounts_user"),
]


def check_integrity(cur) -> list[str]:
    """The foreign keys the load did not check (triggers were off), the unique numbering, and the counters."""
    problems = []
    for table, column, target in FOREIGN_KEYS:
        cur.execute(
            f"SELECT count(*) FROM {table} t WHERE t.{column} IS NOT NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {target} x WHERE x.id = t.{column})"
        )
        n = cur.fetchone()[0]
        if n:
            problems.append(f"{n} rows of {table}.{column} point to no {target}")
    cur.execute(
        "SELECT p.year, count(p.seq), max(p.seq), count(DISTINCT p.seq), c.last_seq FROM proposals_proposal p "
        "LEFT JOIN proposals_yearcounter c ON c.year = p.year WHERE p.seq IS NOT NULL GROUP BY p.year, c.last_seq"
    )
    for year, n, top, distinct, last in cur.fetchall():
        if not (n == top == distinct == last):
            problems.append(f"{year}: {n} numbers, max {top}, {distinct} distinct, counter {last}: not gapless")
    return problems


if __name__ == "__main__":
    sys.exit(main())
