"""How the audit page words the values of study and training rows: a plan item, a course, an attendee's hours.
Registered with the audit trail when Django starts (``TrainingConfig.ready``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.audit.labels import register_words
from zhengxie.people.models import Member

from .models import ItemKind


def _kind(code) -> str:
    try:
        return str(ItemKind(code).label)
    except ValueError:
        return str(code)


def plan_item(value, memo) -> str:
    if not isinstance(value, dict):
        return "—" if value is None else _("已安排活动（编号 %(n)s）") % {"n": value}
    words = str(value.get("title", ""))
    if "kind" in value:
        words += _("（%(k)s，计划 %(h)s 学时）") % {"k": _kind(value["kind"]), "h": value.get("planned_hours", "0")}
    if value.get("activity"):
        words += _("，已安排活动（编号 %(n)s）") % {"n": value["activity"]}
    return words


def course(value, memo) -> str:
    if not isinstance(value, dict):
        return "—"
    return _("%(t)s（%(p)s，%(h)s 学时）") % {
        "t": value.get("title"),
        "p": value.get("teacher"),
        "h": value.get("hours"),
    }


def attendee_hours(value, memo) -> str:
    if not isinstance(value, dict):
        return "—"
    names = memo("training:members", lambda: dict(Member.objects.values_list("pk", "name")))
    return _("%(m)s：%(h)s 学时") % {"m": names.get(value.get("member"), value.get("member")), "h": value.get("hours")}


def register() -> None:
    register_words("training.trainingplan", "item", plan_item, label=gettext_lazy("计划项目"))
    register_words("training.trainingclass", "course", course, label=gettext_lazy("课程"))
    register_words("training.trainingclass", "attendee_hours", attendee_hours, label=gettext_lazy("实际学时"))
