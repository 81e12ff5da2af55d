"""The activity form refuses what the API refuses — negative hours or half days, a sign-up deadline after the end,
an over-long title, a NUL — showing the error on its field, and creates nothing."""

import pytest
from django.urls import reverse

from zhengxie.audit.models import AuditEntry
from zhengxie.duty.models import Activity

pytestmark = pytest.mark.django_db


def form(org, **changes) -> dict:
    data = {
        "title": "新建区预制菜产业链专题调研",
        "kind": "training",
        "organiser": "",
        "start": "2031-06-10T09:00",
        "end": "2031-06-10T12:00",
        "place": "新建区经开区",
        "description": "",
        "sectors": [org.sector.pk],
        "members": [],
        "attendance": "sign_up",
        "capacity": "20",
        "sign_up_closes": "2031-06-08T18:00",
        "half_days": "1",
        "training_hours": "4",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"training_hours": "-1"}, "training_hours"),
        ({"training_hours": "-0.5"}, "training_hours"),
        ({"kind": "plenary", "attendance": "required", "half_days": "-2"}, "half_days"),
        ({"sign_up_closes": "2031-06-11T09:00"}, "sign_up_closes"),
        ({"sign_up_closes": "2031-06-10T12:30"}, "sign_up_closes"),
        ({"title": "长" * 201}, "title"),
        ({"place": "地" * 201}, "place"),
        ({"title": "调研\x00活动"}, "title"),
        ({"description": "说明\x00"}, "description"),
    ],
    ids=[
        "negative-hours",
        "negative-half-hour",
        "negative-half-days",
        "deadline-after-the-end",
        "deadline-just-after-the-end",
        "long-title",
        "long-place",
        "nul-in-title",
        "nul-in-description",
    ],
)
def test_the_activity_form_refuses_on_the_field(org, client_for, changes, field):
    response = client_for(org.users["staff"]).post(reverse("duty:activity_new"), form(org, **changes))
    assert response.status_code in (200, 422)
    assert f'id="id_{field}_errors"' in response.content.decode()
    assert Activity.objects.count() == 0
    assert not AuditEntry.objects.filter(action="activity.create").exists()


def test_the_same_form_with_sound_values_creates_the_activity(org, client_for):
    response = client_for(org.users["staff"]).post(reverse("duty:activity_new"), form(org, title="长" * 200))
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert (activity.title, str(activity.training_hours)) == ("长" * 200, "4.0")
