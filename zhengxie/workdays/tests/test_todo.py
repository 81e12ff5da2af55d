"""The admin is asked to enter the holidays of a year deadlines fall in when the official calendar data does not
cover it; entering the year's first correction settles it."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from zhengxie.core.todo import todo_for
from zhengxie.workdays.services import correction_set, official_data_years

pytestmark = pytest.mark.django_db


def _calendar_items(user) -> list[tuple[str, str]]:
    return [(i.title, i.url) for i in todo_for(user) if i.kind == "工作日历"]


def _at(year: int, month: int):
    return time_machine.travel(datetime.datetime(year, month, 15, 10, tzinfo=timezone.get_current_timezone()))


def test_next_years_holidays_are_asked_for_from_october_when_the_official_data_ends(org):
    admin = org.users["admin"]
    last = official_data_years()[-1]
    with _at(last, 9):
        assert _calendar_items(admin) == []
    with _at(last, 10):
        assert _calendar_items(admin) == [
            (f"录入 {last + 1} 年法定节假日和调休安排", f"/workdays/?year={last + 1}&month=1")
        ]
        assert _calendar_items(org.users["office"]) == []  # the calendar's settings are the admin's
        correction_set(actor=admin, date=datetime.date(last + 1, 1, 1), is_working_day=False, note="元旦")
        assert _calendar_items(admin) == []


def test_a_year_beyond_the_official_data_is_asked_for_all_year(org):
    year = official_data_years()[-1] + 1
    with _at(year, 3):
        assert _calendar_items(org.users["admin"]) == [
            (f"录入 {year} 年法定节假日和调休安排", f"/workdays/?year={year}&month=1")
        ]
