"""The whole path of a joint proposal through the real pages in Chromium: written with autosave and submitted,
co-signed, registered and assigned to a lead unit and a co-handler, co-opinion, reply drafted, signed and approved,
rated dissatisfied, handled again, rated satisfied and closed — then the timeline shows every step with actor and time.
A unit opening a proposal that is not assigned to it gets the refusal page."""

import re

import pytest
from playwright.sync_api import expect

from zhengxie.proposals.actions import proposal_act
from zhengxie.proposals.models import Category, Proposal
from zhengxie.proposals.services import proposal_create_draft

from .axe import axe_violations

TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@pytest.fixture
def category(live_org):
    return Category.objects.create(name="经济建设", sort_order=1)


@pytest.fixture
def switch_to(page, sign_in):
    """Sign out through the user menu's logout button (when signed in), then sign in as ``username``."""

    def do(username: str):
        menu = page.get_by_test_id("user-menu")
        if menu.count():
            menu.click()
            page.get_by_test_id("logout").click()
            expect(page).to_have_url(re.compile(r"/accounts/login/"))
        sign_in(username)
        expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
        return page

    return do


def _open(page, live_server, pk: int):
    response = page.goto(f"{live_server.url}/proposals/{pk}/")
    assert response.status == 200
    return page


def _act(page, action: str, fields: dict | None = None, *, scope=None):
    """Press an action's button; when it opens a form, fill it (label -> value) and confirm."""
    scope = scope or page
    if fields is None:  # the button posts the action: wait for the page it leads to
        with page.expect_navigation():
            scope.locator(f'[data-action="{action}"]').click()
        return
    scope.locator(f'[data-action="{action}"]').click()
    form = scope.locator(f'form[data-action-form="{action}"]')
    for label, value in fields.items():
        control = form.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))  # required fields end in "*"
        if isinstance(value, tuple):  # ("select", value), ("check", None) or ("lookup", (typed, name offered))
            kind, option = value
            if kind == "select":
                control.select_option(option)
            elif kind == "lookup":
                _choose(page, control, *option)
            else:
                control.check()
        else:
            control.fill(value)
    with page.expect_navigation():
        form.locator(f'[data-submit="{action}"]').click()


def _choose(page, box, typed: str, name: str):
    """Type part of a name into a type-ahead and pick the name it offers."""
    box.fill(typed)
    listbox = page.locator(f"#{box.get_attribute('id')}-listbox")
    listbox.get_by_role("option", name=name, exact=True).click()


def _expect_state(page, label: str):
    expect(page.get_by_test_id("proposal-state")).to_have_text(label)


def _assignment(page, unit):
    return page.locator(f'[data-testid=assignment][data-unit="{unit.pk}"]')


def _unit_actions(page, unit):
    """The buttons for the unit's assignment: at the top of the page, under the unit's name."""
    return page.locator(f'[data-testid=assignment-actions][data-unit="{unit.pk}"]')


