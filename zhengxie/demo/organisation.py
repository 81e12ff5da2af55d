"""演示数据: a deterministic, fictional committee for the demo and for the benchmarks.

``build_demo_district()`` makes 政协南昌市新建区委员会 with about 250 members and 40 handling units, plus one
sign-in account per role (``DEMO_ACCOUNTS``, password ``zhengxie-demo``). ``build_organisation(tier=...)`` makes the
same shape at the scale tiers of spec/overview.md (``tiers.TIERS``) for ``bench/generate.py``. The names it draws
from are the tables of ``tables`` (data files in ``data/``).

Every choice is drawn from ``random.Random(seed)``, so one seed always gives the same people, units and accounts
(only the ciphertexts differ, because encryption uses random nonces). The demo accounts are made through
``account_create`` / ``role_grant`` so that they are audited like real ones; the mass data (members, their accounts,
unit staff) is bulk-inserted, with the encrypted fields and their digests set before the insert.
"""

import datetime
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from zhengxie.accounts.roles import GRANTABLE
from zhengxie.accounts.services import account_create, role_grant
from zhengxie.core import crypto
from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.validators import id_check_digit
from zhengxie.people.choices import CollectiveKind, CommitteeLevel, Gender, MemberStatus, UnitKind
from zhengxie.people.models import (
    CollectiveProposer,
    Committee,
    HandlingUnit,
    Member,
    Party,
    Sector,
    Session,
    SpecialCommittee,
    Term,
    UnitStaff,
)

from .tables import (
    BANKS,
    BRANDS,
    CITY_UNITS,
    DEMOCRATIC_PARTIES,
    DEPARTMENTS,
    DISTRICT_UNITS,
    FEMALE_CHARS,
    INDUSTRIES,
    INSTITUTES,
    MALE_CHARS,
    MINORITIES,
    MOBILE_PREFIXES,
    NANCHANG_REGIONS,
    ORDINALS,
    ORGANISATIONS,
    PARTIES,
    PARTY_DEPARTMENTS,
    PROVINCE_DEPARTMENTS_PER_PLACE,
    PROVINCE_PLACES,
    PROVINCE_UNITS,
    ROADS,
    SECTOR_AFFINITY,
    SECTORS,
    SPECIAL_COMMITTEES,
    SPORTS,
    STAFF_POSITIONS,
    SURNAMES,
    TOWNS,
    TRADES,
    UNIVERSITIES,
    VILLAGES,
    WORK_POOLS,
    Place,
)
from .tiers import DEMO_DISTRICT, Tier

DEMO_PASSWORD = "zhengxie-demo"
DEMO_SEED = 17


class DemoConflict(Exception):
    """The database already holds organisation data that is not this demo."""


# Demo accounts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str  # empty for member accounts: the member's name is used
    roles: frozenset[Role]
    note: str


DEMO_ACCOUNTS = (
    DemoAccount("demo-admin", "系统管理员", frozenset({Role.ADMIN}), "settings, rule tables, accounts"),
    DemoAccount("demo-office", "何晓燕", frozenset({Role.PROPOSAL_OFFICE}), "提案委员会办公室"),
    DemoAccount("demo-staff", "罗建华", frozenset({Role.SECRETARIAT}), "机关 秘书科"),
    DemoAccount(
        "demo-editor", "钟秀兰", frozenset({Role.SECRETARIAT, Role.OPINION_EDITOR}), "信息员 (社情民意 editor), 机关"
    ),
    DemoAccount("demo-leader", "万国平", frozenset({Role.LEADER}), "政协主席"),
    DemoAccount("demo-overseer", "涂志强", frozenset({Role.OVERSEER}), "区委办督查室"),
    DemoAccount("demo-unit", "熊丽", frozenset({Role.UNIT_STAFF}), "staff of the housing bureau (住建局)"),
    DemoAccount(
        "demo-unit-leader",
        "喻德明",
        frozenset({Role.UNIT_STAFF, Role.UNIT_LEADER}),
        "leader of the housing bureau (住建局)",
    ),
    DemoAccount("demo-unit2", "邓婷", frozenset({Role.UNIT_STAFF}), "staff of the education bureau (教体局)"),
    DemoAccount("demo-member", "", frozenset({Role.MEMBER, Role.SECTOR_CONVENER}), "member, convener of 经济"),
    DemoAccount("demo-member2", "", frozenset({Role.MEMBER}), "member in 教育"),
)
DEMO_USERNAMES = tuple(a.username for a in DEMO_ACCOUNTS)
# The demo members' mobiles are fixed so that signing in by mobile can be shown; random mobiles avoid this block.
DEMO_MEMBER_MOBILES = {"demo-member": "13900000001", "demo-member2": "13900000002"}
CONVENER_SECTOR = "经济"
PLAIN_MEMBER_SECTOR = "教育"


