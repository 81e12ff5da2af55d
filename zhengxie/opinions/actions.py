"""The handlers of the opinion-report workflow (declared in ``workflow.py``). ``report_act`` is the one entry point:
the engine locks the report (404 for what the person may not see), checks who (403), the state and conditions
(409), validates the input (422), runs the handler, and writes the audit row, all in one transaction. Handlers write
an event for the report's progress, tell the authors (notifications, written in the transaction, emailed after
commit) and queue the duty records once the transaction commits (``duty_events``)."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.exceptions import InvalidInput, NotVisible, StateConflict
from zhengxie.core.roles import Role
from zhengxie.core.workflow import Context
from zhengxie.notifications.services import notify

from . import tasks as duty_events
from . import workflow as wf
from .choices import CoAuthorState, LeaderLevel, Level, ProposerKind, ReportState
from .models import (
    ADOPTED_FLAGS,
    CoAuthor,
    Instruction,
    OpinionEvent,
    OpinionReport,
    OpinionVersion,
    ReportCounter,
    ReportLevel,
)
from .search_index import report_indexed_on_commit
from .selectors import author_users, visible_reports

S = ReportState


class Ctx(Context):
    """A report action's context: ``report`` (locked), ``log`` for the report's progress."""

    def __init__(self, *, workflow, action, obj, actor, data, now):
        super().__init__(workflow=workflow, action=action, obj=obj, actor=actor, data=data, now=now)
        self.report = obj

    def move(self, target: str, *, note: str = "") -> str:
        old = super().move(target)
        self.log(note=note, from_state=old, to_state=target)
        return old

    def log(self, *, note: str = "", from_state: str = "", to_state: str = "", action: str | None = None) -> None:
        OpinionEvent.objects.create(
            report=self.report,
            at=self.now,
            actor=self.actor if getattr(self.actor, "is_authenticated", False) else None,
            actor_label=actor_label(self.actor),
            action=action or self.action,
            from_state=from_state,
            to_state=to_state,
            note=note,
        )


def actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("系统")
    return str(actor)[:150]


def lock_visible_report(report_id: int, actor) -> OpinionReport:
    if actor is not None and not visible_reports(actor).filter(pk=report_id).exists():
        raise NotVisible(_("社情民意信息不存在或您无权查看。"))
    report = OpinionReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotVisible(_("社情民意信息不存在或您无权查看。"))
    return report


def _after(ctx: Ctx) -> None:
    report_indexed_on_commit(ctx.report.pk)


wf.OPINION.configure(lock=lock_visible_report, audit=audit_record, context=Ctx, after=_after)


def report_act(*, report_id: int, action: str, actor, payload: dict | None = None, now=None) -> OpinionReport:
    """Take one action on a report (see ``workflow.py`` for what each does and who may); ``now`` for the demo's
    past year."""
    if action not in wf.OPINION:
        raise NotVisible(_("没有这个操作：%(a)s") % {"a": action})
    return wf.OPINION.perform(pk=report_id, action=action, actor=actor, payload=payload, now=now)


# Who to tell ---------------------------------------------------------------------------------------------------


def users_with_role(role: str):
    return list(get_user_model().objects.filter(role_grants__role=role, is_active=True).distinct())


def report_url(report) -> str:
    return f"/opinions/{report.pk}/"


def tell(users, report, kind: str, title: str, body: str = "") -> None:
    notify(recipients=users, kind=f"opinion.{kind}", title=title, body=body, url=report_url(report))


# Numbers -------------------------------------------------------------------------------------------------------


def give_number(report: OpinionReport, year: int) -> None:
    """The next number of the year, from the year's counter row locked for the rest of the transaction."""
    counter, _created = ReportCounter.objects.select_for_update().get_or_create(year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    report.year, report.seq = year, counter.last_seq
    report.number = f"{year}-{counter.last_seq:04d}"


def keep_version(report: OpinionReport, *, actor, at, note: str = "") -> OpinionVersion:
    last = report.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return OpinionVersion.objects.create(
        report=report,
        number=last + 1,
        title=report.title,
        content=report.content,
        suggestions=report.suggestions,
        by=actor if getattr(actor, "is_authenticated", False) else None,
        by_label=actor_label(actor),
        at=at,
        note=note[:200],
    )


# Handlers ------------------------------------------------------------------------------------------------------


def content_errors(report) -> dict:
    errors = {}
    if not report.title.strip():
        errors["title"] = _("请填写标题。")
    if not report.content.strip():
        errors["content"] = _("请填写内容。")
    if report.category_id is None:
        errors["category"] = _("请选择类别。")
    if report.proposer_kind == ProposerKind.MEMBER and report.lead_member_id is None:
        errors["lead_member"] = _("委员报送须有第一作者。")
    if report.proposer_kind == ProposerKind.COLLECTIVE and report.collective_id is None:
        errors["collective"] = _("请选择集体报送者。")
    return errors


@wf.OPINION.handler("submit")
def _submit(ctx: Ctx) -> None:
    r = ctx.report
    errors = content_errors(r)
    if errors:
        raise InvalidInput(_("社情民意信息不完整：") + "；".join(str(v) for v in errors.values()), errors)
    give_number(r, ctx.today.year)
    r.submitted_at = ctx.now
    r.lead_sector_id = r.lead_member.sector_id if r.lead_member_id else None
    r.share_count = 1 + r.coauthors.exclude(state=CoAuthorState.DECLINED).count() if r.lead_member_id else 1
    r.save(update_fields=["year", "seq", "number", "submitted_at", "lead_sector", "share_count", "updated_at"])
    keep_version(r, actor=ctx.actor, at=ctx.now, note=_("提交稿"))
    ctx.changes["number"] = [None, r.number]
    ctx.move(S.SUBMITTED)
    tell(users_with_role(Role.OPINION_EDITOR), r, "submitted", _("新社情民意信息待编辑：%(t)s") % {"t": r.title})
    invited = [c.member.user for c in r.coauthors.filter(state=CoAuthorState.INVITED).select_related("member__user")]
    tell([u for u in invited if u], r, "coauthor_invitation", _("请确认是否联名社情民意信息：%(t)s") % {"t": r.title})
    duty_events.submitted_on_commit(r.pk)


def _answer(ctx: Ctx, state: str) -> CoAuthor:
    row = ctx.report.coauthors.select_for_update().get(member__user=ctx.actor, state=CoAuthorState.INVITED)
    row.state, row.answered_at = state, ctx.now
    row.save(update_fields=["state", "answered_at"])
    ctx.changes["coauthor"] = [None, f"{row.member}:{state}"]
    ctx.log(note=str(row.member))
    return row


@wf.OPINION.handler("confirm_coauthor")
def _confirm_coauthor(ctx: Ctx) -> None:
    _answer(ctx, CoAuthorState.CONFIRMED)
    if ctx.report.state != S.DRAFT:  # a confirmation after submission is a submission of theirs too
        duty_events.submitted_on_commit(ctx.report.pk)
    tell(
        [ctx.report.author],
        ctx.report,
        "coauthor_confirmed",
        _("%(m)s已确认联名：%(t)s") % {"m": actor_label(ctx.actor), "t": ctx.report.title},
    )


@wf.OPINION.handler("decline_coauthor")
def _decline_coauthor(ctx: Ctx) -> None:
    _answer(ctx, CoAuthorState.DECLINED)
    tell(
        [ctx.report.author],
        ctx.report,
        "coauthor_declined",
        _("%(m)s谢绝联名：%(t)s") % {"m": actor_label(ctx.actor), "t": ctx.report.title},
    )


@wf.OPINION.handler("edit")
def _edit(ctx: Ctx) -> None:
    r, d = ctx.report, ctx.data
    before = {"title": r.title, "content": r.content, "suggestions": r.suggestions}
    after = {"title": d.title, "content": d.content, "suggestions": d.suggestions}
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changed and r.state == S.EDITING:
        raise StateConflict(_("内容没有变化，未保存新版本。"))
    r.title, r.content, r.suggestions = d.title, d.content, d.suggestions
    r.save(update_fields=["title", "content", "suggestions", "updated_at"])
    if changed:
        version = keep_version(r, actor=ctx.actor, at=ctx.now, note=d.note)
        ctx.changes["version"] = [version.number - 1, version.number]
    ctx.changes.update({k: v for k, v in changed.items() if k == "title"})
    if r.state == S.SUBMITTED:
        ctx.move(S.EDITING, note=d.note)
    else:
        ctx.log(note=d.note)
    if changed:
        tell(author_users(r), r, "edited", _("信息员编辑了您的社情民意信息：%(t)s") % {"t": r.title}, d.note)
    tell(users_with_role(Role.LEADER), r, "to_sign_off", _("社情民意信息待签发：%(t)s") % {"t": r.title})


@wf.OPINION.handler("sign_off")
def _sign_off(ctx: Ctx) -> None:
    r = ctx.report
    r.signed_off_at, r.signed_off_by = ctx.now, ctx.actor
    r.save(update_fields=["signed_off_at", "signed_off_by", "updated_at"])
    # Invitations not answered by now lapse: the authors of what goes upward are settled.
    lapsed = r.coauthors.filter(state=CoAuthorState.INVITED).update(state=CoAuthorState.LAPSED)
    if lapsed:
        ctx.changes["lapsed_invitations"] = [None, lapsed]
    ctx.move(S.SIGNED_OFF)
    tell(author_users(r), r, "signed_off", _("您的社情民意信息已签发：%(t)s") % {"t": r.title})
    staff = users_with_role(Role.SECRETARIAT) + users_with_role(Role.OPINION_EDITOR)
    tell(staff, r, "to_report", _("社情民意信息已签发，待报送：%(t)s") % {"t": r.title})


@wf.OPINION.handler("archive")
def _archive(ctx: Ctx) -> None:
    r = ctx.report
    r.archived_at, r.archive_reason = ctx.now, ctx.data.reason
    r.save(update_fields=["archived_at", "archive_reason", "updated_at"])
    r.coauthors.filter(state=CoAuthorState.INVITED).update(state=CoAuthorState.LAPSED)
    ctx.changes["archive_reason"] = [None, ctx.data.reason]
    ctx.move(S.ARCHIVED, note=ctx.data.reason)
    tell(author_users(r), r, "archived", _("您的社情民意信息未被采用，已存档：%(t)s") % {"t": r.title}, ctx.data.reason)


@wf.OPINION.handler("report")
def _report(ctx: Ctx) -> None:
    r = ctx.report
    levels = list(dict.fromkeys(ctx.data.levels))
    if len(levels) != len(ctx.data.levels):
        raise InvalidInput(_("报送层级重复。"), {"levels": _("重复")})
    done = set(r.levels.values_list("level", flat=True))
    again = [code for code in levels if code in done]
    if again:
        words = "、".join(str(Level(code).label) for code in again)
        raise InvalidInput(_("已报送过：%(l)s。") % {"l": words}, {"levels": _("已报送")})
    ReportLevel.objects.bulk_create(
        [
            ReportLevel(report=r, level=code, year=ctx.today.year, reported_on=ctx.today, reported_by=ctx.actor)
            for code in levels
        ]
    )
    words = "、".join(str(Level(code).label) for code in levels)
    ctx.changes["levels"] = [sorted(done), sorted(done | set(levels))]
    if r.reported_at is None:
        r.reported_at = ctx.now
        r.save(update_fields=["reported_at", "updated_at"])
    if r.state == S.SIGNED_OFF:
        ctx.move(S.REPORTED, note=words)
    else:
        ctx.log(note=words)
    tell(author_users(r), r, "reported", _("您的社情民意信息已报送%(l)s：%(t)s") % {"l": words, "t": r.title})


@wf.OPINION.handler("record_adoption")
def _record_adoption(ctx: Ctx) -> None:
    r, d = ctx.report, ctx.data
    row = r.levels.select_for_update().filter(level=d.level).first()
    if row is None:
        raise InvalidInput(_("尚未报送%(l)s。") % {"l": Level(d.level).label}, {"level": _("尚未报送")})
    if row.adopted_on is not None:
        raise StateConflict(_("%(l)s的采用已记录。") % {"l": Level(d.level).label})
    if d.date < row.reported_on:
        raise InvalidInput(_("采用日期不能早于报送日期。"), {"date": _("早于报送日期")})
    row.adopted_on, row.publication, row.adoption_recorded_by = d.date, d.publication, ctx.actor
    row.save(update_fields=["adopted_on", "publication", "adoption_recorded_by"])
    flag = ADOPTED_FLAGS[d.level]
    setattr(r, flag, True)
    r.save(update_fields=[flag, "updated_at"])
    ctx.changes["adoption"] = [None, {"level": d.level, "date": d.date.isoformat(), "publication": d.publication}]
    words = str(Level(d.level).label)
    ctx.log(note=f"{words} · {d.publication}")
    tell(
        author_users(r),
        r,
        "adopted",
        _("您的社情民意信息被%(l)s采用：%(t)s") % {"l": words, "t": r.title},
        d.publication,
    )
    duty_events.adopted_on_commit(row.pk)


@wf.OPINION.handler("record_instruction")
def _record_instruction(ctx: Ctx) -> None:
    r, d = ctx.report, ctx.data
    if d.date > ctx.today:
        raise InvalidInput(_("批示日期不能晚于今天。"), {"date": _("晚于今天")})
    row = Instruction.objects.create(
        report=r,
        level=d.level,
        leader=d.leader,
        date=d.date,
        text=d.text,
        year=d.date.year,
        recorded_by=ctx.actor,
        recorded_at=ctx.now,
    )
    ctx.changes["instruction"] = [None, {"level": d.level, "leader": d.leader, "date": d.date.isoformat()}]
    ctx.log(note=f"{LeaderLevel(d.level).label} {d.leader}")
    tell(
        author_users(r),
        r,
        "instruction",
        _("您的社情民意信息获%(w)s批示：%(t)s") % {"w": d.leader, "t": r.title},
        d.text,
    )
    duty_events.instruction_on_commit(row.pk)
