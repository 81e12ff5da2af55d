"""Writes of organisation data: members, handling units and unit staff.

Each service checks the actor's permission, validates the whole input before writing, changes the rows and appends
an audit row in one transaction, so a refused call writes nothing. ``actor=None`` is the system itself (management
commands). ID numbers and mobiles appear in audit rows only masked.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zhengxie.accounts.services import account_create
from zhengxie.audit.services import audit_record, diff
from zhengxie.core import crypto
from zhengxie.core.access import has_perm
from zhengxie.core.validators import (
    id_number_birth_date,
    mask_id_number,
    mask_mobile,
    normalise_id_number,
    normalise_mobile,
    validate_id_number,
    validate_mobile,
)

from .choices import Gender, MemberStatus, UnitKind
from .models import HandlingUnit, Member, UnitStaff

MANAGE_MEMBERS = "people.manage_members"
MANAGE_UNITS = "people.manage_units"


def _authorise(actor, perm: str) -> None:
    if actor is not None and not has_perm(actor, perm):
        raise PermissionDenied


class _Errors(dict):
    """``{field: [messages]}`` collected before raising one ValidationError."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))


def _clean_text(values: dict, errors: _Errors, limits: dict[str, int]) -> None:
    for field, limit in limits.items():
        values[field] = str(values.get(field) or "").strip()
        if len(values[field]) > limit:
            errors.add(field, _("不能超过%(n)d个字。") % {"n": limit})


def _mobile_taken_by_account(mobile: str, *, except_user_id=None) -> bool:
    qs = get_user_model().objects.filter(mobile_digest=crypto.digest(mobile))
    if except_user_id is not None:
        qs = qs.exclude(pk=except_user_id)
    return qs.exists()


# Members -------------------------------------------------------------------------------------------------------

MEMBER_TEXT_LIMITS = {"name": 50, "ethnicity": 20, "work_unit": 100, "title": 100}
MEMBER_SCALARS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "work_unit",
    "title",
    "sector",
    "party",
    "is_standing_committee",
    "status",
)
MEMBER_FIELDS = (*MEMBER_SCALARS, "id_number", "mobile", "special_committees", "terms")


def _member_defaults() -> dict:
    return {
        "ethnicity": Member._meta.get_field("ethnicity").default,
        "work_unit": "",
        "title": "",
        "special_committees": set(),
        "is_standing_committee": False,
        "status": MemberStatus.SERVING,
        "terms": set(),
    }


def member_values(member: Member) -> dict:
    """The member's current data in the shape ``member_clean`` returns (uses prefetched relations if present)."""
    values = {field: getattr(member, field) for field in MEMBER_SCALARS}
    values.update(
        id_number=member.id_number,
        mobile=member.mobile,
        special_committees=set(member.special_committees.all()),
        terms=set(member.terms.all()),
    )
    return values


def member_clean(data: dict, *, current: dict | None = None) -> dict:
    """``data`` laid over ``current`` (a member's values, or the defaults for a new member), normalised and checked
    without touching the database. Keys absent from ``data`` keep their current value; a missing birth date is
    taken from the ID number. Raises ``ValidationError({field: [messages]})``."""
    values = {**(current or _member_defaults()), **{k: v for k, v in data.items() if k in MEMBER_FIELDS}}
    errors = _Errors()
    _clean_text(values, errors, MEMBER_TEXT_LIMITS)
    if not values["name"]:
        errors.add("name", _("请填写姓名。"))
    if not values["ethnicity"]:
        errors.add("ethnicity", _("请填写民族。"))
    if values.get("gender") not in Gender.values:
        errors.add("gender", _("请选择性别。"))
    if values.get("status") not in MemberStatus.values:
        errors.add("status", _("请选择状态。"))
    if values.get("sector") is None:
        errors.add("sector", _("请选择界别。"))
    if values.get("party") is None:
        errors.add("party", _("请选择党派。"))

    values["id_number"] = normalise_id_number(values.get("id_number") or "")
    if not values["id_number"]:
        errors.add("id_number", _("请填写身份证号。"))
    else:
        try:
            validate_id_number(values["id_number"])
        except ValidationError as exc:
            errors.setdefault("id_number", []).extend(exc.messages)
        else:
            born = id_number_birth_date(values["id_number"])
            given = data.get("birth_date")
            if given and given != born:
                errors.add(
                    "birth_date",
                    _("出生日期与身份证号中的出生日期（%(date)s）不一致。") % {"date": born.isoformat()},
                )
            values["birth_date"] = born

    values["mobile"] = normalise_mobile(values.get("mobile") or "")
    if not values["mobile"]:
        errors.add("mobile", _("请填写手机号。"))
    else:
        try:
            validate_mobile(values["mobile"])
        except ValidationError as exc:
            errors.setdefault("mobile", []).extend(exc.messages)

    values["is_standing_committee"] = bool(values["is_standing_committee"])
    values["special_committees"] = set(values["special_committees"] or ())
    values["terms"] = set(values["terms"] or ())
    errors.raise_if_any()
    return values


