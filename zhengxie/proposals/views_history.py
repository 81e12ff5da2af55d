"""The pages importing earlier years' proposals from a spreadsheet (the proposal office): upload, preview with each
row's errors, confirm; and the template to fill in. The rows are checked and written by ``history_import``."""

from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from zhengxie.core.access import require
from zhengxie.core.params import db_int
from zhengxie.core.request_size import accepts_upload
from zhengxie.people import imports as batches
from zhengxie.people.forms import ImportConfirmForm, ImportUploadForm, add_service_errors

from . import history_import, history_jobs
from .models import HistoryImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RESULT_LABELS = {
    "create": gettext_lazy("新增"),
    "update": gettext_lazy("更新"),
    "unchanged": gettext_lazy("无变化"),
    "": gettext_lazy("有错误"),
}
# Rows free of errors listed on the preview: a file of 10,000 rows lists its rows in error and the first of the rest.
LISTED_WITHOUT_ERRORS = 200
CELL_SHOWN = 120  # characters of a cell the preview shows


def _max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def _page(request, template: str, context: dict):
    return render(request, template, {"active_nav": "proposals", "columns": history_import.COLUMNS, **context})


@accepts_upload(_max_bytes)
@require(history_import.PERM)
def history_import_view(request):
    token = request.GET.get("batch")
    if request.method == "GET" and token:
        batch = batches.batch_load(user=request.user, kind=history_import.KIND, token=token)
        if batch is None:
            messages.error(request, _("这批导入数据已过期或不存在，请重新上传文件。"))
            return redirect("proposals:history_import")
        return _preview(request, batch, ImportConfirmForm(initial={"batch": token}))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = history_import.read_rows(upload)
        except ValidationError as exc:
            add_service_errors(form, exc, field="file")
        else:
            token = batches.batch_save(user=request.user, kind=history_import.KIND, filename=upload.name, rows=rows)
            return redirect(f"{reverse('proposals:history_import')}?batch={token}")
    return _page(request, "proposals/history_import.html", {"form": form})


def _preview(request, batch: dict, form: ImportConfirmForm, error: str = ""):
    results = history_import.check_rows(batch["rows"])
    counts = Counter(r.action for r in results)
    listed, listed_ok, unlisted = [], 0, 0
    for r in results:
        if r.action:
            if listed_ok == LISTED_WITHOUT_ERRORS:
                unlisted += 1
                continue
            listed_ok += 1
        matched, named = history_import.matched_count(r)
        listed.append(
            {
                "line": r.line,
                "cells": [
                    {"value": c["value"][:CELL_SHOWN], "cut": len(c["value"]) > CELL_SHOWN, "errors": c["errors"]}
                    for c in r.cells(history_import.COLUMNS)
                ],
                "other_errors": r.other_errors(history_import.COLUMNS),
                "action": r.action,
                "action_label": RESULT_LABELS[r.action],
                "matched": matched,
                "named": named,
            }
        )
    return _page(
        request,
        "proposals/history_import_preview.html",
        {
            "form": form,
            "error": error,
            "filename": batch["filename"],
            "rows": listed,
            "unlisted": unlisted,
            "counts": {"create": counts["create"], "update": counts["update"], "unchanged": counts["unchanged"]},
            "error_count": counts[""],
            "total": len(results),
        },
    )


@require(history_import.PERM)
@require_POST
def history_import_confirm(request):
    """Queue the writing of the previewed batch; the job's page follows it (a file of thousands of rows takes
    longer than a request may)."""
    form = ImportConfirmForm(request.POST)
    job = None
    if form.is_valid():
        job = history_jobs.import_job_start(
            actor=request.user, token=form.cleaned_data["batch"], skip_errors=form.cleaned_data["skip_errors"]
        )
    if job is None:
        messages.error(request, _("这批导入数据已过期或不存在，请重新上传文件。"))
        return redirect("proposals:history_import")
    return redirect(history_jobs.job_url(job))


@require(history_import.PERM)
@require_safe
def history_import_job(request, pk):
    """The import's progress and outcome, for the person who confirmed it; the page asks again every two seconds
    while the job is queued or running."""
    job = get_object_or_404(HistoryImportJob, pk=db_int(pk), created_by=request.user)
    S = HistoryImportJob.Status
    running = job.status in (S.QUEUED, S.RUNNING)
    # A refused import keeps its batch: the preview is offered again, to skip the rows in error.
    retry_batch = ""
    if job.status == S.REFUSED and batches.batch_load(
        user=request.user, kind=history_import.KIND, token=job.batch_token
    ):
        retry_batch = job.batch_token
    context = {"job": job, "running": running, "retry_batch": retry_batch}
    if request.htmx:
        return render(request, "proposals/history_import_job_status.html", context)
    return _page(request, "proposals/history_import_job.html", context)


@require(history_import.PERM)
def history_import_template(request):
    return HttpResponse(
        history_import.template(),
        content_type=XLSX,
        headers={"Content-Disposition": content_disposition_header(True, _("历史提案导入模板") + ".xlsx")},
    )
