"""The proposal statistics page in Chromium, at a phone's width (390 px) and a laptop's (1366 px): a year of
proposals with known figures draws all six charts without a script error, the bars of the units' chart hold the
scenario's figures, and the page fits the screen."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.builders.org import PASSWORD
from tests.builders.statistics import build_scenario
from zhengxie.accounts.services import account_create
from zhengxie.people.models import UnitStaff
from zhengxie.proposals.models import Category

from .layout import layout_problems, resize

CHARTS = ("proposer_type", "grade", "satisfaction", "category", "sector", "units")


@pytest.mark.parametrize("width", [390, 1366])
def test_the_office_sees_every_chart_of_the_year(live_org, page, live_server, sign_in, width):
    # given a year of proposals with known figures (the scenario has the second unit's leader approve its replies)
    leader2 = account_create(username="demo-unit2-leader", password=PASSWORD, display_name="区教体局领导")
    UnitStaff.objects.create(unit=live_org.other_unit, user=leader2, is_leader=True)
    live_org.users["unit2-leader"] = leader2
    scenario = build_scenario(live_org, Category.objects.create(name="经济建设", sort_order=1))
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(scenario.org.users["office"].username)
    resize(page, width)

    # when the office opens the year's statistics
    page.goto(f"{live_server.url}{reverse('proposals:statistics')}?year=2026")

    # then every chart is drawn as SVG, no script failed, and the page fits the screen
    for key in CHARTS:
        expect(page.locator(f'[data-chart="{key}"] svg')).to_have_count(1)
    expect(page.locator('[data-chart="units"] svg')).to_contain_text("住建局")
    assert errors == []
    assert layout_problems(page) == []
