"""The search page: one box over every registered kind, with filters by kind and year, twenty results a page,
each with its passage, the query's words marked."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from zhengxie.core.access import require

from . import read_models, selectors
from .forms import PAGE_SIZE, clean_kind, clean_query, clean_year, kind_choices


@require("search.use")
@require_safe
def search_page(request):
    query = clean_query(request.GET.get("q"))
    kind = clean_kind(request.GET.get("type"))
    year = clean_year(request.GET.get("year"))
    found = selectors.search(user=request.user, query=query, kind=kind, year=year)
    page = Paginator(found.entries, PAGE_SIZE).get_page(request.GET.get("page")) if query else None
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "search/search.html",
        {
            "active_nav": "search",
            "query": query,
            "kind": kind,
            "year": year,
            "kinds": kind_choices(),
            "years": selectors.search_years(user=request.user),
            "page": page,
            "capped": found.capped,
            "results": read_models.results(page, query) if page is not None else [],
            "querystring": params.urlencode(),
        },
    )