def head_titles(unit_name: str) -> tuple[str, str]:
    """The head's and a deputy's title for a unit, from the end of its name (局 → 局长, 委员会 → 主任 …)."""
    if unit_name.endswith("人民政府"):
        level = unit_name[-5]
        return f"{level}长", f"副{level}长"
    for suffix, titles in (
        ("检察院", ("检察长", "副检察长")),
        ("法院", ("院长", "副院长")),
        ("委员会", ("主任", "副主任")),
        ("联合社", ("主任", "副主任")),
        ("联合会", ("主席", "副主席")),
        ("公司", ("总经理", "副总经理")),
        ("局", ("局长", "副局长")),
        ("部", ("部长", "副部长")),
        ("大队", ("大队长", "教导员")),
        ("支队", ("支队长", "政治委员")),
        ("馆", ("馆长", "副馆长")),
        ("会", ("会长", "副会长")),
        ("电视台", ("台长", "副台长")),
    ):
        if unit_name.endswith(suffix):
            return titles
    return "主任", "副主任"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals, as in 第十七届."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


# Building ------------------------------------------------------------------------------------------------------


@dataclass
class _Person:
    name: str
    gender: str
    birth_date: datetime.date
    id_number: str
    mobile: str


@dataclass
class _MemberPlan:
    person: _Person
    sector: int  # index into SECTORS
    party: str  # short name
    ethnicity: str
    work_unit: str
    title: str
    status: str = MemberStatus.SERVING
    standing: bool = False
    special_committees: list = field(default_factory=list)  # names
    served_previous_term: bool = False
    username: str = ""


