"""The rule table page names each kind a rule counts in words and lets the admin choose it from a list: no code
(``attended.plenary``, ``absent.*``, ``proposal_submitted``) is shown or has to be typed."""

import html
import re

import pytest
from django.urls import reverse

from tests.builders.activities import YEAR
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.models import RuleSet
from zhengxie.duty.points import ruleset_for
from zhengxie.duty.reports import activity_kind_names, kind_label
from zhengxie.duty.tests.test_archive_pages import _page_form

pytestmark = pytest.mark.django_db

URL = f"{reverse('duty:rules')}?year={YEAR}"


def _text(page: str) -> str:
    """What a person reads: the page without its tags and attributes."""
    main = page[page.index("<main") :] if "<main" in page else page
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def _selected(page: str, name: str) -> list[str]:
    """The words of the options chosen in the select named ``name``."""
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', page, flags=re.S).group(1)
    # ``selected`` as an attribute of its own, not inside a value: kinds such as ``seminar_paper_selected`` hold
    # the word in their code.
    options = re.findall(r"<option((?:\s+[\w-]+(?:=\"[^\"]*\")?)*)\s*>([^<]*)</option>", select)
    return [
        html.unescape(words)
        for attrs, words in options
        if "selected" in re.findall(r"\s([\w-]+)(?:=\"[^\"]*\")?", attrs)
    ]


def test_the_rules_page_shows_kinds_in_words_and_no_codes(org, client_for):
    page = client_for(org.users["admin"]).get(URL).content.decode()
    text = _text(page)
    for code in ("attended.", "absent.", "on_leave.", ".*", *DutyKind.values, "类别代码"):
        assert code not in text, code
    rs = ruleset_for(YEAR)
    plenary = [i.kind for i in rs.items.all()].index("attended.plenary")
    every = [i.kind for i in rs.items.all()].index("absent.*")
    assert _selected(page, f"items-{plenary}-kind") == ["出席（全体会议）"]
    assert _selected(page, f"items-{every}-kind") == ["缺席（各类活动）"]
    names = activity_kind_names()
    for part, rules in (("minimums", rs.minimums), ("alerts", rs.alerts)):
        for n, rule in enumerate(rules):
            chosen = _selected(page, f"{part}-{n}-kinds")
            assert sorted(chosen) == sorted(kind_label(k, names) for k in rule["kinds"]) and chosen, (part, n)
    # each rule also lists what it counts in a line of text (the list box shows a few options at a time)
    listed = [html.unescape(t) for t in re.findall(r'data-testid="chosen-kinds">([^<]*)<', page)]
    expected = [
        "已选：" + "、".join(kind_label(k, names) for k in rule["kinds"]) for rule in [*rs.minimums, *rs.alerts]
    ]
    assert sorted(listed) == sorted(expected)


def test_a_rule_is_added_by_choosing_its_kinds_from_the_list(org, client_for):
    admin = client_for(org.users["admin"])
    data = _page_form(admin.get(URL).content.decode())
    before = ruleset_for(YEAR)
    n, codes_before = before.items.count(), [a["code"] for a in before.alerts]
    data.update(
        {
            # a new item: the kind chosen, no words typed (the kind's name is used)
            f"items-{n}-kind": "spoke.research",
            f"items-{n}-points": "4",
            # a new alert counting two kinds
            "alerts-2-label": "一年内三次迟到",
            "alerts-2-kinds": ["late.plenary", "late.*"],
            "alerts-2-count": "3",
        }
    )
    response = admin.post(URL, data)
    assert response.status_code == 302, response.content.decode()
    rs = RuleSet.objects.get(year=YEAR)
    item = rs.items.get(kind="spoke.research")
    assert (item.label, str(item.points)) == ("发言（调研）", "4.00")
    alert = rs.alerts[-1]
    assert {k: alert[k] for k in ("label", "kinds", "count", "period")} == {
        "label": "一年内三次迟到",
        "kinds": ["late.plenary", "late.*"],
        "count": 3,
        "period": "year",
    }
    # the new rule's key is made, unique, and the rules already there keep theirs
    codes = [a["code"] for a in rs.alerts]
    assert codes == [*codes_before, "alert_1"]


def test_a_kind_that_is_not_in_the_list_is_refused_and_nothing_changes(org, client_for):
    admin = client_for(org.users["admin"])
    data = _page_form(admin.get(URL).content.decode())
    ruleset_for(YEAR)
    data["minimums-0-kinds"] = ["attended.plenary", "made_up.kind"]
    response = admin.post(URL, data)
    assert response.status_code == 422
    assert "made_up.kind" not in _text(response.content.decode())
    assert RuleSet.objects.get(year=YEAR).version == 1
