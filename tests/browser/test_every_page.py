"""Every main page of every demo role in Chromium: no serious or critical axe-core finding, and on a phone (390 px) and
a laptop (1366 px) no sideways scroll and no label (menu entry, button, column head, badge, field label) broken
inside a word (in English too, for the roles with the longest words). Lists show as cards on a phone; the menu
wraps whole entries on a desktop.

One browser for the session, one signed-in context per role, the data built once for the walk over every page."""

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tests.builders import activities as ab
from tests.builders import deliberations as db
from tests.builders import proposals as pb
from tests.builders import training as tb
from tests.builders.org import PASSWORD
from zhengxie.core.navigation import nav_for
from zhengxie.proposals.models import Category
from zhengxie.training import services as training

from .axe import AXE, axe_violations
from .layout import broken_labels, layout_problems, resize

PHONE, LAPTOP = 390, 1366
ROLES = ["admin", "office", "staff", "leader", "overseer", "unit", "unit-leader", "unit2", "member", "member2"]
ACCOUNT_PAGES = ["/accounts/profile/", "/accounts/password/", "/accounts/history/", "/notifications/"]
# Pages that show every role the same thing: walked once, by the first role that has them.
SAME_FOR_ALL = {"/people/organisation/", "/workdays/", "/accounts/password/"}


def _work(org) -> dict:
    """Proposals at the stages the roles' pages show (with their notifications and audit rows), an activity with its
    invitations, and a held one in the member's duty archive."""
    category = Category.objects.create(name="经济建设", sort_order=1)
    office, leader = org.users["office"], org.users["leader"]
    evaluating = pb.joint_proposal_at(org, category, "evaluating")
    pb.act(evaluating, "propose_key", office, supervising_leader_id=leader.pk)
    pb.act(evaluating, "approve_key", leader)
    pb.act(evaluating, "nominate_excellent", office)
    pb.act(evaluating, "approve_excellent", leader)
    pending = pb.jointly_assigned(org, category, title="关于完善社区养老服务设施的建议")
    pb.act(pending, "propose_key", office, supervising_leader_id=leader.pk)  # waiting for the leader
    pb.act(pending, "nominate_excellent", office)
    return {
        "evaluating": evaluating,
        "pending": pending,
        "accepted": pb.accepted(org, category, title="关于加强青少年爱国主义教育的建议"),
        "to_sign": pb.reply_drafted(org, category, title="关于推进南矶湿地观鸟经济发展的建议"),
        "registered": pb.registered(org, category, title="关于推进总部经济发展的建议"),
        "waiting": pb.submitted(org, category, title="关于缓解学校周边交通拥堵的建议"),
        "draft": pb.draft(org, category, title="关于发展预制菜产业链的建议"),
        "activity": ab.published_activity(org),
        "deliberation": _deliberation(org),
        "training": _training(org),
        "held": ab.held_activity(
            org,
            title="区政协全体会议",
            kind="plenary",
            start=ab.day_of_year(1, 8),
            invitees={"all": True},
            present=[org.member],
        ),
    }


def _deliberation(org):
    """An open deliberation with an opinion and a reply (the member is invited)."""
    d = db.open_deliberation(org)
    first = db.opinion(org, d)
    db.opinion(org, d, "同意，并建议与物业平台联网。", reply_to=first.pk)
    return d


def _training(org) -> dict:
    """This year's published study plan with its class arranged, a training class with a partial attendee, a seminar
    with a paper (the member is invited to both)."""
    plan = tb.plan(org, year=timezone.localdate().year, publish=True)
    activity, tc = tb.training_class(org)
    training.item_activity_link(
        actor=org.users["staff"], item_id=plan.items.get(kind="member_class").pk, activity_id=activity.pk
    )
    training.attendee_hours_set(actor=org.users["staff"], class_id=tc.pk, member_id=org.member2.pk, hours="3")
    seminar = tb.seminar(org)
    training.paper_submit(actor=org.users["member"], seminar_id=seminar.pk, title="论协商民主", abstract="摘要")
    return {
        "plan": f"/training/plans/{plan.pk}/",
        "class": f"/training/classes/{tc.pk}/",
        "seminar": f"/training/seminars/{seminar.pk}/",
    }


