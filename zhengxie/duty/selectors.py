"""Reads of duty data that know the user."""

from bisect import bisect_right
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from zhengxie.accounts.roles import Role
from zhengxie.core.access import roles_of
from zhengxie.people.models import Member

from .models import DutyRecord, MemberYearScore

ALL = {Role.SECRETARIAT, Role.LEADER}


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
    """Competition ranks (ties share a rank) of a year's scores, committee-wide and per sector (all sectors from one
    grouped query) — so a filtered or paginated table still shows each member's rank in the whole committee."""

    def __init__(self, year: int):
        from .points import ensure_year

        ensure_year(year)
        # COUNT(*), not COUNT(id): the curves are then read from the (year, score …) and (year, sector, score)
        # indexes alone, without visiting the 30,000 rows of a province's year.
        self._all = self._curve(MemberYearScore.objects.filter(year=year).values("score").annotate(n=Count("*")))
        self._sector: dict | None = None
        self.year = year

    @staticmethod
    def _curve(rows):
        pairs = sorted(((Decimal(r["score"]), r["n"]) for r in rows), key=lambda p: p[0])
        scores = [s for s, _n in pairs]
        above = []  # for each ascending score: how many are strictly higher
        total = sum(n for _s, n in pairs)
        running = 0
        for _s, n in pairs:
            running += n
            above.append(total - running)
        return scores, above

    @staticmethod
    def _rank(curve, score) -> int | None:
        scores, above = curve
        i = bisect_right(scores, Decimal(score)) - 1
        if i < 0 or scores[i] != Decimal(score):
            return None
        return above[i] + 1

    def committee(self, score) -> int | None:
        return self._rank(self._all, score)

    def sector(self, sector_id, score) -> int | None:
        # Every sector's curve from one grouped query on first use, so a page of members from many sectors
        # costs one query, not one per sector.
        if self._sector is None:
            grouped: dict = {}
            rows = (
                MemberYearScore.objects.filter(year=self.year)
                .values("sector_id", "score")
                .annotate(n=Count("*"))
                .order_by()
            )
            for r in rows:
                grouped.setdefault(r["sector_id"], []).append(r)
            self._sector = {sid: self._curve(rs) for sid, rs in grouped.items()}
        if sector_id not in self._sector:
            return None
        return self._rank(self._sector[sector_id], score)


SORTS = {
    "score": ("-score", "member_id"),
    "-score": ("score", "member_id"),
    "name": ("member__name", "member_id"),
    "sector": ("member__sector__sort_order", "-score", "member_id"),
}


def committee_table(*, user, year: int, filters: dict | None = None, sort: str = "score") -> QuerySet:
    """The year's table of members with points and grades, limited to the members the user may see."""
    from .points import ensure_year

    ensure_year(year)
    f = filters or {}
    qs = MemberYearScore.objects.filter(year=year, member__in=archive_members(user)).select_related(
        "member", "member__sector", "member__party"
    )
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