class _Builder:
    def __init__(self, *, tier: Tier, seed: int, batch_size: int, log: Callable[[str], None]):
        self.tier = tier
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.log = log
        self.id_numbers: set[str] = set()
        self.mobiles: set[str] = set(DEMO_MEMBER_MOBILES.values())
        self._surnames = [s for s, _ in SURNAMES]
        self._surname_weights = [w for _, w in SURNAMES]

    # Random people ------------------------------------------------------------------------------------------

    def _weighted(self, pairs: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([k for k, _ in pairs], weights=[w for _, w in pairs])[0]

    def name(self, gender: str) -> str:
        chars = MALE_CHARS if gender == Gender.MALE else FEMALE_CHARS
        surname = self.rng.choices(self._surnames, weights=self._surname_weights)[0]
        size = 1 if self.rng.random() < 0.35 else 2
        return surname + "".join(self.rng.sample(chars, size))

    def id_number(self, region: str, birth: datetime.date, gender: str) -> str:
        # The 17th digit is odd for men and even for women (GB 11643-1999).
        while True:
            seq = self.rng.randrange(500) * 2 + (1 if gender == Gender.MALE else 0)
            first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
            value = first17 + id_check_digit(first17)
            if value not in self.id_numbers:
                self.id_numbers.add(value)
                return value

    def mobile(self) -> str:
        while True:
            value = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if value not in self.mobiles and not value.startswith("1390000"):
                self.mobiles.add(value)
                return value

    def person(self, *, female: float = 0.3, born: tuple[int, int] = (1962, 1990), region: str) -> _Person:
        gender = Gender.FEMALE if self.rng.random() < female else Gender.MALE
        birth = datetime.date(self.rng.randint(*born), 1, 1) + datetime.timedelta(days=self.rng.randrange(365))
        return _Person(self.name(gender), gender, birth, self.id_number(region, birth, gender), self.mobile())

    def region(self, place: Place | None) -> str:
        return place.region if place is not None else self._weighted(NANCHANG_REGIONS)

    def member_place(self) -> Place | None:
        return self.rng.choice(PROVINCE_PLACES) if self.tier.spans_province else None

    def work(self, pools: tuple[str, ...], place: Place | None) -> tuple[str, str]:
        template, titles = self.rng.choice(WORK_POOLS[self.rng.choice(pools)])
        dept = self.rng.choice(DEPARTMENTS[:PROVINCE_DEPARTMENTS_PER_PLACE])[0]
        unit = template.format(
            place=place.name if place is not None else self.tier.place,
            town=self.rng.choice(TOWNS),
            dept=dept,
            party_dept=self.rng.choice(PARTY_DEPARTMENTS),
            ordinal=self.rng.choice(ORDINALS),
            university=self.rng.choice(UNIVERSITIES),
            institute=self.rng.choice(INSTITUTES),
            brand=self.rng.choice(BRANDS),
            industry=self.rng.choice(INDUSTRIES),
            bank=self.rng.choice(BANKS),
            village=self.rng.choice(VILLAGES),
            trade=self.rng.choice(TRADES),
            sport=self.rng.choice(SPORTS),
        )
        return unit, self.rng.choice(titles or head_titles(unit))

    # Steps --------------------------------------------------------------------------------------------------

    def run(self) -> None:
        self.committee_and_terms()
        self.parties_sectors_committees()
        self.units()
        plans = self.plan_members()
        self.demo_staff_accounts()
        self.members(plans)
        self.unit_staff()
        self.collective_proposers()

    def committee_and_terms(self) -> None:
        t = self.tier
        self.committee = Committee.objects.create(
            name=t.committee_name, short_name=t.committee_short_name, level=t.level
        )
        # The province meets a fortnight after the districts, as in most years.
        day_offset = 14 if t.level == CommitteeLevel.PROVINCE else 0
        self.terms = []
        for number, first_year in ((t.term_number - 1, t.first_year - 5), (t.term_number, t.first_year)):
            term = Term.objects.create(
                committee=self.committee,
                number=number,
                name=f"第{chinese_number(number)}届",
                starts_on=datetime.date(first_year, 1, 1),
                ends_on=datetime.date(first_year + 4, 12, 31),
            )
            sessions = []
            for i in range(5):
                year = first_year + i
                opens = datetime.date(year, 1, 4 + year % 4 + day_offset)
                closes = opens + datetime.timedelta(days=3)
                sessions.append(
                    Session(
                        term=term,
                        number=i + 1,
                        name=f"第{chinese_number(i + 1)}次会议",
                        year=year,
                        opens_on=opens,
                        closes_on=closes,
                        proposal_window_opens=opens - datetime.timedelta(days=35),
                        proposal_deadline=closes - datetime.timedelta(days=1),
                    )
                )
            Session.objects.bulk_create(sessions)
            self.terms.append(term)
        self.previous_term, self.term = self.terms

    def parties_sectors_committees(self) -> None:
        parties = Party.objects.bulk_create(
            [Party(name=name, short_name=short, sort_order=i + 1) for i, (name, short) in enumerate(PARTIES)]
        )
        self.parties = {p.short_name: p for p in parties}
        self.sectors = Sector.objects.bulk_create(
            [Sector(name=s.name, sort_order=i + 1) for i, s in enumerate(SECTORS)]
        )
        committees = SpecialCommittee.objects.bulk_create(
            [SpecialCommittee(name=name, sort_order=i + 1) for i, name in enumerate(SPECIAL_COMMITTEES)]
        )
        self.special_committees = {c.name: c for c in committees}

    def _unit_rows(self) -> list[tuple[str, str, str, str, str]]:
        """(name, short name, kind, place, telephone area code) of the tier's units."""
        t = self.tier
        if t.level == CommitteeLevel.DISTRICT:
            rows = [(n, s, k, t.place, "0791") for n, s, k in DISTRICT_UNITS]
        elif t.level == CommitteeLevel.CITY:
            rows = [(t.place + n, t.place_prefix + s, UnitKind.GOVERNMENT, t.place, "0791") for n, s in DEPARTMENTS]
            rows += [(n, s, k, t.place, "0791") for n, s, k in CITY_UNITS]
        else:
            rows = [
                (p.name + n, p.name + s, UnitKind.GOVERNMENT, p.name, p.area_code)
                for p in PROVINCE_PLACES
                for n, s in DEPARTMENTS[:PROVINCE_DEPARTMENTS_PER_PLACE]
            ]
            rows += [(n, s, k, "南昌市", "0791") for n, s, k in PROVINCE_UNITS]
        if len(rows) < t.units:
            raise ValueError(f"tier {t.key} wants {t.units} units but only {len(rows)} names are defined")
        return rows[: t.units]

    def units(self) -> None:
        units = []
        for name, short, kind, place, area in self._unit_rows():
            units.append(
                HandlingUnit(
                    name=name,
                    short_name=short,
                    kind=kind,
                    contact_phone=f"{area}-8{self.rng.randrange(10**7):07d}",
                    address=f"{place}{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号",
                )
            )
        self.units_created = HandlingUnit.objects.bulk_create(units, batch_size=self.batch_size)
        self.log(f"{len(self.units_created)} handling units")

    def plan_members(self) -> list[_MemberPlan]:
        t = self.tier
        plans = []
        for index, count in enumerate(_allocate(t.members, [s.weight for s in SECTORS])):
            spec = SECTORS[index]
            for _ in range(count):
                place = self.member_place()
                person = self.person(female=spec.female, born=spec.born, region=self.region(place))
                party = self._weighted(list(spec.parties.items()))
                if spec.name == "少数民族" or self.rng.random() < 0.015:
                    ethnicity = self._weighted(MINORITIES)
                else:
                    ethnicity = "汉族"
                work_unit, title = self.work(spec.pools, place)
                plans.append(_MemberPlan(person, index, party, ethnicity, work_unit, title))
        self.rng.shuffle(plans)

        # A few have left during the term.
        for plan in self.rng.sample(plans, round(len(plans) * 0.02)):
            plan.status = MemberStatus.RESIGNED if self.rng.random() < 0.8 else MemberStatus.REMOVED

        # Conveners for most sectors, always for the one demo-member convenes; conveners sit on the standing committee.
        serving_by_sector: dict[int, list[_MemberPlan]] = {}
        for plan in plans:
            if plan.status == MemberStatus.SERVING:
                serving_by_sector.setdefault(plan.sector, []).append(plan)
        self.conveners: dict[int, _MemberPlan] = {}
        for index, spec in enumerate(SECTORS):
            candidates = serving_by_sector.get(index, [])
            if candidates and (spec.name == CONVENER_SECTOR or self.rng.random() < 0.85):
                self.conveners[index] = convener = self.rng.choice(candidates)
                convener.standing = True
        others = [p for p in plans if not p.standing and p.status == MemberStatus.SERVING]
        for plan in self.rng.sample(others, max(0, min(len(others), t.standing - len(self.conveners)))):
            plan.standing = True

        for plan in plans:
            spec = SECTORS[plan.sector]
            roll = self.rng.random()
            if roll < 0.65:
                count = 2 if roll < 0.1 else 1
                leaning = SECTOR_AFFINITY.get(spec.name)
                first = leaning if leaning and self.rng.random() < 0.7 else self.rng.choice(SPECIAL_COMMITTEES)
                chosen = [first]
                if count == 2:
                    chosen.append(self.rng.choice([c for c in SPECIAL_COMMITTEES if c != first]))
                plan.special_committees = chosen
            plan.served_previous_term = plan.person.birth_date.year < 1985 and self.rng.random() < 0.4

        sector_index = {s.name: i for i, s in enumerate(SECTORS)}
        self.demo_member = self.conveners[sector_index[CONVENER_SECTOR]]
        self.demo_member2 = next(
            p
            for p in serving_by_sector[sector_index[PLAIN_MEMBER_SECTOR]]
            if not p.standing and p not in self.conveners.values()
        )
        digits = max(4, len(str(len(plans))))
        for number, plan in enumerate(plans, start=1):
            plan.username = f"m{number:0{digits}d}"
        for username, plan in (("demo-member", self.demo_member), ("demo-member2", self.demo_member2)):
            plan.username = username
            plan.person.mobile = DEMO_MEMBER_MOBILES[username]
        self.log(f"{len(plans)} members planned")
        return plans

    def demo_staff_accounts(self) -> None:
        self.demo_users = {}
        for account in DEMO_ACCOUNTS:
            # The roles granted explicitly; the others follow from the organisation data made below.
            granted = [role for role in GRANTABLE if role in account.roles]
            if granted:
                user = account_create(
                    username=account.username, password=DEMO_PASSWORD, display_name=account.display_name
                )
                for role in granted:
                    role_grant(user=user, role=role, actor=None)
                self.demo_users[account.username] = user

    def members(self, plans: list[_MemberPlan]) -> None:
        User = get_user_model()
        users = {}
        for plan in (self.demo_member, self.demo_member2):
            users[plan.username] = account_create(
                username=plan.username,
                password=DEMO_PASSWORD,
                display_name=plan.person.name,
                mobile=plan.person.mobile,
            )
        self.demo_users.update(users)
        mass = [_account(User, p.username, p.person.name, p.person.mobile) for p in plans if p.username not in users]
        for user in User.objects.bulk_create(mass, batch_size=self.batch_size):
            users[user.username] = user
        self.log(f"{len(users)} member accounts")

        members = []
        for plan in plans:
            p = plan.person
            member = Member(
                user=users[plan.username],
                name=p.name,
                gender=p.gender,
                ethnicity=plan.ethnicity,
                birth_date=p.birth_date,
                work_unit=plan.work_unit,
                title=plan.title,
                sector=self.sectors[plan.sector],
                party=self.parties[plan.party],
                is_standing_committee=plan.standing,
                status=plan.status,
            )
            member.set_id_number(p.id_number)
            member.set_mobile(p.mobile)
            members.append(member)
        members = Member.objects.bulk_create(members, batch_size=self.batch_size)
        self.member_of = {plan.username: m for plan, m in zip(plans, members, strict=True)}

        term_rows, committee_rows = [], []
        for plan, member in zip(plans, members, strict=True):
            term_rows.append(Member.terms.through(member_id=member.pk, term_id=self.term.pk))
            if plan.served_previous_term:
                term_rows.append(Member.terms.through(member_id=member.pk, term_id=self.previous_term.pk))
            for name in plan.special_committees:
                committee_rows.append(
                    Member.special_committees.through(
                        member_id=member.pk, specialcommittee_id=self.special_committees[name].pk
                    )
                )
        Member.terms.through.objects.bulk_create(term_rows, batch_size=self.batch_size)
        Member.special_committees.through.objects.bulk_create(committee_rows, batch_size=self.batch_size)

        for index, plan in self.conveners.items():
            self.sectors[index].convener = self.member_of[plan.username]
        Sector.objects.bulk_update(self.sectors, ["convener"])
        self.plans = plans
        self.log(f"{len(members)} members")

    def unit_staff(self) -> None:
        User = get_user_model()
        place = self.tier.demo_unit_place
        demo_posts = {
            f"{place}住房和城乡建设局": {"demo-unit": False, "demo-unit-leader": True},
            f"{place}教育体育局": {"demo-unit2": False},
        }
        accounts = {a.username: a for a in DEMO_ACCOUNTS}
        posts: list[tuple[HandlingUnit, str, bool, str]] = []  # unit, username, leader, position
        mass = []
        for number, unit in enumerate(self.units_created, start=1):
            head, deputy = head_titles(unit.name)
            demo = demo_posts.get(unit.name, {})
            for username, is_leader in demo.items():
                user = account_create(
                    username=username,
                    password=DEMO_PASSWORD,
                    display_name=accounts[username].display_name,
                    mobile=self.mobile(),
                )
                self.demo_users[username] = user
                posts.append((unit, username, is_leader, deputy if is_leader else "提案办理联络员"))
            staff_wanted = self.rng.choice((1, 2)) - sum(1 for leader in demo.values() if not leader)
            for k in range(1, staff_wanted + 1):
                username = f"u{number:04d}-{k}"
                mass.append(self._staff_account(User, username))
                posts.append((unit, username, False, self.rng.choice(STAFF_POSITIONS)))
            if not any(demo.values()):
                username = f"u{number:04d}-leader"
                mass.append(self._staff_account(User, username))
                posts.append((unit, username, True, self.rng.choice((head, deputy))))
        missing = set(demo_posts) - {u.name for u in self.units_created}
        if missing:
            raise ValueError(f"tier {self.tier.key} has no unit named {', '.join(sorted(missing))}")
        users = {u.username: u for u in User.objects.bulk_create(mass, batch_size=self.batch_size)}
        users.update(self.demo_users)
        staff = [
            UnitStaff(unit=unit, user=users[name], is_leader=leader, position=pos) for unit, name, leader, pos in posts
        ]
        UnitStaff.objects.bulk_create(staff, batch_size=self.batch_size)
        self.log(f"{len(posts)} unit staff accounts")

    def _staff_account(self, User, username: str):
        person = self.person(female=0.45, born=(1970, 1998), region=self.region(self.member_place()))
        return _account(User, username, person.name, person.mobile)

    def collective_proposers(self) -> None:
        place = self.tier.place
        sector_index = {s.name: i for i, s in enumerate(SECTORS)}
        serving = [p for p in self.plans if p.status == MemberStatus.SERVING]

        def contact_for_sector(name: str):
            plan = self.conveners.get(sector_index[name]) or next(p for p in serving if SECTORS[p.sector].name == name)
            return self.member_of[plan.username].user

        collectives: list[tuple[CollectiveProposer, list]] = []
        for short in DEMOCRATIC_PARTIES:
            proposer = CollectiveProposer(
                name=f"{short}{place}委员会", kind=CollectiveKind.PARTY, party=self.parties[short]
            )
            collectives.append((proposer, [contact_for_sector(short)]))
        for sector_name, template in ORGANISATIONS:
            sector = self.sectors[sector_index[sector_name]]
            collectives.append(
                (
                    CollectiveProposer(
                        name=template.format(place=place), kind=CollectiveKind.ORGANISATION, sector=sector
                    ),
                    [contact_for_sector(sector_name)],
                )
            )
        for name, committee in self.special_committees.items():
            members = [p for p in serving if name in p.special_committees]
            contacts = [self.member_of[p.username].user for p in members[:2]]
            if name == "提案委员会":
                contacts.insert(0, self.demo_users["demo-office"])
            collectives.append(
                (
                    CollectiveProposer(name=name, kind=CollectiveKind.SPECIAL_COMMITTEE, special_committee=committee),
                    contacts,
                )
            )
        created = CollectiveProposer.objects.bulk_create([c for c, _ in collectives])
        CollectiveProposer.contacts.through.objects.bulk_create(
            [
                CollectiveProposer.contacts.through(collectiveproposer_id=c.pk, user_id=u.pk)
                for c, (_, contacts) in zip(created, collectives, strict=True)
                for u in contacts
            ]
        )


def _account(User, username: str, display_name: str, mobile: str):
    """An account for bulk insertion: signs in only after a password is set (by the person, or an admin)."""
    user = User(username=username, display_name=display_name, mobile=mobile, mobile_digest=crypto.digest(mobile))
    user.set_unusable_password()
    return user


def _allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), at least one each."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    counts = [max(1, int(x)) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: exact[i] - int(exact[i]), reverse=True)
    i = 0
    while sum(counts) < total:
        counts[by_remainder[i % len(counts)]] += 1
        i += 1
    while sum(counts) > total:
        largest = max(range(len(counts)), key=counts.__getitem__)
        counts[largest] -= 1
    return counts


