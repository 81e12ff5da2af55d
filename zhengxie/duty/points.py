"""Points (履职积分): the year's rule table applied to the ledger. ``compute`` is the one computation; the stored
``MemberYearScore`` rows, the archive page, the committee table and the API all come from it."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import models, transaction
from django.db.models import F, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import Member, Term

from .choices import DutyKind
from .models import DutyRecord, MemberYearScore, RuleItem, RuleSet, YearScoreRoster

D = Decimal

DEFAULT_ITEMS = [
    ("attended.plenary", _("出席全体会议（每半天）"), D("5"), None, None),
    ("late.plenary", _("全体会议迟到（每半天）"), D("5"), None, None),
    ("attended.training", _("出席培训（按学时另计）"), D("0"), None, None),
    ("attended.*", _("出席其他会议或活动"), D("3"), None, None),
    ("late.*", _("其他会议或活动迟到"), D("3"), None, None),
    ("absent.plenary", _("无故缺席全体会议"), D("-10"), None, None),
    ("absent.*", _("无故缺席其他会议或活动"), D("-5"), None, None),
    ("on_leave.*", _("请假"), D("0"), None, None),
    ("spoke.plenary", _("大会发言"), D("5"), None, None),
    ("spoke.consultation", _("协商会发言"), D("5"), None, None),
    (DutyKind.PROPOSAL_SUBMITTED, _("提交提案"), D("0"), None, None),
    (DutyKind.PROPOSAL_REGISTERED_LEAD, _("提案立案（第一提案人）"), D("10"), None, None),
    (DutyKind.PROPOSAL_REGISTERED_COSIGNER, _("提案立案（联名）"), D("3"), None, None),
    (DutyKind.PROPOSAL_REGISTERED_COLLECTIVE, _("集体提案（联系人）"), D("3"), None, None),
    (DutyKind.KEY_PROPOSAL_LEAD, _("重点提案（第一提案人）"), D("10"), None, None),
    (DutyKind.KEY_PROPOSAL_COSIGNER, _("重点提案（联名）"), D("2"), None, None),
    (DutyKind.EXCELLENT_PROPOSAL_LEAD, _("优秀提案（第一提案人）"), D("10"), None, None),
    (DutyKind.EXCELLENT_PROPOSAL_COSIGNER, _("优秀提案（联名）"), D("2"), None, None),
    (DutyKind.OPINION_SUBMITTED, _("报送社情民意信息"), D("2"), None, None),
    (DutyKind.OPINION_ADOPTED_DISTRICT, _("社情民意被区级采用"), D("5"), None, None),
    (DutyKind.OPINION_ADOPTED_CITY, _("社情民意被市级采用"), D("10"), None, None),
    (DutyKind.OPINION_ADOPTED_PROVINCE, _("社情民意被省级采用"), D("15"), None, None),
    (DutyKind.OPINION_ADOPTED_NATIONAL, _("社情民意被全国采用"), D("20"), None, None),
    (DutyKind.LEADER_INSTRUCTION, _("获领导批示"), D("10"), None, None),
    (DutyKind.TRAINING_HOURS, _("学习培训（每学时）"), D("0.5"), D("10"), None),
    (DutyKind.SEMINAR_PAPER_SELECTED, _("理论研讨论文入选"), D("5"), None, None),
    (DutyKind.DELIBERATION_OPINION_SELECTED, _("网络议政意见被采纳"), D("3"), None, None),
    (DutyKind.OTHER, _("其他履职"), D("2"), None, None),
]
DEFAULT_GRADES = [["优秀", 90], ["良好", 80], ["称职", 60], ["不称职", 0]]
DEFAULT_MINIMUMS = [
    {"code": "plenary", "label": "出席全体会议", "kinds": ["attended.plenary", "late.plenary"], "count": 1},
    {"code": "activities", "label": "参加至少3次会议或活动", "kinds": ["attended.*", "late.*"], "count": 3},
    {
        "code": "proposal",
        "label": "提交至少1件提案",
        "kinds": [
            DutyKind.PROPOSAL_SUBMITTED,
            DutyKind.PROPOSAL_REGISTERED_COSIGNER,
            DutyKind.PROPOSAL_REGISTERED_COLLECTIVE,
        ],
        "count": 1,
    },
    {"code": "opinion", "label": "报送至少1篇社情民意信息", "kinds": [DutyKind.OPINION_SUBMITTED], "count": 1},
]
DEFAULT_ALERTS = [
    {
        "code": "plenary_absences",
        "label": "一届内两次无故缺席全体会议",
        "kinds": ["absent.plenary"],
        "count": 2,
        "period": "term",
    },
    {
        "code": "standing_absences",
        "label": "一年内三次无故缺席常委会议",
        "kinds": ["absent.standing_committee"],
        "count": 3,
        "period": "year",
    },
]
# Joint items: which kinds are the lead's share and which a co-signer's.
LEAD_SHARE_KINDS = {DutyKind.PROPOSAL_REGISTERED_LEAD, DutyKind.KEY_PROPOSAL_LEAD, DutyKind.EXCELLENT_PROPOSAL_LEAD}
# Kinds written with one code for every author of a joint work (opinion reports and their adoption, instructions):
# the lead is not told apart, so a joint item's points are shared equally among its authors.
EQUAL_SHARE_KINDS = {
    DutyKind.OPINION_SUBMITTED,
    DutyKind.OPINION_ADOPTED_DISTRICT,
    DutyKind.OPINION_ADOPTED_CITY,
    DutyKind.OPINION_ADOPTED_PROVINCE,
    DutyKind.OPINION_ADOPTED_NATIONAL,
    DutyKind.LEADER_INSTRUCTION,
}


def ruleset_for(year: int) -> RuleSet:
    """The year's rule table; made on first use as a copy of the latest earlier year's (or the defaults). For the
    paths that save the table; reads use ``rules_for``, which never writes."""
    # Read outside a transaction: once the table exists (nearly always) this is one query, not three.
    rs = RuleSet.objects.filter(year=year).first()
    if rs is not None:
        return rs
    return _ruleset_create(year)


# What a year's new table copies from the latest earlier year's.
RULESET_COPIED_FIELDS = ("base_points", "max_score", "joint_lead_share", "grades", "minimums", "alerts")


@transaction.atomic
def _ruleset_create(year: int) -> RuleSet:
    # Stores exactly the table ``rules_for`` computes the year with while it has none of its own.
    draft = rules_for(year)
    rs, created = RuleSet.objects.get_or_create(
        year=year, defaults={f: getattr(draft.rs, f) for f in RULESET_COPIED_FIELDS}
    )
    if created:
        for item in draft.items:
            item.ruleset = rs
        RuleItem.objects.bulk_create(draft.items)
    return rs


def rules_for(year: int) -> "Rules":
    """The rules in force for the year, read without writing: the year's own table, or else the table
    ``ruleset_for`` would make on first use (a copy of the latest earlier year's, or the defaults) held unsaved —
    a read of any year must not leave a rule table behind. The unsaved table has no ``pk``."""
    rs = RuleSet.objects.filter(year=year).first()
    if rs is not None:
        return Rules(rs)
    previous = RuleSet.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        draft = RuleSet(year=year, grades=DEFAULT_GRADES, minimums=DEFAULT_MINIMUMS, alerts=DEFAULT_ALERTS)
        items = [
            RuleItem(kind=k, label=str(label), points=p, yearly_cap=cap, joint_points=joint)
            for k, label, p, cap, joint in DEFAULT_ITEMS
        ]
        return Rules(_as_stored(draft), items=[_as_stored(i) for i in items])
    draft = RuleSet(year=year, **{f: getattr(previous, f) for f in RULESET_COPIED_FIELDS})
    items = [
        RuleItem(kind=i.kind, label=i.label, points=i.points, yearly_cap=i.yearly_cap, joint_points=i.joint_points)
        for i in previous.items.all()
    ]
    return Rules(_as_stored(draft), items=[_as_stored(i) for i in items])


def _as_stored(obj):
    """Decimals as the database gives them back (``60`` is read as ``60.00``): a table held unsaved must compute
    and print exactly as the stored table it stands for."""
    for f in obj._meta.concrete_fields:
        value = getattr(obj, f.attname)
        if isinstance(f, models.DecimalField) and value is not None:
            setattr(obj, f.attname, D(value).quantize(D(1).scaleb(-f.decimal_places)))
    return obj


def matches(kind: str, pattern: str) -> bool:
    return kind == pattern or (pattern.endswith(".*") and kind.startswith(pattern[:-1]))


class Rules:
    """A rule table made ready for lookups: exact kinds first, then ``prefix.*`` patterns."""

    def __init__(self, rs: RuleSet, items: list[RuleItem] | None = None):
        self.rs = rs
        # ``items`` for a table held unsaved (``rules_for``); a stored table's items in the table's order
        self.items = items = list(rs.items.all()) if items is None else items
        self.exact = {i.kind: i for i in items if not i.kind.endswith(".*")}
        self.patterns = [i for i in items if i.kind.endswith(".*")]

    def item_for(self, kind: str) -> RuleItem | None:
        if kind in self.exact:
            return self.exact[kind]
        for item in self.patterns:
            if matches(kind, item.kind):
                return item
        return None

    def unit_points(self, item: RuleItem, kind: str, share_count: int) -> Decimal:
        if item.joint_points is None or share_count <= 1:
            return item.points
        if kind in EQUAL_SHARE_KINDS:
            return item.joint_points / share_count
        lead = self.rs.joint_lead_share
        if kind in LEAD_SHARE_KINDS:
            return item.joint_points * lead
        return item.joint_points * (1 - lead) / (share_count - 1)


@dataclass
class Archive:
    """One member's year: points by rule item, total, score, grade, minimums missing, alerts raised."""

    total: Decimal = D("0")
    score: Decimal = D("0")
    grade: str = ""
    by_kind: dict = field(default_factory=dict)  # rule kind -> {"label", "count", "quantity", "points", "capped"}
    missing: list = field(default_factory=list)  # [{"code", "label", "required", "done"}]
    alerts: list = field(default_factory=list)  # [{"code", "label", "count"}]


def _q(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def compute(groups, rules: Rules, term_counts: dict | None = None) -> Archive:
    """``groups``: iterable of (kind, share_count, count, quantity) — the member's ledger for the year, netted
    (reversals included with a negative sign). ``term_counts``: kind -> count over the member's term, for alerts."""
    rs = rules.rs
    acc: dict[str, dict] = {}
    counts: dict[str, int] = defaultdict(int)
    for kind, share_count, count, quantity in groups:
        counts[kind] += int(count)
        item = rules.item_for(kind)
        key = item.kind if item else kind
        entry = acc.setdefault(
            key,
            {
                "label": str(item.label) if item else kind,
                "count": 0,
                "quantity": D("0"),
                "points": D("0"),
                "capped": False,
            },
        )
        entry["count"] += int(count)
        entry["quantity"] += D(quantity)
        if item is not None:
            entry["points"] += rules.unit_points(item, kind, share_count) * D(quantity)
    total = D("0")
    for key, entry in acc.items():
        item = rules.exact.get(key) or next((i for i in rules.patterns if i.kind == key), None)
        cap = item.yearly_cap if item is not None else None
        if cap is not None and abs(entry["points"]) > cap:
            entry["points"] = cap if entry["points"] > 0 else -cap
            entry["capped"] = True
        entry["points"] = _q(entry["points"])
        total += entry["points"]
    score = min(rs.max_score, max(D("0"), rs.base_points + total))
    grade = next((str(label) for label, minimum in rs.grades if score >= D(str(minimum))), "")
    missing = []
    for rule in rs.minimums:
        done = sum(c for k, c in counts.items() if any(matches(k, p) for p in rule["kinds"]))
        if done < rule["count"]:
            missing.append({"code": rule["code"], "label": rule["label"], "required": rule["count"], "done": done})
    alerts = []
    for rule in rs.alerts:
        source = counts if rule.get("period", "year") == "year" else (term_counts or counts)
        n = sum(c for k, c in source.items() if any(matches(k, p) for p in rule["kinds"]))
        if n >= rule["count"]:
            alerts.append({"code": rule["code"], "label": rule["label"], "count": n})
    by_kind = {k: {**v, "quantity": str(_q(v["quantity"])), "points": str(v["points"])} for k, v in acc.items()}
    return Archive(total=_q(total), score=_q(score), grade=grade, by_kind=by_kind, missing=missing, alerts=alerts)


def _grouped(qs):
    return (
        qs.values("member_id", "kind", "share_count")
        .annotate(n=Sum("sign"), qty=Sum(F("sign") * F("quantity")))
        .order_by()
    )


def _term_years(year: int) -> tuple[int, int]:
    term = Term.objects.filter(starts_on__year__lte=year, ends_on__year__gte=year).order_by("-number").first()
    return (term.starts_on.year, term.ends_on.year) if term else (year, year)


def recompute_members(*, year: int, member_ids) -> int:
    """Recompute and store the year's archive of the given members (after a ledger write)."""
    return _recompute(year, list(set(member_ids)))


def recompute_year(*, year: int) -> int:
    """Recompute every serving member and every member with a ledger row or a stored score in the year (after a
    rule change)."""
    roster = _roster_state()  # read first: a member changed while this runs makes the next check search again
    ids = set(DutyRecord.objects.filter(year=year).values_list("member_id", flat=True).distinct())
    ids |= set(Member.objects.filter(status=MemberStatus.SERVING).values_list("pk", flat=True))
    ids |= set(MemberYearScore.objects.filter(year=year).values_list("member_id", flat=True))
    written = _recompute(year, sorted(ids))
    _roster_checked(year, roster)
    return written


def _recompute(year: int, member_ids: list[int], batch: int = 2000, *, only_missing: bool = False) -> int:
    """Compute and store the year's rows of ``member_ids``. ``only_missing``: insert rows that do not exist and
    leave existing ones alone (ON CONFLICT DO NOTHING) — for filling gaps, which must never overwrite a row that a
    concurrent ledger write or rule change has just computed."""
    if not member_ids:
        return 0
    rules = rules_for(year)
    rs = rules.rs
    alert_kinds_term = [p for a in rs.alerts if a.get("period") == "term" for p in a["kinds"]]
    first, last = _term_years(year)
    written = 0
    for start in range(0, len(member_ids), batch):
        ids = member_ids[start : start + batch]
        groups: dict[int, list] = defaultdict(list)
        for row in _grouped(DutyRecord.objects.filter(year=year, member_id__in=ids)):
            groups[row["member_id"]].append((row["kind"], row["share_count"], row["n"], row["qty"]))
        term: dict[int, dict] = defaultdict(lambda: defaultdict(int))
        if alert_kinds_term:
            prefixes = {p[:-1] if p.endswith(".*") else p for p in alert_kinds_term}
            qs = DutyRecord.objects.filter(year__gte=first, year__lte=last, member_id__in=ids)
            for row in qs.values("member_id", "kind").annotate(n=Sum("sign")).order_by():
                if any(row["kind"].startswith(p) for p in prefixes):
                    term[row["member_id"]][row["kind"]] += row["n"]
        sectors = dict(Member.objects.filter(pk__in=ids).values_list("pk", "sector_id"))
        scores = []
        for mid in ids:
            a = compute(groups.get(mid, []), rules, term.get(mid))
            scores.append(
                MemberYearScore(
                    member_id=mid,
                    year=year,
                    sector_id=sectors.get(mid),
                    total=a.total,
                    score=a.score,
                    grade=a.grade,
                    by_kind=a.by_kind,
                    missing=a.missing,
                    alerts=a.alerts,
                    ruleset_version=rs.version,
                )
            )
        if only_missing:
            MemberYearScore.objects.bulk_create(scores, ignore_conflicts=True)
            written += len(scores)
            continue
        MemberYearScore.objects.bulk_create(
            scores,
            update_conflicts=True,
            unique_fields=["member", "year"],
            update_fields=[
                "sector",
                "total",
                "score",
                "grade",
                "by_kind",
                "missing",
                "alerts",
                "ruleset_version",
                "computed_at",
            ],
        )
        written += len(scores)
    return written


def _roster_state() -> dict:
    """The member roster's highest id and latest change: two index probes (``people.Member``'s primary key and its
    ``updated_at`` index). Creating a member or changing one (its status included) through the services, the
    imports, the admin or ``bulk_create`` moves one of them."""
    return Member.objects.order_by().aggregate(last_member_id=Max("pk"), last_member_change=Max("updated_at"))


def _roster_checked(year: int, roster: dict) -> None:
    YearScoreRoster.objects.update_or_create(year=year, defaults=roster)


def ensure_year(year: int, *, force: bool = False) -> int:
    """Give every serving member a stored row for the year (members with no ledger rows yet score the base).

    Rows are written when their inputs change — a ledger write (``recompute_members``), a rule change
    (``recompute_year``), a member created or made serving (``ensure_year_on_commit`` from the people services),
    the nightly job (``force``) — so on a read this is a check: when the roster has not changed since the year was
    last found complete (``YearScoreRoster``) it costs two index probes and one lookup; otherwise the members
    without a row are found (one anti-join over the serving members) and their rows inserted. Returns rows
    inserted."""
    roster = _roster_state()
    if not force and YearScoreRoster.objects.filter(year=year, **roster).exists():
        return 0
    # No order: Member's default ordering would join every member to its sector for nothing.
    missing = list(
        Member.objects.filter(status=MemberStatus.SERVING)
        .exclude(year_scores__year=year)
        .order_by()
        .values_list("pk", flat=True)
    )
    written = _recompute(year, missing, only_missing=True) if missing else 0
    _roster_checked(year, roster)
    return written


def ensure_year_on_commit(year: int | None = None) -> None:
    """After the current transaction commits (at once outside one): ``ensure_year`` for the year (this year by
    default). For the writes that add serving members; one call per member costs a check after the first."""
    target = year or timezone.localdate().year
    transaction.on_commit(lambda: ensure_year(target))


def sector_changed_on_commit(member) -> None:
    """A member moved to another sector is ranked in the new sector from this year on: the stored row of the
    current year takes the new sector once the change commits (past years keep the sector the member served in)."""
    year = timezone.localdate().year
    transaction.on_commit(
        lambda: MemberYearScore.objects.filter(member_id=member.pk, year=year).update(sector_id=member.sector_id)
    )


def member_archive(*, member, year: int, rules: Rules | None = None) -> Archive:
    """Computed live from the ledger with the same function that fills the stored table. One grouped query over
    the member's term gives both the year's groups and the term's counts (for term alerts)."""
    rules = rules or rules_for(year)
    first, last = _term_years(year)
    groups = []
    term = defaultdict(int)
    rows = (
        DutyRecord.objects.filter(member=member, year__gte=first, year__lte=last)
        .values("year", "kind", "share_count")
        .annotate(n=Sum("sign"), qty=Sum(F("sign") * F("quantity")))
        .order_by()
    )
    for r in rows:
        term[r["kind"]] += r["n"]
        if r["year"] == year:
            groups.append((r["kind"], r["share_count"], r["n"], r["qty"]))
    return compute(groups, rules, term)
