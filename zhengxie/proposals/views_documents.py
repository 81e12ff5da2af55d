"""The statistics page and the downloads: proposals and replies as .docx/PDF, lists and statistics as .xlsx, the
draft annual report as .docx. Objects come from the selectors, so what a user may not see answers 404."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Max, Min
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zhengxie.core.access import require
from zhengxie.core.documents import DOCX, PDF, XLSX, download
from zhengxie.people.models import Session, Term
from zhengxie.people.selectors import committee_name

from . import documents, selectors
from .models import Proposal, Reply
from .statistics import (
    REPORT_FILTER_KEYS,
    ScopeError,
    ScopeNotFound,
    proposal_statistics,
    resolve_scope,
    statistics_report,
)

# The proposals:list filters (selectors.proposal_list) and the ones the statistics add.
LIST_FILTER_KEYS = (
    "state",
    "year",
    "category",
    "unit",
    "proposer",
    "key",
    "excellent",
    "mine",
    "q",
    *REPORT_FILTER_KEYS,
)
UNITS_SHOWN = 100
LISTED_SHOWN = 50
NUMERIC_FILTERS = ("year", "category", "unit", "proposer", "session", "term", "collective", "sector", "party")


def _scope(request):
    """The scope from ?year= / ?session= / ?term=; a session or term that does not exist is 404."""
    try:
        return resolve_scope(
            year=request.GET.get("year"), session=request.GET.get("session"), term=request.GET.get("term")
        )
    except ScopeNotFound:
        raise Http404 from None


def _filename_scope(scope) -> str:
    return scope.label.replace("/", "-")


# The statistics page ---------------------------------------------------------------------------------------------


def _linked(value, list_url: str):
    """The statistics with each figure's list URL added (``url``), for the page and its charts."""
    if isinstance(value, dict):
        out = {k: _linked(v, list_url) for k, v in value.items()}
        if "filters" in value and "value" in value:
            out["url"] = f"{list_url}?{urlencode(value['filters'])}"
        return out
    if isinstance(value, list):
        return [_linked(v, list_url) for v in value]
    return value


def _chart_data(stats: dict) -> dict:
    def points(rows, figure: str, label: str = "name"):
        return [{"name": r[label], "value": r[figure]["value"], "url": r[figure]["url"]} for r in rows]

    units = stats["by_unit"][:20]
    return {
        "proposer_type": points(stats["by_proposer_type"], "received", "label"),
        "category": points(stats["by_category"], "received"),
        "sector": points(stats["by_sector"], "received"),
        "grade": [
            {"name": f"{r['grade']}类", "value": r["count"]["value"], "url": r["count"]["url"]}
            for r in stats["by_grade"]
        ],
        "satisfaction": points(stats["satisfaction"], "count", "label"),
        "units": {
            "names": [u["short_name"] or u["name"] for u in units],
            "series": [
                {
                    "name": _("交办"),
                    "data": [{"value": u["assigned"]["value"], "url": u["assigned"]["url"]} for u in units],
                },
                {
                    "name": _("已答复"),
                    "data": [{"value": u["replied"]["value"], "url": u["replied"]["url"]} for u in units],
                },
                {
                    "name": _("按期答复"),
                    "data": [
                        {"value": u["replied_on_time"]["value"], "url": u["replied_on_time"]["url"]} for u in units
                    ],
                },
                {
                    "name": _("当前逾期"),
                    "data": [{"value": u["overdue"]["value"], "url": u["overdue"]["url"]} for u in units],
                },
            ],
        },
    }


def _years() -> list[int]:
    bounds = Proposal.objects.exclude(submitted_at=None).aggregate(first=Min("year"), last=Max("year"))
    this_year = timezone.localdate().year
    first, last = bounds["first"] or this_year, max(bounds["last"] or this_year, this_year)
    return list(range(last, first - 1, -1))


@require("proposals.statistics")
@require_safe
def statistics(request):
    try:
        scope = _scope(request)
    except ScopeError as exc:
        messages.error(request, str(exc))
        scope = resolve_scope()
    report = statistics_report(user=request.user, visible=selectors.visible_proposals(request.user), scope=scope)
    units_total = report.unit_count
    # A province has thousands of units: the busiest are shown first, the rest on request.
    # The lists of key and excellent proposals (thousands at province scale) link to the full list after the first.
    stats = report.figures(
        unit_limit=None if request.GET.get("units") == "all" else UNITS_SHOWN, list_limit=LISTED_SHOWN
    )
    stats = _linked(stats, reverse("proposals:list"))
    totals = stats["totals"]
    query = urlencode(scope.filters)
    return render(
        request,
        "proposals/statistics.html",
        {
            "active_nav": "proposal_statistics",
            "stats": stats,
            "scope": scope,
            "query": query,
            "years": _years(),
            "sessions": Session.objects.select_related("term").order_by("-year", "-number"),
            "terms": Term.objects.order_by("-number"),
            "chart_data": _chart_data(stats),
            "units": stats["by_unit"],
            "units_total": units_total,
            "units_hidden": len(stats["by_unit"]) < units_total,
            "registered_share": documents.share(totals["registered"]["value"], totals["received"]["value"]),
            "as_of": datetime.date.fromisoformat(stats["as_of"]),
            "computed_at": report.computed_at,
        },
    )


