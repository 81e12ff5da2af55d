"""Stale recommendations, counted in working days across the 2026 National Day holiday (1–7 October off, Saturday
10 October worked), flagged and reminded once per stale spell, however often the job runs."""

import datetime

from django.utils import timezone

from tests.builders.followup import make_document, recommendation_ids
from zhengxie.followup import services
from zhengxie.followup.models import Recommendation
from zhengxie.followup.read_models import recommendation_rows
from zhengxie.followup.selectors import stale_cutoff
from zhengxie.followup.stale import stale_reminders
from zhengxie.notifications.models import Notification

D = datetime.date


def _at(day: D, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _stale_ids(today: D) -> list[int]:
    rows = recommendation_rows(Recommendation.objects.order_by("id"), cutoff=stale_cutoff(today))
    return [r.id for r in rows if r.stale]


def _notes():
    return sorted(Notification.objects.filter(kind="followup.stale").values_list("recipient__username", "title"))


def test_a_recommendation_goes_stale_after_the_set_working_days_across_a_holiday(org, settings):
    # given 3 working days, and recommendations last updated on Wednesday 30 September 2026
    settings.ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS = 3
    doc_id = make_document(org)
    mine, theirs = recommendation_ids(doc_id)
    Recommendation.objects.update(last_update_at=_at(D(2026, 9, 30)))
    # then through the holiday and on 8, 9 October (two working days) they are not stale, nor anyone reminded
    for day in (D(2026, 10, 3), D(2026, 10, 7), D(2026, 10, 9)):
        assert _stale_ids(day) == []
        assert stale_reminders(today=day) == {"stale": 0, "departments": 0, "notifications": 0}
    # on the worked Saturday 10 October (the third working day) both are stale
    assert _stale_ids(D(2026, 10, 10)) == [mine, theirs]
    # when the job runs that day, twice, and again on Monday
    first = stale_reminders(today=D(2026, 10, 10))
    second = stale_reminders(today=D(2026, 10, 10))
    monday = stale_reminders(today=D(2026, 10, 12))
    # then each department and the secretariat were told once
    assert first == {"stale": 2, "departments": 2, "notifications": 4}
    assert second == monday == {"stale": 0, "departments": 0, "notifications": 0}
    unit_note = "有 1 条建议超过 3 个工作日未更新落实进度"
    assert _notes() == [
        ("demo-staff", "2 条建议超过 3 个工作日未更新，已提醒承办单位"),
        ("demo-unit", unit_note),
        ("demo-unit-leader", unit_note),
        ("demo-unit2", unit_note),
    ]


def test_an_update_ends_the_stale_spell_and_a_new_one_is_reminded_again(org, settings):
    settings.ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS = 3
    mine = recommendation_ids(make_document(org, recommendations=[{"text": "甲", "unit_id": org.unit.pk}]))[0]
    services.recommendation_act(
        recommendation_id=mine, action="answer", actor=org.users["unit"], payload={"status": "adopted", "note": "采纳"}
    )
    Recommendation.objects.update(last_update_at=_at(D(2026, 9, 30)))
    assert stale_reminders(today=D(2026, 10, 10))["stale"] == 1
    # when the department updates it (the update is dated 12 October) it is no longer stale
    Recommendation.objects.update(last_update_at=_at(D(2026, 10, 12)))
    assert _stale_ids(D(2026, 10, 14)) == []
    assert stale_reminders(today=D(2026, 10, 14))["stale"] == 0
    # and three working days later it is stale again and reminded again
    assert _stale_ids(D(2026, 10, 15)) == [mine]
    assert stale_reminders(today=D(2026, 10, 15)) == {"stale": 1, "departments": 1, "notifications": 3}
    assert stale_reminders(today=D(2026, 10, 15))["stale"] == 0


def test_settled_recommendations_are_never_stale(org, settings):
    settings.ZHENGXIE_RECOMMENDATION_STALE_WORKING_DAYS = 3
    a, b = recommendation_ids(make_document(org))
    services.recommendation_act(
        recommendation_id=a, action="answer", actor=org.users["unit"], payload={"status": "not_adopted", "note": "否"}
    )
    services.recommendation_act(
        recommendation_id=b, action="answer", actor=org.users["unit2"], payload={"status": "adopted", "note": "是"}
    )
    services.recommendation_act(
        recommendation_id=b, action="update_progress", actor=org.users["unit2"], payload={"percent": 100, "note": "完"}
    )
    Recommendation.objects.update(last_update_at=_at(D(2026, 9, 1)))
    assert _stale_ids(D(2026, 11, 2)) == []
    assert stale_reminders(today=D(2026, 11, 2))["stale"] == 0