def member_audit_view(values: dict) -> dict:
    """What an audit row records of a member: personal data masked, related rows by name."""
    return {
        **{field: values[field] for field in MEMBER_SCALARS if field not in ("sector", "party")},
        "sector": str(values["sector"]),
        "party": str(values["party"]),
        "id_number": mask_id_number(values["id_number"]),
        "mobile": mask_mobile(values["mobile"]),
        "special_committees": sorted(str(c) for c in values["special_committees"]),
        "terms": sorted(str(t) for t in values["terms"]),
    }


def member_has_changes(current: dict, values: dict) -> bool:
    return any(current[field] != values[field] for field in MEMBER_FIELDS)


def _member_check_conflicts(values: dict, *, member: Member | None, with_account: bool) -> None:
    errors = _Errors()
    same_id = Member.objects.filter(id_number_digest=crypto.digest(values["id_number"]))
    if member is not None:
        same_id = same_id.exclude(pk=member.pk)
    if same_id.exists():
        errors.add("id_number", _("该身份证号已登记为其他委员。"))
    account_id = member.user_id if member is not None else None
    if (account_id or with_account) and _mobile_taken_by_account(values["mobile"], except_user_id=account_id):
        errors.add("mobile", _("该手机号已被其他账号使用。"))
    errors.raise_if_any()


def _member_save(member: Member, values: dict, *, update_fields: list[str] | None = None) -> None:
    for field in MEMBER_SCALARS:
        setattr(member, field, values[field])
    member.set_id_number(values["id_number"])
    member.set_mobile(values["mobile"])
    try:
        with transaction.atomic():
            member.save(update_fields=update_fields)
    except IntegrityError:
        # Another request registered the same ID number between the check and the write.
        raise ValidationError({"id_number": [_("该身份证号已登记为其他委员。")]}) from None


def _member_sync_account(member: Member, *, actor, create: bool) -> dict:
    """Create the member's sign-in account (username ``m`` + zero-padded id, the mobile for sign-in by mobile), or
    keep an existing account's name and mobile in step with the member. Returns audit changes."""
    if member.user_id is None:
        if not create:
            return {}
        user = account_create(
            username=f"m{member.pk:06d}", password=None, display_name=member.name, mobile=member.mobile, actor=actor
        )
        member.user = user
        member.save(update_fields=["user"])
        return {"account": [None, user.username]}
    user = member.user
    changed = []
    if user.display_name != member.name:
        user.display_name = member.name
        changed.append("display_name")
    if user.mobile != member.mobile:
        user.mobile, user.mobile_digest = member.mobile, crypto.digest(member.mobile)
        changed += ["mobile", "mobile_digest"]
    if changed:
        user.save(update_fields=changed)
    return {}


# Apps above this one that keep something per member (the duty archive's yearly rows) are told of each change of a
# member, in the writing transaction. They register in their AppConfig.ready, so that this app depends on none of them.
MemberListener = Callable[..., None]
_MEMBER_LISTENERS: list[MemberListener] = []


def member_listener_add(listener: MemberListener) -> MemberListener:
    """``listener(member, *, created: bool, changed: frozenset[str])`` is called after a member is created
    (``created``) or after some of its fields change (``changed``: the field names), before the transaction
    commits; it defers its own work with ``transaction.on_commit`` where that work must see the commit."""
    _MEMBER_LISTENERS.append(listener)
    return listener


def _member_changed(member: Member, *, created: bool = False, changed=()) -> None:
    for listener in _MEMBER_LISTENERS:
        listener(member, created=created, changed=frozenset(changed))


@transaction.atomic
def member_create(*, actor, data: dict, create_account: bool = False) -> Member:
    """Register a member. ``data`` holds the model's fields (``sector``/``party`` as objects, ``special_committees``
    and ``terms`` as iterables of objects); ``create_account`` also opens a sign-in account."""
    _authorise(actor, MANAGE_MEMBERS)
    values = member_clean(data)
    _member_check_conflicts(values, member=None, with_account=create_account)
    member = Member()
    _member_save(member, values)
    member.special_committees.set(values["special_committees"])
    member.terms.set(values["terms"])
    changes = diff({}, member_audit_view(values))
    changes |= _member_sync_account(member, actor=actor, create=create_account)
    audit_record(actor=actor, action="member.create", obj=member, changes=changes)
    _member_changed(member, created=True)
    return member


