"""How the audit page words the values only this app writes: a topic added to the plan, the findings created, an
activity linked, a scheme file. Registered with the audit trail when Django starts (``SupervisionConfig.ready``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.audit.labels import register_words

from .choices import SupervisionForm


def _form(code) -> str:
    try:
        return str(SupervisionForm(code).label)
    except ValueError:
        return str(code)


def topic(value, memo) -> str:
    if not isinstance(value, dict):
        return "—" if value is None else str(value)
    return _("%(t)s（%(f)s）") % {"t": value.get("title", ""), "f": _form(value.get("form"))}


def findings(value, memo) -> str:
    if not isinstance(value, dict):
        return "—" if value is None else str(value)
    return _("%(t)s，建议 %(n)s 条") % {"t": value.get("title", ""), "n": value.get("recommendations", 0)}


def titled(value, memo) -> str:
    if not isinstance(value, dict):
        return "—" if value is None else str(value)
    return str(value.get("title") or value.get("name") or "—")


def register() -> None:
    register_words("supervision.supervisionplan", "topic", topic, label=gettext_lazy("监督议题"))
    register_words("supervision.supervisiontopic", "findings", findings, label=gettext_lazy("监督意见"))
    register_words("supervision.supervisiontopic", "activity", titled, label=gettext_lazy("活动"))
    register_words("supervision.supervisiontopic", "scheme_file", titled, label=gettext_lazy("实施方案附件"))
