"""Working days. 2026 data (State Council schedule, as carried by chinesecalendar):
Spring Festival rest 02-15..02-23 with Saturdays 02-14 and 02-28 worked; National Day rest 10-01..10-07 with
Sunday 09-20 and Saturday 10-10 worked. 2027 has no built-in data."""

import datetime

import chinese_calendar
import pytest
from django.urls import reverse

from zhengxie.audit.models import AuditEntry
from zhengxie.workdays.models import CalendarCorrection
from zhengxie.workdays.services import (
    add_working_days,
    correction_set,
    is_working_day,
    month_days,
    official_data_years,
    working_days_between,
)

pytestmark = pytest.mark.django_db

D = datetime.date
CALENDAR = reverse("workdays:calendar")


def test_the_built_in_data_is_what_these_tests_assume():
    assert official_data_years()[-1] == 2026
    assert [
        chinese_calendar.is_workday(d) for d in (D(2026, 9, 20), D(2026, 10, 1), D(2026, 10, 7), D(2026, 10, 10))
    ] == [
        True,
        False,
        False,
        True,
    ]
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 3, 1))


# add_working_days ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # National Day 2026: the day before the holiday plus one working day is the first day after it
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 2, D(2026, 10, 9)),
        # ... the adjusted Saturday 10-10 counts, the Sunday after does not
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        (D(2026, 9, 30), 4, D(2026, 10, 12)),
        # the adjusted Sunday 09-20 before the Mid-autumn / National Day period is a working day
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        # Spring Festival 2026: Saturday 02-14 is worked, then nine days of rest
        (D(2026, 2, 13), 1, D(2026, 2, 14)),
        (D(2026, 2, 13), 2, D(2026, 2, 24)),
        (D(2026, 2, 13), 5, D(2026, 2, 27)),
        (D(2026, 2, 13), 6, D(2026, 2, 28)),
        # an ordinary week: Friday + 1 is Monday
        (D(2026, 11, 20), 1, D(2026, 11, 23)),
        (D(2026, 11, 20), 0, D(2026, 11, 20)),
    ],
)
def test_add_working_days_forwards(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 10, 8), -1, D(2026, 9, 30)),
        (D(2026, 10, 12), -1, D(2026, 10, 10)),
        (D(2026, 2, 24), -1, D(2026, 2, 14)),
        (D(2026, 2, 24), -2, D(2026, 2, 13)),
        (D(2026, 11, 23), -1, D(2026, 11, 20)),
    ],
)
def test_add_working_days_backwards(start, n, expected):
    assert add_working_days(start, n) == expected


def test_a_long_count_crosses_the_whole_holiday(db):
    # 15 working days from 2026-09-21 (Monday): 09-22..09-24 (3), 09-28..09-30 (6), 10-08..10-10 (9),
    # 10-12..10-16 (14), 10-19 (15)
    assert add_working_days(D(2026, 9, 21), 15) == D(2026, 10, 19)


def test_a_correction_making_a_saturday_a_working_day_changes_the_result(org):
    friday, saturday = D(2026, 12, 4), D(2026, 12, 5)
    assert add_working_days(friday, 1) == D(2026, 12, 7)
    correction_set(actor=org.users["admin"], date=saturday, is_working_day=True, note="补班")
    assert add_working_days(friday, 1) == saturday
    assert add_working_days(D(2026, 12, 7), -1) == saturday
    assert is_working_day(saturday) is True


def test_a_correction_making_a_weekday_a_rest_day_changes_the_result(org):
    correction_set(actor=org.users["admin"], date=D(2026, 12, 7), is_working_day=False, note="临时休息")
    assert add_working_days(D(2026, 12, 4), 1) == D(2026, 12, 8)


def test_corrections_beyond_the_first_lookup_window_are_honoured(org):
    # given 41 days entered as rest (the service first loads corrections for 2·n + 30 days, then widens)
    day = D(2026, 12, 1)
    while day <= D(2027, 1, 10):
        correction_set(actor=org.users["admin"], date=day, is_working_day=False, note="停工")
        day += datetime.timedelta(days=1)
    # then one working day after 11-30 is the first Monday after the closure
    assert add_working_days(D(2026, 11, 30), 1) == D(2027, 1, 11)
    assert add_working_days(D(2027, 1, 11), -1) == D(2026, 11, 30)


def test_a_year_without_built_in_data_falls_back_to_weekends_and_corrections(org):
    # 2027-01-01 is a Friday; without data it counts as a working day and weekends rest
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert add_working_days(D(2027, 1, 8), 1) == D(2027, 1, 11)
    # when the admin enters New Year's Day as a rest day, the count moves past the weekend
    correction_set(actor=org.users["admin"], date=D(2027, 1, 1), is_working_day=False, note="元旦")
    assert add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    # and a Saturday entered as worked counts
    correction_set(actor=org.users["admin"], date=D(2027, 1, 9), is_working_day=True, note="调休上班")
    assert add_working_days(D(2027, 1, 8), 1) == D(2027, 1, 9)


# working_days_between ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 9, 30), D(2026, 10, 8), 1),
        (D(2026, 9, 30), D(2026, 10, 12), 4),
        (D(2026, 10, 12), D(2026, 9, 30), -4),
        (D(2026, 10, 1), D(2026, 10, 7), 0),
        (D(2026, 11, 23), D(2026, 11, 23), 0),
        # (start, end]: a week from Monday to Monday has five working days
        (D(2026, 11, 16), D(2026, 11, 23), 5),
        (D(2026, 2, 13), D(2026, 2, 28), 6),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_working_days_between_and_add_working_days_agree(org):
    correction_set(actor=org.users["admin"], date=D(2026, 12, 5), is_working_day=True, note="补班")
    start = D(2026, 9, 25)
    for n in range(1, 60):
        assert working_days_between(start, add_working_days(start, n)) == n


