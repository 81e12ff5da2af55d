"""The input of each follow-up action, as one typed schema (validated by the engine, documented in the OpenAPI
document, turned into the page's form). Rules that depend on the data (a date not after today) are the handlers'."""

from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import Field

from zhengxie.core.workflow import ActionInput, Choice, Date, Label, Page, Text

from .choices import ANSWERS, InstructionLevel


def _today():
    return timezone.localdate()


class Send(ActionInput):
    sent_to: Annotated[
        Text(
            _("报送对象"),
            max_length=200,
            description="Who the document is sent to (the party committee, the government).",
        ),
        Page(initial=_("区委、区政府")),
    ]
    date: Annotated[
        Date(_("报送日期"), required=True, description="The day it was sent (not after today)."), Page(initial=_today)
    ]


class RecordInstruction(ActionInput):
    leader: Annotated[Text(_("批示领导"), max_length=100, description="The leader's name and post."), Page()]
    level: Annotated[Choice(_("领导类别"), InstructionLevel), Page()]
    date: Annotated[
        Date(_("批示日期"), required=True, description="The day of the instruction (not after today)."),
        Page(initial=_today),
    ]
    text: Annotated[Text(_("批示内容"), max_length=5000), Page(rows=4)]


class Answer(ActionInput):
    status: Annotated[
        Choice(
            _("采纳情况"), [(str(s.value), s.label) for s in ANSWERS], description="Adopted in whole, in part, or not."
        ),
        Page(radio=True),
    ]
    note: Annotated[Text(_("答复意见"), max_length=5000, description="The department's answer."), Page(rows=3)]


class UpdateProgress(ActionInput):
    percent: Annotated[
        int,
        Field(ge=0, le=100, description="How far it is carried out, 0–100; 100 marks it done."),
        Label(_("落实进度")),
        Page(label=_("落实进度（%）"), attrs={"min": 0, "max": 100}),
    ]
    note: Annotated[Text(_("进展说明"), max_length=5000, description="What was done."), Page(rows=3)]
    date: Annotated[
        Date(_("进展日期"), description="The day the progress was made (not after today); today when left out."),
        Page(initial=_today),
    ] = None
