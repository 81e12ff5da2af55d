"""Pages of opinion reports: my reports and the list, the draft editor with autosave and co-authors, the detail (its
actions at the top, the difference between versions, each level's fate), the editor's, the leader's and the
secretariat's queues. Each page reads through the selectors and one read model, and writes through one service."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengxie.core.access import has_perm, require
from zhengxie.core.exceptions import ActionRefused, InvalidInput, NotVisible
from zhengxie.core.params import db_int
from zhengxie.core.request_size import accepts_upload

from . import read_models, selectors, services
from . import workflow as wf
from .choices import Level, ProposerKind, ReportState
from .forms import DraftForm, action_form_class
from .models import OpinionAttachment, OpinionCategory

PAGE_SIZE = 20
# The statistics' filters: not in the list's filter form, kept when it is sent again.
CARRIED = ("received", "signed_off", "reported", "instructed", "adopted", "member", "sector", "proposer_kind")
S = ReportState


def _refused(request, exc: ActionRefused, *, back: str):
    if isinstance(exc, NotVisible):
        raise Http404(exc.message)
    return render(
        request,
        "opinions/refused.html",
        {"active_nav": "opinions", "message": exc.message, "errors": exc.errors, "back": back},
        status=exc.status,
    )


def _list_page(request, *, template: str, filters: dict, title: str, nav: str = "opinions", extra=None):
    qs = selectors.report_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "active_nav": nav,
        "page": page,
        "rows": read_models.report_rows(*selectors.report_row_values(page.object_list)),
        # A row's link is this and its id (one reverse, not one a row).
        "detail_url": reverse("opinions:detail", args=[0]).rsplit("0/", 1)[0],
        "filters": filters,
        "title": title,
        "querystring": query.urlencode(),
        **(extra or {}),
    }
    return render(request, template, context)


def _filters(request) -> dict:
    g = request.GET
    year = db_int(g.get("year"))
    category = db_int(g.get("category"))
    return {
        "year": year if year and 0 < year < 10000 else None,
        "state": g.get("state") if g.get("state") in S.values else "",
        "category": category if category and category > 0 else None,
        "level": g.get("level") if g.get("level") in Level.values else "",
        "mine": g.get("mine") == "1",
        "q": (g.get("q") or "").strip()[:100],
        # The statistics link each figure here with these (selectors.report_list reads them the same way).
        "received": g.get("received") == "1",
        "signed_off": g.get("signed_off") == "1",
        "reported": g.get("reported") == "1",
        "instructed": g.get("instructed") == "1",
        "adopted": g.get("adopted") if g.get("adopted") in (*Level.values, "any", "1") else "",
        "member": _positive(g.get("member")),
        "sector": _positive(g.get("sector")),
        "proposer_kind": g.get("proposer_kind") if g.get("proposer_kind") in ProposerKind.values else "",
    }


def _positive(raw):
    value = db_int(raw)
    return value if value and value > 0 else None


@require("opinions.view")
@require_safe
def report_list(request):
    filters = _filters(request)
    return _list_page(
        request,
        template="opinions/list.html",
        filters=filters,
        title=_("社情民意信息"),
        extra={
            "states": S.choices,
            "levels": Level.choices,
            "categories": OpinionCategory.objects.filter(is_active=True),
            "years": range(timezone.localdate().year, timezone.localdate().year - 10, -1),
            "may_see_statistics": has_perm(request.user, "opinions.statistics"),
            "may_see_bulletins": has_perm(request.user, "opinions.bulletins"),
            "may_write": has_perm(request.user, "opinions.write"),
            "carried": [(k, request.GET[k][:20]) for k in CARRIED if request.GET.get(k)],
        },
    )


@require("opinions.edit_queue")
@require_safe
def edit_queue(request):
    return _list_page(
        request,
        template="opinions/queue.html",
        filters={"states": [S.SUBMITTED, S.EDITING]},
        title=_("待编辑的社情民意"),
        extra={"queue": "edit"},
    )


@require("opinions.sign_off_queue")
@require_safe
def sign_off_queue(request):
    return _list_page(
        request,
        template="opinions/queue.html",
        filters={"states": [S.EDITING, S.SUBMITTED]},
        title=_("待签发的社情民意"),
        extra={"queue": "sign_off"},
    )


@require("opinions.report_queue")
@require_safe
def report_queue(request):
    return _list_page(
        request,
        template="opinions/queue.html",
        filters={"states": [S.SIGNED_OFF, S.REPORTED]},
        title=_("报送与采用"),
        extra={"queue": "report"},
    )


# Detail and actions ----------------------------------------------------------------------------------------------


def _visible_or_404(user, pk: int):
    report = selectors.report_get(user=user, pk=pk)
    if report is None:
        raise Http404(_("社情民意信息不存在或您无权查看。"))
    return report


def _forms(detail, bound=None) -> list[dict]:
    out = []
    for button in detail.buttons:
        step = wf.OPINION[button.name]
        form = None
        if step.takes_input:
            cls = action_form_class(step.schema)
            if bound is not None and bound[0] == button.name:
                form = bound[1]
            else:
                initial = {}
                if button.name == "edit":
                    r = detail.report
                    initial = {"title": r.title, "content": r.content, "suggestions": r.suggestions}
                form = cls(initial=initial, auto_id=f"id_{button.name}_%s")
        out.append(
            {
                "button": button,
                "form": form,
                "url": reverse("opinions:action", args=[detail.report.pk, button.name]),
                # An empty form's fields are the same on every report (the choices are fixed): the page renders
                # them once per action and language.
                "same_everywhere": form is not None and not form.is_bound and not form.initial,
            }
        )
    return out


def _render_detail(request, report, *, bound=None, status=200):
    detail = read_models.report_detail(
        report, request.user, diff_from=db_int(request.GET.get("from")), diff_to=db_int(request.GET.get("to"))
    )
    return render(
        request,
        "opinions/detail.html",
        {"active_nav": "opinions", "d": detail, "r": report, "actions": _forms(detail, bound)},
        status=status,
    )


@require("opinions.view")
@require_safe
def report_detail(request, pk: int):
    return _render_detail(request, _visible_or_404(request.user, pk))


def _payload(request, schema) -> dict:
    out = {}
    for name, info in schema.model_fields.items():
        if getattr(info.annotation, "__origin__", None) is list:
            out[name] = request.POST.getlist(name)
        elif name in request.POST:
            out[name] = request.POST.get(name)
    return out


@require("opinions.view")
def report_action(request, pk: int, action: str):
    report = _visible_or_404(request.user, pk)
    step = wf.OPINION.actions.get(action)
    if step is None:
        raise Http404(_("没有这个操作。"))
    if request.method != "POST":  # the action's form is on the report's page
        return redirect("opinions:detail", pk=pk)
    payload = _payload(request, step.schema)
    try:
        done = services.report_act(report_id=pk, action=action, actor=request.user, payload=payload)
    except InvalidInput as exc:
        form = action_form_class(step.schema)(request.POST, auto_id=f"id_{action}_%s")
        form.is_valid()
        for key, text in exc.errors.items():
            if key.split(".")[0] in form.fields:
                form.add_error(key.split(".")[0], str(text))
        messages.error(request, exc.message)
        return _render_detail(request, report, bound=(action, form), status=exc.status)
    except ActionRefused as exc:
        return _refused(request, exc, back=reverse("opinions:detail", args=[pk]))
    messages.success(request, step.done_message(done, payload))
    return redirect("opinions:detail", pk=pk)


# The draft editor --------------------------------------------------------------------------------------------------


def _editor(request, form, report=None, status=200):
    attachments = list(report.attachments.all()) if report is not None else []
    return render(
        request,
        "opinions/edit.html",
        {
            "active_nav": "opinions",
            "form": form,
            "report": report,
            "attachments": attachments,
            "submit_confirm": wf.OPINION["submit"].confirm,
        },
        status=status,
    )


def _save(request, report):
    form = DraftForm(request.POST, user=request.user, report=report)
    if not form.is_valid():
        return _editor(request, form, report, status=422)
    try:
        if report is None:
            report = services.report_create_draft(author=request.user, data=form.service_data())
        else:
            services.report_update_draft(report_id=report.pk, actor=request.user, data=form.service_data())
        if request.POST.get("intent") == "submit":
            report = services.report_act(report_id=report.pk, action="submit", actor=request.user)
            messages.success(request, wf.OPINION["submit"].done_message(report))
            return redirect("opinions:detail", pk=report.pk)
    except InvalidInput as exc:
        for key, text in exc.errors.items():
            form.add_error(key if key in form.fields else None, str(text))
        return _editor(request, form, report, status=422)
    except ActionRefused as exc:
        return _refused(request, exc, back=reverse("opinions:list"))
    messages.success(request, _("草稿已保存"))
    return redirect("opinions:edit", pk=report.pk)


def _own_draft(user, pk):
    report = _visible_or_404(user, pk)
    if report.author_id != user.pk:
        raise ActionRefusedPage(_("只有填报人可以修改草稿。"), 403)
    if report.state != S.DRAFT:
        raise ActionRefusedPage(_("社情民意信息已提交，不能再修改。"), 409)
    return report


class ActionRefusedPage(Exception):
    """A draft the person may see but not edit (403: not theirs; 409: no longer a draft)."""

    def __init__(self, message, status):
        super().__init__(message)
        self.message, self.status = message, status


def _refused_draft(request, exc: ActionRefusedPage, *, back: str):
    return render(
        request,
        "opinions/refused.html",
        {"active_nav": "opinions", "message": exc.message, "back": back},
        status=exc.status,
    )


@require("opinions.write")
def report_new(request):
    if request.method == "POST":
        draft_id = db_int(request.POST.get("report"))
        if draft_id:  # the first autosave already made the draft
            try:
                return _save(request, _own_draft(request.user, draft_id))
            except ActionRefusedPage as exc:
                return _refused_draft(request, exc, back=reverse("opinions:list"))
        return _save(request, None)
    form = DraftForm(user=request.user)
    return _editor(request, form)


@require("opinions.write")
def draft_edit(request, pk: int):
    try:
        report = _own_draft(request.user, pk)
    except ActionRefusedPage as exc:
        return _refused_draft(request, exc, back=reverse("opinions:detail", args=[pk]))
    if request.method == "POST":
        return _save(request, report)
    initial = {
        "title": report.title,
        "content": report.content,
        "suggestions": report.suggestions,
        "category": report.category_id,
        "coauthor_ids": [c.member_id for c in report.coauthors.all()],
    }
    return _editor(request, DraftForm(user=request.user, report=report, initial=initial), report)


@require("opinions.write")
@require_POST
def autosave(request):
    """htmx: save the editor's content a few seconds after typing; answers a status line (and on the first save the
    new draft's id, swapped into the form out of band)."""
    user = request.user
    draft_id = db_int(request.POST.get("report"))
    report = None
    try:
        if draft_id:
            try:
                report = _own_draft(user, draft_id)
            except ActionRefusedPage as exc:
                return render(
                    request, "opinions/_autosave_status.html", {"ok": False, "message": exc.message}, status=exc.status
                )
        form = DraftForm(request.POST, user=user, report=report)
        if not form.is_valid():
            raise InvalidInput(_("未能自动保存：请检查填写的内容。"), dict(form.errors.items()))
        data = form.service_data()
        if report is None and services.draft_is_empty(data):
            return render(request, "opinions/_autosave_status.html", {"ok": False, "empty": True})
        if report is None:
            report = services.report_create_draft(author=user, data=data)
            created = True
        else:
            services.report_update_draft(report_id=report.pk, actor=user, data=data)
            created = False
    except ActionRefused as exc:
        return render(
            request, "opinions/_autosave_status.html", {"ok": False, "message": exc.message}, status=exc.status
        )
    response = render(
        request,
        "opinions/_autosave_status.html",
        {"ok": True, "report": report, "created": created, "at": timezone.localtime()},
    )
    if created:
        response["HX-Replace-Url"] = reverse("opinions:edit", args=[report.pk])
    return response


