"""The demo's name tables, read from the TOML files in ``data/`` when this module is first imported.

Every sequence keeps the order of its file: the builder draws from them with a seeded random generator, so the
order is part of what a seed makes.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from zhengxie.people.choices import UnitKind

DATA_DIR = Path(__file__).resolve().parent / "data"


def _load(name: str) -> dict:
    with (DATA_DIR / name).open("rb") as f:
        return tomllib.load(f)


def _rows(rows: list[list]) -> tuple[tuple, ...]:
    return tuple(tuple(row) for row in rows)


def _units(rows: list[list]) -> tuple[tuple[str, str, UnitKind], ...]:
    # UnitKind() refuses a kind the model does not know, so a typo in the file fails here, not in the database.
    return tuple((name, short, UnitKind(kind)) for name, short, kind in rows)


@dataclass(frozen=True)
class SectorSpec:
    name: str
    weight: int  # relative size
    parties: dict  # party short name -> weight
    pools: tuple[str, ...]  # work-unit pools (WORK_POOLS)
    female: float = 0.3
    born: tuple[int, int] = (1962, 1990)


@dataclass(frozen=True)
class Place:
    name: str
    region: str  # ID-number region code of people registered there
    area_code: str


# Organisation ------------------------------------------------------------------------------------------------------

_organisation = _load("organisation.toml")
PARTIES = _rows(_organisation["parties"])
DEMOCRATIC_PARTIES = tuple(_organisation["democratic_parties"])
SPECIAL_COMMITTEES = tuple(_organisation["special_committees"])
SECTOR_AFFINITY = _organisation["sector_affinity"]
ORGANISATIONS = _rows(_organisation["organisations"])


def _sector(row: dict) -> SectorSpec:
    parties = row["parties"]
    optional = {key: tuple(row[key]) if key == "born" else row[key] for key in ("female", "born") if key in row}
    return SectorSpec(
        name=row["name"],
        weight=row["weight"],
        parties=_organisation["party_mixes"][parties] if isinstance(parties, str) else parties,
        pools=tuple(row["pools"]),
        **optional,
    )


SECTORS = tuple(_sector(row) for row in _organisation["sectors"])

# Handling units ----------------------------------------------------------------------------------------------------

_units_data = _load("units.toml")
DISTRICT_UNITS = _units(_units_data["district_units"])
TOWNS = tuple(name[:-4] for name, _, _ in DISTRICT_UNITS if name.endswith("镇人民政府"))
DEPARTMENTS = _rows(_units_data["departments"])
PROVINCE_DEPARTMENTS_PER_PLACE = 27
CITY_UNITS = _units(_units_data["city_units"])
PROVINCE_UNITS = _units(_units_data["province_units"])

# Places ------------------------------------------------------------------------------------------------------------

_places = _load("places.toml")
NANCHANG_REGIONS = _rows(_places["nanchang_regions"])
PREFECTURES = tuple((p["name"], p["area_code"], _rows(p["counties"])) for p in _places["prefectures"])
# The 11 cities (their people carry the code of the city's first district) and the 100 counties of Jiangxi.
PROVINCE_PLACES = tuple(Place(city, counties[0][1], area) for city, area, counties in PREFECTURES) + tuple(
    Place(county, code, area) for _, area, counties in PREFECTURES for county, code in counties
)

# People ------------------------------------------------------------------------------------------------------------

_names = _load("names.toml")
SURNAMES = _rows(_names["surnames"])
MALE_CHARS = tuple(_names["male_chars"])
FEMALE_CHARS = tuple(_names["female_chars"])
MINORITIES = _rows(_names["minorities"])
MOBILE_PREFIXES = tuple(_names["mobile_prefixes"])

# Work units --------------------------------------------------------------------------------------------------------

_work = _load("work.toml")
BRANDS = tuple(_work["brands"])
INDUSTRIES = tuple(_work["industries"])
UNIVERSITIES = tuple(_work["universities"])
INSTITUTES = tuple(_work["institutes"])
BANKS = tuple(_work["banks"])
VILLAGES = tuple(_work["villages"])
TRADES = tuple(_work["trades"])
SPORTS = tuple(_work["sports"])
ORDINALS = tuple(_work["ordinals"])
PARTY_DEPARTMENTS = tuple(_work["party_departments"])
ROADS = tuple(_work["roads"])
STAFF_POSITIONS = tuple(_work["staff_positions"])
# Pool -> (name template, titles); ``None`` titles: the head's and a deputy's title of the unit's name.
WORK_POOLS = {
    pool: tuple((entry["unit"], tuple(entry["titles"]) if "titles" in entry else None) for entry in entries)
    for pool, entries in _work["work_pools"].items()
}

# Proposals ---------------------------------------------------------------------------------------------------------

_proposals = _load("proposals.toml")
CATEGORIES = tuple(_proposals["categories"])
TOPICS = tuple((t["title"], t["analysis"], t["suggestions"]) for t in _proposals["topics"])
