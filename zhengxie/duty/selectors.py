"""Reads of duty data that know the user."""

from bisect import bisect_right
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.people.models import Member

from .models import DutyRecord, MemberYearScore
from .points import ensure_year

ALL = {Role.SECRETARIAT, Role.LEADER}


def sees_every_archive(user) -> bool:
    return bool(roles_of(user) & ALL)


def archive_members(user) -> QuerySet[Member]:
    """Members whose archive the user may open."""
    roles = roles_of(user)
    if roles & ALL:
        return Member.objects.all()
    rule = Q(pk__in=[])
    if Role.SECTOR_CONVENER in roles:
        rule |= Q(sector__convener__user=user)
    if Role.MEMBER in roles:
        rule |= Q(user=user)
    return Member.objects.filter(rule)


def can_see_archive(user, member_id: int) -> bool:
    return archive_members(user).filter(pk=member_id).exists()


def ledger(*, member, year: int | None = None, years: tuple[int, int] | None = None) -> QuerySet[DutyRecord]:
    qs = DutyRecord.objects.filter(member=member)
    if year is not None:
        qs = qs.filter(year=year)
    if years is not None:
        qs = qs.filter(year__gte=years[0], year__lte=years[1])
    return qs.select_related("reverses").order_by("occurred_on", "id")


class Ranks:
    """Competition ranks (ties share a rank) of a year's scores, committee-wide and per sector — so a filtered or
    paginated table still shows each member's rank in the whole committee. Every curve and size comes from one
    grouped query (by sector and score), made on first use."""

    def __init__(self, year: int, *, ensure: bool = True):
        if ensure:
            ensure_year(year)
        self.year = year
        self._all: tuple | None = None
        self._sector: dict = {}

    def _load(self) -> None:
        # COUNT(*) in the (year, sector, -score) index's order: read from that index alone and counted as it is
        # read, without visiting a province's 30,000 rows or hashing them.
        rows = (
            MemberYearScore.objects.filter(year=self.year)
            .values_list("sector_id", "score")
            .annotate(n=Count("*"))
            .order_by("sector_id", "-score")
        )
        committee: dict = {}
        grouped: dict = {}
        for sector_id, score, n in rows:
            score = Decimal(score)
            committee[score] = committee.get(score, 0) + n
            grouped.setdefault(sector_id, []).append((score, n))
        self._all = self._curve(committee.items())
        self._sector = {sid: self._curve(pairs) for sid, pairs in grouped.items()}

    @staticmethod
    def _curve(pairs):
        pairs = sorted(pairs, key=lambda p: p[0])
        scores = [s for s, _n in pairs]
        above = []  # for each ascending score: how many are strictly higher
        total = sum(n for _s, n in pairs)
        running = 0
        for _s, n in pairs:
            running += n
            above.append(total - running)
        return scores, above, total

    @staticmethod
    def _rank(curve, score) -> int | None:
        scores, above, _total = curve
        i = bisect_right(scores, Decimal(score)) - 1
        if i < 0 or scores[i] != Decimal(score):
            return None
        return above[i] + 1

    def _curves(self):
        if self._all is None:
            self._load()
        return self._all, self._sector

    def committee(self, score) -> int | None:
        return self._rank(self._curves()[0], score)

    def sector(self, sector_id, score) -> int | None:
        sectors = self._curves()[1]
        if sector_id not in sectors:
            return None
        return self._rank(sectors[sector_id], score)

    def committee_size(self) -> int:
        """Members with a row for the year (what the committee table lists for someone who sees everyone)."""
        return self._curves()[0][2]

    def sector_size(self, sector_id) -> int:
        sectors = self._curves()[1]
        return sectors[sector_id][2] if sector_id in sectors else 0


SORTS = {
    "score": ("-score", "member_id"),
    "-score": ("score", "member_id"),
    "name": ("member__name", "member_id"),
    "sector": ("member__sector__sort_order", "-score", "member_id"),
}


def committee_table(*, user, year: int, filters: dict | None = None, sort: str = "score") -> QuerySet:
    """The year's table of members with points and grades, limited to the members the user may see."""
    ensure_year(year)
    f = filters or {}
    qs = MemberYearScore.objects.filter(year=year).select_related("member", "member__sector", "member__party")
    if not sees_every_archive(user):
        # (For the secretariat and leaders the condition would hold for every row, and only cost a join.)
        qs = qs.filter(member__in=archive_members(user))
    if f.get("sector"):
        qs = qs.filter(member__sector_id=f["sector"])
    if f.get("party"):
        qs = qs.filter(member__party_id=f["party"])
    if f.get("special_committee"):
        qs = qs.filter(member__special_committees__id=f["special_committee"])
    if f.get("grade"):
        qs = qs.filter(grade=f["grade"])
    if f.get("short") in (True, "1", "true"):
        qs = qs.exclude(missing=[])
    if f.get("alerts") in (True, "1", "true"):
        qs = qs.exclude(alerts=[])
    if f.get("q"):
        qs = qs.filter(member__name__icontains=f["q"].strip())
    return qs.order_by(*SORTS.get(sort, SORTS["score"]))


class TablePages:
    """A ``committee_table`` queryset of ``year`` as ``Paginator`` pages it. A page is read in two steps: the ordered
    member ids of the page alone (for the default order an index-only scan of ``(year, -score, member)`` that skips
    the earlier pages without joining them to their members, sectors and parties), then those rows with their
    joins. ``count``: when already known (``Ranks.committee_size`` for an unfiltered table seen whole)."""

    def __init__(self, qs: QuerySet, *, year: int, count: int | None = None):
        self.qs, self.year, self._count = qs, year, count

    def count(self) -> int:
        if self._count is None:
            self._count = self.qs.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[MemberYearScore]:
        if not isinstance(page, slice):
            raise TypeError("the table is read a page (a slice) at a time")
        # (member, year) is unique: a member id stands for the year's row.
        ids = list(self.qs.values_list("member_id", flat=True)[page])
        rows = MemberYearScore.objects.filter(year=self.year, member_id__in=ids).select_related(
            "member", "member__sector", "member__party"
        )
        found = {row.member_id: row for row in rows}
        return [found[pk] for pk in ids if pk in found]