def _pages(org, work) -> dict[str, list[str]]:
    """Each role's pages: its menu, its account pages, and the detail pages and forms of its work."""
    member, unit = org.member.pk, org.unit.pk
    proposal = f"/proposals/{work['evaluating'].pk}/"
    pending = f"/proposals/{work['pending'].pk}/"
    activity = f"/activities/{work['activity'].pk}/"
    deliberation = f"/deliberations/{work['deliberation'].pk}/"
    people = [f"/people/members/{member}/", f"/people/units/{unit}/", "/people/members/new/", "/people/units/new/"]
    extra = {
        "admin": [
            *people,
            f"/people/members/{member}/edit/",
            f"/people/units/{unit}/edit/",
            f"/people/units/{unit}/staff/",
            "/people/members/import/",
            "/people/units/import/",
            "/accounts/otp/setup/",
        ],
        "office": [
            proposal,
            pending,
            f"/proposals/{work['waiting'].pk}/",
            "/proposals/categories/",
            "/proposals/review/assign/",
            "/proposals/history/import/",
        ],
        "staff": [
            activity,
            f"{activity}qr/",
            f"/activities/{work['held'].pk}/",
            "/activities/new/",
            f"/activities/archive/{member}/",
            f"/activities/archive/{member}/other/",
            "/activities/table/short/",
            "/activities/table/alerts/",
            deliberation,
            "/deliberations/new/",
            *people,
            *work["training"].values(),
            "/training/study-hours/",
        ],
        "leader": [
            proposal,
            f"/people/members/{member}/",
            f"/activities/archive/{member}/",
            deliberation,
            work["training"]["plan"],
            "/training/study-hours/",
        ],
        "overseer": [proposal, f"/people/units/{unit}/"],
        "unit": [proposal, pending, "/proposals/unit/?tab=handling", "/proposals/unit/?tab=replied"],
        "unit-leader": [proposal, f"/proposals/{work['to_sign'].pk}/", "/proposals/unit/?tab=to_sign"],
        "unit2": [proposal],
        "member": [
            proposal,
            "/proposals/new/",
            f"/proposals/{work['draft'].pk}/edit/",
            activity,
            "/activities/check-in/",
            deliberation,
            *work["training"].values(),
        ],
        "member2": [proposal],
    }
    return {role: [i["url"] for i in nav_for(org.users[role])] + ACCOUNT_PAGES + extra[role] for role in ROLES}


def _open_action_forms(page) -> int:
    """Open the form of every action button on the page that opens one (buttons that take the action itself are
    left alone); returns how many were opened."""
    slots = page.locator("[data-action][aria-controls]:not([aria-expanded=true])").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-controls'))"
    )
    for slot in slots:
        page.locator(f'[data-action][aria-controls="{slot}"]').click()
        expect(page.locator(f"#{slot} form")).to_be_visible()
    page.mouse.move(0, 0)
    return len(slots)


