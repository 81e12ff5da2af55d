"""Democratic supervision in the browser, on a phone (390 px) and a laptop (1366 px): the secretariat takes a topic
of the published plan through its phases — writes the scheme, sets the group, moves to 调研评议, links the
inspection held, drafts the findings — and, once the findings are sent (the follow-up's step) and the topic is in
总结整改, closing is refused while the department's feedback (有反馈) is missing; when the department has answered
every recommendation, the topic closes."""

import re

import pytest
from playwright.sync_api import expect

from tests.builders import supervision as make
from zhengxie.supervision.models import SupervisionTopic

from .axe import axe_violations
from .layout import layout_problems, resize

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _have(page, have: str):
    return page.locator(f"[data-testid=checklist] [data-have={have}]")


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_secretariat_takes_a_topic_through_its_phases(live_org, sign_in, page, live_server, size):
    org = live_org
    topic = make.topic_of(make.published_plan(org, topics=["西部物流园建设"]))
    inspection = make.held_inspection(org)
    page.set_viewport_size(SIZES[size])
    sign_in("demo-staff")
    page.goto(f"{live_server.url}/supervision/")
    page.get_by_role("link", name=topic.plan.title).click()
    page.get_by_role("link", name="西部物流园建设").click()
    expect(page.get_by_test_id("topic-state")).to_have_text("组织发动")
    expect(_have(page, "scheme")).to_have_attribute("data-done", "no")
    expect(page.get_by_test_id("blocked")).to_contain_text("请先制定实施方案（填写或上传）。")

    # 组织发动: the scheme and the group
    page.get_by_test_id("open-write_scheme").click()
    page.get_by_role("textbox", name="实施方案").fill("一、监督目的\n二、视察园区和铁路专用线")
    page.locator("form[data-action=write_scheme]").get_by_role("button", name="填写实施方案").click()
    expect(page.get_by_text("已保存实施方案")).to_be_visible()
    expect(_have(page, "scheme")).to_have_attribute("data-done", "yes")
    page.get_by_test_id("open-set_group").click()
    page.get_by_label("小组委员").select_option([str(org.member.pk), str(org.member2.pk)])
    page.locator("form[data-action=set_group]").get_by_role("button", name="确定监督小组").click()
    expect(page.get_by_text("已保存监督小组")).to_be_visible()
    expect(page.get_by_test_id("group")).to_contain_text("张委员")
    assert _no_sideways_scroll(page)
    page.locator("form[data-action=start_investigation]").get_by_role("button").click()
    expect(page.get_by_text("已进入调研评议阶段")).to_be_visible()
    expect(page.locator("[data-phase=investigating]")).to_have_attribute("data-status", "current")

    # 调研评议: the inspection held, the findings drafted
    page.get_by_test_id("open-link_activity").click()
    page.locator("form[data-action=link_activity]").get_by_label("活动").select_option(str(inspection.pk))
    page.locator("form[data-action=link_activity]").get_by_role("button").click()
    expect(page.get_by_text("已关联活动")).to_be_visible()
    expect(_have(page, "research")).to_have_attribute("data-done", "yes")
    page.get_by_test_id("open-draft_findings").click()
    form = page.locator("form[data-action=draft_findings]")
    form.get_by_label("标题").fill("关于西部物流园建设的监督意见")
    form.get_by_label("建议（每行一条）").fill("加快多式联运设施建设\n完善园区配套服务")
    form.get_by_label("整改反馈期限").fill("2026-12-31")
    form.get_by_role("button").click()
    expect(page.get_by_text("已形成监督意见")).to_be_visible()
    expect(page.get_by_test_id("recommendation-row")).to_have_count(2)
    expect(page.get_by_test_id("document").get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/followup/documents/\d+/$")
    )

    # the findings are sent on the follow-up's page (its own step), then 总结整改
    make.findings_sent(org, topic)
    page.reload()
    page.locator("form[data-action=start_rectification]").get_by_role("button").click()
    expect(page.get_by_text("已进入总结整改阶段")).to_be_visible()

    # closing is refused while the department has not answered: no button, the reason in words
    expect(_have(page, "feedback")).to_have_attribute("data-done", "no")
    expect(page.locator("form[data-action=close]")).to_have_count(0)
    expect(page.get_by_test_id("blocked")).to_contain_text("“五有”尚未齐全，还缺：有反馈。")
    assert _no_sideways_scroll(page)

    # the department answers every recommendation (on its own follow-up page); now the topic closes
    make.answer_all(org, topic)
    page.reload()
    expect(_have(page, "feedback")).to_have_attribute("data-done", "yes")
    expect(page.get_by_test_id("recommendation-row").first).to_contain_text("已采纳")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[data-action=close]").get_by_role("button").click()
    expect(page.get_by_text("议题已办结")).to_be_visible()
    expect(page.get_by_test_id("topic-state")).to_have_text("已办结")
    assert SupervisionTopic.objects.get(pk=topic.pk).state == "closed"
    assert _no_sideways_scroll(page)


def test_the_supervision_pages_are_accessible_and_fit_phone_and_laptop(live_org, sign_in, page, live_server):
    """The plan list, a plan, a topic in each phase with every form open: no serious axe-core finding, no sideways
    scroll, no label broken inside a word, as the secretariat and as a group member."""
    org = live_org
    plan = make.published_plan(org, topics=["制造业和服务业高质量发展", "西部物流园建设"])
    first = make.rectifying(org, make.topic_of(plan))
    second = make.organised(org, make.topic_of(plan, 1))
    paths = ["/supervision/", f"/supervision/plans/{plan.pk}/", "/supervision/plans/new/"]
    paths += [f"/supervision/topics/{t.pk}/" for t in (first, second)]
    findings = {}
    for username, walk in (("demo-staff", paths), ("demo-member", paths[:2] + paths[3:])):
        page.context.clear_cookies()
        sign_in(username)
        for path in walk:
            assert page.goto(f"{live_server.url}{path}").status == 200, path
            for summary in page.locator("details > summary").all():
                summary.click()
            for width in (1366, 390):
                resize(page, width)
                found = layout_problems(page) + (axe_violations(page, live_server) if width == 1366 else [])
                if found:
                    findings[f"{username} {path} @{width}"] = found
    assert findings == {}
