"""The audit page shows every kind of row the platform writes, in words.

One trail holds a row of every action: each action of each workflow a person takes (proposals, assignments,
activities, the system's own), and every service's audited change (drafts, attachments, categories, awards, rule
tables, "other" duty, members, units, imports, searches by personal data, accounts, roles, passwords, tokens,
two-factor, the working-day calendar, notification settings). The page, unfiltered (every page of it) and filtered
by each action, answers 200 to the admin and shows no code: no action code, no field name, no role code, no object
type. A source scan finds every action written anywhere, so a new one without words fails.
"""

import ast
import datetime
import html
import pathlib
import re

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from tests.builders import proposals as make
from tests.builders.activities import day_of_year, draft_activity, duty_year
from tests.builders.org import make_mobile, member_with_account
from tests.builders.people import UNIT_HEADER, member_data, unit_row, xlsx_upload
from zhengxie.accounts.services import (
    account_set_password,
    account_sign_out_everywhere,
    api_token_issue,
    api_token_revoke,
    role_revoke,
    totp_device_confirm,
    totp_device_pending,
)
from zhengxie.audit import labels
from zhengxie.audit.models import AuditEntry
from zhengxie.core.roles import Role
from zhengxie.duty import activities, checkin
from zhengxie.duty.activities import activity_act
from zhengxie.duty.materials import material_add
from zhengxie.duty.rules import ruleset_save
from zhengxie.duty.services import duty_add_other
from zhengxie.notifications.services import preference_set
from zhengxie.people import services as people
from zhengxie.people.choices import MemberStatus
from zhengxie.people.imports import KINDS as IMPORT_KINDS
from zhengxie.people.models import HandlingUnit
from zhengxie.people.personal_search import personal_search_record
from zhengxie.proposals import history_import, reminders
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.services import (
    attachment_add,
    attachment_remove,
    category_create,
    category_update,
    excellent_unit_award,
)
from zhengxie.proposals.tests import test_api_matrix as matrix
from zhengxie.workdays.services import correction_delete, correction_set

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROOT = pathlib.Path(django_settings.BASE_DIR) / "zhengxie"
# "edit" is the draft editor's (PATCH), recorded as proposal.save_draft: the engine never performs it.
NEVER_PERFORMED = {"proposal.edit"}


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _code_for(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def _workflow_actions(org, category, settings) -> None:
    """Every action of the proposal and assignment workflows a person takes, on a proposal brought to its source
    state, by the first role allowed (the API matrix's scenarios); then the system's own two."""
    settings.PROPOSALS = {"PUBLICATION_ENABLED": True}
    outsider = member_with_account(org, username="demo-member3", name="王委员", seq=3).user
    unit3 = HandlingUnit.objects.create(name="新建区发展和改革委员会", short_name="区发改委")
    keys = {"proposer": "member", "cosigner": "member2"}
    users = {r: org.users[keys.get(r, r)] for r in matrix.ROLES if r not in ("anonymous", "outsider")}
    users["outsider"] = outsider
    w = matrix.World(org=org, category=category, users=users, tokens={}, unit3=unit3)
    for table, scenarios in (
        (matrix.PROPOSAL_MATRIX, matrix.PROPOSAL_SCENARIOS),
        (matrix.ASSIGNMENT_MATRIX, matrix.ASSIGNMENT_SCENARIOS),
    ):
        for action, row in table.items():
            if action == "edit":
                continue
            role = next(r for r, status in zip(matrix.ROLES, row, strict=True) if status in (200, 204))
            target = scenarios[action](w)
            make.act(target.assignment or target.proposal, action, users[role], **target.body)
    for action in set(wf.PROPOSAL.actions) - set(matrix.PROPOSAL_MATRIX):
        if action == "delete_draft":  # a draft never submitted, deleted by its author
            make.act(w.draft(), action, users["proposer"])
    later = timezone.now() + datetime.timedelta(days=90)
    w.cosigning()
    assert reminders.lapse_cosign_invitations(now=later) >= 1
    w.assigned()
    assert reminders.auto_accept_assignments(today=later.date()) >= 1


def _activities(org, category) -> None:
    """Create, publish, mark, correct, speak, close (a year of duty); leave asked and granted, a check-in, a sign-up;
    a cancellation; a material."""
    staff, member = org.users["staff"], org.users["member"]
    third = member_with_account(org, username="m-third", name="赵委员", seq=4, term=False, display_name="")
    duty_year(org, third, category)
    start = day_of_year(6, 1)
    a = draft_activity(org, start=start, hours=3)
    activity_act(activity_id=a.pk, action="publish", actor=staff, now=start - datetime.timedelta(days=3))
    activity_act(
        activity_id=a.pk,
        action="request_leave",
        actor=member,
        payload={"reason": "出差"},
        now=start - datetime.timedelta(days=2),
    )
    activity_act(
        activity_id=a.pk,
        action="decide_leave",
        actor=staff,
        payload={"member_id": org.member.pk, "approve": True},
        now=start - datetime.timedelta(days=1),
    )
    at = start - datetime.timedelta(minutes=10)
    code, _expires = checkin.make_code(a, at=at.timestamp())
    activity_act(activity_id=a.pk, action="check_in", actor=third.user, payload={"code": code}, now=at)
    open_start = day_of_year(7, 1)
    b = draft_activity(
        org,
        start=open_start,
        hours=3,
        attendance="sign_up",
        capacity=5,
        sign_up_closes=(open_start - datetime.timedelta(days=1)).isoformat(),
    )
    activity_act(activity_id=b.pk, action="publish", actor=staff, now=open_start - datetime.timedelta(days=5))
    activity_act(activity_id=b.pk, action="sign_up", actor=third.user, now=open_start - datetime.timedelta(days=4))
    material_add(activity_id=b.pk, actor=staff, name="调研提纲.pdf", data=PDF)
    c = draft_activity(org)
    if "edit" in activities.ACTIVITY:  # a draft edited through its form (not performed by the engine)
        data = {
            "title": "经济界别专题调研",
            "kind": "research",
            "attendance": "sign_up",
            "capacity": 20,
            "invitees": {"sector_ids": [org.sector.pk], "member_ids": [org.member2.pk]},
        }
        activities.activity_update_draft(activity_id=c.pk, actor=staff, data=data)
    activity_act(activity_id=c.pk, action="cancel", actor=staff, payload={"comment": "时间冲突"})
    duty_add_other(
        actor=staff, member=org.member, occurred_on=timezone.localdate(), description="参加区委专项督查", reason="受托"
    )


def _services(org, category, client_for) -> None:
    """Every audited change a service makes outside the workflows."""
    u = org.users
    admin, office, staff = u["admin"], u["office"], u["staff"]
    # proposals: a draft with an attachment added and removed, categories, an award
    p = make.draft(org, category)
    attachment = attachment_add(proposal_id=p.pk, actor=u["member"], name="调研报告.pdf", data=PDF)
    attachment_remove(attachment_id=attachment.pk, actor=u["member"])
    social = category_create(actor=office, data={"name": "社会建设", "sort_order": 2})
    category_update(actor=office, category_id=social.pk, data={"name": "社会事业", "sort_order": 3, "is_active": False})
    excellent_unit_award(actor=office, year=timezone.localdate().year, unit_id=org.unit.pk, note="办理认真")
    # the rule table (its rows once made the page fail)
    year = timezone.localdate().year
    ruleset_save(
        actor=admin,
        year=year,
        data={
            "base_points": "60",
            "items": [
                {"kind": "attended.plenary", "label": "出席全体会议", "points": "5", "yearly_cap": "20"},
                {"kind": "absent.*", "label": "缺席", "points": "-10"},
                {"kind": "proposal_registered_lead", "label": "提案立案", "points": "10", "joint_points": "12"},
            ],
            "grades": [["优秀", 90], ["称职", 60], ["不称职", 0]],
            "minimums": [{"code": "plenary", "label": "出席全体会议", "kinds": ["attended.plenary"], "count": 1}],
            "alerts": [
                {"code": "absent", "label": "两次缺席", "kinds": ["absent.plenary"], "count": 2, "period": "term"}
            ],
        },
    )
    # members and units
    member = people.member_create(actor=staff, data=member_data(org, 21))
    people.member_update(actor=staff, member=member, data={"work_unit": "新建区第一中学"})
    people.member_set_status(actor=staff, member=member, status=MemberStatus.RESIGNED)
    unit = people.unit_create(actor=office, data={"name": "新建区人民法院", "kind": "judicial"})
    people.unit_update(actor=office, unit=unit, data={"name": "新建区人民法院", "kind": "judicial", "address": "长堎"})
    post = people.unit_staff_add(
        actor=office,
        unit=unit,
        username="fayuan-li",
        display_name="李科长",
        mobile=make_mobile(77),
        is_leader=True,
        position="办公室主任",
    )
    people.unit_staff_remove(actor=office, staff=post)
    client = client_for(office)
    upload = xlsx_upload([unit_row("新建区审计局")], header=UNIT_HEADER, name="承办单位.xlsx")
    response = client.post("/people/units/import/", {"file": upload})
    batch = re.search(r"batch=([^&\"']+)", response["Location"]).group(1)
    assert client.post("/people/units/import/confirm/", {"batch": batch}).status_code == 302
    client = client_for(staff)
    from tests.builders.people import member_row

    response = client.post("/people/members/import/", {"file": xlsx_upload([member_row(org, 22)])})
    batch = re.search(r"batch=([^&\"']+)", response["Location"]).group(1)
    assert client.post("/people/members/import/confirm/", {"batch": batch}).status_code == 302
    personal_search_record(user=staff, q=org.member2.mobile)
    # earlier years' proposals imported from a spreadsheet
    history_import.import_confirm(actor=office, rows=[], filename="历年提案.xlsx", skip_errors=False)
    # accounts
    target = org.users["member2"]
    role_revoke(user=u["overseer"], role=Role.OVERSEER, actor=admin)
    account_sign_out_everywhere(user=target, actor=target)
    _raw, token = api_token_issue(user=target)
    api_token_revoke(token=token, actor=target)
    api_token_issue(user=target)
    account_set_password(user=target, password="a-new-Passw0rd-2026", actor=admin)
    device = totp_device_pending(user=admin)
    assert totp_device_confirm(user=admin, device=device, token=_code_for(device))
    # the calendar and the notification settings
    correction = correction_set(actor=admin, date=datetime.date(2026, 12, 5), is_working_day=True, note="补班")
    correction_delete(actor=admin, correction=correction)
    preference_set(user=u["member"], email_mode="daily")


def _opinions(org) -> None:
    """Opinion reports' own services: a draft saved, a file attached and removed, a converted proposal arriving, a
    signed-off report compiled into a bulletin."""
    from tests.builders import opinion_outputs
    from tests.builders import opinions as opinion_make
    from zhengxie.opinions import bulletins
    from zhengxie.opinions import services as opinions

    report = opinion_make.draft(org, coauthors=[org.member2])
    att = opinions.attachment_add(report_id=report.pk, actor=org.users["member"], name="材料.pdf", data=PDF)
    opinions.attachment_remove(attachment_id=att.pk, actor=org.users["member"])
    opinions.opinion_arrive_from_proposal(
        proposal_id=987654,
        number="20260099",
        title="关于社区食堂的提案",
        content="情况",
        suggestions="建议",
        authors_member_ids=[org.member.pk],
        actor=org.users["office"],
    )
    signed = opinion_outputs.signed_off(org, org.users["member2"], title="关于社区养老服务的建议")
    bulletins.bulletin_create(actor=org.users["staff"], data={"kind": "special", "report_ids": [signed.pk]})


def _training(org) -> None:
    """Study and training's services: a plan with items, published; an item's activity; a class's hours, a course
    and an attendee's hours; a seminar with a paper reviewed and selected; the year's required hours; a course
    removed from a coming class; a paper's review reconsidered."""
    from tests.builders import training as training_make
    from zhengxie.training import services as training

    staff = org.users["staff"]
    plan = training_make.plan(org, publish=True)
    activity, tc = training_make.training_class(org)
    training.item_activity_link(actor=staff, item_id=plan.items.get(kind="member_class").pk, activity_id=activity.pk)
    training.course_add(actor=staff, class_id=tc.pk, title="政协理论", teacher="王教授", hours="2")
    training.attendee_hours_set(actor=staff, class_id=tc.pk, member_id=org.member.pk, hours="3")
    paper = training_make.paper(org, training_make.seminar(org))
    training.paper_act(paper_id=paper.pk, action="review", actor=staff, payload={"decision": "accept"})
    training.paper_act(paper_id=paper.pk, action="select", actor=staff)
    training.requirement_set(actor=staff, year=2026, hours="10")
    # a course removed from a class yet to be held; a review decision reconsidered
    soon = timezone.now() + datetime.timedelta(days=10)
    _coming, coming = training_make.training_class(org, start=soon)
    course = training.course_add(actor=staff, class_id=coming.pk, title="调查研究", teacher="李教授", hours="1")
    training.course_remove(actor=staff, course_id=course.pk)
    second = training_make.paper(org, paper.seminar, title="论基层协商")
    training.paper_act(paper_id=second.pk, action="review", actor=staff, payload={"decision": "reject", "comment": "x"})
    training.paper_act(paper_id=second.pk, action="reconsider", actor=staff, payload={"reason": "作者补充材料"})


def _consultations(org) -> None:
    """Every plan and consultation action, and the consultation services: a suggestion, a plan taken back once,
    published and amended; a consultation with every stage (a meeting without notice, then noticed), a key research
    topic reported without a meeting, one cancelled."""
    from tests.builders import consultations as cons
    from zhengxie.consultations import services as consultations

    staff = org.users["staff"]
    consultations.suggestion_submit(actor=org.users["member"], year=2026, title="数字燃气安全")
    plan = cons.draft_plan(org)
    item = plan.items.first()
    payload = {"item_id": item.pk, "form": "forum", "topic": item.topic, "planned_month": 8}
    consultations.plan_act(plan_id=plan.pk, action="update_item", actor=staff, payload=payload)
    cons.take_steps(org, plan, until="revise")
    consultations.plan_act(plan_id=plan.pk, action="return_to_draft", actor=staff, payload={"note": "补充项目"})
    consultations.plan_act(plan_id=plan.pk, action="remove_item", actor=staff, payload={"item_id": item.pk})
    cons.take_steps(org, plan)
    consultations.plan_act(plan_id=plan.pk, action="amend", actor=staff, payload={"reason": "调整"})
    c = cons.consultation_of(org, plan.items.first())
    cons.act(org, c, "confirm_topic", background="背景")
    cons.act(org, c, "record_briefing", date="2026-04-08", by="区住建局", summary="通报")
    consultations.material_add(consultation_id=c.pk, actor=staff, name="材料.pdf", data=PDF)
    cons.act(org, c, "start_research")
    cons.act(org, c, "add_group_member", member_id=org.member.pk)
    start = timezone.now() + datetime.timedelta(days=30)
    end = start + datetime.timedelta(hours=2)
    cons.act(org, c, "schedule_visit", title="调研", start=start.isoformat(), end=end.isoformat(), place="南矶乡")
    cons.act(org, c, "record_report", report="报告")
    cons.with_meeting(org, c, start=start, send_notice=False)
    cons.act(org, c, "send_notice")
    cons.act(org, c, "record_meeting", briefing="通报")
    cons.act(org, c, "finish_meeting")
    cons.outcome(org, c, recommendations=[{"text": "建议", "unit_id": org.unit.pk}])
    cons.act(org, c, "close")
    key = cons.key_research(org)
    cons.act(org, key, "start_research")
    cons.act(org, key, "record_report", report="报告")
    cons.act(org, key, "finish_research")
    cons.act(org, cons.key_research(org, title="基层经济"), "cancel", reason="并入")


def _deliberations(org) -> None:
    """Every deliberation action: a draft edited, opened, posted in and replied to, an opinion selected, unselected
    and selected again, closed and summarised; another closed by the job at the end of its window."""
    import datetime as dt

    from tests.builders.deliberations import draft_deliberation, open_deliberation, opinion
    from zhengxie.deliberations import services as deliberations

    staff = org.users["staff"]
    d = draft_deliberation(org)
    deliberations.deliberation_update(
        deliberation_id=d.pk, actor=staff, data={"title": "数字燃气安全（修改）", "invitees": {"all": True}}
    )
    deliberations.deliberation_act(deliberation_id=d.pk, action="open", actor=staff)
    first = opinion(org, d)
    opinion(org, d, "同意", reply_to=first.pk)
    for action in ("select", "unselect", "select"):
        deliberations.post_act(post_id=first.pk, action=action, actor=staff)
    deliberations.deliberation_act(deliberation_id=d.pk, action="close", actor=staff)
    payload = {"summary": "综述", "recommendations": [{"text": "建议", "unit_id": org.unit.pk}]}
    deliberations.deliberation_act(deliberation_id=d.pk, action="summarise", actor=staff, payload=payload)
    lapsing = open_deliberation(org, title="预制菜产业链")
    deliberations.expire_due(now=lapsing.closes_at + dt.timedelta(seconds=1))


def _followup(org, category) -> None:
    """The follow-up's services and actions: a document with a recommendation added, answered, updated with
    evidence, sent with an instruction; a key proposal's recommendation recorded from its supervision."""
    from tests.builders.followup import make_document, recommendation_ids
    from zhengxie.followup import services as followup

    staff, unit = org.users["staff"], org.users["unit"]
    doc = make_document(org)
    rec = followup.recommendation_add(actor=staff, document_id=doc, text="补充建议", unit_id=org.unit.pk, weight=2)
    followup.recommendation_act(
        recommendation_id=rec, action="answer", actor=unit, payload={"status": "adopted", "note": "采纳"}
    )
    followup.recommendation_act(
        recommendation_id=rec, action="update_progress", actor=unit, payload={"percent": 40, "note": "推进"}
    )
    followup.evidence_add(actor=unit, recommendation_id=rec, name="方案.pdf", data=PDF)
    followup.document_act(
        document_id=doc, action="send", actor=staff, payload={"sent_to": "区委", "date": "2026-01-05"}
    )
    payload = {"leader": "区委书记", "level": "main", "date": "2026-01-06", "text": "抓紧落实"}
    followup.document_act(document_id=doc, action="record_instruction", actor=staff, payload=payload)
    assert recommendation_ids(doc)
    key = make.assigned(org, category, title="关于建设特色汽车产业园的建议")
    make.act(key, "propose_key", org.users["office"], supervising_leader_id=org.users["leader"].pk)
    make.act(key, "approve_key", org.users["leader"])
    make.act(key, "record_recommendation", org.users["office"], unit_id=org.unit.pk, text="完善产业园配套")


@pytest.fixture
def trail(org, category, client_for, settings):
    _workflow_actions(org, category, settings)
    _activities(org, category)
    _services(org, category, client_for)
    _training(org)
    _opinions(org)
    _followup(org, category)
    _consultations(org)
    _deliberations(org)
    return AuditEntry.objects.all()


def _written_everywhere() -> set[str]:
    """Every action code the sources write: the literal ``action=`` of each ``audit_record`` call, the few written
    from a name (imports, personal-data searches), and every action of every workflow (the engine writes them)."""
    import zhengxie.urls  # noqa: F401 - every workflow is configured once its pages are loaded

    found, unknown = set(), []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {  # the module's NAME = "text"
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit_record"):
                continue
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            if isinstance(action, ast.Constant):
                found.add(action.value)
            elif isinstance(action, ast.Name) and action.id in constants:
                found.add(constants[action.id])
            elif isinstance(action, ast.Call) and getattr(action.func, "attr", None) == "audit_action":
                continue  # a workflow's action, named below with every other
            elif isinstance(action, ast.JoinedStr) and path.name == "imports.py":
                found.update(f"{kind}.import" for kind in IMPORT_KINDS)
            elif action is not None:
                unknown.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unknown == [], "an audit action written from an expression this test cannot read: name it here"
    workflows = labels.audit_action_labels()
    return found | {code for code in workflows if code.split(".", 1)[0] in ("proposal", "assignment", "activity")}


def test_every_audit_action_written_anywhere_has_words():
    written = _written_everywhere()
    assert len(written) > 70
    named = labels.action_labels()
    assert sorted(code for code in written if code not in named) == []
    for code in written:
        assert not re.search(r"[a-z_]+\.[a-z_]+", labels.action_label(code)), code


def test_a_workflow_action_is_named_by_its_declaration_not_a_second_table():
    assert labels.action_label("proposal.register") == str(wf.PROPOSAL["register"].label) == "立案"
    assert labels.action_label("assignment.urge") == "催办"
    assert not set(labels.ACTION_LABELS) & set(labels.audit_action_labels())


def _visible_text(page: str) -> str:
    table = page[page.index('data-testid="audit-table"') : page.index("</table>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", table))


def _assert_words_only(page: str, codes: set[str]) -> None:
    text = _visible_text(page)
    for code in codes:
        assert code not in text, code
    assert not re.search(r"\b[a-z]+_id\b", text), re.search(r"\b[a-z]+_id\b", text)
    assert not re.search(r"\b[a-z]+\.[a-z_]+\b", text), re.search(r"\b[a-z]+\.[a-z_]+\b", text)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.search(r"\b[a-z]+_[a-z_]+\b", text)  # no_content
    for role in Role.values:
        found = re.search(rf"(?<![-\w]){role}(?![-\w])", text)  # not inside a name ("区住建局unit-leader")
        assert not found, text[max(0, found.start() - 200) : found.end() + 50]


def test_every_kind_of_row_renders_in_words_unfiltered_and_filtered(org, trail, client_for):
    written = set(trail.values_list("action", flat=True))
    # a row of every action the sources write (the draft editor's "edit" is written as proposal.save_draft)
    assert sorted(_written_everywhere() - written - NEVER_PERFORMED) == []
    unnamed = {(e.action, k) for e in trail for k in labels.unnamed_keys(e.object_type, e.changes, e.action)}
    assert sorted(unnamed) == []
    codes = written | set(trail.values_list("object_type", flat=True))
    client = client_for(org.users["admin"])
    pages = -(-trail.count() // 50)
    shown = 0
    for number in range(1, pages + 1):
        response = client.get("/audit/", {"page": number})
        assert response.status_code == 200
        page = response.content.decode()
        _assert_words_only(page, codes)
        shown += len(re.findall(r"<tr><td>(\d+)</td>", page))
    assert shown == trail.count()
    named = labels.action_labels()
    for code in sorted(written):
        response = client.get("/audit/", {"action": code})
        assert response.status_code == 200, code
        page = response.content.decode()
        _assert_words_only(page, codes)
        assert str(named[code]) in _visible_text(page), code


def test_the_rule_table_row_shows_its_items_in_words(org, trail, client_for):
    page = client_for(org.users["admin"]).get("/audit/", {"action": "duty.save_rules"}).content.decode()
    text = _visible_text(page)
    assert "保存积分规则" in text
    assert "出席（全体会议）：5 分，年度上限 20" in text
    assert "缺席（各类活动）" in text
    assert "两次缺席：缺席（全体会议） 2 次（一届内）" in text


def test_the_readme_the_navigation_and_the_access_rules_name_the_same_readers_of_the_audit_trail(org):
    from zhengxie.core.access import all_rules
    from zhengxie.core.navigation import nav_for

    readme = (pathlib.Path(django_settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if "`/audit/`" in line]
    assert [row.rstrip(" |").rsplit("|", 1)[1].strip() for row in rows] == ["admin"]
    assert all_rules()["audit.view"] == frozenset({Role.ADMIN})
    for key, user in org.users.items():
        assert any(item["key"] == "audit" for item in nav_for(user)) == (key == "admin"), key


def test_the_page_reads_the_names_it_shows_once_not_once_per_row(org, category, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(org.users["admin"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/").status_code == 200
        return len(captured)

    for _ in range(2):
        make.jointly_assigned(org, category)
    few = queries()
    for _ in range(4):
        make.jointly_assigned(org, category)
    assert AuditEntry.objects.count() <= 50  # one page
    assert queries() == few


@pytest.mark.parametrize(
    "query",
    [{"since": "yesterday"}, {"until": "2026-13-45"}, {"actor": "a\x00b"}, {"object_id": "\x00"}, {"page": "x"}],
)
def test_filters_that_match_nothing_answer_a_page_not_an_error(org, client_for, query):
    response = client_for(org.users["admin"]).get("/audit/", query)
    assert response.status_code == 200
    if "since" in query or "until" in query:  # a date that is none is left out
        assert len(re.findall(r"<tr><td>(\d+)</td>", response.content.decode())) == AuditEntry.objects.count()


def test_the_action_filter_offers_in_words_what_the_trail_holds(org, client_for):
    page = client_for(org.users["admin"]).get("/audit/").content.decode()
    select = page[page.index('id="a-action"') : page.index("</select>", page.index('id="a-action"'))]
    offered = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', select)
    assert offered and {code for code, _words in offered} == set(AuditEntry.objects.values_list("action", flat=True))
    assert ("account.grant_role", "授予角色") in offered
    assert all(not re.search(r"[a-z_]+\.[a-z_]+", words) for _code, words in offered)


def test_an_edited_draft_activity_shows_its_mode_and_invitees_in_words(org, trail, client_for):
    if not trail.filter(action="activity.edit").exists():
        pytest.skip("activities are not edited as drafts here")
    page = client_for(org.users["admin"]).get("/audit/", {"action": "activity.edit"}).content.decode()
    text = re.sub(r"\s+", "", _visible_text(page))
    assert "参加方式：应出席→报名参加" in text
    assert f"邀请范围：{org.sector.name}→{org.sector.name}、{org.member2.name}" in text
    assert "类别：界别活动→调研" in text
