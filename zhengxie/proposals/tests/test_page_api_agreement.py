"""The detail page and the API detail show the same parts of a proposal to every demo role.

The demo district is loaded and proposals are taken into every state through the real services (withdrawn, returned,
rejected, converted, merged, a lead unit with two co-handlers and a pending extension, separate handling, a dispute,
a reassignment, signed and returned replies with files, re-handling, a closed key proposal). Then, for each demo
account and each proposal, the page's HTML and the API's JSON are compared part by part: whether the proposal is
visible at all, the actions allowed on it and on each assignment, the assignments, their replies and the replies'
ratings and files, the co-handlers' opinions, the pending extensions, the proposal's own files and the timeline.
"""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from lxml import html

from zhengxie.people.models import HandlingUnit, Member, UnitStaff
from zhengxie.proposals import services
from zhengxie.proposals.actions import assignment_act, proposal_act
from zhengxie.proposals.choices import ExtensionState, ProposalState
from zhengxie.proposals.models import Category, Proposal

pytestmark = pytest.mark.django_db

DEMO_ROLES = (
    "demo-admin",
    "demo-office",
    "demo-staff",
    "demo-leader",
    "demo-overseer",
    "demo-unit",
    "demo-unit-leader",
    "demo-unit2",
    "demo-member",
    "demo-member2",
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ATTACHMENT_ID = re.compile(r"/attachments/(\d+)/")


def _every_state() -> dict[str, Proposal]:
    """Proposals in the states the demo district does not have, each touching the demo units and members."""
    User = get_user_model()
    u = {
        name: User.objects.get(username=f"demo-{name}")
        for name in ("office", "leader", "unit", "unit-leader", "unit2", "member", "member2")
    }
    housing = HandlingUnit.objects.get(staff__user=u["unit"])
    education = HandlingUnit.objects.get(staff__user=u["unit2"])
    edu_leader = User.objects.filter(unit_posts__unit=education, unit_posts__is_leader=True).order_by("id").first()
    third_post = (
        UnitStaff.objects.exclude(unit__in=[housing, education])
        .filter(unit__is_active=True)
        .order_by("unit_id", "id")
        .first()
    )
    third, third_staff = third_post.unit, third_post.user
    others = list(
        Member.objects.filter(user__isnull=False, status="serving")
        .exclude(user__in=[u["member"], u["member2"]])
        .order_by("-id")[:3]
    )
    category = Category.objects.order_by("sort_order", "id").first()
    today = timezone.localdate()
    made: dict[str, Proposal] = {}

    def draft(author, title, **extra):
        data = {"title": title, "analysis": "情况分析。", "suggestions": "具体建议。", "category_id": category.pk}
        return services.proposal_create_draft(author=author, data={**data, **extra})

    def act(p, action, actor, **payload):
        proposal_act(proposal_id=p.pk, action=action, actor=actor, payload=payload)

    def a_act(a, action, actor, **payload):
        assignment_act(assignment_id=a.pk, action=action, actor=actor, payload=payload)

    def submitted(author, title, **extra):
        p = draft(author, title, **extra)
        act(p, "submit", author)
        for member in Member.objects.filter(pk__in=extra.get("cosigner_ids", [])).order_by("id"):
            act(p, "cosign", member.user)
        return p

    def registered(author, title, **extra):
        p = submitted(author, title, **extra)
        act(p, "register", u["office"])
        return p

    def assigned(author, title, mode, units, **extra):
        p = registered(author, title, **extra)
        act(p, "assign", u["office"], mode=mode, units=units)
        return p

    def single(author, title, unit):
        return assigned(author, title, "single", [{"unit_id": unit.pk, "role": "single"}])

    def of(p, unit):
        return p.assignments.get(unit=unit)

    made["withdrawn"] = submitted(u["member2"], "撤回的提案")
    act(made["withdrawn"], "withdraw", u["member2"])
    made["returned"] = submitted(u["member2"], "退回修改的提案")
    act(made["returned"], "return_for_revision", u["office"], comment="请补充调研数据。")
    made["rejected"] = submitted(others[0].user, "不予立案的提案")
    act(made["rejected"], "reject", u["office"], ground="personal", explanation="属个人事务。")
    made["converted"] = submitted(others[1].user, "转为社情民意的提案")
    act(made["converted"], "convert", u["office"], kind="opinion_report", comment="转社情民意。")
    made["merge_target"] = registered(u["member"], "并案的主提案")
    made["merged"] = submitted(u["member2"], "并入的提案")
    act(made["merged"], "merge", u["office"], into=made["merge_target"].pk)
    p = made["with_file"] = draft(u["member"], "附有材料的提案")
    services.attachment_add(proposal_id=p.pk, actor=u["member"], name="调研报告.pdf", data=PDF)
    act(p, "submit", u["member"])

    # A lead unit and two co-handlers, both of whom sent their opinion; the lead unit asks for more time.
    units = [
        {"unit_id": housing.pk, "role": "lead"},
        {"unit_id": education.pk, "role": "co"},
        {"unit_id": third.pk, "role": "co"},
    ]
    p = made["lead_co"] = assigned(u["member"], "主办会办的提案", "lead", units, cosigner_ids=[u["member2"].member.pk])
    a_act(of(p, education), "accept_assignment", u["unit2"])
    a_act(of(p, education), "submit_co_opinion", u["unit2"], text="教体局会办意见：同意。")
    a_act(of(p, third), "accept_assignment", third_staff)
    a_act(of(p, third), "submit_co_opinion", third_staff, text="会办意见：建议分步实施。")
    lead = of(p, housing)
    a_act(lead, "accept_assignment", u["unit"])
    a_act(lead, "record_contact", u["unit"], date=str(today), way="phone", summary="电话沟通。")
    lead.refresh_from_db()
    later = str(lead.due_date + datetime.timedelta(days=30))
    a_act(lead, "request_extension", u["unit"], due_date=later, reason="涉及多部门协调。")

    units = [{"unit_id": housing.pk, "role": "separate"}, {"unit_id": education.pk, "role": "separate"}]
    made["separate"] = assigned(others[2].user, "分办的提案", "separate", units)
    p = made["disputed"] = single(u["member2"], "申请调整的提案", education)
    a_act(of(p, education), "dispute_assignment", u["unit2"], reason="不属于本单位职责。")
    p = made["reassigned"] = single(u["member2"], "改交的提案", education)
    a_act(of(p, education), "dispute_assignment", u["unit2"], reason="应由其他单位办理。")
    reassign = {"decision": "reassign", "comment": "同意改交。", "units": [{"unit_id": third.pk, "role": "single"}]}
    a_act(of(p, education), "resolve_dispute", u["office"], **reassign)

    p = made["reply_signed"] = single(u["member"], "答复待审核的提案", housing)
    a = of(p, housing)
    a_act(a, "accept_assignment", u["unit"])
    a_act(a, "draft_reply", u["unit"], text="答复正文。", grade="A")
    reply = a.replies.get()
    services.attachment_add(proposal_id=p.pk, actor=u["unit"], name="答复附件.pdf", data=PDF, reply_id=reply.pk)
    a_act(a, "sign_reply", u["unit-leader"])
    p = made["reply_returned"] = single(u["member2"], "答复被退回的提案", education)
    a = of(p, education)
    a_act(a, "accept_assignment", u["unit2"])
    a_act(a, "draft_reply", u["unit2"], text="初稿。", grade="B")
    a_act(a, "sign_reply", edu_leader)
    a_act(a, "return_reply", u["office"], comment="请补充措施。")

    def reply_approved(a, staff, leader):
        a_act(a, "accept_assignment", staff)
        a_act(a, "draft_reply", staff, text="答复。", grade="B")
        a_act(a, "sign_reply", leader)
        a_act(a, "approve_reply", u["office"])

    p = made["rehandling"] = single(u["member"], "重新办理的提案", housing)
    reply_approved(of(p, housing), u["unit"], u["unit-leader"])
    act(p, "evaluate", u["member"], satisfaction="dissatisfied", comment="措施不具体。")
    act(p, "request_rehandling", u["office"], comment="请重新办理。")

    p = made["closed"] = registered(u["member2"], "办结的重点提案")
    act(p, "propose_key", u["office"], supervising_leader_id=u["leader"].pk)
    act(p, "approve_key", u["leader"])
    act(p, "record_supervision", u["leader"], kind="site_visit", date=str(today), findings="现场督办。")
    act(p, "assign", u["office"], mode="single", units=[{"unit_id": education.pk, "role": "single"}])
    reply_approved(of(p, education), u["unit2"], edu_leader)
    act(p, "evaluate", u["member2"], satisfaction="satisfied")
    act(p, "close", u["office"])
    act(p, "nominate_excellent", u["office"])
    for p in made.values():
        p.refresh_from_db()
    return made


@pytest.fixture
def demo_everything(db):
    call_command("demo_district", stdout=io.StringIO())
    return _every_state()


def _actions(node) -> list[str]:
    return [b.get("data-action") for b in node.xpath(".//*[@data-action]")]


def _attachment_ids(node) -> list[int]:
    return [
        int(ATTACHMENT_ID.search(a.get("href")).group(1)) for a in node.xpath(".//a[contains(@href, '/attachments/')]")
    ]


def _page_parts(body: str) -> dict:
    """What the detail page shows, part by part, read from its HTML."""
    doc = html.fromstring(body)
    own = doc.xpath("//*[@data-testid='proposal-actions']")
    parts = {
        "actions": _actions(own[0]) if own else [],
        "attachments": _attachment_ids(doc.xpath("//*[@data-testid='attachments']")[0]),
        "timeline": [li.get("data-step") for li in doc.xpath("//*[@data-testid='timeline']/li[@data-step]")],
        "assignments": {},
        "evaluations": [],
    }
    pending = str(ExtensionState.PENDING.label)
    for article in doc.xpath("//article[@data-testid='assignment']"):
        replies = article.xpath(".//*[@data-testid='reply']")
        # An assignment's buttons are at the top of the page, under the unit's name.
        buttons = doc.xpath(
            f"//*[@data-testid='assignment-actions'][@data-assignment='{article.get('data-assignment')}']"
        )
        extensions = article.xpath(".//*[@data-testid='extensions']/li")
        parts["assignments"][int(article.get("data-assignment"))] = {
            "actions": _actions(buttons[0]) if buttons else [],
            "replies": [int(r.get("data-reply")) for r in replies],
            "latest_reply_files": _attachment_ids(replies[-1]) if replies else [],
            "co_opinion": bool(article.xpath(".//*[@data-testid='co-opinion']")),
            "pending_extension": any(pending in li.text_content() for li in extensions),
        }
        for r in replies:
            for li in r.xpath(".//*[@data-testid='evaluations']/li"):
                parts["evaluations"].append((int(r.get("data-reply")), li.get("data-satisfaction")))
    parts["evaluations"].sort()
    return parts


def _api_parts(body: dict) -> dict:
    return {
        "actions": body["allowed_actions"],
        "attachments": [a["id"] for a in body["attachments"]],
        "timeline": [t["action"] for t in body["timeline"]],
        "assignments": {
            a["id"]: {
                "actions": a["allowed_actions"],
                "latest_reply": a["reply"]["id"] if a["reply"] else None,
                "latest_reply_files": [f["id"] for f in a["reply"]["attachments"]] if a["reply"] else [],
                "co_opinion": a["co_opinion"] is not None,
                "pending_extension": a["pending_extension"] is not None,
            }
            for a in body["assignments"]
        },
        "evaluations": sorted((e["reply_id"], e["satisfaction"]) for e in body["evaluations"]),
    }


def _disagreements(page: dict, api: dict) -> list[str]:
    found = [
        f"{part}: page {page[part]!r}, API {api[part]!r}"
        for part in ("actions", "attachments", "timeline", "evaluations")
        if page[part] != api[part]
    ]
    if list(page["assignments"]) != list(api["assignments"]):
        return [*found, f"assignments: page {list(page['assignments'])}, API {list(api['assignments'])}"]
    for pk, shown in page["assignments"].items():
        served = api["assignments"][pk]
        latest = shown["replies"][-1] if shown["replies"] else None
        if latest != served["latest_reply"]:
            found.append(f"assignment {pk} latest reply: page {latest}, API {served['latest_reply']}")
        for part in ("actions", "latest_reply_files", "co_opinion", "pending_extension"):
            if shown[part] != served[part]:
                found.append(f"assignment {pk} {part}: page {shown[part]!r}, API {served[part]!r}")
    return found


@pytest.mark.usefixtures("demo_everything")
def test_every_demo_role_sees_the_same_parts_on_the_page_and_in_the_api():
    # given proposals in every state of the workflow
    states = set(Proposal.objects.values_list("state", flat=True))
    assert states == set(ProposalState.values) - {ProposalState.REPLIED}  # replied moves on to evaluating at once
    proposals = list(Proposal.objects.order_by("id").values_list("pk", flat=True))
    seen: dict[str, int] = {}
    disagreements = []
    for username in DEMO_ROLES:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        seen[username] = 0
        for pk in proposals:
            # when the account opens the proposal's page and asks the API for it
            page = client.get(reverse("proposals:detail", args=[pk]))
            api = client.get(f"/api/v1/proposals/{pk}")
            # then both show it or neither does (a role without the proposal pages is refused them: 403), and they
            # show the same parts
            shown = (page.status_code == 200, api.status_code == 200)
            if shown not in ((True, True), (False, False)) or {page.status_code, api.status_code} - {200, 403, 404}:
                disagreements.append(f"{username} #{pk}: page {page.status_code}, API {api.status_code}")
                continue
            if not any(shown):
                continue
            seen[username] += 1
            differences = _disagreements(_page_parts(page.content.decode()), _api_parts(api.json()))
            disagreements.extend(f"{username} #{pk}: {d}" for d in differences)
    assert disagreements == []
    # every account with a part in the proposals' work saw some of them
    assert all(seen[name] for name in DEMO_ROLES if name not in ("demo-admin", "demo-staff")), seen
    # the office sees every proposal but the two drafts: the demo's and the one it returned for revision
    assert seen["demo-office"] == len(proposals) - 2


def test_a_co_handler_reads_its_own_opinion_and_the_lead_unit_reads_every_one(demo_everything):
    # given a lead unit (demo-unit's) and two co-handlers (demo-unit2's and another) that both sent their opinion
    p = demo_everything["lead_co"]

    def opinions(username):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        api = client.get(f"/api/v1/proposals/{p.pk}").json()
        page = _page_parts(client.get(reverse("proposals:detail", args=[p.pk])).content.decode())
        by_role = {a["role"]: a for a in api["assignments"]}
        shown = {a["id"] for a in api["assignments"] if a["co_opinion"] is not None}
        assert shown == {pk for pk, a in page["assignments"].items() if a["co_opinion"]}
        return shown, by_role

    # then the lead unit and the office read both opinions, each co-handler only its own, leaders and overseers none
    co = {a.pk for a in p.assignments.filter(role="co")}
    mine = p.assignments.get(role="co", unit__staff__user__username="demo-unit2").pk
    assert opinions("demo-unit")[0] == co
    assert opinions("demo-unit-leader")[0] == co
    assert opinions("demo-office")[0] == co
    assert opinions("demo-unit2")[0] == {mine}
    assert opinions("demo-leader")[0] == set()
    assert opinions("demo-overseer")[0] == set()
    assert opinions("demo-member")[0] == set()


def test_a_pending_extension_shows_to_its_unit_and_to_oversight(demo_everything):
    # given the lead unit's request for more time, not yet decided
    p = demo_everything["lead_co"]
    lead = p.assignments.get(role="lead")
    shown = {}
    for username in DEMO_ROLES:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        response = client.get(f"/api/v1/proposals/{p.pk}")
        if response.status_code == 404:
            shown[username] = None
            continue
        (mine,) = [a for a in response.json()["assignments"] if a["id"] == lead.pk]
        shown[username] = mine["pending_extension"] is not None
    # then the unit that asked, the office that decides, leaders and overseers see it; proposers and other units not
    assert shown == {
        "demo-admin": None,
        "demo-office": True,
        "demo-staff": None,
        "demo-leader": True,
        "demo-overseer": True,
        "demo-unit": True,
        "demo-unit-leader": True,
        "demo-unit2": False,
        "demo-member": False,
        "demo-member2": False,
    }
