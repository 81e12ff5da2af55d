"""Pages that change organisation data (member and unit forms, unit staff, spreadsheet import) and the spreadsheet
downloads. Each view checks the input's shape, calls one service and renders."""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengxie.core.access import require
from zhengxie.core.request_size import accepts_upload

from . import exports, imports, personal_search, selectors, services
from .forms import (
    ImportConfirmForm,
    ImportUploadForm,
    MemberForm,
    MemberStatusForm,
    UnitForm,
    UnitStaffForm,
    add_service_errors,
)
from .models import UnitStaff

# The filters of the list pages (views.member_list / views.unit_list), applied to the exports too.
MEMBER_FILTERS = ("sector", "party", "special_committee", "status", "standing", "q")
UNIT_FILTERS = ("kind", "q")


def _form_page(request, form, *, title: str, nav: str, crumbs: list[tuple[str, str]], cancel_url: str):
    return render(
        request,
        "people/form.html",
        {"form": form, "title": title, "active_nav": nav, "crumbs": crumbs, "cancel_url": cancel_url},
    )


def _member_or_404(request, pk: int):
    member = selectors.member_get(user=request.user, pk=pk)
    if member is None:
        raise Http404
    return member


def _unit_or_404(request, pk: int):
    unit = selectors.unit_get(user=request.user, pk=pk)
    if unit is None:
        raise Http404
    return unit


# Members -------------------------------------------------------------------------------------------------------