def test_joint_proposal_through_every_step(live_org, category, page, live_server, switch_to, confirms):
    org = live_org

    # The member writes a joint proposal; the editor saves it by itself, then it is submitted.
    switch_to("demo-member")
    page.get_by_role("link", name="提案", exact=True).click()
    page.get_by_test_id("new-proposal").click()
    page.get_by_label("案由", exact=True).fill("关于加快充电桩建设的建议")
    page.get_by_label("情况分析", exact=True).fill("我区新能源汽车保有量快速增长，公共充电桩不足。")
    page.get_by_label("具体建议", exact=True).fill("一、编制充电设施专项规划；二、老旧小区加装充电桩。")
    page.get_by_label("类别", exact=True).select_option(label="经济建设")
    _choose(page, page.get_by_label("联名人", exact=True), "李", "李委员（教育）")
    _choose(page, page.get_by_label("建议承办单位", exact=True), "住建", "新建区住房和城乡建设局")
    expect(page.get_by_role("button", name="移除 新建区住房和城乡建设局")).to_be_visible()
    expect(page.get_by_test_id("autosave-status")).to_contain_text("已自动保存", timeout=15000)
    proposal = Proposal.objects.get(author=org.users["member"])
    assert proposal.title == "关于加快充电桩建设的建议" and proposal.state == "draft"
    expect(page.locator("#draft-proposal-id")).to_have_value(str(proposal.pk))
    page.get_by_test_id("submit-proposal").click()
    expect(page).to_have_url(f"{live_server.url}/proposals/{proposal.pk}/")
    _expect_state(page, "联名中")
    assert Proposal.objects.count() == 1  # the autosaved draft was submitted, not a second one

    # The co-signer confirms.
    switch_to("demo-member2")
    _open(page, live_server, proposal.pk)
    _act(page, "cosign")
    _expect_state(page, "待审查")

    # The office registers it from the review queue; the number is shown; then it assigns lead + co-handler.
    switch_to("demo-office")
    page.get_by_role("link", name="提案审查").click()
    row = page.locator(f'[data-testid=review-row][data-proposal="{proposal.pk}"]')
    row.locator('[data-action="register"]').click()
    expect(page.get_by_test_id("review-empty")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.number
    _open(page, live_server, proposal.pk)
    expect(page.get_by_test_id("proposal-number")).to_have_text(proposal.number)
    _expect_state(page, "已立案")
    _act(
        page,
        "assign",
        {
            "主办与会办": ("check", None),
            "主办（单办）单位": ("lookup", ("住建", "新建区住房和城乡建设局")),
            "会办（分办）单位": ("lookup", ("区教体", "新建区教育体育局")),
        },
    )
    _expect_state(page, "办理中")

    # The co-handler accepts and sends its co-opinion to the lead unit.
    switch_to("demo-unit2")
    _open(page, live_server, proposal.pk)
    co = _assignment(page, org.other_unit)
    _act(page, "accept_assignment", scope=_unit_actions(page, org.other_unit))
    _act(
        page,
        "submit_co_opinion",
        {"会办意见": "同意主办单位意见，配合做好电力接入。"},
        scope=_unit_actions(page, org.other_unit),
    )
    expect(co.get_by_test_id("assignment-state")).to_have_text("已提交会办意见")

    # The lead unit accepts, sees the co-opinion and drafts the reply; its leader signs; the office approves.
    switch_to("demo-unit")
    _open(page, live_server, proposal.pk)
    _act(page, "accept_assignment", scope=_unit_actions(page, org.unit))
    expect(page.get_by_test_id("co-opinion")).to_contain_text("配合做好电力接入")
    _act(
        page,
        "draft_reply",
        {"答复内容": "已列入明年计划，正在编制专项规划。", "答复类别": ("select", "B"), "联系电话": "0791-83888888"},
        scope=_unit_actions(page, org.unit),
    )
    switch_to("demo-unit-leader")
    _open(page, live_server, proposal.pk)
    _act(page, "sign_reply", scope=_unit_actions(page, org.unit))
    expect(_assignment(page, org.unit).get_by_test_id("assignment-state")).to_have_text("答复待审核")
    switch_to("demo-office")
    _open(page, live_server, proposal.pk)
    _act(page, "approve_reply", {}, scope=_unit_actions(page, org.unit))
    _expect_state(page, "测评中")

    # The proposer is dissatisfied; the office asks for handling again.
    switch_to("demo-member")
    _open(page, live_server, proposal.pk)
    expect(page.get_by_test_id("reply-text")).to_contain_text("正在编制专项规划")
    _act(page, "evaluate", {"不满意": ("check", None), "测评意见": "没有明确完成时间。"})
    expect(page.locator("[data-testid=evaluations] [data-satisfaction=dissatisfied]")).to_contain_text(
        "没有明确完成时间"
    )
    switch_to("demo-office")
    _open(page, live_server, proposal.pk)
    _act(page, "request_rehandling", {"重新办理要求": "请明确建设时间表后重新答复。"})
    _expect_state(page, "重新办理")

    # The lead unit replies again, its leader signs, the office approves.
    switch_to("demo-unit")
    _open(page, live_server, proposal.pk)
    _act(
        page,
        "draft_reply",
        {"答复内容": "明年6月底前完成50个小区充电桩建设。", "答复类别": ("select", "A"), "联系电话": "0791-83888888"},
        scope=_unit_actions(page, org.unit),
    )
    switch_to("demo-unit-leader")
    _open(page, live_server, proposal.pk)
    _act(page, "sign_reply", scope=_unit_actions(page, org.unit))
    switch_to("demo-office")
    _open(page, live_server, proposal.pk)
    _act(page, "approve_reply", {}, scope=_unit_actions(page, org.unit))
    _expect_state(page, "测评中")

    # Satisfied this time; the office closes the proposal.
    switch_to("demo-member")
    _open(page, live_server, proposal.pk)
    _act(page, "evaluate", {"满意": ("check", None)})
    switch_to("demo-office")
    _open(page, live_server, proposal.pk)
    _act(page, "close", {})
    _expect_state(page, "已办结")
    expect(page.get_by_test_id("proposal-actions").locator('[data-action="close"]')).to_have_count(0)

    # The timeline shows every step, who took it and when.
    timeline = page.get_by_test_id("timeline")
    office, unit, unit2, leader = "演示提案委", "区住建局unit", "区教体局unit2", "区住建局unit-leader"
    steps = [
        ("submit", "张委员", 1),
        ("cosign", "李委员", 1),  # the last answer is the move to the office: one entry
        ("register", office, 1),
        ("assign", office, 1),
        ("accept_assignment", unit2, 1),
        ("submit_co_opinion", unit2, 1),
        ("accept_assignment", unit, 1),
        ("draft_reply", unit, 2),
        ("sign_reply", leader, 2),
        ("approve_reply", office, 2),
        ("send_for_evaluation", "系统", 2),
        ("evaluate", "张委员", 2),
        ("request_rehandling", office, 1),
        ("close", office, 1),
    ]
    for action, actor, times in steps:
        entries = timeline.locator(f'li[data-step="{action}"]')
        by_actor = entries.filter(
            has=page.get_by_test_id("timeline-actor").filter(has_text=re.compile(f"^{re.escape(actor)}$"))
        )
        expect(by_actor).to_have_count(times)
        for i in range(times):
            expect(by_actor.nth(i).get_by_test_id("timeline-time")).to_have_text(TIME)
    expect(timeline.locator("li").first).to_have_attribute("data-step", "submit")
    expect(timeline.locator("li").last).to_have_attribute("data-step", "close")
    # Each irreversible step asked first, in its own words.
    assert confirms == [
        "提交后不能再修改（除非被退回）。确定提交？",
        "立案将占用本年度的下一个案号。确定立案？",
        "签收后由本单位办理，不能再申请调整。确定签收？",
        "签收后由本单位办理，不能再申请调整。确定签收？",
        "签发后答复即报送提案委审核。确定签发？",
        "签发后答复即报送提案委审核。确定签发？",
        "办结后提案不再办理。确定办结？",
    ]


def test_an_irreversible_step_declined_at_its_question_changes_nothing(
    live_org, category, page, live_server, switch_to
):
    u = live_org.users
    data = {
        "title": "关于加强社区养老服务的建议",
        "analysis": "现状",
        "suggestions": "建议",
        "category_id": category.pk,
    }
    waiting = proposal_create_draft(author=u["member"], data=data)
    proposal_act(proposal_id=waiting.pk, action="submit", actor=u["member"])
    switch_to("demo-office")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    _open(page, live_server, waiting.pk)
    page.get_by_test_id("proposal-actions").locator('[data-action="register"]').click()
    expect(page.get_by_test_id("proposal-state")).to_have_text("待审查")
    assert asked == ["立案将占用本年度的下一个案号。确定立案？"]
    waiting.refresh_from_db()
    assert (waiting.state, waiting.number) == ("submitted", "")


def test_submitting_from_the_editor_asks_first_and_a_no_keeps_the_draft(
    live_org, category, page, live_server, switch_to
):
    # given a member's draft open in the editor
    draft = proposal_create_draft(
        author=live_org.users["member"],
        data={"title": "关于增设公交站点的建议", "analysis": "现状", "suggestions": "建议", "category_id": category.pk},
    )
    switch_to("demo-member")
    assert page.goto(f"{live_server.url}/proposals/{draft.pk}/edit/").status == 200
    asked = []
    # when the member presses 保存并提交 and answers no to the question
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_test_id("submit-proposal").click()
    # then the question was the submit step's own, the editor stays open and the proposal is still a draft
    expect(page).to_have_url(f"{live_server.url}/proposals/{draft.pk}/edit/")
    assert asked == ["提交后不能再修改（除非被退回）。确定提交？"]
    draft.refresh_from_db()
    assert draft.state == "draft"
    # and 保存草稿 asks nothing: it can be undone
    with page.expect_navigation():
        page.get_by_test_id("save-draft").click()
    assert asked == ["提交后不能再修改（除非被退回）。确定提交？"]


def test_unit_opening_a_proposal_not_assigned_to_it_is_refused(live_org, category, page, live_server, switch_to):
    # given a proposal assigned only to demo-unit's unit
    u = live_org.users
    draft = proposal_create_draft(
        author=u["member"],
        data={"title": "关于老旧小区改造的建议", "analysis": "现状", "suggestions": "建议", "category_id": category.pk},
    )
    proposal_act(proposal_id=draft.pk, action="submit", actor=u["member"])
    proposal_act(proposal_id=draft.pk, action="register", actor=u["office"])
    proposal_act(
        proposal_id=draft.pk,
        action="assign",
        actor=u["office"],
        payload={"mode": "single", "units": [{"unit_id": live_org.unit.pk, "role": "single"}]},
    )
    # when demo-unit2 opens it
    switch_to("demo-unit2")
    response = page.goto(f"{live_server.url}/proposals/{draft.pk}/")
    # then it gets the refusal page and nothing of the proposal
    assert response.status == 404
    expect(page.get_by_test_id("not-found")).to_contain_text("无权查看")
    expect(page.get_by_text("关于老旧小区改造的建议")).to_have_count(0)
    # while demo-unit sees it
    switch_to("demo-unit")
    _open(page, live_server, draft.pk)
    expect(page.get_by_test_id("proposal-title")).to_have_text("关于老旧小区改造的建议")


def test_proposal_pages_have_no_serious_accessibility_violations(live_org, category, page, live_server, switch_to):
    # given a registered proposal and one waiting in the review queue
    u = live_org.users
    data = {"title": "关于充电桩的建议", "analysis": "现状", "suggestions": "建议", "category_id": category.pk}
    registered = proposal_create_draft(author=u["member"], data=data)
    proposal_act(proposal_id=registered.pk, action="submit", actor=u["member"])
    proposal_act(proposal_id=registered.pk, action="register", actor=u["office"])
    waiting = proposal_create_draft(author=u["member"], data={**data, "title": "待审查的提案"})
    proposal_act(proposal_id=waiting.pk, action="submit", actor=u["member"])
    # the office's pages, with the assignment form open
    switch_to("demo-office")
    for path in ["/proposals/", "/proposals/review/", "/proposals/categories/", f"/proposals/{registered.pk}/"]:
        assert page.goto(f"{live_server.url}{path}").status == 200
        if path.endswith(f"{registered.pk}/"):
            page.locator('[data-action="assign"]').click()
            expect(page.locator('form[data-action-form="assign"]')).to_be_visible()
        assert axe_violations(page, live_server) == [], path
    # the member's editor
    switch_to("demo-member")
    assert page.goto(f"{live_server.url}/proposals/new/").status == 200
    assert axe_violations(page, live_server) == []
