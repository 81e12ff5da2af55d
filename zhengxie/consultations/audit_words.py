"""How the audit page words the values of consultation rows that are no field of the model: a plan's items, its
recorded steps and amendments, a consultation's research group, visits, notice and outcome documents. Registered
with the audit trail when Django starts (``ConsultationsConfig.ready``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.audit.labels import register_words

from .choices import Form

PLAN, CONSULTATION = "consultations.consultationplan", "consultations.consultation"


def _item(value, memo) -> str:
    if not isinstance(value, dict):
        return "—"
    form = value.get("form")
    form = str(Form(form).label) if form in Form.values else ""
    return _("%(t)s（%(f)s，%(m)s月）") % {"t": value.get("topic", ""), "f": form, "m": value.get("planned_month", "")}


def _step(value, memo) -> str:
    if not isinstance(value, dict):
        return "—"
    number = value.get("document_number") or ""
    return " ".join(part for part in (value.get("date", ""), value.get("body", ""), number) if part)


def _amendment(value, memo) -> str:
    if not isinstance(value, dict):
        return "—"
    return _("第%(v)s版：%(r)s") % {"v": value.get("version", ""), "r": value.get("reason", "")}


def _group(value, memo) -> str:
    if not isinstance(value, dict):
        return "—"
    return (
        _("委员（编号 %(n)s）") % {"n": value["member"]}
        if "member" in value
        else _("工作人员（编号 %(n)s）") % {"n": value.get("user", "")}
    )


def _titled(value, memo) -> str:
    if not isinstance(value, dict):
        return "—" if value in (None, "") else str(value)
    return str(value.get("title", ""))


def register() -> None:
    register_words(PLAN, "items", _item, label=gettext_lazy("计划项目"))
    register_words(PLAN, "step", _step, label=gettext_lazy("审批记录"))
    register_words(PLAN, "amendment", _amendment, label=gettext_lazy("修订版本"))
    register_words(CONSULTATION, "group", _group, label=gettext_lazy("调研组"))
    register_words(CONSULTATION, "visit", _titled, label=gettext_lazy("调研活动"))
    register_words(CONSULTATION, "notice", _titled, label=gettext_lazy("会议通知"))
    register_words(CONSULTATION, "outcome", _titled, label=gettext_lazy("成果文件"))