@require("people.manage_members")
def member_create(request):
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(
                actor=request.user, data=form.service_data(), create_account=form.cleaned_data["create_account"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加委员%(name)s。") % {"name": member.name})
            return redirect("people:member_detail", pk=member.pk)
    list_url = reverse("people:member_list")
    return _form_page(
        request, form, title=_("添加委员"), nav="members", crumbs=[(list_url, _("委员"))], cancel_url=list_url
    )


@require("people.manage_members")
def member_edit(request, pk: int):
    member = _member_or_404(request, pk)
    has_account = member.user_id is not None
    form = MemberForm(request.POST or None, initial=MemberForm.initial_for(member), has_account=has_account)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user,
                member=member,
                data=form.service_data(),
                create_account=form.cleaned_data.get("create_account", False),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("people:member_detail", pk=member.pk)
    detail_url = reverse("people:member_detail", args=[member.pk])
    crumbs = [(reverse("people:member_list"), _("委员")), (detail_url, member.name)]
    return _form_page(request, form, title=_("编辑委员"), nav="members", crumbs=crumbs, cancel_url=detail_url)


@require("people.manage_members")
def member_status(request, pk: int):
    member = _member_or_404(request, pk)
    form = MemberStatusForm(request.POST or None, initial={"status": member.status})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_set_status(actor=request.user, member=member, status=form.cleaned_data["status"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已更改%(name)s的状态。") % {"name": member.name})
            return redirect("people:member_detail", pk=member.pk)
    detail_url = reverse("people:member_detail", args=[member.pk])
    crumbs = [(reverse("people:member_list"), _("委员")), (detail_url, member.name)]
    return _form_page(request, form, title=_("更改委员状态"), nav="members", crumbs=crumbs, cancel_url=detail_url)


# Handling units ------------------------------------------------------------------------------------------------


@require("people.manage_units")
def unit_create(request):
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加承办单位%(name)s。") % {"name": unit.name})
            return redirect("people:unit_detail", pk=unit.pk)
    list_url = reverse("people:unit_list")
    return _form_page(
        request, form, title=_("添加承办单位"), nav="units", crumbs=[(list_url, _("承办单位"))], cancel_url=list_url
    )


@require("people.manage_units")
def unit_edit(request, pk: int):
    unit = _unit_or_404(request, pk)
    form = UnitForm(request.POST or None, initial=UnitForm.initial_for(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("people:unit_detail", pk=unit.pk)
    detail_url = reverse("people:unit_detail", args=[unit.pk])
    crumbs = [(reverse("people:unit_list"), _("承办单位")), (detail_url, unit.name)]
    return _form_page(request, form, title=_("编辑承办单位"), nav="units", crumbs=crumbs, cancel_url=detail_url)


@require("people.manage_units")
def unit_staff_add(request, pk: int):
    """The unit's staff, each with a remove button, and the form to add someone."""
    unit = _unit_or_404(request, pk)
    form = UnitStaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.unit_staff_add(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("已为%(name)s开通账号%(username)s。")
                % {"name": post.user.display_name, "username": post.user.username},
            )
            return redirect("people:unit_staff_add", pk=unit.pk)
    staff = unit.staff.select_related("user").order_by("-is_leader", "id")
    return render(
        request, "people/unit_staff.html", {"active_nav": "units", "unit": unit, "staff": staff, "form": form}
    )


@require("people.manage_units")
@require_POST
def unit_staff_remove(request, pk: int, staff_pk: int):
    unit = _unit_or_404(request, pk)
    post = get_object_or_404(UnitStaff.objects.select_related("user"), pk=staff_pk, unit=unit)
    services.unit_staff_remove(actor=request.user, staff=post)
    messages.success(request, _("%(name)s已不再是本单位工作人员。") % {"name": post.user})
    return redirect("people:unit_staff_add", pk=unit.pk)


# Import --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportPage:
    kind: str
    title: str
    nav: str
    list_url: str
    import_url: str
    confirm_url: str
    template_url: str


IMPORT_PAGES = {
    "member": ImportPage(
        "member",
        gettext_lazy("导入委员"),
        "members",
        "people:member_list",
        "people:member_import",
        "people:member_import_confirm",
        "people:member_import_template",
    ),
    "unit": ImportPage(
        "unit",
        gettext_lazy("导入承办单位"),
        "units",
        "people:unit_list",
        "people:unit_import",
        "people:unit_import_confirm",
        "people:unit_import_template",
    ),
}
ACTION_LABELS = {
    "create": gettext_lazy("新增"),
    "update": gettext_lazy("更新"),
    "unchanged": gettext_lazy("无变化"),
    "": gettext_lazy("有错误"),
}


def _import_max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def _import_start(request, kind: str):
    """Upload form; a valid upload is kept and the user sent to its preview (``?batch=<token>``)."""
    page = IMPORT_PAGES[kind]
    token = request.GET.get("batch")
    if request.method == "GET" and token:
        batch = imports.batch_load(user=request.user, kind=kind, token=token)
        if batch is None:
            messages.error(request, _("这批导入数据已过期或不存在，请重新上传文件。"))
            return redirect(page.import_url)
        return _preview(request, page, batch, ImportConfirmForm(initial={"batch": token}))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = imports.read_rows(upload, imports.KINDS[kind].columns)
        except ValidationError as exc:
            add_service_errors(form, exc, field="file")
        else:
            token = imports.batch_save(user=request.user, kind=kind, filename=upload.name, rows=rows)
            return redirect(f"{reverse(page.import_url)}?batch={token}")
    return render(
        request,
        "people/import_upload.html",
        {"active_nav": page.nav, "import_page": page, "form": form, "columns": imports.KINDS[kind].columns},
    )


def _preview(request, page: ImportPage, batch: dict, form: ImportConfirmForm, error: str = ""):
    spec = imports.KINDS[page.kind]
    results = spec.check(batch["rows"])
    rows = [
        {
            "line": r.line,
            "cells": r.cells(spec.columns),
            "other_errors": r.other_errors(spec.columns),
            "action": r.action,
            "action_label": ACTION_LABELS[r.action],
        }
        for r in results
    ]
    counts = Counter(r.action for r in results)
    return render(
        request,
        "people/import_preview.html",
        {
            "active_nav": page.nav,
            "import_page": page,
            "form": form,
            "error": error,
            "filename": batch["filename"],
            "columns": spec.columns,
            "rows": rows,
            "counts": {"create": counts["create"], "update": counts["update"], "unchanged": counts["unchanged"]},
            "error_count": counts[""],
            "total": len(rows),
        },
    )


def _import_confirm(request, kind: str):
    page = IMPORT_PAGES[kind]
    form = ImportConfirmForm(request.POST)
    batch = imports.batch_load(user=request.user, kind=kind, token=form.data.get("batch", ""))
    if not form.is_valid() or batch is None:
        messages.error(request, _("这批导入数据已过期或不存在，请重新上传文件。"))
        return redirect(page.import_url)
    try:
        counts = imports.import_confirm(
            actor=request.user,
            kind=kind,
            rows=batch["rows"],
            filename=batch["filename"],
            skip_errors=form.cleaned_data["skip_errors"],
            create_accounts=kind == "member" and form.cleaned_data["create_accounts"],
        )
    except ValidationError as exc:
        return _preview(request, page, batch, form, error=" ".join(exc.messages))
    imports.batch_delete(token=form.cleaned_data["batch"])
    messages.success(
        request,
        _("导入完成：新增 %(created)d 条，更新 %(updated)d 条，无变化 %(unchanged)d 条，跳过 %(skipped)d 条。")
        % counts,
    )
    return redirect(page.list_url)


@accepts_upload(_import_max_bytes)
@require("people.manage_members")
def member_import(request):
    return _import_start(request, "member")


@require("people.manage_members")
@require_POST
def member_import_confirm(request):
    return _import_confirm(request, "member")


@accepts_upload(_import_max_bytes)
@require("people.manage_units")
def unit_import(request):
    return _import_start(request, "unit")


@require("people.manage_units")
@require_POST
def unit_import_confirm(request):
    return _import_confirm(request, "unit")


# Downloads -----------------------------------------------------------------------------------------------------


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=exports.CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


def _dated(name: str) -> str:
    return f"{name}-{timezone.localdate():%Y%m%d}.xlsx"


@require("people.manage_members")
def member_import_template(request):
    return _xlsx(exports.member_template(), _("委员导入模板") + ".xlsx")


@require("people.manage_units")
def unit_import_template(request):
    return _xlsx(exports.unit_template(), _("承办单位导入模板") + ".xlsx")


@require("people.view_member_list")
def member_export(request):
    filters = {k: request.GET.get(k, "") for k in MEMBER_FILTERS}
    try:  # an export by ID number or mobile is a search like the list's: counted and audited
        personal_search.personal_search_record(user=request.user, q=filters.get("q", ""))
    except personal_search.SearchThrottled as exc:
        messages.error(request, exc.message)
        return redirect("people:member_list")
    return _xlsx(exports.member_workbook(user=request.user, filters=filters), _dated(_("委员名单")))


@require("people.view_unit_list")
def unit_export(request):
    filters = {k: request.GET.get(k, "") for k in UNIT_FILTERS}
    return _xlsx(exports.unit_workbook(user=request.user, filters=filters), _dated(_("承办单位名单")))
