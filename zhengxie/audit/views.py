from django.core.paginator import Paginator
from django.shortcuts import render

from zhengxie.core.access import require

from .models import AuditEntry


@require("audit.view")
def audit_list(request):
    f = {k: request.GET.get(k, "").strip() for k in ("actor", "action", "object_type", "object_id", "since", "until")}
    qs = AuditEntry.objects.all()
    if f["actor"]:
        qs = qs.filter(actor_label__iexact=f["actor"])
    if f["action"]:
        qs = qs.filter(action__startswith=f["action"])
    if f["object_type"]:
        qs = qs.filter(object_type=f["object_type"])
    if f["object_id"]:
        qs = qs.filter(object_id=f["object_id"])
    if f["since"]:
        qs = qs.filter(created_at__date__gte=f["since"])
    if f["until"]:
        qs = qs.filter(created_at__date__lte=f["until"])
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
            "filters": f,
            "querystring": query.urlencode(),
            "object_types": sorted(object_types),
        },
    )