@require("proposals.statistics")
@require_safe
def statistics_xlsx(request):
    try:
        scope = _scope(request)
    except ScopeError as exc:
        return HttpResponseBadRequest(str(exc))
    stats = proposal_statistics(user=request.user, visible=selectors.visible_proposals(request.user), scope=scope)
    return download(documents.statistics_xlsx(stats), XLSX, f"提案统计-{_filename_scope(scope)}.xlsx")


@require("proposals.statistics")
@require_safe
def annual_report_docx(request):
    try:
        scope = _scope(request)
    except ScopeError as exc:
        return HttpResponseBadRequest(str(exc))
    stats = proposal_statistics(user=request.user, visible=selectors.visible_proposals(request.user), scope=scope)
    content = documents.annual_report_docx(stats, committee=committee_name())
    return download(content, DOCX, f"提案工作情况报告（草稿）-{_filename_scope(scope)}.docx")


# Lists -----------------------------------------------------------------------------------------------------------


@require("proposals.view")
@require_safe
def list_xlsx(request):
    """The proposals of proposals:list with the same query parameters, as a workbook (only what the user sees)."""
    filters = {k: request.GET.get(k, "").strip() for k in LIST_FILTER_KEYS if request.GET.get(k, "").strip()}
    bad = [k for k in NUMERIC_FILTERS if k in filters and not filters[k].isdigit()]
    if bad:
        return HttpResponseBadRequest(_("筛选条件无效：%(f)s") % {"f": "、".join(bad)})
    qs = selectors.proposal_list(user=request.user, filters=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(documents.proposals_xlsx(qs), XLSX, f"提案清单-{stamp}.xlsx")


# A proposal and a reply --------------------------------------------------------------------------------------------


def _proposal(request, pk: int) -> Proposal:
    proposal = selectors.proposal_get(user=request.user, pk=pk)
    if proposal is None:
        raise Http404
    return proposal


def _proposal_filename(proposal: Proposal, ext: str) -> str:
    return f"提案{proposal.number or proposal.pk}.{ext}"


@require("proposals.view")
@require_safe
def proposal_docx(request, pk: int):
    proposal = _proposal(request, pk)
    sheet = documents.proposal_sheet(proposal, committee=committee_name())
    return download(documents.proposal_docx(sheet), DOCX, _proposal_filename(proposal, "docx"))


@require("proposals.view")
@require_safe
def proposal_pdf(request, pk: int):
    proposal = _proposal(request, pk)
    sheet = documents.proposal_sheet(proposal, committee=committee_name())
    return download(documents.proposal_pdf(sheet), PDF, _proposal_filename(proposal, "pdf"))


def _reply(request, pk: int) -> Reply:
    proposal_id = Reply.objects.filter(pk=pk).values_list("assignment__proposal_id", flat=True).first()
    proposal = selectors.proposal_get(user=request.user, pk=proposal_id) if proposal_id else None
    if proposal is None:
        raise Http404
    for reply in selectors.visible_replies(request.user, proposal):
        if reply.pk == pk:
            reply.assignment.proposal = proposal
            return reply
    raise Http404


def _reply_filename(reply: Reply, ext: str) -> str:
    proposal = reply.assignment.proposal
    unit = reply.assignment.unit.short_name or reply.assignment.unit.name
    return f"答复{proposal.number or proposal.pk}-{unit}.{ext}"


@require("proposals.view")
@require_safe
def reply_docx(request, pk: int):
    reply = _reply(request, pk)
    sheet = documents.reply_sheet(reply, committee=committee_name())
    return download(documents.reply_docx(sheet), DOCX, _reply_filename(reply, "docx"))


@require("proposals.view")
@require_safe
def reply_pdf(request, pk: int):
    reply = _reply(request, pk)
    sheet = documents.reply_sheet(reply, committee=committee_name())
    return download(documents.reply_pdf(sheet), PDF, _reply_filename(reply, "pdf"))
