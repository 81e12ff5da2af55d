"""How the audit page words the values of proposal rows that only this app can read: units with their ways of
handling (``"12:lead"`` → 区住建局（主办）), a co-signer's answer (``"张委员:confirmed"`` → 张委员：已联名) and a
supervision activity (its form and date). Registered with the audit trail when Django starts
(``ProposalsConfig.ready``)."""

from django.utils.translation import gettext_lazy

from zhengxie.audit.labels import register_words
from zhengxie.people.models import HandlingUnit

from .choices import AssignmentRole, CosignState
from .conf import grade_label, rejection_ground_label
from .models import SupervisionActivity


def _words(choices, code: str) -> str:
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def unit_roles(value, memo) -> str:
    """``["12:lead", "13:co"]``: the units assigned and how each handles the proposal."""
    if not isinstance(value, list):
        return "—" if value is None else str(value)
    pairs = [str(v).partition(":")[::2] for v in value]
    names = memo("proposals:units", lambda: dict(HandlingUnit.objects.values_list("pk", "name")))
    return "、".join(
        f"{names.get(int(unit), unit) if unit.isdigit() else unit}（{_words(AssignmentRole, role)}）"
        for unit, role in pairs
    )


def cosigner(value, memo) -> str:
    if value is None:
        return "—"
    name, _sep, state = str(value).rpartition(":")
    return f"{name}：{_words(CosignState, state)}" if name else str(value)


def supervision(value, memo) -> str:
    activity = SupervisionActivity.objects.filter(pk=value).first() if isinstance(value, int) else None
    if activity is None:
        return "—"
    return f"{activity.get_kind_display()} {activity.date:%Y-%m-%d}"  # one row per visit: rare, read one by one


def _conf_words(label_of):
    """Words for a code of the configurable lists (reply grades, grounds of rejection)."""

    def words(value, memo) -> str:
        return "—" if value in (None, "") else label_of(str(value))

    return words


def register() -> None:
    register_words("proposals.proposal", "assignments", unit_roles)
    register_words("proposals.assignment", "reassigned_to", unit_roles)
    register_words("proposals.proposal", "cosigner", cosigner)
    register_words("proposals.proposal", "supervision", supervision, label=gettext_lazy("督办活动"))
    register_words("proposals.proposal", "rejection_ground", _conf_words(rejection_ground_label))
    register_words("proposals.reply", "grade", _conf_words(grade_label))
    register_words("proposals.assignment", "grade", _conf_words(grade_label), label=gettext_lazy("答复类别"))