# Attachments -------------------------------------------------------------------------------------------------------


@require("opinions.view")
@require_safe
def attachment_download(request, pk: int):
    att = OpinionAttachment.objects.filter(pk=pk).first()
    if att is None or not services.attachment_readable(attachment=att, user=request.user):
        raise Http404(_("附件不存在或您无权查看。"))
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type)


@accepts_upload(lambda: services.ATTACHMENT_MAX_BYTES)
@require("opinions.view")
def attachment_upload(request, pk: int):
    report = _visible_or_404(request.user, pk)
    back = reverse("opinions:edit", args=[pk]) if report.state == S.DRAFT else reverse("opinions:detail", args=[pk])
    if request.method != "POST":
        return redirect(back)
    upload = request.FILES.get("file")
    data = upload.read(services.ATTACHMENT_MAX_BYTES + 1) if upload is not None else b""
    try:
        att = services.attachment_add(report_id=pk, actor=request.user, name=upload.name if upload else "", data=data)
    except ActionRefused as exc:
        return _refused(request, exc, back=back)
    messages.success(request, _("已上传附件：%(n)s。") % {"n": att.name})
    return redirect(back)


@require("opinions.view")
def attachment_delete(request, pk: int):
    att = OpinionAttachment.objects.filter(pk=pk).values("report_id", "name").first()
    if att is None or not selectors.visible_reports(request.user).filter(pk=att["report_id"]).exists():
        raise Http404(_("附件不存在。"))
    if request.method != "POST":
        return redirect("opinions:detail", pk=att["report_id"])
    try:
        services.attachment_remove(attachment_id=pk, actor=request.user)
    except ActionRefused as exc:
        return _refused(request, exc, back=reverse("opinions:detail", args=[att["report_id"]]))
    messages.success(request, _("已删除附件：%(n)s。") % {"n": att["name"]})
    return redirect("opinions:detail", pk=att["report_id"])
