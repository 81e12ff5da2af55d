"""Saving a year's rule table: validated, audited, versioned, and followed by a recomputation of that year only."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record, diff
from zhengxie.core.access import roles_of
from zhengxie.core.exceptions import InvalidInput, NotAllowed
from zhengxie.core.roles import Role

from .models import MemberYearScore, RuleItem, RuleSet
from .points import recompute_year, ruleset_for


def _dec(value, key: str, *, allow_none: bool = False) -> Decimal | None:
    if value in (None, "") and allow_none:
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput(_("数值无效：%(v)s") % {"v": value}, {key: _("应为数字")}) from None


def _check_kinds_list(rules, key: str, with_period: bool) -> list:
    if not isinstance(rules, list):
        raise InvalidInput(_("规则格式错误。"), {key: _("应为列表")})
    out = []
    for r in rules:
        try:
            item = {
                "code": str(r["code"]),
                "label": str(r["label"]),
                "kinds": [str(k) for k in r["kinds"]],
                "count": int(r["count"]),
            }
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(_("规则格式错误。"), {key: _("每项需要 code、label、kinds、count")}) from None
        if item["count"] < 1 or not item["kinds"]:
            raise InvalidInput(_("规则格式错误。"), {key: _("count 至少为1，kinds 不能为空")})
        if with_period:
            item["period"] = r.get("period", "year")
            if item["period"] not in ("year", "term"):
                raise InvalidInput(_("规则格式错误。"), {key: _("period 应为 year 或 term")})
        out.append(item)
    return out


@transaction.atomic
def ruleset_save(*, actor, year: int, data: dict) -> dict:
    """Replace the year's table with ``data`` (items, base_points, max_score, joint_lead_share, grades, minimums,
    alerts — each optional) and recompute that year. Returns {"changes", "recomputed"}."""
    if Role.ADMIN not in roles_of(actor):
        raise NotAllowed(_("只有系统管理员可以修改积分规则。"))
    rs = ruleset_for(year)
    rs = type(rs).objects.select_for_update().get(pk=rs.pk)
    before = {
        "base_points": rs.base_points,
        "max_score": rs.max_score,
        "joint_lead_share": rs.joint_lead_share,
        "grades": rs.grades,
        "minimums": rs.minimums,
        "alerts": rs.alerts,
        "items": {i.kind: [str(i.points), str(i.yearly_cap), str(i.joint_points)] for i in rs.items.all()},
    }
    for key in ("base_points", "max_score", "joint_lead_share"):
        if key in data:
            setattr(rs, key, _dec(data[key], key))
    if not Decimal("0") <= rs.joint_lead_share <= Decimal("1"):
        raise InvalidInput(_("第一提案人比例应在0到1之间。"), {"joint_lead_share": _("无效")})
    if "grades" in data:
        try:
            grades = sorted([[str(label), float(minimum)] for label, minimum in data["grades"]], key=lambda g: -g[1])
        except (TypeError, ValueError):
            raise InvalidInput(_("等次格式错误。"), {"grades": _("应为 [名称, 最低分] 列表")}) from None
        if not grades or grades[-1][1] > 0:
            raise InvalidInput(_("等次须覆盖到0分。"), {"grades": _("最低一档的最低分应为0")})
        rs.grades = grades
    if "minimums" in data:
        rs.minimums = _check_kinds_list(data["minimums"], "minimums", with_period=False)
    if "alerts" in data:
        rs.alerts = _check_kinds_list(data["alerts"], "alerts", with_period=True)
    if "items" in data:
        items = data["items"]
        if not isinstance(items, list):
            raise InvalidInput(_("规则项格式错误。"), {"items": _("应为列表")})
        kinds = [str(i.get("kind", "")) for i in items]
        if len(set(kinds)) != len(kinds) or "" in kinds:
            raise InvalidInput(_("规则项类别重复或为空。"), {"items": _("类别重复或为空")})
        rs.items.all().delete()
        RuleItem.objects.bulk_create(
            [
                RuleItem(
                    ruleset=rs,
                    kind=str(i["kind"]),
                    label=str(i.get("label") or i["kind"])[:100],
                    points=_dec(i.get("points"), "items"),
                    yearly_cap=_dec(i.get("yearly_cap"), "items", allow_none=True),
                    joint_points=_dec(i.get("joint_points"), "items", allow_none=True),
                )
                for i in items
            ]
        )
    rs.version += 1
    rs.updated_by = actor
    rs.save()
    after = {
        "base_points": rs.base_points,
        "max_score": rs.max_score,
        "joint_lead_share": rs.joint_lead_share,
        "grades": rs.grades,
        "minimums": rs.minimums,
        "alerts": rs.alerts,
        "items": {i.kind: [str(i.points), str(i.yearly_cap), str(i.joint_points)] for i in rs.items.all()},
    }
    changes = diff(before, after)
    changes["version"] = [rs.version - 1, rs.version]
    audit_record(actor=actor, action="duty.save_rules", obj=rs, object_repr=f"{year} 积分规则", changes=changes)
    recomputed = recompute_year(year=year)
    # Later years without a table of their own are scored with this one (``points.rules_for``): recompute those
    # that have stored scores, up to the next year that has its own table.
    next_own = RuleSet.objects.filter(year__gt=year).order_by("year").values_list("year", flat=True).first()
    following = MemberYearScore.objects.filter(year__gt=year)
    if next_own is not None:
        following = following.filter(year__lt=next_own)
    for later in sorted(set(following.order_by().values_list("year", flat=True).distinct())):
        recompute_year(year=later)
    return {"changes": changes, "recomputed": recomputed}
