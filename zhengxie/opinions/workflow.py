"""The opinion-report workflow, declared on the engine (``core.workflow``): each action once, with its label, the
states it starts from and moves to, who may take it, its conditions, its input schema (``inputs.py``) and whether it
asks for confirmation. Handlers are attached in ``actions.py``; the pages' buttons, the API's ``allowed_actions``
and its documented bodies read these declarations.

``draft`` → ``submitted`` → ``editing`` (an editor, 信息员, edits; every version kept) → ``signed_off`` (签发, a
leader) → ``reported`` (报送 to one or more levels); or ``archived`` (存档不用) with a reason the authors see.
Co-authors are invited in the draft and confirm (or decline) until the report is signed off; the confirmed ones are
its authors for the duty records.
"""

from django.utils.translation import gettext_lazy as _

from zhengxie.core.access import roles_of
from zhengxie.core.roles import Role
from zhengxie.core.workflow import SYSTEM, Due, Workflow, condition

from . import inputs as i
from .choices import ReportState as S

AUTHOR = "author"  # filed the report (the lead member, a collective's contact, or staff)
INVITED = "invited_coauthor"  # invited to write it jointly and has not answered
EDITOR = "editor"  # 信息员
LEADER = "leader"
STAFF = "staff"  # the secretariat (editors included): reports upward, records adoptions and instructions


class _Reads:
    """Whether a person is an invited co-author is read by the selectors (a layer above these declarations); the
    app hands the reader in when it is ready."""

    invited = None
    unreported_levels = None
    unadopted_levels = None


reads = _Reads()


def relations_to_report(report, user) -> frozenset[str]:
    if user is None:
        return frozenset({SYSTEM})
    if not user.is_authenticated:
        return frozenset()
    roles = roles_of(user)
    rel = set()
    if report.author_id == user.pk:
        rel.add(AUTHOR)
    if Role.OPINION_EDITOR in roles:
        rel.update((EDITOR, STAFF))
    if Role.SECRETARIAT in roles:
        rel.add(STAFF)
    if Role.LEADER in roles:
        rel.add(LEADER)
    if Role.MEMBER in roles and report.state in INVITING and reads.invited(report, user):
        rel.add(INVITED)
    return frozenset(rel)


INVITING = frozenset({S.DRAFT, S.SUBMITTED, S.EDITING})
IN_EDITING = [S.SUBMITTED, S.EDITING]


@condition
def _has_unreported_level(r, u, now):
    return None if r.state == S.SIGNED_OFF or reads.unreported_levels(r) else _("已报送到全部层级。")


@condition
def _has_unadopted_level(r, u, now):
    return None if reads.unadopted_levels(r) else _("已报送的层级均已记录采用。")


def _signed_off(r, data):
    return _("已签发：%(n)s") % {"n": r.number}


def _submitted(r, data):
    return _("已提交，编号 %(n)s") % {"n": r.number}


OPINION = Workflow("opinion", relations=relations_to_report)
act = OPINION.action

act(
    "submit",
    _("提交"),
    done=_submitted,
    sources=[S.DRAFT],
    targets=[S.SUBMITTED],
    who=[AUTHOR],
    confirm=_("提交后由信息员编辑，不能再修改。确定提交？"),
    due=Due(_("完善并提交社情民意信息"), todo=_("提交社情民意信息")),
)
act(
    "confirm_coauthor",
    _("确认联名"),
    done=_("已确认联名"),
    sources=INVITING,
    who=[INVITED],
    due=Due(_("确认是否联名"), todo=_("确认联名社情民意")),
)
act(
    "decline_coauthor",
    _("谢绝联名"),
    done=_("已谢绝联名"),
    sources=INVITING,
    who=[INVITED],
    style="secondary",
)
act(
    "edit",
    _("编辑"),
    done=_("已保存修改，原文与修改稿均已保留"),
    sources=IN_EDITING,
    targets=[S.EDITING],
    who=[EDITOR],
    schema=i.Edit,
    example={"title": "关于加强老旧小区加装电梯的建议", "content": "正文", "suggestions": "建议", "note": ""},
    due=Due(_("编辑社情民意信息"), todo=_("编辑社情民意")),
)
act(
    "sign_off",
    _("签发"),
    done=_signed_off,
    sources=IN_EDITING,
    targets=[S.SIGNED_OFF],
    who=[LEADER],
    confirm=_("签发后即可报送上级。确定签发？"),
    due=Due(_("签发社情民意信息"), todo=_("签发社情民意")),
)
act(
    "archive",
    _("存档不用"),
    done=_("已存档，作者将看到理由"),
    sources=[S.SUBMITTED, S.EDITING, S.SIGNED_OFF],
    targets=[S.ARCHIVED],
    who=[EDITOR, LEADER],
    schema=i.Archive,
    confirm=_("存档后不再编辑和报送。确定存档？"),
    style="danger",
    example={"reason": "内容已有同类信息报送"},
)
act(
    "report",
    _("报送"),
    done=_("已报送"),
    sources=[S.SIGNED_OFF, S.REPORTED],
    targets=[S.REPORTED],
    who=[STAFF],
    conditions=[_has_unreported_level],
    schema=i.Report,
    example={"levels": ["city", "province"]},
    due=Due(_("报送上级政协"), todo=_("报送社情民意")),
)
act(
    "record_adoption",
    _("记录采用"),
    done=_("已记录采用"),
    sources=[S.REPORTED],
    who=[STAFF],
    conditions=[_has_unadopted_level],
    schema=i.Adoption,
    style="secondary",
    example={"level": "city", "date": "2026-05-12", "publication": "南昌政协社情民意专报第12期"},
)
act(
    "record_instruction",
    _("记录批示"),
    done=_("已记录领导批示"),
    sources=[S.SIGNED_OFF, S.REPORTED],
    who=[STAFF],
    schema=i.Instruction,
    style="secondary",
    example={"level": "city", "leader": "市委副书记", "date": "2026-06-01", "text": "请市民政局研究落实。"},
)
# A proposal the office converts (转为意见建议) comes in as a submitted report (services.opinion_arrive_from_proposal).
OPINION.arrival("from_proposal", _("由提案转来"), targets=[S.SUBMITTED])
OPINION.event("adoption", _("采用"))
del act


def allowed_report_actions(report, user) -> list[str]:
    return OPINION.allowed(report, user)
