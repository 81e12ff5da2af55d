"""A saved draft activity is edited by its organisers — every field, the same checks as creating it, audited — on
its page (the API's PATCH: ``test_activity_edit_api.py``); a published activity is not (409), and refusals change
nothing."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.builders.activities import draft_activity, published_activity
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.duty.activities import activity_update_draft, allowed_actions
from zhengxie.duty.models import Activity

pytestmark = pytest.mark.django_db

FIELDS = (
    *("title", "kind__code", "organiser", "start", "end", "place", "description", "attendance", "capacity"),
    *("sign_up_closes", "invitees_spec", "half_days", "training_hours", "state"),
)


def _row(activity) -> dict:
    return Activity.objects.filter(pk=activity.pk).values(*FIELDS).get()


def _minute_draft(org):
    """A draft starting on a whole minute, as the page's form writes times."""
    start = (timezone.now() + datetime.timedelta(days=3)).replace(second=0, microsecond=0)
    return draft_activity(org, start=start)


def _edits() -> int:
    return AuditEntry.objects.filter(action="activity.edit").count()


def test_the_organiser_changes_every_field_of_a_draft_and_the_change_is_audited(org):
    staff = org.users["staff"]
    a = draft_activity(org)
    start = timezone.localtime(a.start) + datetime.timedelta(days=7)
    activity_update_draft(
        activity_id=a.pk,
        actor=staff,
        data={
            "title": "区政协全体会议",
            "kind": "plenary",
            "organiser_id": org.special_committee.pk,
            "start": start.isoformat(),
            "end": (start + datetime.timedelta(hours=4)).isoformat(),
            "place": "区会议中心",
            "description": "审议工作报告",
            "attendance": "sign_up",
            "capacity": 30,
            "sign_up_closes": (start - datetime.timedelta(days=1)).isoformat(),
            "invitees": {"all": True},
            "half_days": 2,
            "training_hours": 0,
        },
    )
    row = _row(a)
    assert (row["title"], row["kind__code"], row["organiser"], row["place"], row["description"]) == (
        "区政协全体会议",
        "plenary",
        org.special_committee.pk,
        "区会议中心",
        "审议工作报告",
    )
    assert (row["start"], row["end"]) == (start, start + datetime.timedelta(hours=4))
    assert (row["attendance"], row["capacity"], row["sign_up_closes"]) == (
        "sign_up",
        30,
        start - datetime.timedelta(days=1),
    )
    assert row["invitees_spec"]["all"] is True and row["half_days"] == 2 and row["state"] == "draft"
    entry = AuditEntry.objects.get(action="activity.edit")
    assert entry.actor == staff
    assert entry.changes["title"] == ["经济界别调研活动", "区政协全体会议"]
    assert entry.changes["kind"] == ["sector_activity", "plenary"]
    assert set(entry.changes) == {
        *("title", "kind", "organiser", "start", "end", "place", "description", "attendance", "capacity"),
        *("sign_up_closes", "invitees_spec", "half_days"),
    }


def test_an_edit_that_changes_nothing_writes_no_audit_row(org):
    a = draft_activity(org)
    activity_update_draft(activity_id=a.pk, actor=org.users["staff"], data={"title": a.title})
    assert _edits() == 0


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"kind": "no_such_kind"}, "kind"),
        ({"place": ""}, "place"),
        ({"end": "2026-01-01T08:00:00+08:00"}, "end"),  # before the start
        ({"start": "2026-06-01T09:00:00"}, "start"),  # no zone
        ({"attendance": "whenever"}, "attendance"),
        ({"invitees": {}}, "invitees"),
        ({"invitees": {"sector_ids": [999999]}}, "invitees.sector_ids"),
        ({"organiser_id": 999999}, "organiser_id"),
        ({"half_days": -1}, "half_days"),
    ],
)
def test_bad_input_is_refused_as_when_creating_and_changes_nothing(org, data, field):
    a = draft_activity(org)
    before = _row(a)
    with pytest.raises(InvalidInput) as refused:
        activity_update_draft(activity_id=a.pk, actor=org.users["staff"], data=data)
    assert field in refused.value.errors
    assert _row(a) == before and _edits() == 0