@transaction.atomic
def member_update(*, actor, member: Member, data: dict, create_account: bool = False) -> Member:
    """Change the fields given in ``data`` (others keep their value). Writes nothing when nothing changed."""
    _authorise(actor, MANAGE_MEMBERS)
    member = Member.objects.select_for_update(of=("self",)).select_related("sector", "party", "user").get(pk=member.pk)
    current = member_values(member)
    values = member_clean(data, current=current)
    _member_check_conflicts(values, member=member, with_account=create_account)
    changes = diff(member_audit_view(current), member_audit_view(values))
    changed = [f for f in MEMBER_FIELDS if current[f] != values[f]]
    for field, mask in (("id_number", mask_id_number), ("mobile", mask_mobile)):
        if field in changed and field not in changes:  # the masks hide the digits that changed
            changes[field] = [mask(current[field]), mask(values[field])]
    if changed:
        scalars = [f for f in changed if f in MEMBER_SCALARS]
        scalars += [f"{f}{suffix}" for f in ("id_number", "mobile") for suffix in ("", "_digest")]
        _member_save(member, values, update_fields=[*scalars, "updated_at"])
        if "special_committees" in changed:
            member.special_committees.set(values["special_committees"])
        if "terms" in changed:
            member.terms.set(values["terms"])
        _member_changed(member, changed=changed)
    changes |= _member_sync_account(member, actor=actor, create=create_account)
    if changes:
        audit_record(actor=actor, action="member.update", obj=member, changes=changes)
    return member


@transaction.atomic
def member_set_status(*, actor, member: Member, status: str) -> Member:
    """Serving, resigned or removed; a member who is not serving loses the member role on their account."""
    _authorise(actor, MANAGE_MEMBERS)
    if status not in MemberStatus.values:
        raise ValidationError({"status": [_("请选择状态。")]})
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.status != status:
        old, member.status = member.status, status
        member.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="member.set_status", obj=member, changes={"status": [old, status]})
        _member_changed(member, changed={"status"})
    return member


# Handling units ------------------------------------------------------------------------------------------------

UNIT_TEXT_LIMITS = {"name": 100, "short_name": 50, "contact_phone": 30, "address": 200}
UNIT_FIELDS = ("name", "short_name", "kind", "contact_phone", "address", "is_active")


def unit_values(unit: HandlingUnit) -> dict:
    return {field: getattr(unit, field) for field in UNIT_FIELDS}


def unit_clean(data: dict, *, current: dict | None = None) -> dict:
    """Like ``member_clean``, for a handling unit; the name's uniqueness is checked when writing."""
    defaults = {"short_name": "", "kind": UnitKind.GOVERNMENT, "contact_phone": "", "address": "", "is_active": True}
    values = {**(current or defaults), **{k: v for k, v in data.items() if k in UNIT_FIELDS}}
    errors = _Errors()
    _clean_text(values, errors, UNIT_TEXT_LIMITS)
    if not values["name"]:
        errors.add("name", _("请填写单位名称。"))
    if values.get("kind") not in UnitKind.values:
        errors.add("kind", _("请选择单位类别。"))
    values["is_active"] = bool(values["is_active"])
    errors.raise_if_any()
    return values


def _unit_save(unit: HandlingUnit, values: dict, *, update_fields: list[str] | None = None) -> None:
    same_name = HandlingUnit.objects.filter(name=values["name"])
    if unit.pk is not None:
        same_name = same_name.exclude(pk=unit.pk)
    taken = ValidationError({"name": [_("已有同名的承办单位。")]})
    if same_name.exists():
        raise taken
    for field in UNIT_FIELDS:
        setattr(unit, field, values[field])
    try:
        with transaction.atomic():
            unit.save(update_fields=update_fields)
    except IntegrityError:
        raise taken from None


@transaction.atomic
def unit_create(*, actor, data: dict) -> HandlingUnit:
    _authorise(actor, MANAGE_UNITS)
    values = unit_clean(data)
    unit = HandlingUnit()
    _unit_save(unit, values)
    audit_record(actor=actor, action="unit.create", obj=unit, changes=diff({}, values))
    return unit


@transaction.atomic
def unit_update(*, actor, unit: HandlingUnit, data: dict) -> HandlingUnit:
    """Change the fields given in ``data``. Writes nothing when nothing changed."""
    _authorise(actor, MANAGE_UNITS)
    unit = HandlingUnit.objects.select_for_update().get(pk=unit.pk)
    current = unit_values(unit)
    values = unit_clean(data, current=current)
    changes = diff(current, values)
    if changes:
        _unit_save(unit, values, update_fields=[*changes, "updated_at"])
        audit_record(actor=actor, action="unit.update", obj=unit, changes=changes)
    return unit


