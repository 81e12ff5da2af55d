"""The banner above a proposal list opened from a statistics figure says what the figure counted, in words."""

import html
import re

import pytest

from tests.builders import proposals as make
from zhengxie.people.models import Session

pytestmark = pytest.mark.django_db


def _banner(response) -> str:
    page = response.content.decode()
    start = page.index(">", page.index('data-testid="report-filters"')) + 1
    return html.unescape(re.sub(r"<[^>]+>", " ", page[start : page.index("</div>", start)]))


def test_the_statistics_filters_are_shown_in_words(org, category, client_for):
    make.registered(org, category)
    session = Session.objects.select_related("term").order_by("pk").first()
    query = {
        "satisfaction": "satisfied",
        "sector": str(org.sector.pk),
        "party": str(org.party.pk),
        "handling": "overdue",
        "filing": "session",
        "proposer_type": "joint",
        "grade": "A",
        "received": "1",
        "proposer": str(org.member.pk),
        "session": str(session.pk),
    }
    banner = _banner(client_for(org.users["office"]).get("/proposals/", query))
    for words in (
        "满意度：满意",
        f"界别：{org.sector.name}",
        f"党派：{org.party.name}",
        "办理情况：当前逾期",
        "提交方式：大会提案",
        "提案者：委员联名提案",
        "答复类别：A类：所提问题已经解决或采纳",
        "范围：已收到的提案",
        f"提案人：{org.member.name}",
    ):
        assert words in banner
    assert f"会议：{session.term.name}{session.name}" in banner
    # no code, no id, no "key = value"
    assert "=" not in banner
    for code in ("satisfied", "overdue", "joint", "session", "sector", str(org.sector.pk)):
        assert not re.search(rf"(?<![\w]){code}(?![\w])", banner), code


def test_a_value_no_figure_links_with_is_named_as_such(org, client_for):
    banner = _banner(client_for(org.users["office"]).get("/proposals/", {"satisfaction": "happy", "sector": "999999"}))
    assert "满意度：（无效的条件）" in banner and "界别：（无效的条件）" in banner
    assert "happy" not in banner and "999999" not in banner
