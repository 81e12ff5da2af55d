"""催办: the office or an overseer urges a unit that has let its deadline pass; the unit's staff and leaders are
told, the urge is on the timeline and in the audit trail, and the buttons follow the declaration."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.builders import proposals as make
from zhengxie.audit.models import AuditEntry
from zhengxie.core.exceptions import InvalidInput, NotAllowed, StateConflict
from zhengxie.notifications.models import Notification
from zhengxie.proposals import workflow as wf
from zhengxie.proposals.actions import assignment_act
from zhengxie.proposals.models import TimelineEntry

pytestmark = pytest.mark.django_db


def _after(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(10), tzinfo=timezone.get_current_timezone())
    )


def test_an_overdue_assignment_is_urged_and_the_unit_is_told(org, category):
    p = make.accepted(org, category)
    a = make.assignment_of(p, org.unit)
    office, overseer = org.users["office"], org.users["overseer"]
    # Not yet overdue: no button, and the action is refused with the reason.
    assert "urge" not in wf.allowed_assignment_actions(a, office)
    with pytest.raises(StateConflict) as refused:
        assignment_act(assignment_id=a.pk, action="urge", actor=office, payload={"note": "请加快进度"})
    assert refused.value.message == "交办尚未逾期，无需催办。"

    with _after(a.due_date + datetime.timedelta(days=1)):
        a.refresh_from_db()
        a.proposal = p
        assert "urge" in wf.allowed_assignment_actions(a, overseer)
        assert "urge" not in wf.allowed_assignment_actions(a, org.users["unit"])
        with pytest.raises(NotAllowed):
            assignment_act(assignment_id=a.pk, action="urge", actor=org.users["unit"], payload={"note": "x"})
        with pytest.raises(InvalidInput) as refused:
            assignment_act(assignment_id=a.pk, action="urge", actor=overseer, payload={"note": "  "})
        assert refused.value.errors == {"note": "必填"}
        assert not TimelineEntry.objects.filter(action="urge").exists()

        assignment_act(assignment_id=a.pk, action="urge", actor=overseer, payload={"note": "请本周内答复"})

    entry = TimelineEntry.objects.get(action="urge")
    assert (entry.assignment_id, entry.actor, entry.internal) == (a.pk, overseer, False)
    assert "请本周内答复" in entry.note
    told = set(Notification.objects.filter(kind="proposal.urged").values_list("recipient__username", flat=True))
    assert told == {org.users["unit"].username, org.users["unit-leader"].username}
    audit = AuditEntry.objects.get(action="assignment.urge")
    assert audit.changes["urged"][1]["note"] == "请本周内答复"
    a.refresh_from_db()
    assert a.state == "accepted"  # urging changes nothing but the record


def test_the_urge_button_is_on_the_page_of_an_overdue_assignment(org, category):
    p = make.accepted(org, category)
    a = make.assignment_of(p, org.unit)
    client = Client()
    with _after(a.due_date + datetime.timedelta(days=1)):
        client.force_login(org.users["office"])
        page = client.get(f"/proposals/{p.pk}/").content.decode()
        assert f"/proposals/assignments/{a.pk}/act/urge/" in page and "催办" in page
        response = client.post(f"/proposals/assignments/{a.pk}/act/urge/", {"note": "请尽快办理"})
        assert response.status_code == 302
        page = client.get(f"/proposals/{p.pk}/").content.decode()
    assert "请尽快办理" in page


def test_the_boards_count_urges_per_unit(org, category):
    p = make.accepted(org, category)
    a = make.assignment_of(p, org.unit)
    with _after(a.due_date + datetime.timedelta(days=1)):
        for note in ("请加快进度", "请本周答复"):
            assignment_act(assignment_id=a.pk, action="urge", actor=org.users["office"], payload={"note": note})
        client = Client()
        client.force_login(org.users["leader"])
        page = client.get("/proposals/boards/").content.decode()
    row = page[page.index(f'data-unit="{org.unit.pk}"') :]
    assert row[row.index('data-testid="urged"') :].split("</td>")[0].endswith(">2")
