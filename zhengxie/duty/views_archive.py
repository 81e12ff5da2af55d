"""The duty archive pages under /activities/ (``duty:…``): a member's archive for a year or a term, the annual duty
report (.docx / PDF), the committee's table (.xlsx), the members short of a minimum and those with alerts, adding an
"other" duty record, and the yearly rule table.

Whose archive a user may open is ``selectors.archive_members`` alone (a member outside one's reach is 404; a role
without archive access is 403 from the permission); the figures are ``points.member_archive`` and the ranks
``selectors.Ranks``; writes go through ``services.duty_add_other`` and ``rules.ruleset_save``.
"""

import time
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from zhengxie.core.access import has_perm, require
from zhengxie.core.documents import DOCX, PDF, XLSX, download
from zhengxie.core.exceptions import ActionRefused, NotAllowed, StateConflict
from zhengxie.people.models import Member, Sector, Term
from zhengxie.people.selectors import committee_name

from . import reports, rules, selectors, services
from .forms_archive import PAGE_SIZE, SORTS, AddOtherForm, RuleTable, TableFilterForm, parse_year
from .models import DutyRecord, MemberYearScore, RuleSet
from .points import rules_for, ruleset_for

NAV_OWN, NAV_TABLE, NAV_RULES = "my_archive", "duty_table", "duty_rules"


def _year_or_404(request) -> int:
    year = parse_year(request.GET.get("year"))
    if year is None:
        raise Http404(_("年度无效。"))
    return year


def _member_or_404(user, member_id: int) -> Member:
    member = selectors.archive_members(user).select_related("sector", "party").filter(pk=member_id).first()
    if member is None:
        raise Http404(_("委员不存在或您无权查看其履职档案。"))
    return member


# A member's archive ----------------------------------------------------------------------------------------------


def _archive_page(request, member: Member, *, own: bool):
    user = request.user
    year = _year_or_404(request)
    years = set(DutyRecord.objects.filter(member=member).values_list("year", flat=True).distinct())
    years |= {timezone.localdate().year, year}
    terms = list(member.terms.order_by("-number")) or list(Term.objects.order_by("-number"))
    context = {
        "active_nav": NAV_OWN if own else NAV_TABLE,
        "member": member,
        "own": own,
        "year": year,
        "years": sorted(years, reverse=True),
        "terms": terms,
        "can_add_other": has_perm(user, "duty.add_other"),
        "can_see_table": has_perm(user, "duty.committee_table"),
    }
    term_param = request.GET.get("term")
    if term_param:
        term = Term.objects.filter(pk=int(term_param)).first() if term_param.isdigit() else None
        if term is None:
            raise Http404(_("届次不存在。"))
        context.update(term=term, t=reports.term_archive(member=member, term=term, user=user))
    else:
        context["a"] = archive = reports.annual_archive(member=member, year=year, user=user)
        # Parts other apps add (the year's study hours against the requirement), as the report's documents show them.
        context["sections"] = archive.sections
    return render(request, "duty/archive/member.html", context)


@require("duty.own_archive")
@require_safe
def my_archive(request):
    """The signed-in member's own archive (this year unless ?year= or ?term= says otherwise)."""
    member = selectors.archive_members(request.user).select_related("sector", "party").filter(user=request.user).first()
    if member is None:
        raise Http404(_("您没有委员履职档案。"))
    return _archive_page(request, member, own=True)


@require("duty.archive")
@require_safe
def member_archive(request, member_id: int):
    member = _member_or_404(request.user, member_id)
    return _archive_page(request, member, own=member.user_id == request.user.pk)


def _report(request, member_id: int):
    member = _member_or_404(request.user, member_id)
    year = _year_or_404(request)
    return reports.annual_archive(member=member, year=year), f"{member.name}-{year}年度履职报告"


@require("duty.archive")
@require_safe
def archive_docx(request, member_id: int):
    archive, name = _report(request, member_id)
    return download(reports.annual_report_docx(archive, committee=committee_name()), DOCX, f"{name}.docx")


