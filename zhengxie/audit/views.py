import datetime

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.core.access import require

from . import labels
from .models import AuditEntry

# The action filter's groups: the first part of an action's code, in words.
AREAS = {
    "proposal": gettext_lazy("提案"),
    "assignment": gettext_lazy("提案办理"),
    "activity": gettext_lazy("活动"),
    "duty": gettext_lazy("履职"),
    "member": gettext_lazy("委员"),
    "people": gettext_lazy("委员"),
    "unit": gettext_lazy("承办单位"),
    "account": gettext_lazy("账号"),
    "workdays": gettext_lazy("工作日历"),
    "notifications": gettext_lazy("通知"),
}


def _day(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _action_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The actions the trail holds (a choice that finds nothing is not offered), grouped by area, in words."""
    written = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
    named = labels.action_labels()
    groups: dict[str, list[tuple[str, str]]] = {}
    for code in written:
        label = named.get(code, _("其他操作"))
        area = AREAS.get(code.split(".", 1)[0])
        groups.setdefault(str(area) if area is not None else _("其他"), []).append((code, str(label)))
    order = list(dict.fromkeys(str(area) for area in AREAS.values()))
    ranked = sorted(groups.items(), key=lambda g: order.index(g[0]) if g[0] in order else len(order))
    return [(area, sorted(items, key=lambda item: item[1])) for area, items in ranked]


@require("audit.view")
def audit_list(request):
    # A NUL can be in no stored value (and PostgreSQL refuses it in a query): such a filter matches nothing.
    f = {k: request.GET.get(k, "").strip() for k in ("actor", "action", "object_type", "object_id", "since", "until")}
    impossible = any("\x00" in v for v in f.values())
    f = {k: v.replace("\x00", "") for k, v in f.items()}
    qs = AuditEntry.objects.select_related("actor")
    if f["actor"]:
        # by the account's name or by the person's name, as the column shows it
        qs = qs.filter(Q(actor_label__iexact=f["actor"]) | Q(actor__display_name=f["actor"]))
    if f["action"]:
        qs = qs.filter(action__startswith=f["action"])
    if f["object_type"]:
        qs = qs.filter(object_type=f["object_type"])
    if f["object_id"]:
        qs = qs.filter(object_id=f["object_id"])
    # A date that is no date is left out (and emptied in the form) rather than failing the page.
    for key, lookup in (("since", "created_at__date__gte"), ("until", "created_at__date__lte")):
        day = _day(f[key]) if f[key] else None
        f[key] = day.isoformat() if day is not None else ""
        if day is not None:
            qs = qs.filter(**{lookup: day})
    if impossible:
        qs = qs.none()
    page = Paginator(qs.order_by("-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    object_types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
    return render(
        request,
        "audit/list.html",
        {
            "active_nav": "audit",
            "page": page,
            "rows": labels.entry_rows(page),
            "filters": f,
            "querystring": query.urlencode(),
            "action_groups": _action_groups(),
            "object_types": sorted(((t, labels.object_type_label(t)) for t in object_types), key=lambda t: t[1]),
        },
    )
