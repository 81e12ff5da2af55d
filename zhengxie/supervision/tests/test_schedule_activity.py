"""Scheduling an inspection, research visit or appraisal meeting from a topic's page or the API in one step: the
duty activity is made through duty's public service, inviting the topic's group by default, and linked to the topic
in the same transaction; a refusal (bad input, wrong role, closed topic) leaves no activity, no link and no audit
row."""

import json

import pytest
from django.test import Client

from tests.builders import supervision as make
from zhengxie.accounts.services import api_token_issue
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, StateConflict
from zhengxie.duty.models import Activity, Invitation
from zhengxie.supervision.models import TopicActivity
from zhengxie.supervision.services import topic_act

pytestmark = pytest.mark.django_db

BODY = {
    "title": "视察制造业企业技术改造",
    "kind": "inspection",
    "start": "2026-05-12T09:00:00+08:00",
    "end": "2026-05-12T12:00:00+08:00",
    "place": "区经济开发区",
}


def _counts():
    return (
        Activity.objects.count(),
        Invitation.objects.count(),
        TopicActivity.objects.count(),
        AuditEntry.objects.count(),
    )


def test_the_secretariat_schedules_an_inspection_that_invites_the_group_and_is_linked(org):
    # given an organised topic whose group is org.member
    topic = make.organised(org)
    # when the secretariat schedules an inspection from the topic
    make.act(org, topic, "schedule_activity", **BODY)
    # then one published inspection exists, inviting the group's member only, and it is the topic's
    (link,) = TopicActivity.objects.filter(topic=topic)
    activity = Activity.objects.select_related("kind").get(pk=link.activity_id)
    assert (activity.title, activity.kind.code, activity.place, activity.state) == (
        "视察制造业企业技术改造",
        "inspection",
        "区经济开发区",
        "published",
    )
    assert activity.start.isoformat() == "2026-05-12T01:00:00+00:00"
    assert list(activity.invitations.values_list("member_id", flat=True)) == [org.member.pk]
    assert link.linked_by == org.users["staff"]
    # and both the topic's step and the activity's creation are audited
    step = AuditEntry.objects.get(action="supervision_topic.schedule_activity")
    assert step.changes["activity"] == [
        None,
        {"id": activity.pk, "title": "视察制造业企业技术改造", "kind": "inspection"},
    ]
    assert AuditEntry.objects.filter(action="activity.create", object_id=str(activity.pk)).count() == 1


