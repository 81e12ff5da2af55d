"""The statistics' filters a proposal list was opened with, in words: the banner above the list says what the
figure counted ("满意度：满意", "界别：经济界"), never the codes and ids of its address (``satisfaction=satisfied``,
``sector=18``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengxie.people.models import CollectiveProposer, Member, Party, Sector, Session, Term

from .choices import Satisfaction
from .conf import grade_label

LABELS = {
    "session": gettext_lazy("会议"),
    "term": gettext_lazy("届次"),
    "received": gettext_lazy("范围"),
    "registered": gettext_lazy("范围"),
    "proposer_type": gettext_lazy("提案者"),
    "collective": gettext_lazy("集体提案者"),
    "sector": gettext_lazy("界别"),
    "party": gettext_lazy("党派"),
    "filing": gettext_lazy("提交方式"),
    "grade": gettext_lazy("答复类别"),
    "satisfaction": gettext_lazy("满意度"),
    "handling": gettext_lazy("办理情况"),
    "excellent": gettext_lazy("优秀提案"),
    "proposer": gettext_lazy("提案人"),
}
WORDS = {
    "received": {"1": gettext_lazy("已收到的提案")},
    "registered": {"1": gettext_lazy("已立案的提案")},
    "proposer_type": {
        "individual": gettext_lazy("委员个人提案"),
        "joint": gettext_lazy("委员联名提案"),
        "collective": gettext_lazy("集体提案"),
        "member": gettext_lazy("委员提案（个人和联名）"),
    },
    "filing": {"session": gettext_lazy("大会提案"), "ordinary": gettext_lazy("平时提案")},
    "handling": {
        "owes": gettext_lazy("应答复"),
        "replied": gettext_lazy("已答复"),
        "on_time": gettext_lazy("按期答复"),
        "overdue": gettext_lazy("当前逾期"),
    },
    "excellent": {"1": gettext_lazy("是")},
}
# Filters that name a record by its id: the record's name.
RECORDS = {
    "session": Session,
    "term": Term,
    "collective": CollectiveProposer,
    "sector": Sector,
    "party": Party,
    "proposer": Member,
}


def _session_name(session: Session) -> str:
    return f"{session.term.name}{session.name}"


def _record_name(key: str, value: str) -> str | None:
    if not value.isdigit() or len(value) > 18:
        return None
    model = RECORDS[key]
    qs = model.objects.select_related("term") if model is Session else model.objects
    record = qs.filter(pk=int(value)).first()
    if record is None:
        return None
    return _session_name(record) if model is Session else str(getattr(record, "name", record))


def _words(key: str, value: str) -> str:
    if key in RECORDS:
        name = _record_name(key, value)
    elif key == "satisfaction":
        name = str(Satisfaction(value).label) if value in Satisfaction.values else None
    elif key == "grade":
        name = grade_label(value)
        name = None if name == value else name
    else:
        name = WORDS.get(key, {}).get(value if value not in ("true", "on") else "1")
        name = str(name) if name is not None else None
    # A value no figure links with (typed into the address) finds nothing: say so rather than repeat the code.
    return name if name is not None else _("（无效的条件）")


def report_filter_words(filters: dict, keys) -> list[tuple[str, str]]:
    """``[(what, words)]`` for each of ``keys`` set in ``filters``, in that order."""
    return [(str(LABELS[key]), _words(key, str(filters[key]))) for key in keys if filters.get(key)]