@require("duty.archive")
@require_safe
def archive_pdf(request, member_id: int):
    archive, name = _report(request, member_id)
    return download(reports.annual_report_pdf(archive, committee=committee_name()), PDF, f"{name}.pdf")


# Adding an "other" record ----------------------------------------------------------------------------------------


@require("duty.add_other")
@require_http_methods(["GET", "POST"])
def add_other(request, member_id: int):
    member = _member_or_404(request.user, member_id)
    form = AddOtherForm(request.POST or None, initial={"occurred_on": timezone.localdate()}, auto_id="ao_%s")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row = services.duty_add_other(actor=request.user, member=member, **form.cleaned_data)
            except NotAllowed:
                raise PermissionDenied from None
            except ActionRefused as exc:
                for key, text in exc.errors.items():
                    if key in form.fields:
                        form.add_error(key, text)
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request, _("已为%(n)s录入其他履职：%(d)s。") % {"n": member.name, "d": row.source_label}
                )
                return redirect(f"{reverse('duty:member_archive', args=[member.pk])}?year={row.year}")
        else:
            status = 422
    return render(
        request, "duty/archive/add_other.html", {"active_nav": NAV_TABLE, "member": member, "form": form}, status=status
    )


# The committee table ---------------------------------------------------------------------------------------------


def _table_query(request, year: int):
    user = request.user
    sectors = Sector.objects.filter(pk__in=selectors.archive_members(user).values("sector_id")).order_by(
        "sort_order", "id"
    )
    grades = [str(label) for label, _minimum in rules_for(year).rs.grades]
    form = TableFilterForm(request.GET, sectors=sectors, grades=grades)
    filters, sort = form.filters(), form.sort_key()
    qs = selectors.committee_table(user=user, year=year, filters=filters, sort=sort)
    return form, filters, sort, qs


def _querystring(request, *drop: str) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


@require("duty.committee_table")
@require_safe
def committee_table(request):
    year = _year_or_404(request)
    form, filters, sort, qs = _table_query(request, year)
    ranks = selectors.Ranks(year, ensure=False)  # committee_table has just made sure of the year's rows
    filtered = any(filters.values())
    # Unfiltered and seen whole, the table lists every row the ranks have counted: no COUNT query of its own.
    known = ranks.committee_size() if not filtered and selectors.sees_every_archive(request.user) else None
    page = Paginator(selectors.TablePages(qs, year=year, count=known), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"s": s, "rank": ranks.committee(s.score), "sector_rank": ranks.sector(s.sector_id, s.score)} for s in page]
    years = sorted(
        set(RuleSet.objects.values_list("year", flat=True)) | {timezone.localdate().year, year}, reverse=True
    )
    context = {
        "active_nav": NAV_TABLE,
        "year": year,
        "years": years,
        "form": form,
        "sort": sort,
        "sorts": SORTS,
        "page": page,
        "rows": rows,
        "querystring": _querystring(request, "page"),
        "sort_query": _querystring(request, "page", "sort"),
        "export_query": _querystring(request, "page"),
        "filtered": filtered,
        "can_monitor": has_perm(request.user, "duty.monitor"),
    }
    return render(request, "duty/archive/table.html", context)


@require("duty.committee_table")
@require_safe
def committee_table_xlsx(request):
    year = _year_or_404(request)
    _form, _filters, _sort, qs = _table_query(request, year)
    title = _("%(y)d年度委员履职积分统计表") % {"y": year}
    content = reports.committee_table_xlsx(
        qs.iterator(chunk_size=500), year=year, ranks=selectors.Ranks(year), title=title
    )
    return download(content, XLSX, f"{title}.xlsx")


# Following up: members short of a minimum, members with alerts ---------------------------------------------------


