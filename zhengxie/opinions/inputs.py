"""The input of each opinion-report action, as one typed schema: the engine validates a body with it (422 naming the
field), the API documents it, the page form is made from it, and the handlers read the validated values."""

from typing import Annotated

from django.utils.translation import gettext_lazy as _
from pydantic import Field

from zhengxie.core.workflow import ActionInput, Choice, Date, Label, NoInput, Page, Text

from .choices import LeaderLevel, Level

__all__ = ["NoInput"]


class Edit(ActionInput):
    title: Annotated[Text(_("标题"), max_length=200), Page(max_length=200)]
    content: Annotated[Text(_("内容"), max_length=20000), Page(rows=12)]
    suggestions: Annotated[Text(_("建议"), max_length=20000, required=False), Page(rows=6)] = ""
    note: Annotated[Text(_("修改说明"), max_length=200, required=False), Page(rows=1)] = ""


class Archive(ActionInput):
    reason: Annotated[Text(_("存档理由"), max_length=2000, description="Shown to the report's authors."), Page(rows=3)]


LevelCode = Choice(_("报送层级"), Level)


class Report(ActionInput):
    levels: Annotated[
        list[LevelCode],
        Field(min_length=1, max_length=3, description="One or more of city, province, national; each once."),
        Label(_("报送层级"), True),
    ]


class Adoption(ActionInput):
    level: Annotated[Choice(_("采用层级"), Level), Page(radio=True)]
    date: Annotated[Date(_("采用日期"), required=True), Page(attrs={"type": "date"})]
    publication: Annotated[
        Text(_("采用刊物"), max_length=200, description="The publication it appeared in, e.g. 社情民意专报."),
        Page(max_length=200),
    ]


class Instruction(ActionInput):
    level: Annotated[Choice(_("领导层级"), LeaderLevel), Page(radio=True)]
    leader: Annotated[Text(_("批示领导"), max_length=100), Page(max_length=100)]
    date: Annotated[Date(_("批示日期"), required=True), Page(attrs={"type": "date"})]
    text: Annotated[Text(_("批示内容"), max_length=5000), Page(rows=4)]
