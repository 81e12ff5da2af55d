"""Every action refuses the wrong role with nothing changed: a member (who reads the published plan) takes no plan
action; a leader (who reads every consultation) takes no consultation action. The right roles are the other tests'."""

import pytest

from tests.builders import consultations as make
from zhengxie.audit.models import AuditEntry
from zhengxie.consultations.models import Consultation, ConsultationPlan, PlanItem, PlanStep
from zhengxie.consultations.services import consultation_act, plan_act
from zhengxie.consultations.workflow import CONSULTATION, PLAN
from zhengxie.core.exceptions import NotAllowed

pytestmark = pytest.mark.django_db


def _rows():
    return (
        list(ConsultationPlan.objects.values()),
        list(PlanItem.objects.values()),
        list(PlanStep.objects.values()),
        list(Consultation.objects.values()),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize("action", sorted(PLAN.actions))
def test_a_member_takes_no_plan_action(org, action):
    plan = make.published_plan(org)
    before = _rows()
    with pytest.raises(NotAllowed):
        plan_act(plan_id=plan.pk, action=action, actor=org.users["member"], payload=PLAN[action].example)
    assert _rows() == before


@pytest.mark.parametrize("action", sorted(CONSULTATION.actions))
def test_a_leader_takes_no_consultation_action(org, action):
    c = make.key_research(org)
    before = _rows()
    with pytest.raises(NotAllowed):
        consultation_act(
            consultation_id=c.pk, action=action, actor=org.users["leader"], payload=CONSULTATION[action].example
        )
    assert _rows() == before
