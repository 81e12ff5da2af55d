from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from zhengxie.core.access import has_perm, require
from zhengxie.core.params import id_param
from zhengxie.core.validators import mask_id_number, mask_mobile

from . import personal_search, selectors
from .choices import MemberStatus, UnitKind
from .models import CollectiveProposer, Committee, Party, Sector, SpecialCommittee

PAGE_SIZE = 50


def _member_filters(request) -> dict:
    filters = {k: request.GET.get(k, "") for k in ("sector", "party", "special_committee", "status", "standing", "q")}
    for key in ("sector", "party", "special_committee"):
        filters[key] = id_param(filters[key])
    return filters


@require("people.view_member_list")
def member_list(request):
    filters = _member_filters(request)
    qs = selectors.member_list(user=request.user, filters=filters)
    status = 200
    try:
        personal_search.personal_search_record(user=request.user, q=filters["q"])
    except personal_search.SearchThrottled as exc:
        messages.error(request, exc.message)
        qs, status = qs.none(), exc.status
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/member_list.html",
        {
            "active_nav": "members",
            "page": page,
            "filters": filters,
            "querystring": query.urlencode(),
            "sectors": Sector.objects.all(),
            "parties": Party.objects.all(),
            "special_committees": SpecialCommittee.objects.all(),
            "statuses": MemberStatus.choices,
            "can_manage": has_perm(request.user, "people.manage_members"),
            "can_search_personal": personal_search.may_search_personal_data(user=request.user),
        },
        status=status,
    )


@require("people.view_member_list")
def member_detail(request, pk: int):
    member = selectors.member_get(user=request.user, pk=pk)
    if member is None:
        raise Http404
    reveal = selectors.can_see_personal_data(user=request.user, member=member)
    return render(
        request,
        "people/member_detail.html",
        {
            "active_nav": "members",
            "member": member,
            "mobile": member.mobile if reveal else mask_mobile(member.mobile),
            "id_number": member.id_number if reveal else mask_id_number(member.id_number),
            "revealed": reveal,
            "can_manage": has_perm(request.user, "people.manage_members"),
        },
    )


@require("people.view_unit_list")
def unit_list(request):
    filters = {k: request.GET.get(k, "") for k in ("kind", "q")}
    qs = selectors.unit_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "people/unit_list.html",
        {
            "active_nav": "units",
            "page": page,
            "filters": filters,
            "querystring": query.urlencode(),
            "kinds": UnitKind.choices,
            "can_manage": has_perm(request.user, "people.manage_units"),
        },
    )


@require("people.view_unit_list")
def unit_detail(request, pk: int):
    unit = selectors.unit_get(user=request.user, pk=pk)
    if unit is None:
        raise Http404
    staff = unit.staff.select_related("user").order_by("-is_leader", "id")
    return render(
        request,
        "people/unit_detail.html",
        {
            "active_nav": "units",
            "unit": unit,
            "staff": staff,
            "can_manage": has_perm(request.user, "people.manage_units"),
        },
    )


@require("people.view_organisation")
def organisation(request):
    committee = Committee.objects.prefetch_related("terms__sessions").first()
    return render(
        request,
        "people/organisation.html",
        {
            "active_nav": "organisation",
            "committee": committee,
            "sectors": Sector.objects.select_related("convener"),
            "parties": Party.objects.all(),
            "special_committees": SpecialCommittee.objects.all(),
            "collectives": CollectiveProposer.objects.all(),
        },
    )