def _follow_up(request, *, field: str, template: str):
    """Members of the year with entries in ``field`` (``missing`` or ``alerts``), counted by rule and listed 50 a
    page, optionally only those of one rule (?code=)."""
    year = _year_or_404(request)
    rs = rules_for(year).rs
    flag = {"missing": "short", "alerts": "alerts"}[field]
    qs = selectors.committee_table(user=request.user, year=year, filters={flag: "1"}, sort="sector")
    pairs = list(qs.values_list("pk", field))
    configured = rs.minimums if field == "missing" else rs.alerts
    counts = {r["code"]: {"code": r["code"], "label": r["label"], "count": 0} for r in configured}
    for _pk, entries in pairs:
        for e in entries:
            counts.setdefault(e["code"], {"code": e["code"], "label": e["label"], "count": 0})["count"] += 1
    code = request.GET.get("code") or ""
    if code and code not in counts:
        raise Http404(_("没有这一项。"))
    ids = [pk for pk, entries in pairs if not code or any(e["code"] == code for e in entries)]
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    found = MemberYearScore.objects.select_related("member__sector", "member__party").in_bulk(list(page))
    context = {
        "active_nav": NAV_TABLE,
        "year": year,
        "code": code,
        "rules": list(counts.values()),
        "total": len(pairs),
        "page": page,
        "rows": [found[pk] for pk in page if pk in found],
        "querystring": _querystring(request, "page"),
        "year_query": urlencode({"year": year}),
    }
    return render(request, template, context)


@require("duty.monitor")
@require_safe
def short_of_minimums(request):
    return _follow_up(request, field="missing", template="duty/archive/short.html")


@require("duty.monitor")
@require_safe
def alerts(request):
    return _follow_up(request, field="alerts", template="duty/archive/alerts.html")


# The rule table --------------------------------------------------------------------------------------------------


@require("duty.manage_rules")
@require_http_methods(["GET", "POST"])
def rules_page(request):
    """The year's rule table, editable. Saving replaces the table through ``rules.ruleset_save`` (audited,
    versioned) and recomputes that year only; the page then says how many members were recomputed and how long
    it took. A form that was loaded before someone else saved is refused (409) rather than overwriting."""
    year = _year_or_404(request)
    # Opening the page stores nothing: a year without its own table shows the one in force, which becomes the
    # year's own table only when it is saved (``ruleset_save``, audited).
    in_force = rules_for(year)
    rs = in_force.rs
    table = RuleTable(rs, request.POST if request.method == "POST" else None, items=in_force.items)
    status, refusal = 200, None
    if request.method == "POST":
        if table.is_valid():
            started = time.monotonic()
            try:
                with transaction.atomic():
                    # The year's own table is made here if it has none; a refusal rolls that back with the rest.
                    locked = RuleSet.objects.select_for_update().get(pk=ruleset_for(year).pk)
                    current = locked.version
                    if current != table.main.cleaned_data["version"]:
                        raise StateConflict(
                            _("该年度积分规则已被他人修改（现为第%(v)d版），请重新打开本页后再修改。") % {"v": current}
                        )
                    result = rules.ruleset_save(actor=request.user, year=year, data=table.service_data())
            except NotAllowed:
                raise PermissionDenied from None
            except ActionRefused as exc:
                refusal, status = exc, exc.status
            else:
                seconds = time.monotonic() - started
                rs = RuleSet.objects.get(year=year)
                messages.success(
                    request,
                    _("已保存%(y)d年度积分规则（第%(v)d版）：重新计算了 %(n)d 名委员的积分，用时 %(s).2f 秒。")
                    % {"y": year, "v": rs.version, "n": result["recomputed"], "s": seconds},
                )
                return redirect(f"{reverse('duty:rules')}?year={year}")
        else:
            status = 422
    this_year = timezone.localdate().year
    years = sorted(set(RuleSet.objects.values_list("year", flat=True)) | {this_year, this_year + 1, year}, reverse=True)
    context = {
        "active_nav": NAV_RULES,
        "year": year,
        "years": years,
        "ruleset": rs,
        "table": table,
        "refusal": refusal,
    }
    return render(request, "duty/archive/rules.html", context, status=status)