# Entry points --------------------------------------------------------------------------------------------------


def organisation_present(tier: Tier = DEMO_DISTRICT) -> bool:
    """True if this database already holds ``tier``'s committee. Raises ``DemoConflict`` if it holds other
    organisation data, which the demo must not be mixed into."""
    if Committee.objects.filter(name=tier.committee_name).exists():
        return True
    User = get_user_model()
    if (
        Committee.objects.exists()
        or Member.objects.exists()
        or HandlingUnit.objects.exists()
        or User.objects.filter(username__in=DEMO_USERNAMES).exists()
    ):
        raise DemoConflict(
            "This database already holds organisation data or demo accounts; "
            "the demo is built only into an empty (migrated) database."
        )
    return False


def organisation_summary(tier: Tier = DEMO_DISTRICT, *, created: bool) -> dict:
    """Counts of the organisation data and the demo accounts (with the roles they hold now)."""
    User = get_user_model()
    serving = Member.objects.filter(status=MemberStatus.SERVING)
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    accounts = []
    for account in DEMO_ACCOUNTS:
        user = users.get(account.username)
        accounts.append(
            {
                "username": account.username,
                "password": DEMO_PASSWORD,
                "name": str(user) if user else "",
                "roles": [r.value for r in Role if user and r in roles_of(user)],
                "note": account.note,
            }
        )
    return {
        "created": created,
        "committee": tier.committee_name,
        "counts": {
            "terms": Term.objects.count(),
            "sessions": Session.objects.count(),
            "parties": Party.objects.count(),
            "sectors": Sector.objects.count(),
            "sectors_with_convener": Sector.objects.filter(convener__isnull=False).count(),
            "special_committees": SpecialCommittee.objects.count(),
            "collective_proposers": CollectiveProposer.objects.count(),
            "members": Member.objects.count(),
            "serving_members": serving.count(),
            "standing_committee": serving.filter(is_standing_committee=True).count(),
            "handling_units": HandlingUnit.objects.count(),
            "unit_staff": UnitStaff.objects.count(),
            "unit_leaders": UnitStaff.objects.filter(is_leader=True).count(),
            "accounts": User.objects.count(),
        },
        "accounts": accounts,
    }


def build_organisation(
    *, tier: Tier, seed: int = DEMO_SEED, batch_size: int = 2000, log: Callable[[str], None] | None = None
) -> dict:
    """Build ``tier``'s committee into an empty database in one transaction; a second call changes nothing.

    Returns ``organisation_summary`` (``created`` is False when the data was already there).
    """
    if organisation_present(tier):
        return organisation_summary(tier, created=False)
    with transaction.atomic():
        _Builder(tier=tier, seed=seed, batch_size=batch_size, log=log or (lambda message: None)).run()
    return organisation_summary(tier, created=True)


def build_demo_district(*, seed: int = DEMO_SEED) -> dict:
    """政协南昌市新建区委员会: about 250 members, 40 handling units and the demo accounts."""
    return build_organisation(tier=DEMO_DISTRICT, seed=seed)
