"""The scale tiers of spec/overview.md: the demo district and the district, city and province tiers the benchmarks
build (``bench/generate.py``). A tier says how big the committee is and where it is; ``organisation`` builds it."""

from dataclasses import dataclass, replace

from zhengxie.people.choices import CommitteeLevel


@dataclass(frozen=True)
class Tier:
    key: str
    committee_name: str
    committee_short_name: str
    level: str
    place: str  # the committee's place: names collective proposers and, below province level, work units
    place_prefix: str  # 区 / 市: the first character of department short names (区住建局)
    term_number: int
    first_year: int  # first year of the current term
    members: int
    standing: int
    units: int
    demo_unit_place: str  # where the housing and education bureaus of demo-unit / demo-unit2 are

    @property
    def spans_province(self) -> bool:
        return self.level == CommitteeLevel.PROVINCE


DEMO_DISTRICT = Tier(
    key="demo",
    committee_name="政协南昌市新建区委员会",
    committee_short_name="新建区政协",
    level=CommitteeLevel.DISTRICT,
    place="新建区",
    place_prefix="区",
    term_number=17,
    first_year=2022,
    members=250,
    standing=60,
    units=40,
    demo_unit_place="新建区",
)

TIERS = {
    "district": replace(DEMO_DISTRICT, key="district", members=450, standing=100, units=80),
    "city": Tier(
        key="city",
        committee_name="政协南昌市委员会",
        committee_short_name="南昌市政协",
        level=CommitteeLevel.CITY,
        place="南昌市",
        place_prefix="市",
        term_number=15,
        first_year=2022,
        members=800,
        standing=160,
        units=80,
        demo_unit_place="南昌市",
    ),
    "province": Tier(
        key="province",
        committee_name="政协江西省委员会",
        committee_short_name="江西省政协",
        level=CommitteeLevel.PROVINCE,
        place="江西省",
        place_prefix="省",
        term_number=13,
        first_year=2023,
        members=30000,
        standing=6000,
        units=3000,
        demo_unit_place="新建区",
    ),
}
