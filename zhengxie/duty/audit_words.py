"""How the audit page words the values only this app can read: a rule table's items keyed by duty kind
(``attended.plenary`` → 出席（全体会议）), its grades, minimums and alerts, an activity's kind and its attendance lists
of members and statuses. Registered with the audit trail when Django starts (``DutyConfig.ready``)."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.audit.labels import register_words
from zhengxie.people.models import Member, Sector, SpecialCommittee

from .models import AttendanceStatus, LeaveState
from .reports import activity_kind_names, kind_label


def _member_names(memo) -> dict:
    return memo("duty:members", lambda: dict(Member.objects.values_list("pk", "name")))


def _activity_kinds(memo) -> dict:
    return memo("duty:activity_kinds", activity_kind_names)


PERIODS = {"year": gettext_lazy("一年内"), "term": gettext_lazy("一届内")}


def _none(value) -> str:
    if value in (None, "", "None"):
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number.normalize():f}"  # 5.00 → 5


def _kinds(kinds, names) -> str:
    return "、".join(kind_label(str(k), names) for k in kinds or ())


def rule_items(value, memo) -> str:
    """``{kind: [points, yearly cap, joint points]}``."""
    if not isinstance(value, dict):
        return _none(value)
    names = _activity_kinds(memo)
    out = []
    for kind, numbers in value.items():
        points, cap, joint = (list(numbers) + [None, None, None])[:3] if isinstance(numbers, list) else (numbers,) * 3
        out.append(
            _("%(kind)s：%(points)s 分，年度上限 %(cap)s，联名共享 %(joint)s")
            % {"kind": kind_label(str(kind), names), "points": _none(points), "cap": _none(cap), "joint": _none(joint)}
        )
    return "；".join(out) or "—"


def grades(value, memo) -> str:
    if not isinstance(value, list):
        return _none(value)
    return "；".join(
        _("%(g)s 不低于 %(m)s 分") % {"g": g[0], "m": _none(g[1])} for g in value if isinstance(g, list) and len(g) == 2
    )


def kind_rules(value, memo) -> str:
    """Minimums and alerts: ``[{code, label, kinds, count, period?}]``."""
    if not isinstance(value, list):
        return _none(value)
    names = _activity_kinds(memo)
    out = []
    for rule in value:
        if not isinstance(rule, dict):
            continue
        text = _("%(label)s：%(kinds)s %(count)s 次") % {
            "label": rule.get("label", ""),
            "kinds": _kinds(rule.get("kinds"), names),
            "count": rule.get("count", ""),
        }
        if rule.get("period") in PERIODS:
            text += f"（{PERIODS[rule['period']]}）"
        out.append(text)
    return "；".join(out) or "—"


def activity_kind(value, memo) -> str:
    return _activity_kinds(memo).get(str(value), _none(value))


def _status(code) -> str:
    try:
        return str(AttendanceStatus(code).label)
    except ValueError:
        return _none(code)


def attendance(value, memo) -> str:
    """Marked or corrected (``[[member id, status]]`` / ``[[member id, old, new]]``) or counted at closing
    (``{status: n}``)."""
    if isinstance(value, dict):
        return "；".join(f"{_status(code)} {n}" for code, n in value.items())
    if not isinstance(value, list):
        return _none(value)
    names = _member_names(memo)
    out = []
    for entry in value:
        if not isinstance(entry, list) or len(entry) < 2:
            continue
        who = names.get(entry[0], _("委员"))
        out.append(f"{who} " + " → ".join(_status(code) for code in entry[1:]))
    return "；".join(out) or "—"


def leave(value, memo) -> str:
    if not isinstance(value, dict):
        try:
            return str(LeaveState(value).label)
        except ValueError:
            return _none(value)
    who = _member_names(memo).get(value.get("member"), _("委员"))
    parts = [who]
    if value.get("reason"):
        parts.append(_("理由：%(r)s") % {"r": value["reason"]})
    if value.get("state"):
        try:
            parts.append(str(LeaveState(value["state"]).label))
        except ValueError:
            parts.append(_none(value["state"]))
    return "，".join(parts)


def invitees(value, memo) -> str:
    """Whom an activity invites: ``{all, standing_committee, sector_ids, special_committee_ids, member_ids}``."""
    if not isinstance(value, dict):
        return _none(value)
    parts = []
    if value.get("all"):
        parts.append(_("全体委员"))
    if value.get("standing_committee"):
        parts.append(_("常委"))
    for key, model, cache in (
        ("sector_ids", Sector, "duty:sectors"),
        ("special_committee_ids", SpecialCommittee, "duty:special_committees"),
    ):
        names = memo(cache, lambda model=model: dict(model.objects.values_list("pk", "name")))
        parts += [names.get(i, _("（已删除）")) for i in value.get(key) or ()]
    members = _member_names(memo)
    parts += [members.get(i, _("（已删除）")) for i in value.get("member_ids") or ()]
    return "、".join(str(p) for p in parts) or "—"


def register() -> None:
    register_words("duty.ruleset", "items", rule_items)
    register_words("duty.ruleset", "grades", grades)
    register_words("duty.ruleset", "minimums", kind_rules)
    register_words("duty.ruleset", "alerts", kind_rules)
    register_words("duty.activity", "kind", activity_kind)
    # Marking and closing record attendance lists and counts; editing a draft changes its mode (the field's words).
    for action in ("activity.mark_attendance", "activity.close"):
        register_words(action, "attendance", attendance, label=gettext_lazy("考勤"))
    register_words("duty.activity", "invitees_spec", invitees)
    register_words("duty.activity", "leave", leave)
