"""Research visits and the meeting made from the consultation's page in one step: the forms come filled from the
consultation (named after its topic, inviting its research group), a visit may be a research visit or an inspection
and nothing else, and a refused visit leaves no activity behind."""

import json

import pytest
from django.test import Client

from tests.builders import consultations as make
from zhengxie.accounts.services import api_token_issue
from zhengxie.audit.models import AuditEntry
from zhengxie.consultations.models import Visit
from zhengxie.core.exceptions import InvalidInput
from zhengxie.duty.models import Activity

pytestmark = pytest.mark.django_db

VISIT = {
    "title": "赴总部基地实地视察",
    "start": "2026-05-12T09:00:00+08:00",
    "end": "2026-05-12T12:00:00+08:00",
    "place": "总部基地",
}


def _form(page: str, action: str) -> str:
    return page.split(f'data-action="{action}"')[1].split("</form>")[0]


def test_the_visit_and_meeting_forms_come_filled_from_the_consultation(org, client_for):
    c = make.in_research(org, make.key_research(org, title="总部经济发展研究"))
    page = client_for(org.users["staff"]).get(f"/consultations/{c.pk}/").content.decode()
    visit = _form(page, "schedule_visit")
    assert 'name="title" value="“总部经济发展研究”调研"' in visit
    kinds = visit.split('name="kind"')[1].split("</select>")[0]
    assert '<option value="research" selected>' in kinds and '<option value="inspection">' in kinds
    assert "plenary" not in kinds and "training" not in kinds
    meeting = _form(page, "schedule_meeting")
    assert 'name="title" value="“总部经济发展研究”专题协商会"' in meeting
    assert '<option value="group" selected>' in meeting  # the research group has a member


def test_without_a_group_member_the_meeting_asks_whom_to_invite(org, client_for):
    c = make.act(org, make.key_research(org), "confirm_topic", background="背景")
    page = client_for(org.users["staff"]).get(f"/consultations/{c.pk}/").content.decode()
    assert " selected>" not in _form(page, "schedule_meeting").split('name="invitees"')[1].split("</select>")[0]


def test_an_inspection_visit_invites_the_group_and_is_recorded(org):
    c = make.in_research(org, make.key_research(org))
    make.act(org, c, "schedule_visit", **VISIT, kind="inspection")
    activity = Activity.objects.select_related("kind").get(pk=Visit.objects.get(consultation=c).activity_id)
    assert (activity.title, activity.kind.code, activity.state) == ("赴总部基地实地视察", "inspection", "published")
    assert list(activity.invitations.values_list("member_id", flat=True)) == [org.member.pk]
    entry = AuditEntry.objects.get(action="consultation.schedule_visit")
    assert entry.changes["visit"] == [
        None,
        {"activity": activity.pk, "title": "赴总部基地实地视察", "kind": "inspection"},
    ]


def test_a_visit_is_a_research_visit_unless_told(org):
    c = make.in_research(org, make.key_research(org))
    make.act(org, c, "schedule_visit", **VISIT)
    assert Activity.objects.get(pk=Visit.objects.get(consultation=c).activity_id).kind.code == "research"


@pytest.mark.parametrize(("change", "field"), [({"kind": "plenary"}, "kind"), ({"end": VISIT["start"]}, "end")])
def test_a_refused_visit_leaves_nothing(org, change, field):
    c = make.in_research(org, make.key_research(org))
    before = (Activity.objects.count(), Visit.objects.count(), AuditEntry.objects.count())
    with pytest.raises(InvalidInput) as refused:
        make.act(org, c, "schedule_visit", **(VISIT | change))
    assert field in refused.value.errors
    assert (Activity.objects.count(), Visit.objects.count(), AuditEntry.objects.count()) == before


def test_the_api_documents_and_takes_the_visit_kind(org):
    c = make.in_research(org, make.key_research(org))
    raw, _token = api_token_issue(user=org.users["staff"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post(
        f"/api/v1/consultations/{c.pk}/actions/schedule_visit",
        json.dumps(VISIT | {"kind": "inspection"}),
        content_type="application/json",
    )
    assert response.status_code == 200
    (visit,) = response.json()["visits"]
    assert (visit["title"], visit["kind"], visit["kind_name"]) == ("赴总部基地实地视察", "inspection", "视察")
    bad = client.post(
        f"/api/v1/consultations/{c.pk}/actions/schedule_visit",
        json.dumps(VISIT | {"kind": "training"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["kind"]
