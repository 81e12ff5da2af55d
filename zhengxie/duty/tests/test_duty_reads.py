"""Reads of the duty archive never write: the API and the archive page compute a year without a rule table from
the rules in force (the latest earlier year's, or the defaults) and leave no table behind; a year outside the
committee's range is refused (422 on the API, naming ``year``) with nothing written."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from tests.builders.activities import YEAR
from zhengxie.audit.models import AuditEntry
from zhengxie.duty.models import MemberYearScore, RuleSet
from zhengxie.duty.points import ruleset_for
from zhengxie.duty.rules import ruleset_save
from zhengxie.duty.tests.test_archive_pages import _page_form

pytestmark = pytest.mark.django_db


def _api(member) -> str:
    return f"/api/v1/members/{member.pk}/duty"


@pytest.mark.parametrize("year", ["1", "-5", "1999", str(YEAR + 2), "2999", "9999", "10000", "99999999999999999999"])
def test_api_year_outside_the_committee_range_is_422_and_writes_nothing(org, client_for, year):
    staff = client_for(org.users["staff"])
    audit_rows = AuditEntry.objects.count()
    response = staff.get(_api(org.member), {"year": year})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["year"]
    assert RuleSet.objects.count() == 0
    assert AuditEntry.objects.count() == audit_rows


def test_api_year_without_a_rule_table_is_computed_and_leaves_no_table(org, client_for):
    staff = client_for(org.users["staff"])
    response = staff.get(_api(org.member), {"year": YEAR})
    assert response.status_code == 200
    data = response.json()
    assert (data["year"], data["score"], data["rules_version"]) == (YEAR, "60.00", None)
    assert not RuleSet.objects.exists()


def test_api_year_without_a_table_follows_the_latest_earlier_table(org, client_for):
    ruleset_save(actor=org.users["admin"], year=YEAR - 1, data={"base_points": "70"})
    staff = client_for(org.users["staff"])
    data = staff.get(_api(org.member), {"year": YEAR}).json()
    assert (data["score"], data["rules_version"]) == ("70.00", None)
    assert list(RuleSet.objects.values_list("year", flat=True)) == [YEAR - 1]
    # The year's stored score (filled by the read's ranks) follows a later change of that table.
    assert MemberYearScore.objects.get(member=org.member, year=YEAR).score == D("70")
    ruleset_save(actor=org.users["admin"], year=YEAR - 1, data={"base_points": "75"})
    assert MemberYearScore.objects.get(member=org.member, year=YEAR).score == D("75")
    assert staff.get(_api(org.member), {"year": YEAR}).json()["score"] == "75.00"


def test_api_year_with_its_own_table_reports_its_version(org, client_for):
    ruleset_for(YEAR)
    ruleset_save(actor=org.users["admin"], year=YEAR, data={"base_points": "65"})
    data = client_for(org.users["staff"]).get(_api(org.member), {"year": YEAR}).json()
    assert (data["score"], data["rules_version"]) == ("65.00", 2)


@pytest.mark.parametrize("name", ["duty:member_archive", "duty:archive_docx", "duty:committee_table"])
def test_archive_pages_leave_no_rule_table(org, client_for, name):
    staff = client_for(org.users["staff"])
    args = [] if name == "duty:committee_table" else [org.member.pk]
    assert staff.get(reverse(name, args=args), {"year": YEAR}).status_code == 200
    assert staff.get(reverse(name, args=args), {"year": "9999"}).status_code == 404
    assert not RuleSet.objects.exists()


def test_the_rules_page_of_a_year_without_a_table_stores_it_only_when_saved(org, client_for):
    admin = client_for(org.users["admin"])
    url = f"{reverse('duty:rules')}?year={YEAR}"
    page = admin.get(url)
    assert page.status_code == 200
    assert not RuleSet.objects.exists()
    # a refused save leaves no table either
    assert admin.post(url, {}).status_code == 422
    assert not RuleSet.objects.exists()
    # the page posted back as loaded makes the year's table, audited as one save
    response = admin.post(url, _page_form(page.content.decode()))
    assert response.status_code == 302, response.content.decode()
    assert list(RuleSet.objects.values_list("year", "version")) == [(YEAR, 2)]
    assert list(AuditEntry.objects.filter(object_type="duty.ruleset").values_list("action", flat=True)) == [
        "duty.save_rules"
    ]
