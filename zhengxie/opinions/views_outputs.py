"""The outputs of the opinion reports: the statistics page, the list as a workbook, the 报送 document of a report to
a level, and the bulletins (社情民意专报: list, new issue, issue, .docx, PDF). Objects come from the selectors, so
what a reader may not see answers 404."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Max, Min
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from zhengxie.core.access import has_perm, require
from zhengxie.core.documents import DOCX, PDF, XLSX, download
from zhengxie.core.exceptions import InvalidInput, NotAllowed, StateConflict
from zhengxie.core.params import db_int
from zhengxie.people.selectors import committee_name

from . import bulletins, documents, exports, selectors
from .choices import Level, ReportState
from .statistics import FIGURES, Options, statistics_for

MEMBERS_SHOWN = 100
# The reports list's filters (selectors.report_list) the workbook passes on; the ids among them must be numbers.
LIST_FILTER_KEYS = (
    "year",
    "state",
    "category",
    "level",
    "adopted",
    "mine",
    "q",
    "received",
    "signed_off",
    "reported",
    "instructed",
    "member",
    "sector",
    "proposer_kind",
)
NUMERIC_FILTERS = ("year", "category", "member", "sector")


def _years(visible) -> list[int]:
    bounds = visible.exclude(state=ReportState.DRAFT).aggregate(first=Min("year"), last=Max("year"))
    this_year = timezone.localdate().year
    first, last = bounds["first"] or this_year, max(bounds["last"] or this_year, this_year)
    return list(range(last, first - 1, -1))


def _year(request) -> int:
    value = db_int(request.GET.get("year"))
    if value is None or not 1 <= value <= 9999:
        return timezone.localdate().year
    return value


def _chart_data(stats: dict) -> dict:
    def points(rows, figure: str, label: str = "name"):
        return [{"name": r[label], "value": r[figure]["value"], "url": r[figure]["url"]} for r in rows]

    return {
        "category": points(stats["by_category"], "received"),
        "sector": points(stats["by_sector"], "received"),
        "levels": {
            "names": [r["label"] for r in stats["by_level"]],
            "series": [
                {
                    "name": _("报送"),
                    "data": [{"value": r["reported"]["value"], "url": r["reported"]["url"]} for r in stats["by_level"]],
                },
                {
                    "name": _("采用"),
                    "data": [{"value": r["adopted"]["value"], "url": r["adopted"]["url"]} for r in stats["by_level"]],
                },
            ],
        },
    }


@require("opinions.statistics")
@require_safe
def statistics(request):
    visible = selectors.visible_reports(request.user)
    year = _year(request)
    show_all = request.GET.get("members") == "all"
    stats = statistics_for(
        user=request.user,
        year=year,
        options=Options(member_limit=None if show_all else MEMBERS_SHOWN),
        list_url=reverse("opinions:list"),
    )
    return render(
        request,
        "opinions/statistics.html",
        {
            "active_nav": "opinion_statistics",
            "stats": stats,
            "year": year,
            "years": _years(visible),
            "figures": FIGURES,
            "chart_data": _chart_data(stats),
            "members_hidden": len(stats["by_member"]) < stats["members_total"],
            "xlsx_query": urlencode({"year": year, "received": "1"}),
        },
    )


@require("opinions.view")
@require_safe
def list_xlsx(request):
    """The reports of opinions:list with the same query parameters, as a workbook (only what the reader sees)."""
    filters = {k: request.GET.get(k, "").strip() for k in LIST_FILTER_KEYS if request.GET.get(k, "").strip()}
    bad = [k for k in NUMERIC_FILTERS if k in filters and db_int(filters[k]) is None]
    if bad:
        return HttpResponseBadRequest(_("筛选条件无效：%(f)s") % {"f": "、".join(bad)})
    qs = selectors.report_list(user=request.user, filters=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download(exports.reports_xlsx(qs), XLSX, f"社情民意信息清单-{stamp}.xlsx")


# The 报送 document ---------------------------------------------------------------------------------------------


@require("opinions.view")
@require_safe
def submission_docx(request, pk: int, level: str):
    """The formal document with which a report went (or goes) to ``level``: only for a level it was reported to."""
    report = selectors.report_get(user=request.user, pk=pk)
    if report is None or level not in Level.values:
        raise Http404
    row = next((r for r in report.levels.all() if r.level == level), None)
    if row is None:
        raise Http404
    sheet = documents.submission_sheet(report, row, committee=committee_name())
    filename = f"社情民意信息{report.number or report.pk}-{Level(level).label}.docx"
    return download(documents.submission_docx(sheet), DOCX, filename)


# Bulletins -----------------------------------------------------------------------------------------------------


@require("opinions.bulletins")
@require_safe
def bulletin_list(request):
    return render(
        request,
        "opinions/bulletin_list.html",
        {
            "active_nav": "opinion_statistics",
            "bulletins": bulletins.bulletin_list(user=request.user),
            "can_manage": has_perm(request.user, "opinions.bulletins_manage"),
        },
    )


@require("opinions.bulletins_manage")
@require_http_methods(["GET", "POST"])
def bulletin_new(request):
    candidates = bulletins.candidates(user=request.user)
    errors: dict = {}
    chosen: list[int] = []
    kind, title = bulletins.BulletinKind.SPECIAL, ""
    if request.method == "POST":
        chosen = [v for v in (db_int(x) for x in request.POST.getlist("report_ids")) if v is not None]
        kind = request.POST.get("kind", "")
        title = request.POST.get("title", "")
        try:
            bulletin = bulletins.bulletin_create(
                actor=request.user, data={"kind": kind, "title": title, "report_ids": chosen}
            )
        except (InvalidInput, NotAllowed, StateConflict) as exc:
            errors = getattr(exc, "errors", None) or {"form": str(exc)}
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("已编发%(kind)s %(issue)s，收录%(n)s篇。")
                % {"kind": bulletin.get_kind_display(), "issue": bulletins.issue_label(bulletin), "n": len(chosen)},
            )
            return redirect("opinions:bulletin_detail", pk=bulletin.pk)
    return render(
        request,
        "opinions/bulletin_form.html",
        {
            "active_nav": "opinion_statistics",
            "candidates": candidates,
            "chosen": set(chosen),
            "kinds": bulletins.BulletinKind.choices,
            "kind": kind,
            "title": title,
            "errors": errors,
        },
        status=422 if errors else 200,
    )


def _bulletin(request, pk: int):
    bulletin = bulletins.bulletin_get(user=request.user, pk=pk)
    if bulletin is None:
        raise Http404
    return bulletin


@require("opinions.bulletins")
@require_safe
def bulletin_detail(request, pk: int):
    bulletin = _bulletin(request, pk)
    return render(
        request,
        "opinions/bulletin_detail.html",
        {
            "active_nav": "opinion_statistics",
            "bulletin": bulletin,
            "issue": bulletins.issue_label(bulletin),
            "items": bulletins.bulletin_reports(bulletin),
        },
    )


def _bulletin_filename(bulletin, ext: str) -> str:
    return f"{bulletin.get_kind_display()}{bulletin.year}年第{bulletin.number}期.{ext}"


@require("opinions.bulletins")
@require_safe
def bulletin_docx(request, pk: int):
    bulletin = _bulletin(request, pk)
    sheet = bulletins.bulletin_sheet(bulletin, committee=committee_name())
    return download(documents.bulletin_docx(sheet), DOCX, _bulletin_filename(bulletin, "docx"))


@require("opinions.bulletins")
@require_safe
def bulletin_pdf(request, pk: int):
    bulletin = _bulletin(request, pk)
    sheet = bulletins.bulletin_sheet(bulletin, committee=committee_name())
    return download(documents.bulletin_pdf(sheet), PDF, _bulletin_filename(bulletin, "pdf"))
