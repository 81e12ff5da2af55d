"""Importing members and handling units from .xlsx spreadsheets, in two steps.

1. ``read_rows`` turns the upload into plain rows; ``batch_save`` keeps them (encrypted, bound to the user) under
   ``VAR_DIR/imports`` and returns a token; the preview page runs ``check_rows`` and shows every row's errors.
2. ``import_confirm`` checks the rows again against the database as it is now and writes them through the services in
   one transaction: nothing if any row is in error, unless the user chose to skip those rows.

Members are matched by ID number, units by name, so importing the same file twice changes nothing the second time.
Column headers and choice words (男/女, 在任 …) are the spreadsheet's format, not page text, so they stay Chinese
whatever the page language is.
"""

import datetime
import json
import re
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core import crypto, spreadsheets
from zhengxie.core.access import has_perm
from zhengxie.core.validators import normalise_id_number, normalise_mobile

from . import services
from .choices import Gender, MemberStatus, UnitKind
from .models import HandlingUnit, Member, Party, Sector, SpecialCommittee


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False


MEMBER_COLUMNS = (
    Column("name", "姓名", True),
    Column("gender", "性别", True),
    Column("ethnicity", "民族"),
    Column("birth_date", "出生日期"),
    Column("id_number", "身份证号", True),
    Column("mobile", "手机号", True),
    Column("work_unit", "工作单位"),
    Column("title", "职务"),
    Column("sector", "界别", True),
    Column("party", "党派", True),
    Column("special_committees", "专门委员会"),
    Column("is_standing_committee", "常委"),
    Column("status", "状态"),
)
UNIT_COLUMNS = (
    Column("name", "名称", True),
    Column("short_name", "简称"),
    Column("kind", "类别"),
    Column("contact_phone", "联系电话"),
    Column("address", "地址"),
)
LIST_SEPARATOR = "、"
YES, NO = "是", "否"


def choice_words(choices) -> dict[str, str]:
    """Chinese label -> stored value."""
    with translation.override("zh-hans"):
        return {str(label): value for value, label in choices}


# Reading the file ----------------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(upload, columns: tuple[Column, ...]) -> list[dict]:
    """``[{"line": row number in the sheet, "values": {column key: text}}]`` for the first sheet's non-empty rows.
    Raises ``ValidationError`` for a file that is too big, not .xlsx, lacks required columns or has too many rows."""
    return spreadsheets.read_first_sheet(upload, lambda sheet: _rows_of(sheet, columns))


def column_positions(header: list[str], columns: tuple[Column, ...]) -> dict[int, str]:
    """``{position in the row: column key}`` for the first row's names, in any order (a repeated name counts once).
    Raises ``ValidationError`` in words naming the required columns the row lacks."""
    by_header = {c.header: c.key for c in columns}
    positions: dict[int, str] = {}
    for index, text in enumerate(header):
        if text in by_header and by_header[text] not in positions.values():
            positions[index] = by_header[text]
    missing = [c.header for c in columns if c.required and c.key not in positions.values()]
    if missing:
        raise ValidationError(
            _("第一行应为列名，缺少这些列：%(columns)s。") % {"columns": LIST_SEPARATOR.join(missing)},
            code="columns",
        )
    return positions


def _rows_of(sheet, columns: tuple[Column, ...]) -> list[dict]:
    lines = sheet.iter_rows(values_only=True)
    positions = column_positions([_cell_text(v) for v in next(lines, ())], columns)
    rows = []
    for line, cells in enumerate(lines, start=2):
        values = {key: _cell_text(cells[i]) if i < len(cells) else "" for i, key in positions.items()}
        if not any(values.values()):
            continue
        if len(rows) == settings.IMPORT_MAX_ROWS:
            raise ValidationError(
                _("文件的数据超过 %(n)d 行，请分批导入。") % {"n": settings.IMPORT_MAX_ROWS}, code="too_many_rows"
            )
        rows.append({"line": line, "values": values})
    if not rows:
        raise ValidationError(_("文件中没有数据行。"), code="empty")
    return rows


# Keeping the rows between preview and confirm ------------------------------------------------------------------

BATCH_MAX_AGE = 24 * 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{24}$")


def _batch_dir() -> Path:
    path = Path(settings.VAR_DIR) / "imports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def batch_save(*, user, kind: str, filename: str, rows: list[dict]) -> str:
    """Store the rows encrypted (they hold ID numbers and mobiles) and return the token naming them."""
    folder = _batch_dir()
    for old in folder.glob("*.batch"):
        if time.time() - old.stat().st_mtime > BATCH_MAX_AGE:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(18)
    payload = {"user": user.pk, "kind": kind, "filename": filename[:200], "created": time.time(), "rows": rows}
    (folder / f"{token}.batch").write_text(crypto.encrypt(json.dumps(payload, ensure_ascii=False)))
    return token


