"""Test data for the people app: member data for the services and .xlsx files built in memory."""

import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengxie.people.choices import Gender
from zhengxie.people.imports import MEMBER_COLUMNS, UNIT_COLUMNS

from .org import make_id_number, make_mobile

MEMBER_HEADER = [c.header for c in MEMBER_COLUMNS]
UNIT_HEADER = [c.header for c in UNIT_COLUMNS]


def birth_of(seq: int) -> datetime.date:
    return datetime.date(1970 + seq % 20, 1 + seq % 12, 1 + seq % 28)


def member_data(org, seq: int, **changes) -> dict:
    """Valid input for ``member_create``; ``seq`` (10 or more) keeps ID number and mobile apart from the fixture's."""
    return {
        "name": f"委员{seq}",
        "gender": Gender.FEMALE,
        "id_number": make_id_number(birth=birth_of(seq), seq=seq),
        "mobile": make_mobile(seq),
        "work_unit": "新建区发展和改革委员会",
        "title": "副主任",
        "sector": org.sector,
        "party": org.party,
        "special_committees": [org.special_committee],
        "terms": [org.term],
    } | changes


def member_row(org, seq: int, **changes) -> dict:
    """One spreadsheet row (header -> cell) for a valid new member."""
    return {
        "姓名": f"委员{seq}",
        "性别": "女",
        "民族": "汉族",
        "出生日期": birth_of(seq).isoformat(),
        "身份证号": make_id_number(birth=birth_of(seq), seq=seq),
        "手机号": make_mobile(seq),
        "工作单位": "新建区发展和改革委员会",
        "职务": "副主任",
        "界别": org.sector.name,
        "党派": org.party.name,
        "专门委员会": org.special_committee.name,
        "常委": "否",
        "状态": "在任",
    } | changes


def unit_row(name: str, **changes) -> dict:
    return {
        "名称": name,
        "简称": "",
        "类别": "政府部门",
        "联系电话": "0791-83700000",
        "地址": "新建区长堎大道",
    } | changes


def xlsx_bytes(rows: list[dict], header: list[str] = MEMBER_HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_upload(rows: list[dict], header: list[str] = MEMBER_HEADER, name: str = "委员名单.xlsx"):
    return SimpleUploadedFile(name, xlsx_bytes(rows, header))


def read_xlsx(content: bytes) -> list[list]:
    """The first sheet's rows as lists of cell values."""
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]
