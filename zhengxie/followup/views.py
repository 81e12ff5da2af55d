"""The follow-up's pages: the department's list of its recommendations, a recommendation with its answer and
progress forms and timeline, an outcome document with its recommendations and instructions. Actions go through the
workflow engine (``services.*_act``); what each page shows is its read model (``read_models.py``), shared with the
API."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengxie.core.access import require
from zhengxie.core.exceptions import ActionRefused, InvalidInput, NotVisible
from zhengxie.core.request_size import accepts_upload
from zhengxie.people.models import HandlingUnit
from zhengxie.people.principal import units_of

from . import read_models, services
from . import workflow as wf
from .forms import EvidenceForm, action_form_class
from .models import Evidence
from .selectors import stale_cutoff, stale_working_days, visible_documents, visible_recommendations

PAGE_SIZE = 50


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 9999 else None


@require("followup.department")
def department(request):
    """本单位建议办理: every recommendation addressed to the reader's department, from any source."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    user = request.user
    cutoff = stale_cutoff()
    year = _int(request.GET.get("year"))
    counts = read_models.department_counts(user, year=year, cutoff=cutoff)
    labels = read_models.tab_labels()
    tab = request.GET.get("tab")
    if tab not in labels:
        tab = "to_answer" if counts["to_answer"] else "stale" if counts["stale"] else "all"
    page = Paginator(read_models.department_filter(user, tab=tab, year=year, cutoff=cutoff), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = read_models.recommendation_rows(page.object_list, cutoff=cutoff)
    years = sorted(
        set(read_models.department_recommendations(user).order_by().values_list("year", flat=True).distinct()),
        reverse=True,
    )
    units = HandlingUnit.objects.filter(pk__in=units_of(user)).only("name")
    return render(
        request,
        "followup/department.html",
        {
            "active_nav": "followup_department",
            "units": units,
            "tabs": [{"key": k, "label": v, "count": counts[k]} for k, v in labels.items()],
            "tab": tab,
            "year": year,
            "years": years,
            "rows": rows,
            "page": page,
            "stale_days": stale_working_days(),
        },
    )


def _rec_or_404(user, pk: int):
    rec = visible_recommendations(user).select_related("document", "unit").filter(pk=pk).first()
    if rec is None:
        raise Http404(_("建议不存在或您无权查看。"))
    return rec


def _forms_for(flow, items, url_name: str, pk: int, bound=None):
    for item in items:
        form_class = action_form_class(flow, item.name)
        if bound is not None and bound[0] == item.name:
            item.form = bound[1]
        elif form_class is not None:
            item.form = form_class(auto_id=f"id_{item.name}_%s")
        item.url = reverse(url_name, args=[pk, item.name])
    return items


def _render_recommendation(request, rec, *, bound=None, refusal=None, status=200, evidence_form=None):
    view = read_models.recommendation_view(rec, request.user)
    _forms_for(wf.RECOMMENDATION, view.allowed_actions, "followup:recommendation_act", rec.pk, bound)
    return render(
        request,
        "followup/recommendation.html",
        {
            "active_nav": "followup_department",
            "r": view,
            "actions": view.allowed_actions,
            "open_action": bound[0] if bound else None,
            "refusal": refusal,
            "evidence_form": evidence_form or EvidenceForm(),
            "stale_days": stale_working_days(),
        },
        status=status,
    )


@require("followup.view")
def recommendation_detail(request, pk: int):
    rec = _rec_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _render_recommendation(request, rec)


def _act(request, *, flow, pk: int, action: str, perform, render_again):
    form_class = action_form_class(flow, action)
    form = form_class(request.POST, auto_id=f"id_{action}_%s") if form_class else None
    try:
        if form is not None and not form.is_valid():
            raise InvalidInput(_("请检查填写的内容。"))
        payload = form.payload() if form is not None else {}
        done = perform(payload)
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        if isinstance(exc, InvalidInput) and form is not None:
            for key, text in (exc.errors or {}).items():
                form.add_error(key if key in form.fields else None, str(text))
        return render_again(bound=(action, form), refusal=exc, status=exc.status)
    messages.success(request, flow[action].done_message(done, payload))
    return None


@require("followup.view")
@require_POST
def recommendation_act(request, pk: int, action: str):
    rec = _rec_or_404(request.user, pk)
    if action not in wf.RECOMMENDATION:
        raise Http404(_("没有这个操作：%(a)s") % {"a": action})
    refused = _act(
        request,
        flow=wf.RECOMMENDATION,
        pk=pk,
        action=action,
        perform=lambda payload: services.recommendation_act(
            recommendation_id=pk, action=action, actor=request.user, payload=payload
        ),
        render_again=lambda **kw: _render_recommendation(request, _rec_or_404(request.user, pk), **kw),
    )
    return refused or redirect("followup:recommendation", pk=rec.pk)


@accepts_upload(lambda: services.MAX_EVIDENCE_BYTES)
@require("followup.view")
@require_POST
def evidence_upload(request, pk: int):
    rec = _rec_or_404(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise InvalidInput(_("请选择要上传的文件。"), {"file": _("必填")})
        upload = form.cleaned_data["file"]
        row = services.evidence_add(actor=request.user, recommendation_id=rec.pk, name=upload.name, data=upload.read())
    except NotVisible as exc:
        raise Http404(exc.message) from None
    except ActionRefused as exc:
        if not form.errors:
            form.add_error("file" if "file" in (exc.errors or {}) else None, exc.message)
        return _render_recommendation(request, rec, refusal=exc, status=exc.status, evidence_form=form)
    messages.success(request, _("已上传佐证材料：%(n)s") % {"n": row.name})
    return redirect("followup:recommendation", pk=rec.pk)


@require("followup.view")
def evidence_download(request, pk: int, evidence_id: int):
    rec = _rec_or_404(request.user, pk)
    row = Evidence.objects.filter(pk=evidence_id, recommendation=rec).first()
    if row is None:
        raise Http404(_("佐证材料不存在或您无权查看。"))
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name, content_type=row.content_type)


def _doc_or_404(user, pk: int):
    doc = visible_documents(user).filter(pk=pk).first()
    if doc is None:
        raise Http404(_("成果文件不存在或您无权查看。"))
    return doc


def _render_document(request, doc, *, bound=None, refusal=None, status=200):
    view = read_models.document_view(doc, request.user)
    _forms_for(wf.DOCUMENT, view.allowed_actions, "followup:document_act", doc.pk, bound)
    return render(
        request,
        "followup/document.html",
        {
            "active_nav": "followup_department",
            "d": view,
            "actions": view.allowed_actions,
            "open_action": bound[0] if bound else None,
            "refusal": refusal,
        },
        status=status,
    )


@require("followup.view")
def document_detail(request, pk: int):
    doc = _doc_or_404(request.user, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _render_document(request, doc)


@require("followup.view")
@require_POST
def document_act(request, pk: int, action: str):
    doc = _doc_or_404(request.user, pk)
    if action not in wf.DOCUMENT:
        raise Http404(_("没有这个操作：%(a)s") % {"a": action})
    refused = _act(
        request,
        flow=wf.DOCUMENT,
        pk=pk,
        action=action,
        perform=lambda payload: services.document_act(
            document_id=pk, action=action, actor=request.user, payload=payload
        ),
        render_again=lambda **kw: _render_document(request, _doc_or_404(request.user, pk), **kw),
    )
    return refused or redirect("followup:document", pk=doc.pk)