def test_working_days_between_honours_corrections(org):
    assert working_days_between(D(2026, 12, 4), D(2026, 12, 7)) == 1
    correction_set(actor=org.users["admin"], date=D(2026, 12, 5), is_working_day=True, note="补班")
    assert working_days_between(D(2026, 12, 4), D(2026, 12, 7)) == 2


def test_month_days_marks_status_and_corrections(org):
    correction = correction_set(actor=org.users["admin"], date=D(2026, 10, 11), is_working_day=True, note="补班")
    days = {d["date"]: d for d in month_days(2026, 10)}
    assert len(days) == 31
    assert (days[D(2026, 10, 1)]["working"], days[D(2026, 10, 1)]["correction"]) == (False, None)
    assert (days[D(2026, 10, 10)]["working"], days[D(2026, 10, 10)]["weekend"]) == (True, True)
    assert (days[D(2026, 10, 11)]["working"], days[D(2026, 10, 11)]["correction"]) == (True, correction)


# The calendar page ---------------------------------------------------------------------------------------------


def _cell(html: str, day: datetime.date) -> str:
    start = html.index(f'data-date="{day:%Y-%m-%d}"')
    return html[start : html.index("</td>", start)]


def test_the_calendar_page_shows_holidays_adjusted_days_and_corrections(org, client_for):
    correction_set(actor=org.users["admin"], date=D(2026, 10, 11), is_working_day=True, note="临时补班")
    html = client_for(org.users["staff"]).get(f"{CALENDAR}?year=2026&month=10").content.decode()
    assert 'data-working="0"' in _cell(html, D(2026, 10, 1))
    assert 'data-working="1"' in _cell(html, D(2026, 10, 10))
    corrected = _cell(html, D(2026, 10, 11))
    assert 'data-working="1"' in corrected
    assert "bi-pencil-fill" in corrected
    assert "bi-pencil-fill" not in _cell(html, D(2026, 10, 10))
    assert "2026-10-11 · 上班 · 临时补班" in html
    assert 'data-testid="no-official-data"' not in html


def test_the_calendar_warns_for_a_year_without_built_in_data(org, client_for):
    html = client_for(org.users["admin"]).get(f"{CALENDAR}?year=2027&month=1").content.decode()
    assert 'data-testid="no-official-data"' in html
    assert 'data-working="1"' in _cell(html, D(2027, 1, 1))


def test_only_the_admin_sees_the_correction_form(org, client_for):
    admin_html = client_for(org.users["admin"]).get(CALENDAR).content.decode()
    staff_html = client_for(org.users["staff"]).get(CALENDAR).content.decode()
    assert 'name="is_working_day"' in admin_html
    assert 'name="is_working_day"' not in staff_html


def test_admin_posts_a_correction(org, client_for):
    response = client_for(org.users["admin"]).post(
        CALENDAR, {"date": "2026-12-05", "is_working_day": "1", "note": "补班"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2026&month=12"
    c = CalendarCorrection.objects.get()
    assert (c.date, c.is_working_day, c.note, c.created_by) == (D(2026, 12, 5), True, "补班", org.users["admin"])
    assert AuditEntry.objects.filter(action="workdays.set_correction").count() == 1


def test_an_invalid_correction_is_shown_back_and_not_saved(org, client_for):
    response = client_for(org.users["admin"]).post(CALENDAR, {"date": "", "is_working_day": "1"})
    assert response.status_code == 200
    assert "请填写日期。" in response.content.decode()
    assert CalendarCorrection.objects.count() == 0


@pytest.mark.parametrize(
    ("role_key", "status"),
    [("anonymous", 302), ("office", 403), ("staff", 403), ("leader", 403), ("unit", 403), ("member", 403)],
)
def test_only_the_admin_may_post_a_correction(org, client_for, role_key, status):
    audit_rows = AuditEntry.objects.count()
    client = client_for(None if role_key == "anonymous" else org.users[role_key])
    response = client.post(CALENDAR, {"date": "2026-12-05", "is_working_day": "1", "note": "补班"})
    assert response.status_code == status
    assert CalendarCorrection.objects.count() == 0
    assert AuditEntry.objects.count() == audit_rows


@pytest.mark.parametrize(("role_key", "status"), [("anonymous", 302), ("office", 403), ("staff", 403), ("member", 403)])
def test_only_the_admin_may_delete_a_correction(org, client_for, role_key, status):
    correction = correction_set(actor=org.users["admin"], date=D(2026, 12, 5), is_working_day=True, note="补班")
    client = client_for(None if role_key == "anonymous" else org.users[role_key])
    response = client.post(reverse("workdays:delete_correction", kwargs={"pk": correction.pk}))
    assert response.status_code == status
    assert CalendarCorrection.objects.filter(pk=correction.pk).exists()


def test_admin_deletes_a_correction(org, client_for):
    correction = correction_set(actor=org.users["admin"], date=D(2026, 12, 5), is_working_day=True, note="补班")
    response = client_for(org.users["admin"]).post(reverse("workdays:delete_correction", kwargs={"pk": correction.pk}))
    assert response.status_code == 302
    assert response["Location"] == f"{CALENDAR}?year=2026&month=12"
    assert CalendarCorrection.objects.count() == 0
    assert add_working_days(D(2026, 12, 4), 1) == D(2026, 12, 7)