def batch_load(*, user, kind: str, token: str) -> dict | None:
    """The stored batch if ``token`` names one of ``user``'s, of this kind and not expired; else None."""
    if not _TOKEN_RE.match(token or ""):
        return None
    try:
        payload = json.loads(crypto.decrypt((_batch_dir() / f"{token}.batch").read_text()))
    except (FileNotFoundError, crypto.DecryptionError, ValueError):
        return None
    if payload["user"] != user.pk or payload["kind"] != kind or time.time() - payload["created"] > BATCH_MAX_AGE:
        return None
    return payload


def batch_delete(*, token: str) -> None:
    if _TOKEN_RE.match(token or ""):
        (_batch_dir() / f"{token}.batch").unlink(missing_ok=True)


# Checking rows -------------------------------------------------------------------------------------------------


@dataclass
class RowResult:
    line: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    data: dict = field(default_factory=dict)  # typed values for the service
    target: object = None  # the existing member or unit the row updates
    action: str = ""  # "create", "update" or "unchanged" once the row is free of errors

    def fail(self, key: str, message: str) -> None:
        self.errors.setdefault(key, []).append(message)

    def cells(self, columns: tuple[Column, ...]) -> list[dict]:
        return [{"value": self.values.get(c.key, ""), "errors": self.errors.get(c.key, [])} for c in columns]

    def other_errors(self, columns: tuple[Column, ...]) -> list[str]:
        keys = {c.key for c in columns}
        return [m for key, messages in self.errors.items() if key not in keys for m in messages]


def _parse_date(text: str) -> datetime.date | None:
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not match:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _required(row: RowResult, columns: tuple[Column, ...]) -> None:
    for column in columns:
        if column.required and column.key in row.values and not row.values[column.key]:
            row.fail(column.key, _("「%(column)s」不能为空。") % {"column": column.header})


def _flag_duplicate(row: RowResult, key: str, value: str, seen: dict, message: str) -> None:
    if value in seen:
        row.fail(key, message % {"line": seen[value]})
    else:
        seen[value] = row.line


def check_member_rows(rows: list[dict]) -> list[RowResult]:
    sectors = {s.name: s for s in Sector.objects.all()}
    parties = {}
    for party in Party.objects.all():
        parties[party.name] = party
        if party.short_name:
            parties.setdefault(party.short_name, party)
    committees = {c.name: c for c in SpecialCommittee.objects.all()}
    genders, statuses = choice_words(Gender.choices), choice_words(MemberStatus.choices)
    digests = sorted({crypto.digest(normalise_id_number(r["values"].get("id_number", ""))) for r in rows})
    existing = {}
    for chunk in _chunks(digests):
        members = Member.objects.filter(id_number_digest__in=chunk).select_related("sector", "party", "user")
        existing |= {m.id_number_digest: m for m in members.prefetch_related("special_committees", "terms")}

    results, seen_ids, seen_mobiles = [], {}, {}
    for raw in rows:
        row, v = RowResult(line=raw["line"], values=raw["values"]), raw["values"]
        _required(row, MEMBER_COLUMNS)
        data = {key: v[key] for key in ("name", "id_number", "mobile", "work_unit", "title") if key in v}
        if v.get("ethnicity"):
            data["ethnicity"] = v["ethnicity"]
        if v.get("gender"):
            if v["gender"] in genders:
                data["gender"] = genders[v["gender"]]
            else:
                row.fail("gender", _("性别应填写“男”或“女”。"))
        if v.get("birth_date"):
            data["birth_date"] = _parse_date(v["birth_date"])
            if data["birth_date"] is None:
                row.fail("birth_date", _("出生日期应写成 1975-06-01 这样的格式。"))
        for key, known, message in (
            ("sector", sectors, _("未知的界别：%(name)s。")),
            ("party", parties, _("未知的党派：%(name)s。")),
        ):
            if v.get(key):
                if v[key] in known:
                    data[key] = known[v[key]]
                else:
                    row.fail(key, message % {"name": v[key]})
        if "special_committees" in v:
            names = [n for n in re.split(r"[、,，;；\s]+", v["special_committees"]) if n]
            unknown = [n for n in names if n not in committees]
            if unknown:
                row.fail("special_committees", _("未知的专门委员会：%(names)s。") % {"names": "、".join(unknown)})
            data["special_committees"] = {committees[n] for n in names if n in committees}
        if "is_standing_committee" in v:
            if v["is_standing_committee"] in (YES, NO, ""):
                data["is_standing_committee"] = v["is_standing_committee"] == YES
            else:
                row.fail("is_standing_committee", _("「常委」应填写“是”或“否”。"))
        if v.get("status"):
            if v["status"] in statuses:
                data["status"] = statuses[v["status"]]
            else:
                row.fail("status", _("状态应填写：%(words)s。") % {"words": "、".join(statuses)})

        id_number, mobile = normalise_id_number(v.get("id_number", "")), normalise_mobile(v.get("mobile", ""))
        if id_number:
            _flag_duplicate(row, "id_number", id_number, seen_ids, _("与第 %(line)d 行的身份证号重复。"))
        if mobile:
            _flag_duplicate(row, "mobile", mobile, seen_mobiles, _("与第 %(line)d 行的手机号重复。"))
        row.target = existing.get(crypto.digest(id_number)) if id_number else None
        current = services.member_values(row.target) if row.target else None
        try:
            cleaned = services.member_clean({k: val for k, val in data.items() if k not in row.errors}, current=current)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                if key not in row.errors:
                    row.errors[key] = messages
        if not row.errors:
            row.data = data
            row.action = (
                "create"
                if current is None
                else "update"
                if services.member_has_changes(current, cleaned)
                else "unchanged"
            )
        results.append(row)
    return results


