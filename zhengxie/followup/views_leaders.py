"""The leaders' follow-up page (成果转化总览) and its downloads: the list of recommendations under the page's filters
(.xlsx) and the year's 成果转化情况报告 (.docx). Each renders the read model of ``leaders.py``; nothing is decided
here."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from zhengxie.core.access import require
from zhengxie.core.documents import DOCX, XLSX, download
from zhengxie.core.params import db_int
from zhengxie.people.selectors import committee_name

from . import reports
from .choices import RecommendationState, Source
from .leaders import CACHE_SECONDS, export_rows, filters_from, leaders_overview, report_data, year_units

UNITS_SHOWN = 50  # the department table shows the busiest first; all of them on request
UNIT_OPTIONS = 300


@require("followup.overview")
@require_safe
def leaders(request):
    filters = filters_from(request.GET)
    overview = leaders_overview(user=request.user, filters=filters, page=db_int(request.GET.get("page")) or 1)
    all_units = request.GET.get("units") == "all"
    # A province's year names thousands of departments: more than UNIT_OPTIONS are not offered as options (the page
    # would weigh hundreds of kilobytes); the department table below links each of them instead.
    unit_choices = overview.units
    if len(unit_choices) > UNIT_OPTIONS:
        unit_choices = [(pk, name) for pk, name in unit_choices if pk == filters.unit_id]
    return render(
        request,
        "followup/leaders.html",
        {
            "active_nav": "followup_overview",
            "o": overview,
            "f": filters,
            "query": filters.query(),
            "sources": Source.choices,
            "states": RecommendationState.choices,
            # Called by the template only where it renders the figures' parts not found kept (the departments'
            # tallies are thousands in a province's year).
            "chart_data": overview.chart_data,
            "units_table": lambda: overview.by_unit if all_units else overview.by_unit[:UNITS_SHOWN],
            "units_hidden": lambda: not all_units and len(overview.by_unit) > UNITS_SHOWN,
            "answered_share": reports.share(overview.total.answered, overview.total.count),
            "unit_options": format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((pk, mark_safe(" selected") if pk == filters.unit_id else "", name) for pk, name in unit_choices),
            ),
            "units_many": len(unit_choices) < len(overview.units),
            "units_all": all_units,
            "figures_seconds": CACHE_SECONDS if overview.shared_scope else 0,  # 0: not kept
        },
    )


@require("followup.overview")
@require_safe
def leaders_xlsx(request):
    filters = filters_from(request.GET)
    today = timezone.localdate()
    names = dict(year_units(request.user, filters.year)) if filters.unit_id else {}
    content = reports.recommendations_xlsx(
        export_rows(user=request.user, filters=filters, today=today),
        heading=reports.list_heading(filters, names, today),
    )
    return download(content, XLSX, f"建议落实情况-{filters.year}-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@require("followup.overview")
@require_safe
def leaders_report(request):
    filters = filters_from(request.GET)
    data = report_data(user=request.user, filters=filters)
    content = reports.report_docx(data, committee=committee_name())
    return download(content, DOCX, f"成果转化情况报告-{filters.year}.docx")