@transaction.atomic
def unit_staff_add(
    *,
    actor,
    unit: HandlingUnit,
    username: str,
    display_name: str,
    mobile: str = "",
    is_leader: bool = False,
    position: str = "",
) -> UnitStaff:
    """Open a sign-in account for someone working at ``unit``; a leader signs the unit's replies.
    The account has no password until one is set for it."""
    _authorise(actor, MANAGE_UNITS)
    values = {"username": username, "display_name": display_name, "position": position}
    errors = _Errors()
    _clean_text(values, errors, {"username": 150, "display_name": 100, "position": 50})
    if not values["username"]:
        errors.add("username", _("请填写用户名。"))
    else:
        try:
            UnicodeUsernameValidator()(values["username"])
        except ValidationError:
            errors.add("username", _("用户名只能包含字母、数字和 @/./+/-/_ 字符。"))
        if get_user_model().objects.filter(username=values["username"]).exists():
            errors.add("username", _("该用户名已被使用。"))
    if not values["display_name"]:
        errors.add("display_name", _("请填写姓名。"))
    mobile = normalise_mobile(mobile)
    if mobile:
        try:
            validate_mobile(mobile)
        except ValidationError as exc:
            errors.setdefault("mobile", []).extend(exc.messages)
        else:
            if _mobile_taken_by_account(mobile):
                errors.add("mobile", _("该手机号已被其他账号使用。"))
    errors.raise_if_any()
    user = account_create(
        username=values["username"], password=None, display_name=values["display_name"], mobile=mobile, actor=actor
    )
    post = UnitStaff.objects.create(unit=unit, user=user, is_leader=is_leader, position=values["position"])
    audit_record(
        actor=actor,
        action="unit.staff_add",
        obj=unit,
        changes={"staff": [None, user.username], "is_leader": [None, is_leader], "mobile": [None, mask_mobile(mobile)]},
    )
    return post


@transaction.atomic
def unit_staff_remove(*, actor, staff: UnitStaff) -> None:
    """End someone's post at a unit; their account stays (it signed earlier work) but loses the unit roles."""
    _authorise(actor, MANAGE_UNITS)
    staff = UnitStaff.objects.select_related("unit", "user").get(pk=staff.pk)
    audit_record(
        actor=actor,
        action="unit.staff_remove",
        obj=staff.unit,
        changes={"staff": [staff.user.username, None], "is_leader": [staff.is_leader, None]},
    )
    staff.delete()


# Invitation scopes ----------------------------------------------------------------------------------------------
# The people an activity or an online deliberation invites, in the shape the activities use: any union of everyone,
# the standing committee, sectors, special committees and members picked by name. Serving members only.

SCOPE_KEYS = ("sector_ids", "special_committee_ids", "member_ids")


def invitation_scope_clean(spec) -> dict:
    """The scope with its ids sorted and checked to exist (422 naming ``invitees.<key>``), refusing an empty one."""
    from zhengxie.core.exceptions import InvalidInput

    from .models import Sector, SpecialCommittee

    if not isinstance(spec, dict):
        raise InvalidInput(_("邀请范围格式错误。"), {"invitees": _("格式错误")})
    out = {"all": bool(spec.get("all")), "standing_committee": bool(spec.get("standing_committee"))}
    for key in SCOPE_KEYS:
        try:
            out[key] = sorted({int(i) for i in spec.get(key) or []})
        except (TypeError, ValueError):
            raise InvalidInput(_("邀请范围格式错误。"), {f"invitees.{key}": _("应为编号列表")}) from None
    for key, model in (("sector_ids", Sector), ("special_committee_ids", SpecialCommittee), ("member_ids", Member)):
        known = set(model.objects.filter(pk__in=[i for i in out[key] if 0 < i < 2**63]).values_list("pk", flat=True))
        unknown = [i for i in out[key] if i not in known]
        if unknown:
            raise InvalidInput(
                _("邀请范围含有不存在的编号：%(ids)s。") % {"ids": "、".join(map(str, unknown[:10]))},
                {f"invitees.{key}": _("编号不存在")},
            )
    if not any(out[k] for k in ("all", "standing_committee", *SCOPE_KEYS)):
        raise InvalidInput(_("请选择邀请对象。"), {"invitees": _("必填")})
    return out


def invitation_scope_members(spec: dict):
    """The serving members a cleaned scope names (a queryset)."""
    from django.db.models import Q

    qs = Member.objects.filter(status=MemberStatus.SERVING)
    if spec.get("all"):
        return qs
    rule = Q(pk__in=spec.get("member_ids") or [])
    if spec.get("standing_committee"):
        rule |= Q(is_standing_committee=True)
    if spec.get("sector_ids"):
        rule |= Q(sector_id__in=spec["sector_ids"])
    if spec.get("special_committee_ids"):
        rule |= Q(special_committees__id__in=spec["special_committee_ids"])
    return qs.filter(rule).distinct()