def test_a_draft_for_the_standing_committee_when_asked(org):
    topic = make.organised(org)
    make.act(
        org,
        topic,
        "schedule_activity",
        **(BODY | {"kind": "appraisal", "invitees": "standing_committee", "publish": False}),
    )
    activity = Activity.objects.get(pk=TopicActivity.objects.get(topic=topic).activity_id)
    assert (activity.kind.code, activity.state, activity.invitees_spec["standing_committee"]) == (
        "appraisal",
        "draft",
        True,
    )
    assert activity.invitations.count() == 0  # invitations go out when it is published


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end": "2026-05-12T08:00:00+08:00"}, "end"),
        ({"kind": "plenary"}, "kind"),
        ({"title": ""}, "title"),
        ({"place": "x" * 201}, "place"),
        ({"start": "1900-05-12T09:00:00"}, "start"),
        ({"invitees": "everyone"}, "invitees"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(org, change, field):
    topic = make.organised(org)
    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        make.act(org, topic, "schedule_activity", **(BODY | change))
    assert field in refused.value.errors
    assert _counts() == before


def test_a_group_without_members_is_refused_unless_others_are_invited(org):
    topic = make.topic_of(make.published_plan(org))
    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        make.act(org, topic, "schedule_activity", **BODY)
    assert refused.value.errors == {"invitees": "监督小组没有委员"}
    assert _counts() == before
    make.act(org, topic, "schedule_activity", **BODY, invitees="all")
    assert TopicActivity.objects.filter(topic=topic).count() == 1


@pytest.mark.parametrize("role", ["leader", "member"])
def test_only_the_secretariat_schedules_and_a_refusal_writes_nothing(org, role):
    topic = make.organised(org)
    before = _counts()
    with pytest.raises(NotAllowed):
        topic_act(topic_id=topic.pk, action="schedule_activity", actor=org.users[role], payload=BODY)
    assert _counts() == before


def test_a_closed_topic_schedules_nothing(org):
    topic = make.act(org, make.closable(org), "close")
    before = _counts()
    with pytest.raises(StateConflict):
        make.act(org, topic, "schedule_activity", **BODY)
    assert _counts() == before


# The page ---------------------------------------------------------------------------------------------------------


def test_the_page_offers_the_form_prefilled_from_the_topic(org, client_for):
    topic = make.organised(org)
    page = client_for(org.users["staff"]).get(f"/supervision/topics/{topic.pk}/").content.decode()
    assert 'data-action="schedule_activity"' in page
    assert 'name="title" value="制造业和服务业高质量发展"' in page
    assert '<option value="inspection" selected>' in page  # the topic's form is an inspection
    assert '<option value="group" selected>' in page
    assert 'type="datetime-local" name="start"' in page
    # the kinds offered are the supervision activities' only
    form = page.split('data-action="schedule_activity"')[1].split("</form>")[0]
    kinds = form.split('name="kind"')[1].split("</select>")[0]
    assert "plenary" not in kinds and "appraisal" in kinds


def test_the_page_schedules_in_one_step_and_shows_it(org, client_for):
    topic = make.organised(org)
    client = client_for(org.users["staff"])
    response = client.post(
        f"/supervision/topics/{topic.pk}/act/schedule_activity/",
        {
            "title": "视察企业",
            "kind": "inspection",
            "start": "2026-05-12T09:00",
            "end": "2026-05-12T12:00",
            "place": "区经济开发区",
            "invitees": "group",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已安排活动并关联本议题：视察企业" in page
    activity = Activity.objects.get(pk=TopicActivity.objects.get(topic=topic).activity_id)
    assert f'href="/activities/{activity.pk}/"' in page
    assert activity.start.isoformat() == "2026-05-12T01:00:00+00:00"  # the committee's zone (UTC+8)
    assert activity.state == "published"


def test_a_refused_page_post_shows_why_and_writes_nothing(org, client_for):
    topic = make.organised(org)
    before = _counts()
    response = client_for(org.users["staff"]).post(
        f"/supervision/topics/{topic.pk}/act/schedule_activity/",
        {"title": "视察企业", "kind": "inspection", "start": "2026-05-12T09:00", "end": "2026-05-12T08:00",
         "place": "区经济开发区", "invitees": "group"},
    )  # fmt: skip
    assert response.status_code == 422
    page = response.content.decode()
    assert "结束时间应晚于开始时间。" in page
    assert 'value="视察企业"' in page  # the form keeps what was typed
    assert _counts() == before


# The API ----------------------------------------------------------------------------------------------------------


def _api(user):
    raw, _token = api_token_issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_schedules_and_lists_the_activity(org):
    topic = make.organised(org)
    url = f"/api/v1/supervision-topics/{topic.pk}/actions/schedule_activity"
    staff, leader = _api(org.users["staff"]), _api(org.users["leader"])
    response = staff.post(url, json.dumps(BODY), content_type="application/json")
    assert response.status_code == 200
    (activity,) = response.json()["activities"]
    assert (activity["title"], activity["kind_name"], activity["state"], activity["start"]) == (
        "视察制造业企业技术改造",
        "视察",
        "published",
        "2026-05-12T09:00:00+08:00",
    )
    assert "schedule_activity" in response.json()["allowed_actions"]
    before = _counts()
    bad = staff.post(url, json.dumps(BODY | {"kind": "training"}), content_type="application/json")
    assert bad.status_code == 422 and [e["field"] for e in bad.json()["errors"]] == ["kind"]
    assert leader.post(url, json.dumps(BODY), content_type="application/json").status_code == 403
    assert _counts() == before


def test_the_openapi_documents_the_body():
    from zhengxie.api import api

    schema = json.dumps(api.get_openapi_schema(), ensure_ascii=False)
    assert "schedule_activity" in schema and "视察西部物流园建设" in schema
