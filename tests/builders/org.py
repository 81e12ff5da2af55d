"""A small organisation made through the real services, with one account per role, and members.

The usernames match the demo district's accounts (README), so browser tests read like the demo.
"""

import datetime
from dataclasses import dataclass

from zhengxie.accounts.services import account_create, role_grant
from zhengxie.core.roles import Role
from zhengxie.core.validators import id_check_digit
from zhengxie.duty.kinds import ensure_default_kinds
from zhengxie.people.choices import Gender
from zhengxie.people.models import (
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

PASSWORD = "zhengxie-demo"


def make_id_number(region: str = "360122", birth: datetime.date = datetime.date(1975, 6, 1), seq: int = 1) -> str:
    first17 = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_digit(first17)


def make_mobile(n: int) -> str:
    return f"139{n:08d}"


@dataclass
class Org:
    committee: Committee
    term: Term
    sector: Sector
    other_sector: Sector
    party: Party
    special_committee: SpecialCommittee
    unit: HandlingUnit
    other_unit: HandlingUnit
    users: dict  # role key -> User
    member: Member
    member2: Member


def make_member(
    *, name: str, sector: Sector, party: Party, seq: int, user=None, term: Term | None = None, standing: bool = False
) -> Member:
    birth = datetime.date(1960 + seq % 30, 1 + seq % 12, 1 + seq % 28)
    m = Member(
        name=name,
        gender=Gender.MALE if seq % 2 else Gender.FEMALE,
        birth_date=birth,
        sector=sector,
        party=party,
        work_unit="南昌市新建区某单位",
        title="主任",
        user=user,
        is_standing_committee=standing,
    )
    m.set_id_number(make_id_number(birth=birth, seq=seq))
    m.set_mobile(make_mobile(seq))
    m.save()
    if term is not None:
        m.terms.add(term)
    return m


def member_with_account(
    org: "Org",
    *,
    username: str,
    name: str,
    seq: int,
    sector: Sector | None = None,
    party: Party | None = None,
    term: bool = True,
    display_name: str | None = None,
) -> Member:
    """A serving member with a sign-in account (password ``PASSWORD``), in ``org``'s sector and party unless told,
    in the current term unless ``term`` is False; the account shows the member's name unless told otherwise."""
    user = account_create(
        username=username, password=PASSWORD, display_name=name if display_name is None else display_name
    )
    return make_member(
        name=name,
        sector=sector or org.sector,
        party=party or org.party,
        seq=seq,
        user=user,
        term=org.term if term else None,
    )


def build_org() -> Org:
    ensure_default_kinds()
    committee = Committee.objects.create(name="政协南昌市新建区委员会", short_name="新建区政协")
    term = Term.objects.create(
        committee=committee,
        number=17,
        name="第十七届",
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    Session.objects.create(
        term=term,
        number=5,
        name="第五次会议",
        year=2026,
        opens_on=datetime.date(2026, 1, 6),
        closes_on=datetime.date(2026, 1, 9),
        proposal_deadline=datetime.date(2026, 1, 8),
    )
    sector = Sector.objects.create(name="经济", sort_order=1)
    other_sector = Sector.objects.create(name="教育", sort_order=2)
    party = Party.objects.create(name="中国国民党革命委员会", short_name="民革")
    special = SpecialCommittee.objects.create(name="提案委员会")
    unit = HandlingUnit.objects.create(name="新建区住房和城乡建设局", short_name="区住建局")
    other_unit = HandlingUnit.objects.create(name="新建区教育体育局", short_name="区教体局")

    users = {}
    for key, role in [
        ("admin", Role.ADMIN),
        ("office", Role.PROPOSAL_OFFICE),
        ("staff", Role.SECRETARIAT),
        ("leader", Role.LEADER),
        ("overseer", Role.OVERSEER),
    ]:
        users[key] = account_create(username=f"demo-{key}", password=PASSWORD, display_name=f"演示{role.label}")
        role_grant(user=users[key], role=role, actor=None)
    for key, u, leader in [("unit", unit, False), ("unit-leader", unit, True), ("unit2", other_unit, False)]:
        users[key] = account_create(username=f"demo-{key}", password=PASSWORD, display_name=f"{u.short_name}{key}")
        UnitStaff.objects.create(unit=u, user=users[key], is_leader=leader)
    users["member"] = account_create(
        username="demo-member", password=PASSWORD, display_name="张委员", mobile=make_mobile(1)
    )
    users["member2"] = account_create(
        username="demo-member2", password=PASSWORD, display_name="李委员", mobile=make_mobile(2)
    )
    member = make_member(name="张委员", sector=sector, party=party, seq=1, user=users["member"], term=term)
    member2 = make_member(name="李委员", sector=other_sector, party=party, seq=2, user=users["member2"], term=term)
    sector.convener = member
    sector.save(update_fields=["convener"])
    return Org(committee, term, sector, other_sector, party, special, unit, other_unit, users, member, member2)


# Role keys used by access-matrix tests, in a stable order; "anonymous" is no user at all.
ROLE_KEYS = [
    "anonymous",
    "admin",
    "office",
    "staff",
    "leader",
    "overseer",
    "unit",
    "unit-leader",
    "unit2",
    "member",
    "member2",
]