@pytest.fixture
def signed_in(browser, browser_context_args, live_server):
    """A context per role, signed in once through the form, with axe-core in every page it opens; in Chinese unless
    ``language`` says otherwise."""
    contexts = []

    def open_as(role: str, language: str = "zh-hans"):
        # reduced motion: Bootstrap then changes colours at once, so axe never reads a button halfway through a fade
        context = browser.new_context(
            **browser_context_args, viewport={"width": LAPTOP, "height": 900}, reduced_motion="reduce"
        )
        context.set_default_timeout(60_000)
        context.add_init_script(path=AXE)
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=username]").fill(f"demo-{role}")
        page.locator("input[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("#main form button[type=submit]").click()
        expect(page.get_by_test_id("main-nav")).to_be_attached()
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_every_main_page_of_every_role_is_accessible_and_fits_phone_and_laptop(live_org, live_server, signed_in):
    # given each role's work, and the pages that show it
    work = _work(live_org)
    pages = _pages(live_org, work)
    findings: dict[str, list] = {}
    walked = set()
    for role in ROLES:
        page = signed_in(role)
        for i, path in enumerate(pages[role]):
            if path in walked:
                continue
            if path in SAME_FOR_ALL:
                walked.add(path)
            # when the role opens the page on a laptop, then on a phone
            response = page.goto(f"{live_server.url}{path}")
            if response.status != 200:
                findings[f"{role} {path}"] = [f"status {response.status}"]
                continue
            resize(page, LAPTOP)
            # the whole page the first time (the header and footer are the same on every page), then the content
            # (a page of its own, as the projector's QR code, whole)
            scope = "#main" if i and page.locator("#main").count() else "document"
            laptop = axe_violations(page, live_server, scope) + layout_problems(page)
            resize(page, PHONE)
            phone = layout_problems(page)
            resize(page, LAPTOP)
            if laptop:
                findings[f"{role} {path} @{LAPTOP}"] = laptop
            if phone:
                findings[f"{role} {path} @{PHONE}"] = phone
            # and with every action's form open (the forms a detail page offers its reader)
            if _open_action_forms(page):
                resize(page, PHONE)
                opened = axe_violations(page, live_server) + layout_problems(page)
                resize(page, LAPTOP)
                if opened := opened + layout_problems(page):
                    findings[f"{role} {path} forms open"] = opened
    # and in English (longer words), the roles' home, the first list of their menu and a detail page
    for role in ["office", "staff", "unit", "member"]:
        page = signed_in(role, "en")
        home, first_list = pages[role][:2]
        detail = f"/proposals/{work['evaluating'].pk}/" if role != "staff" else f"/activities/{work['activity'].pk}/"
        for path in [home, first_list, detail]:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, path
            for width in (LAPTOP, PHONE):
                resize(page, width)
                if found := layout_problems(page):
                    findings[f"{role} {path} @{width} en"] = found
            resize(page, LAPTOP)
    # then no page has a serious accessibility finding, a sideways scroll or a label broken inside a word
    assert findings == {}, "\n".join(f"{where}: {found}" for where, found in findings.items())


@pytest.mark.parametrize("width", [992, 1200, 1366, 1440])
def test_a_long_menu_wraps_whole_entries(live_org, sign_in, page, width):
    # given the proposal office, whose menu is the longest, on a desktop screen
    page.set_viewport_size({"width": width, "height": 900})
    sign_in("demo-office")
    # then every menu entry stays on one line and the header does not scroll sideways
    links = page.locator("[data-testid=main-nav] [data-nav]")
    expect(links.first).to_be_visible()
    heights = links.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    assert max(heights) < 2 * min(heights)
    assert broken_labels(page, "#main-nav a, #main-nav button") == []
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


# Each multi-column list and the role that sees it with rows.
LISTS = [
    ("office", "/proposals/", "proposal-table"),
    ("office", "/people/members/", "member-table"),
    ("office", "/people/units/", "unit-table"),
    ("unit", "/proposals/unit/", "unit-board-table"),
    ("unit", "/proposals/unit/?tab=handling", "unit-board-table"),
    ("office", "/proposals/key/", "key-table"),
    ("office", "/proposals/key/", "proposed-table"),
    ("office", "/proposals/excellent/", "excellent-table"),
    ("office", "/proposals/excellent/", "nominated-table"),
    ("member", "/accounts/history/", "sign-in-history"),
    ("admin", "/audit/", "audit-table"),
    ("member", "/deliberations/", "deliberation-table"),
]


def test_lists_are_cards_on_a_phone(live_org, live_server, signed_in):
    _work(live_org)
    pages = {}
    for role, path, testid in LISTS:
        page = pages.get(role) or pages.setdefault(role, signed_in(role))
        resize(page, PHONE)
        assert page.goto(f"{live_server.url}{path}").status == 200
        rows = page.locator(f"[data-testid={testid}] tbody tr:not(:has(td[colspan]))")  # not the "none" line
        expect(rows.first).to_be_visible()
        # each row is a card as wide as the screen allows: its cells are stacked, each as wide as the card, and the
        # card's first line is its title (a squeezed table gives each cell a sliver of the width instead)
        shapes = rows.evaluate_all(
            """rows => rows.map(row => {
                 const box = row.getBoundingClientRect();
                 const cells = [...row.cells].filter(c => c.getBoundingClientRect().height > 0);
                 const top = Math.min(...cells.map(c => c.getBoundingClientRect().top));
                 const first = cells.find(c => c.getBoundingClientRect().top === top);
                 return {right: box.right, width: box.width,
                         narrowest: Math.min(...cells.map(c => c.getBoundingClientRect().width)),
                         title: first.classList.contains("zx-card-title")};
               })"""
        )
        for shape in shapes:
            assert shape["right"] <= PHONE, (path, shape)
            assert shape["narrowest"] >= 0.9 * shape["width"] - 32, (path, shape)
            assert shape["title"], (path, shape)
        assert page.locator(f"[data-testid={testid}] thead").evaluate("t => t.getBoundingClientRect().height") <= 1
        # and each cell's column name is shown whole (a name wider than its place that may not wrap is cut off)
        cut = rows.evaluate_all(
            """rows => {
                 const ctx = document.createElement("canvas").getContext("2d");
                 return rows.flatMap(row => [...row.cells]).filter(cell => cell.dataset.label).filter(cell => {
                   const s = getComputedStyle(cell, "::before");
                   ctx.font = `${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
                   const wraps = s.whiteSpace !== "nowrap" && s.overflow !== "hidden";
                   return !wraps && ctx.measureText(cell.dataset.label).width > parseFloat(s.width) + 0.5;
                 }).map(cell => cell.dataset.label);
               }"""
        )
        assert cut == [], (path, cut)
        # and it is the name its column has on a laptop
        misnamed = page.locator(f"[data-testid={testid}]").evaluate(
            """table => {
                 const heads = [...table.tHead.rows[0].cells].map(th => th.textContent.trim());
                 return [...table.tBodies[0].rows].flatMap(row => [...row.cells])
                   .filter(cell => cell.dataset.label && cell.dataset.label !== heads[cell.cellIndex])
                   .map(cell => `${cell.dataset.label} ≠ ${heads[cell.cellIndex]}`);
               }"""
        )
        assert misnamed == [], (path, misnamed)
        # and on a laptop it is a table again
        resize(page, LAPTOP)
        assert page.locator(f"[data-testid={testid}] thead").evaluate("t => t.getBoundingClientRect().height") > 10
