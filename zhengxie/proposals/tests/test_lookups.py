"""Choices among thousands without listing them: the unit and co-signer type-ahead endpoints, the proposal list's unit
filter (by id, or by a name typed without JavaScript), the unit fields of the action forms and the draft editor
(chosen by id, or found by the names typed), the detail page's action forms fetched on demand, and read costs that do
not grow with the organisation (units in a form, assignments of a proposal, rows of the unit board)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import proposals as make
from tests.builders.org import make_member
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import HandlingUnit, Member
from zhengxie.proposals import views_boards
from zhengxie.proposals.choices import ProposalState
from zhengxie.proposals.forms import AssignForm, DraftForm, ResolveDisputeForm
from zhengxie.proposals.models import Proposal

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _many_units(n: int, prefix: str = "测试县交通运输局") -> list[HandlingUnit]:
    return HandlingUnit.objects.bulk_create(
        HandlingUnit(name=f"{prefix}{i:04d}", short_name=f"交通{i:04d}") for i in range(n)
    )


# The type-ahead endpoints ----------------------------------------------------------------------------------------


def test_unit_lookup_offers_active_units_by_name_or_short_name_prefix_first(org, client_for):
    # given units whose names contain 交通运输 at the start or further on, and an inactive one
    inside = HandlingUnit.objects.create(name="新建区交通运输局", short_name="区交通局")
    start = HandlingUnit.objects.create(name="交通运输执法大队", short_name="执法大队")
    HandlingUnit.objects.create(name="交通运输局旧址", short_name="", is_active=False)
    client = client_for(org.users["member"])
    # when a member types part of a name
    response = client.get(reverse("proposals:unit_lookup"), {"q": "交通运输"})
    # then the active matches come back as JSON, those whose name begins with it first
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "results": [{"id": start.pk, "label": "交通运输执法大队"}, {"id": inside.pk, "label": "新建区交通运输局"}],
        "more": False,
    }
    # short names are searched too, and shown by the full name
    assert client.get(reverse("proposals:unit_lookup"), {"q": "区住建"}).json()["results"] == [
        {"id": org.unit.pk, "label": "新建区住房和城乡建设局"}
    ]
    assert client.get(reverse("proposals:unit_lookup"), {"q": "旧址"}).json() == {"results": [], "more": False}


def test_unit_lookup_answers_a_short_list_in_a_fixed_number_of_queries(org, client_for):
    _many_units(40)
    client = client_for(org.users["office"])
    client.get(reverse("proposals:unit_lookup"), {"q": "交通"})
    with CaptureQueriesContext(connection) as ctx:
        data = client.get(reverse("proposals:unit_lookup"), {"q": "交通"}).json()
    assert len(data["results"]) == 12 and data["more"] is True
    assert [r["label"] for r in data["results"]] == [f"测试县交通运输局{i:04d}" for i in range(12)]
    assert len(ctx) <= 6  # session, user, roles, the units


def test_member_lookup_offers_other_serving_members_with_their_sector(org, client_for):
    # given a member who has resigned
    gone = make_member(name="王委员", sector=org.sector, party=org.party, seq=9)
    Member.objects.filter(pk=gone.pk).update(status=MemberStatus.RESIGNED)
    client = client_for(org.users["member2"])
    # the member never finds themself, nor a member no longer serving; others come with their sector
    assert client.get(reverse("proposals:member_lookup"), {"q": "委员"}).json() == {
        "results": [{"id": org.member.pk, "label": "张委员（经济）"}],
        "more": False,
    }
    assert client.get(reverse("proposals:member_lookup"), {"q": "李"}).json()["results"] == []


def test_lookups_are_refused_as_the_pages_they_serve(org, client_for):
    assert client_for(org.users["admin"]).get(reverse("proposals:unit_lookup"), {"q": "区"}).status_code == 403
    assert client_for(org.users["unit"]).get(reverse("proposals:member_lookup"), {"q": "张"}).status_code == 403
    assert client_for(org.users["member"]).post(reverse("proposals:unit_lookup"), {"q": "区"}).status_code == 405


# The proposal list's unit filter ---------------------------------------------------------------------------------


def _ids(response) -> list[int]:
    return [p.pk for p in response.context["page"]]


def test_list_does_not_list_the_units(org, category, client_for):
    # given a province's worth of units
    _many_units(300)
    # when the office opens the list
    response = client_for(org.users["office"]).get(reverse("proposals:list"))
    body = response.content.decode()
    # then no unit is listed in the page: the filter is a type-ahead
    assert "测试县交通运输局" not in body
    assert 'data-lookup="/proposals/lookup/units/"' in body and 'id="f-unit" name="unit_name"' in body


def test_list_unit_filter_by_id_shows_the_unit_by_name(org, category, client_for):
    a = make.assigned(org, category, units=[(org.unit, "single")], title="住建局办的提案")
    make.assigned(org, category, units=[(org.other_unit, "single")], title="教体局办的提案")
    office = client_for(org.users["office"])
    response = office.get(reverse("proposals:list"), {"unit": org.unit.pk})
    assert _ids(response) == [a.pk]
    body = response.content.decode()
    assert f'name="unit" value="{org.unit.pk}"' in body and 'value="新建区住房和城乡建设局"' in body
    # the text box, when sent with the chosen unit's name, changes nothing; sent empty, it clears the filter
    both = {"unit": org.unit.pk, "unit_name": "新建区住房和城乡建设局"}
    assert _ids(office.get(reverse("proposals:list"), both)) == [a.pk]
    assert len(_ids(office.get(reverse("proposals:list"), {"unit": org.unit.pk, "unit_name": ""}))) == 2


def test_list_unit_filter_finds_a_name_typed_without_javascript(org, category, client_for):
    a = make.assigned(org, category, units=[(org.unit, "single")], title="住建局办的提案")
    b = make.assigned(org, category, units=[(org.other_unit, "single")], title="教体局办的提案")
    office = client_for(org.users["office"])
    url = reverse("proposals:list")
    # one unit's short name: the list is filtered by it, and pages and the export repeat it by id
    response = office.get(url, {"unit_name": "区教体", "state": "assigned"})
    assert _ids(response) == [b.pk]
    assert response.context["unit"] == org.other_unit
    assert response.context["querystring"] == f"state=assigned&unit={org.other_unit.pk}"
    assert 'value="新建区教育体育局"' in response.content.decode()
    # a text naming several units: not filtered by unit; the units are offered as links to choose from
    response = office.get(url, {"unit_name": "新建区", "state": "assigned"})
    assert sorted(_ids(response)) == sorted([a.pk, b.pk])
    assert [u.pk for u in response.context["unit_matches"]] == [org.unit.pk, org.other_unit.pk]
    body = response.content.decode()
    assert 'data-testid="unit-matches"' in body and f'href="?state=assigned&amp;unit={org.unit.pk}"' in body
    # a text naming none says so
    response = office.get(url, {"unit_name": "不存在的单位"})
    assert (
        response.context["unit_matches"] == [] and "没有名称含“不存在的单位”的承办单位。" in response.content.decode()
    )


def test_list_query_count_does_not_grow_with_the_units_or_the_years(org, category, client_for):
    office = client_for(org.users["office"])
    url = reverse("proposals:list")
    make.assigned(org, category, units=[(org.unit, "single")], title="第一件")
    office.get(url)  # warm the per-process caches (committee name)
    with CaptureQueriesContext(connection) as few:
        office.get(url, {"unit_name": "住建"})
    _many_units(200, prefix="新建区住建分局")
    Proposal.objects.filter(pk=make.registered(org, category, suggested_unit_ids=[org.unit.pk]).pk).update(year=2001)
    with CaptureQueriesContext(connection) as many:
        response = office.get(url, {"unit_name": "住建"})
    assert len(many) == len(few)
    assert response.context["years"][-1] == 2001 and response.context["more_units"] is True


# Unit fields of the forms ------------------------------------------------------------------------------------------


def test_assign_form_renders_only_the_chosen_units(org, category):
    _many_units(300)
    p = make.registered(org, category, suggested_unit_ids=[org.unit.pk])
    form = AssignForm(proposal=p, user=org.users["office"], auto_id="id_act-assign_%s")
    html = str(form["lead_unit"]) + str(form["other_units"])
    # the suggested unit is chosen for the lead; nothing else is listed
    assert "测试县交通运输局" not in html and "<option" not in html
    assert f'name="lead_unit" value="{org.unit.pk}"' in html and 'value="新建区住房和城乡建设局"' in html
    assert 'data-lookup="/proposals/lookup/units/"' in html and "data-lookup-multiple" in html


def test_assign_form_takes_ids_or_names_typed(org, category):
    p = make.registered(org, category, suggested_unit_ids=[org.unit.pk])
    office = org.users["office"]

    def payload(data):
        form = AssignForm(data, proposal=p, user=office)
        assert form.is_valid(), form.errors
        return form.payload()["units"]

    lead = {"unit_id": org.unit.pk, "role": "lead"}
    co = {"unit_id": org.other_unit.pk, "role": "co"}
    # chosen from the list: ids (the script leaves the text box out once a unit is chosen)
    assert payload({"mode": "lead", "lead_unit": org.unit.pk, "other_units": [org.other_unit.pk]}) == [lead, co]
    # typed without JavaScript: a name or short name, the only one containing the text, several separated by 、
    assert payload({"mode": "lead", "lead_unit__text": "区住建局", "other_units__text": "教育体育"}) == [lead, co]
    extra = HandlingUnit.objects.create(name="新建区卫生健康委员会", short_name="区卫健委")
    units = payload({"mode": "lead", "lead_unit__text": "住房", "other_units__text": "区教体局、卫生健康"})
    assert units[0] == lead and sorted(u["unit_id"] for u in units[1:]) == sorted([org.other_unit.pk, extra.pk])
    # the text box showing the chosen unit's name keeps it; emptied, nothing is chosen
    shown = {"mode": "single", "lead_unit": org.unit.pk, "lead_unit__text": "新建区住房和城乡建设局"}
    assert payload(shown) == [{"unit_id": org.unit.pk, "role": "single"}]
    form = AssignForm({"mode": "single", "lead_unit": org.unit.pk, "lead_unit__text": ""}, proposal=p, user=office)
    assert form.is_valid() and form.cleaned_data["lead_unit"] is None


def test_names_typed_that_find_none_or_several_are_errors_on_the_field(org, category):
    p = make.registered(org, category, suggested_unit_ids=[org.unit.pk])
    form = AssignForm(
        {"mode": "lead", "lead_unit__text": "新建区", "other_units__text": "区教体局、不存在的局"},
        proposal=p,
        user=org.users["office"],
    )
    assert not form.is_valid()
    assert form.errors == {
        "lead_unit": ["“新建区”对应多项，请输入完整名称或从列表中选择。"],
        "other_units": ["找不到“不存在的局”，请从列表中选择。"],
    }
    # shown again with what was typed, the field marked invalid
    html = str(form["lead_unit"])
    assert 'value="新建区"' in html and 'aria-invalid="true"' in html


def test_resolve_dispute_does_not_offer_the_disputing_unit(org, category):
    p = make.assigned(org, category, units=[(org.unit, "single")], title="有争议的提案")
    assignment = p.assignments.get()
    form = ResolveDisputeForm(
        {"decision": "reassign", "comment": "改交", "units__text": "区住建局"},
        proposal=p,
        assignment=assignment,
        user=org.users["office"],
    )
    assert not form.is_valid() and form.errors["units"] == ["找不到“区住建局”，请从列表中选择。"]
    assert f'data-lookup-exclude="{org.unit.pk}"' in str(form["units"])


def test_editor_chooses_co_signers_and_units_by_type_ahead(org, category, client_for):
    for i in range(20):
        make_member(name=f"王委员{i}", sector=org.sector, party=org.party, seq=10 + i)
    client = client_for(org.users["member"])
    body = client.get(reverse("proposals:new")).content.decode()
    # no member and no unit is listed in the editor
    assert "王委员" not in body and "李委员" not in body and "新建区住房和城乡建设局" not in body
    assert 'data-lookup="/proposals/lookup/members/"' in body and 'data-lookup-exclude="' in body
    # a draft's chosen co-signers and units are shown when it is opened again
    draft = make.joint_draft(org, category)
    body = client.get(reverse("proposals:edit", args=[draft.pk])).content.decode()
    assert "李委员（教育）" in body and "新建区住房和城乡建设局" in body
    # names typed without JavaScript are found
    form = DraftForm(
        {"title": "t", "cosigner_ids__text": "李委员", "suggested_unit_ids__text": "区住建局，区教体局"},
        user=org.users["member"],
    )
    assert form.is_valid(), form.errors
    data = form.service_data()
    assert data["cosigner_ids"] == [org.member2.pk]
    assert data["suggested_unit_ids"] == [org.unit.pk, org.other_unit.pk]


# The detail page's action forms ------------------------------------------------------------------------------------


def test_detail_page_builds_no_action_form_until_asked(org, category, client_for):
    _many_units(300)
    p = make.registered(org, category, suggested_unit_ids=[org.unit.pk])
    office = client_for(org.users["office"])
    response = office.get(reverse("proposals:detail", args=[p.pk]))
    body = response.content.decode()
    # the assign button fetches its form; the page holds no form and no unit list
    form_url = reverse("proposals:action_form", args=[p.pk, "assign"])
    assert f'href="{form_url}"' in body and f'data-action-form-url="{form_url}"' in body
    assert 'data-action-form="assign"' not in body and "测试县交通运输局" not in body
    assert all(item.form is None for item in response.context["actions"])


def test_action_form_is_a_fragment_for_the_script_and_the_page_without_it(org, category, client_for):
    p = make.registered(org, category, suggested_unit_ids=[org.unit.pk])
    office = client_for(org.users["office"])
    url = reverse("proposals:action_form", args=[p.pk, "assign"])
    # the script's request: just the form
    fragment = office.get(url, **HTMX)
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.lstrip().startswith("<form") or 'data-action-form="assign"' in body
    assert "<html" not in body and 'data-action-close="act-assign"' in body
    assert f'action="{reverse("proposals:act", args=[p.pk, "assign"])}"' in body
    # without JavaScript: the detail page with that form open
    page = office.get(url)
    assert page.status_code == 200
    assign = next(item for item in page.context["actions"] if item.name == "assign")
    assert assign.open and assign.form is not None
    assert 'class="collapse show mt-2" id="act-assign"' in page.content.decode()


def test_action_form_is_refused_as_the_action_would_be(org, category, client_for):
    p = make.registered(org, category, suggested_unit_ids=[org.unit.pk])
    u = org.users
    url = reverse("proposals:action_form", args=[p.pk, "assign"])
    # not the office's member: 403; a unit that cannot see it: 404; no such action or no form: 404
    assert client_for(u["member"]).get(url).status_code == 403
    refused = client_for(u["member"]).get(url, **HTMX)
    assert refused.status_code == 403 and 'data-testid="action-refused"' in refused.content.decode()
    assert client_for(u["unit"]).get(url).status_code == 404
    assert client_for(u["office"]).get(reverse("proposals:action_form", args=[p.pk, "fly"])).status_code == 404
    assert client_for(u["office"]).get(reverse("proposals:action_form", args=[p.pk, "register"])).status_code == 404
    # a state that does not allow it: 409; a POST by someone allowed: 405
    assert client_for(u["office"]).get(reverse("proposals:action_form", args=[p.pk, "reject"])).status_code == 409
    assert client_for(u["office"]).post(url).status_code == 405
    assert Proposal.objects.get(pk=p.pk).state == ProposalState.REGISTERED


def test_assignment_action_form_for_the_unit(org, category, client_for):
    p = make.assigned(org, category, units=[(org.unit, "single")], title="待签收的提案")
    assignment = p.assignments.get()
    make.act(assignment, "accept_assignment", org.users["unit"])
    url = reverse("proposals:assignment_action_form", args=[assignment.pk, "record_contact"])
    body = client_for(org.users["unit"]).get(url, **HTMX).content.decode()
    assert f'id="id_act-record_contact-{assignment.pk}_summary"' in body
    assert client_for(org.users["unit2"]).get(url).status_code == 404
    assert client_for(org.users["office"]).get(url).status_code == 403


def test_merge_form_brings_its_candidates(org, category, client_for):
    target = make.registered(org, category, suggested_unit_ids=[org.unit.pk], title="主提案")
    p = make.joint_draft(org, category, cosigner_ids=[], title="并入的提案")
    make.act(p, "submit", org.users["member"])
    office = client_for(org.users["office"])
    assert "merge-candidates" not in office.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    body = office.get(reverse("proposals:action_form", args=[p.pk, "merge"]), **HTMX).content.decode()
    target.refresh_from_db()
    assert '<datalist id="merge-candidates">' in body and f'<option value="{target.number}">主提案</option>' in body


# Read costs --------------------------------------------------------------------------------------------------------


def _detail_queries(client, proposal) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("proposals:detail", args=[proposal.pk])).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["office", "unit", "unit-leader", "member"])
def test_detail_query_count_does_not_grow_with_the_assignments(who, org, category, client_for):
    # given two proposals evaluating a reply of org.unit: one with a co-handler, one with four
    def evaluating(co_units):
        p = make.joint_draft(org, category)
        make.act(p, "submit", org.users["member"])
        make.act(p, "cosign", org.users["member2"])
        make.act(p, "register", org.users["office"])
        units = [{"unit_id": org.unit.pk, "role": "lead"}] + [{"unit_id": u.pk, "role": "co"} for u in co_units]
        make.act(p, "assign", org.users["office"], mode="lead", units=units)
        co = p.assignments.get(unit=org.other_unit)
        make.act(co, "accept_assignment", org.users["unit2"])
        make.act(co, "submit_co_opinion", org.users["unit2"], text="同意")
        lead = p.assignments.get(role="lead")
        make.act(lead, "accept_assignment", org.users["unit"])
        make.act(lead, "draft_reply", org.users["unit"], text="答复", grade="B")
        make.act(lead, "sign_reply", org.users["unit-leader"])
        make.act(lead, "approve_reply", org.users["office"])
        p.refresh_from_db()
        assert p.state == ProposalState.EVALUATING
        return p

    small = evaluating([org.other_unit])
    more = [HandlingUnit.objects.create(name=f"会办单位{i}", short_name=f"会办{i}") for i in range(3)]
    big = evaluating([org.other_unit, *more])
    client = client_for(org.users[who])
    client.get(reverse("proposals:detail", args=[small.pk]))  # warm the per-process caches
    # then showing the bigger one reads no more
    assert _detail_queries(client, big) == _detail_queries(client, small)


def test_detail_and_api_agree_on_the_actions(org, category, client_for):
    p = make.joint_proposal_at(org, category, "reply_signed")
    for who in ("office", "unit", "unit-leader", "unit2", "member"):
        client = client_for(org.users[who])
        page = client.get(reverse("proposals:detail", args=[p.pk]))
        api = client.get(f"/api/v1/proposals/{p.pk}").json()
        assert [a.name for a in page.context["actions"]] == api["allowed_actions"], who
        by_assignment = {v.assignment.pk: [a.name for a in v.actions] for v in page.context["assignments"]}
        assert by_assignment == {a["id"]: a["allowed_actions"] for a in api["assignments"]}, who
    lead, _co = make.lead_and_co(p)
    office = client_for(org.users["office"]).get(f"/api/v1/proposals/{p.pk}").json()
    assert next(a for a in office["assignments"] if a["id"] == lead.pk)["allowed_actions"] == [
        "approve_reply",
        "return_reply",
    ]


def test_unit_board_pages_of_twenty_without_the_proposals_long_texts(org, category, client_for):
    for i in range(22):
        make.assigned(org, category, units=[(org.unit, "single")], title=f"待签收{i}")
    response = client_for(org.users["unit"]).get(reverse("proposals:unit_board"), {"tab": "pending"})
    assert views_boards.PAGE_SIZE == 20
    assert len(response.context["rows"]) == 20 and response.context["page"].paginator.count == 22
    deferred = response.context["rows"][0].assignment.proposal.get_deferred_fields()
    assert {"analysis", "suggestions"} <= deferred
    assert [t["count"] for t in response.context["tabs"] if t["key"] == "pending"] == [22]


def test_unit_board_rows_of_each_tab_are_the_ones_it_counts(org, category, client_for):
    make.unit_work(org, category, 2)
    make.reply_approved(org, category, title="已答复")
    p = make.assigned(org, category, units=[(org.unit, "single")], title="被退回的提案")
    a = p.assignments.get()
    make.act(a, "accept_assignment", org.users["unit"])
    make.act(a, "draft_reply", org.users["unit"], text="答复", grade="A")
    make.act(a, "sign_reply", org.users["unit-leader"])
    make.act(a, "return_reply", org.users["office"], comment="请补充")
    make.assigned(org, category, units=[(org.unit, "single")], title="待签收的提案")
    client = client_for(org.users["unit-leader"])
    counts = {t["key"]: t["count"] for t in client.get(reverse("proposals:unit_board")).context["tabs"]}
    assert all(counts.values()), counts
    for tab, n in counts.items():
        rows = client.get(reverse("proposals:unit_board"), {"tab": tab}).context["rows"]
        assert len(rows) == n, tab


def test_action_form_query_count_does_not_grow_with_the_units(org, category, client_for):
    p = make.registered(org, category, suggested_unit_ids=[org.unit.pk])
    office = client_for(org.users["office"])
    url = reverse("proposals:action_form", args=[p.pk, "assign"])
    office.get(url, **HTMX)  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        assert office.get(url, **HTMX).status_code == 200
    _many_units(300)
    with CaptureQueriesContext(connection) as many:
        body = office.get(url, **HTMX).content.decode()
    assert len(many) == len(few) and "测试县交通运输局" not in body