def test_a_published_activity_is_not_edited_and_others_may_not_edit_a_draft(org):
    published = published_activity(org)
    before = _row(published)
    with pytest.raises(StateConflict) as refused:
        activity_update_draft(activity_id=published.pk, actor=org.users["staff"], data={"title": "改名"})
    assert "只有草稿可以修改" in refused.value.message
    with pytest.raises(NotAllowed):  # invited, so they see it; not the organiser
        activity_update_draft(activity_id=published.pk, actor=org.users["member"], data={"title": "改名"})
    draft = draft_activity(org)
    for key in ("member", "office", "admin"):
        with pytest.raises(NotVisible):  # nobody but the organisers sees a draft
            activity_update_draft(activity_id=draft.pk, actor=org.users[key], data={"title": "改名"})
    assert _row(published) == before and _edits() == 0
    assert "edit" in allowed_actions(draft, org.users["staff"])
    assert "edit" not in allowed_actions(published, org.users["staff"])


# The page ---------------------------------------------------------------------------------------------------------


def _form_data(activity, **changes) -> dict:
    local = timezone.localtime
    data = {
        "title": activity.title,
        "kind": activity.kind.code,
        "organiser": "",
        "start": local(activity.start).strftime("%Y-%m-%dT%H:%M"),
        "end": local(activity.end).strftime("%Y-%m-%dT%H:%M"),
        "place": activity.place,
        "description": activity.description,
        "sectors": [str(i) for i in activity.invitees_spec.get("sector_ids", [])],
        "attendance": activity.attendance,
        "half_days": "1",
        "training_hours": "0",
    }
    data.update(changes)
    return data


def test_the_edit_page_shows_the_draft_filled_in_and_saves_it(org, client_for):
    staff = client_for(org.users["staff"])
    a = _minute_draft(org)
    detail = staff.get(reverse("duty:activity_detail", args=[a.pk])).content.decode()
    assert f'href="{reverse("duty:activity_edit", args=[a.pk])}"' in detail
    page = staff.get(reverse("duty:activity_edit", args=[a.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="经济界别调研活动"' in html and 'value="区政协三楼会议室"' in html
    assert re.search(rf'value="{org.sector.pk}"[^>]*checked', html)
    assert timezone.localtime(a.start).strftime("%Y-%m-%dT%H:%M") in html
    response = staff.post(reverse("duty:activity_edit", args=[a.pk]), _form_data(a, title="教育界别调研活动"))
    assert response.status_code == 302 and response["Location"] == reverse("duty:activity_detail", args=[a.pk])
    assert _row(a)["title"] == "教育界别调研活动"
    assert AuditEntry.objects.get(action="activity.edit").changes == {"title": ["经济界别调研活动", "教育界别调研活动"]}
    followed = staff.get(response["Location"]).content.decode()
    assert "已保存修改" in followed


def test_the_edit_page_refuses_bad_input_with_the_fields_marked_and_changes_nothing(org, client_for):
    staff = client_for(org.users["staff"])
    a = draft_activity(org)
    before = _row(a)
    start = timezone.localtime(a.start)
    bad = _form_data(a, end=(start - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    response = staff.post(reverse("duty:activity_edit", args=[a.pk]), bad)
    assert response.status_code == 422
    assert "应晚于开始时间" in response.content.decode()
    response = staff.post(reverse("duty:activity_edit", args=[a.pk]), _form_data(a, title=""))
    assert response.status_code == 422
    assert _row(a) == before and _edits() == 0


def test_a_published_activity_has_no_edit_page(org, client_for):
    staff = client_for(org.users["staff"])
    a = published_activity(org)
    assert 'data-action="edit"' not in staff.get(reverse("duty:activity_detail", args=[a.pk])).content.decode()
    response = staff.get(reverse("duty:activity_edit", args=[a.pk]))
    assert response.status_code == 409
    assert "活动当前状态（已发布）不能修改。" in response.content.decode()
    before = _row(a)
    response = staff.post(reverse("duty:activity_edit", args=[a.pk]), _form_data(a, title="改名"))
    assert response.status_code == 409
    assert _row(a) == before and _edits() == 0
    assert client_for(org.users["member"]).get(reverse("duty:activity_edit", args=[a.pk])).status_code == 403