def check_unit_rows(rows: list[dict]) -> list[RowResult]:
    kinds = choice_words(UnitKind.choices)
    names = sorted({r["values"].get("name", "").strip() for r in rows})
    existing = {}
    for chunk in _chunks(names):
        existing |= {u.name: u for u in HandlingUnit.objects.filter(name__in=chunk)}
    results, seen = [], {}
    for raw in rows:
        row, v = RowResult(line=raw["line"], values=raw["values"]), raw["values"]
        _required(row, UNIT_COLUMNS)
        data = {key: v[key] for key in ("name", "short_name", "contact_phone", "address") if key in v}
        if v.get("kind"):
            if v["kind"] in kinds:
                data["kind"] = kinds[v["kind"]]
            else:
                row.fail("kind", _("类别应填写：%(words)s。") % {"words": "、".join(kinds)})
        name = v.get("name", "").strip()
        if name:
            _flag_duplicate(row, "name", name, seen, _("与第 %(line)d 行的单位名称重复。"))
        row.target = existing.get(name)
        current = services.unit_values(row.target) if row.target else None
        try:
            cleaned = services.unit_clean({k: val for k, val in data.items() if k not in row.errors}, current=current)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                row.errors.setdefault(key, messages)
        if not row.errors:
            row.data = data
            row.action = "create" if current is None else "update" if cleaned != current else "unchanged"
        results.append(row)
    return results


# Writing -------------------------------------------------------------------------------------------------------


def _write_member(*, actor, row: RowResult, create_accounts: bool) -> None:
    if row.target is None:
        services.member_create(actor=actor, data=row.data, create_account=create_accounts)
    else:
        services.member_update(actor=actor, member=row.target, data=row.data, create_account=create_accounts)


def _write_unit(*, actor, row: RowResult, create_accounts: bool) -> None:
    if row.target is None:
        services.unit_create(actor=actor, data=row.data)
    else:
        services.unit_update(actor=actor, unit=row.target, data=row.data)


@dataclass(frozen=True)
class ImportKind:
    key: str
    columns: tuple[Column, ...]
    perm: str
    check: Callable[[list[dict]], list[RowResult]]
    write: Callable[..., None]
    object_type: str


KINDS = {
    "member": ImportKind(
        "member", MEMBER_COLUMNS, services.MANAGE_MEMBERS, check_member_rows, _write_member, "people.member"
    ),
    "unit": ImportKind(
        "unit", UNIT_COLUMNS, services.MANAGE_UNITS, check_unit_rows, _write_unit, "people.handlingunit"
    ),
}
COUNTED = {"create": "created", "update": "updated", "unchanged": "unchanged"}


@transaction.atomic
def import_confirm(
    *, actor, kind: str, rows: list[dict], filename: str, skip_errors: bool, create_accounts: bool = False
) -> dict[str, int]:
    """Write the rows of a batch. Refuses (writing nothing) while a row is in error, unless ``skip_errors``; a row
    that fails when written undoes the whole import. Returns the counts created / updated / unchanged / skipped.
    ``create_accounts`` opens a sign-in account for each imported member who has none."""
    spec = KINDS[kind]
    if actor is not None and not has_perm(actor, spec.perm):
        raise PermissionDenied
    results = spec.check(rows)
    in_error = sum(1 for r in results if r.errors)
    if in_error and not skip_errors:
        raise ValidationError(
            _("有 %(n)d 行存在错误，未导入任何数据。请修改文件后重新上传，或选择跳过有错误的行。") % {"n": in_error},
            code="rows_in_error",
        )
    counts = Counter({"created": 0, "updated": 0, "unchanged": 0, "skipped": in_error})
    for row in results:
        if row.errors:
            continue
        try:
            spec.write(actor=actor, row=row, create_accounts=create_accounts)
        except ValidationError as exc:
            raise ValidationError(
                _("第 %(line)d 行写入失败：%(errors)s 未导入任何数据。")
                % {"line": row.line, "errors": " ".join(exc.messages)},
                code="row_failed",
            ) from exc
        counts[COUNTED[row.action]] += 1
    counts = dict(counts)
    audit_record(
        actor=actor,
        action=f"{kind}.import",
        object_type=spec.object_type,
        object_repr=filename,
        changes={key: [None, n] for key, n in counts.items()},
    )
    return counts
