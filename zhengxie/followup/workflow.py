"""The outcome-document and recommendation workflows, declared on the engine (``core.workflow``). Handlers are
attached in ``actions.py``; the services, the pages' buttons and forms, the API's ``allowed_actions`` and its
documented bodies read these declarations.

Who may act is a relation of the person to the object: the document's managers (the secretariat; for a key
proposal's supervision also the proposal office and the overseers) and the staff (leaders included) of the
recommendation's own department."""

from django.utils.translation import gettext_lazy as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.workflow import SYSTEM, Due, Workflow
from zhengxie.people.principal import units_of

from . import inputs as i
from .choices import ANSWERS, DocumentState, RecommendationState, Source

R = RecommendationState

MANAGER = "manager"  # manages the outcome documents of the object's source
LEADER = "leader"
UNIT = "unit"  # staff (leaders included) of the recommendation's department


def may_manage(user, source: str) -> bool:
    """Whether the person manages outcome documents of this source: the secretariat; a key proposal's supervision
    also the proposal office and the overseers (they run the key proposals)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = roles_of(user)
    if Role.SECRETARIAT in roles:
        return True
    return source == Source.KEY_PROPOSAL and bool(roles & {Role.PROPOSAL_OFFICE, Role.OVERSEER})


def relations_to_document(document, user) -> frozenset[str]:
    if user is None:
        return frozenset({SYSTEM})
    if not user.is_authenticated:
        return frozenset()
    rel = set()
    if may_manage(user, document.source):
        rel.add(MANAGER)
    if Role.LEADER in roles_of(user):
        rel.add(LEADER)
    return frozenset(rel)


def relations_to_recommendation(recommendation, user) -> frozenset[str]:
    if user is None:
        return frozenset({SYSTEM})
    if not user.is_authenticated:
        return frozenset()
    rel = set()
    if may_manage(user, recommendation.source):
        rel.add(MANAGER)
    if Role.LEADER in roles_of(user):
        rel.add(LEADER)
    if recommendation.unit_id in units_of(user):
        rel.add(UNIT)
    return frozenset(rel)


def _sent(d, data):
    return _("已报送%(t)s") % {"t": d.sent_to}


def _answered(r, data):
    return _("已答复：%(s)s") % {"s": r.get_state_display()}


def _progress_updated(r, data):
    if r.state == R.DONE:
        return _("已落实，进度 100%")
    return _("已更新落实进度：%(p)s%%") % {"p": r.percent}


DOCUMENT = Workflow("outcome_document", relations=relations_to_document)
DOCUMENT.action(
    "send",
    _("报送"),
    sources=[DocumentState.DRAFT],
    targets=[DocumentState.SENT],
    who=[MANAGER],
    schema=i.Send,
    confirm=_("报送后不能撤回。确定已报送区委、区政府？"),
    example={"sent_to": "区委、区政府", "date": "2026-03-20"},
    due=Due(_("报送成果文件"), todo=_("待报送")),
    done=_sent,
)
DOCUMENT.action(
    "record_instruction",
    _("录入批示"),
    sources=[DocumentState.SENT],
    who=[MANAGER],
    schema=i.RecordInstruction,
    style="secondary",
    example={"leader": "区委书记 王某", "level": "main", "date": "2026-03-25", "text": "请有关部门认真研究落实。"},
    done=_("已录入%(leader)s的批示"),
)
DOCUMENT.event("create", _("起草成果文件"))
DOCUMENT.event("add_recommendation", _("新增建议"))

RECOMMENDATION = Workflow("recommendation", relations=relations_to_recommendation)
RECOMMENDATION.action(
    "answer",
    _("答复采纳情况"),
    sources=[R.NOT_ANSWERED],
    targets=list(ANSWERS),
    who=[UNIT],
    schema=i.Answer,
    example={"status": "adopted", "note": "已研究采纳，纳入年度工作计划。"},
    due=Due(_("答复建议采纳情况"), todo=_("待答复")),
    done=_answered,
)
RECOMMENDATION.action(
    "update_progress",
    _("更新落实进度"),
    sources=[R.PARTLY_ADOPTED, R.ADOPTED, R.IN_PROGRESS],
    targets=[R.IN_PROGRESS, R.DONE],
    who=[UNIT],
    schema=i.UpdateProgress,
    example={"percent": 60, "note": "已完成选址和方案设计。"},
    due=Due(_("更新建议落实进度"), todo=_("待落实")),
    done=_progress_updated,
)
RECOMMENDATION.event("create", _("提出建议"))
RECOMMENDATION.event("add_evidence", _("上传佐证材料"))
