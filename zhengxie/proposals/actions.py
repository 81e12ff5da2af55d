"""Every change to a proposal goes through ``proposal_act`` or ``assignment_act``: they lock the proposal, check
visibility (404), who may act (403), the state and the table's conditions (409), then run the action's handler,
which validates its input (422) before writing. Each action writes a timeline entry and an audit row in the same
transaction; notifications are written there too and emailed after commit; duty events go to the ledger."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.accounts.models import RoleGrant
from zhengxie.audit.services import audit_record
from zhengxie.core.exceptions import InvalidInput, NotVisible
from zhengxie.core.roles import Role
from zhengxie.core.workflow import Context, NoInput
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.services import duty_record_event
from zhengxie.followup import services as followup
from zhengxie.followup.choices import DocumentKind
from zhengxie.followup.choices import Source as FollowupSource
from zhengxie.notifications.services import notify
from zhengxie.opinions.services import opinion_arrive_from_proposal
from zhengxie.people.models import HandlingUnit, Session, UnitStaff
from zhengxie.workdays.services import add_months, add_working_days, working_days_between

from . import statistics
from . import workflow as wf
from .choices import (
    AssignmentRole,
    AssignmentState,
    ContactWay,
    ConvertKind,
    CosignState,
    ExcellentState,
    ExtensionState,
    KeyState,
    ProposalState,
    ReplyState,
    Satisfaction,
    SupervisionKind,
)
from .conf import conf, grade_codes, rejection_ground_label
from .models import (
    Assignment,
    Attachment,
    Contact,
    Evaluation,
    ExtensionRequest,
    Proposal,
    Reply,
    SupervisionActivity,
    TimelineEntry,
    YearCounter,
)
from .search_index import proposal_indexed_on_commit
from .selectors import current_replies, evaluations_outstanding, replies_awaiting_evaluation, visible_proposals

P = ProposalState
A = AssignmentState


class Ctx(Context):
    """A proposal action's context: ``proposal`` (locked), and for an assignment action the locked ``assignment``."""

    def __init__(self, *, workflow, action, obj, actor, data, now):
        super().__init__(workflow=workflow, action=action, obj=obj, actor=actor, data=data, now=now)
        if workflow is wf.ASSIGNMENT:
            self.assignment, self.proposal = obj, obj.proposal
        else:
            self.assignment, self.proposal = None, obj

    def move(self, target: str, *, note: str = "", internal: bool = False) -> None:
        if self.assignment is not None:
            old = wf.ASSIGNMENT.move(self.assignment, self.step, target)
            self.changes["assignment_state"] = [old, target]
        else:
            old = wf.PROPOSAL.move(self.proposal, self.step, target)
            self.changes["state"] = [old, target]
        self.log(note=note, from_state=old, to_state=target, internal=internal)

    def system_move(self, action: str, target: str, note: str = "") -> None:
        old = wf.PROPOSAL.move(self.proposal, action, target)
        self.changes.setdefault("system", []).append([old, target])
        TimelineEntry.objects.create(
            proposal=self.proposal,
            at=self.now,
            actor=None,
            actor_label=_("系统"),
            action=action,
            from_state=old,
            to_state=target,
            note=note,
        )

    def log(
        self,
        *,
        note: str = "",
        from_state: str = "",
        to_state: str = "",
        internal: bool = False,
        action: str | None = None,
    ) -> None:
        TimelineEntry.objects.create(
            proposal=self.proposal,
            assignment=self.assignment,
            at=self.now,
            actor=self.actor if getattr(self.actor, "is_authenticated", False) else None,
            actor_label=_actor_label(self.actor),
            action=action or self.action,
            from_state=from_state,
            to_state=to_state,
            note=note,
            internal=internal,
        )


def _actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("系统")
    return str(actor)[:150]


def handles(name: str):
    """Attaches a handler to the action of that name, in whichever of the two workflows declares it."""
    return (wf.ASSIGNMENT if name in wf.ASSIGNMENT else wf.PROPOSAL).handler(name)


def _lock_visible_proposal(proposal_id: int, actor) -> Proposal:
    if actor is not None and not visible_proposals(actor).filter(pk=proposal_id).exists():
        raise NotVisible(_("提案不存在或您无权查看。"))
    try:
        return Proposal.objects.select_for_update().get(pk=proposal_id)
    except Proposal.DoesNotExist:
        raise NotVisible(_("提案不存在或您无权查看。")) from None


def _lock_assignment(assignment_id: int, actor) -> Assignment:
    """The assignment's proposal is locked first (as every proposal action locks it), then the assignment."""
    proposal_id = Assignment.objects.filter(pk=assignment_id).values_list("proposal_id", flat=True).first()
    if proposal_id is None:
        raise NotVisible(_("交办记录不存在或您无权查看。"))
    proposal = _lock_visible_proposal(proposal_id, actor)
    assignment = Assignment.objects.select_for_update().select_related("unit").get(pk=assignment_id)
    assignment.proposal = proposal
    return assignment


def _audit(**row) -> None:
    audit_record(**row)  # looked up at each call, so the trail's writer can be replaced where needed


def _figures_changed(ctx: Ctx) -> None:
    statistics.record_change(ctx.proposal, ctx.action)
    proposal_indexed_on_commit(ctx.proposal.pk)  # the search index follows once the action commits


wf.PROPOSAL.configure(lock=_lock_visible_proposal, audit=_audit, context=Ctx, after=_figures_changed)
wf.ASSIGNMENT.configure(lock=_lock_assignment, audit=_audit, context=Ctx, after=_figures_changed)


def proposal_act(*, proposal_id: int, action: str, actor, payload: dict | None = None) -> Proposal:
    if action not in wf.PROPOSAL:
        raise NotVisible(_("没有这个操作：%(a)s") % {"a": action})
    return wf.PROPOSAL.perform(pk=proposal_id, action=action, actor=actor, payload=payload)


def assignment_act(*, assignment_id: int, action: str, actor, payload: dict | None = None) -> Assignment:
    if action not in wf.ASSIGNMENT:
        raise NotVisible(_("没有这个操作：%(a)s") % {"a": action})
    return wf.ASSIGNMENT.perform(pk=assignment_id, action=action, actor=actor, payload=payload)


# Who to tell ---------------------------------------------------------------------------------------------------


def office_users():
    return get_user_model().objects.filter(role_grants__role=Role.PROPOSAL_OFFICE, is_active=True)


def leader_users():
    return get_user_model().objects.filter(role_grants__role=Role.LEADER, is_active=True)


def unit_users(unit_id: int, *, leaders_only: bool = False):
    posts = UnitStaff.objects.filter(unit_id=unit_id, user__is_active=True)
    if leaders_only:
        posts = posts.filter(is_leader=True)
    return [p.user for p in posts.select_related("user")]


def proposer_users(proposal) -> list:
    """The author and confirmed co-signers of the proposal and of those merged into it."""
    users = []
    for p in [proposal, *proposal.merged_proposals.all()]:
        users.append(p.author)
        users.extend(
            c.member.user
            for c in p.cosignatures.filter(state=CosignState.CONFIRMED).select_related("member__user")
            if c.member.user_id
        )
    return users


def _url(proposal) -> str:
    return f"/proposals/{proposal.pk}/"


def _tell(users, proposal, kind: str, title: str, body: str = "", dedupe: str | None = None):
    notify(recipients=users, kind=f"proposal.{kind}", title=title, body=body, url=_url(proposal), dedupe_key=dedupe)


# Input helpers -------------------------------------------------------------------------------------------------


def _required_if(value: str, required: bool, key: str, label: str) -> str:
    """A text the schema lets be empty but another answer makes necessary (a reason for a "no")."""
    if required and not value:
        raise InvalidInput(_("请填写%(f)s。") % {"f": label}, {key: _("必填")})
    return value


def _choice(payload: dict, key: str, label: str, choices) -> str:
    value = payload.get(key)
    if value not in choices:
        raise InvalidInput(_("%(f)s无效。") % {"f": label}, {key: _("可选值：%(v)s") % {"v": ", ".join(choices)}})
    return value


# Proposal actions ----------------------------------------------------------------------------------------------


def _content_errors(proposal) -> dict:
    errors = {}
    if not proposal.title.strip():
        errors["title"] = _("请填写案由。")
    elif len(proposal.title) > conf("TITLE_MAX_LENGTH"):
        errors["title"] = _("案由不超过%(n)d字。") % {"n": conf("TITLE_MAX_LENGTH")}
    if not proposal.analysis.strip():
        errors["analysis"] = _("请填写情况分析。")
    if not proposal.suggestions.strip():
        errors["suggestions"] = _("请填写具体建议。")
    if proposal.category_id is None:
        errors["category"] = _("请选择类别。")
    return errors


def _session_for(day: datetime.date):
    return Session.objects.filter(proposal_window_opens__lte=day, proposal_deadline__gte=day).first()


def _to_office(ctx: Ctx, *, note: str = "") -> None:
    ctx.move(P.SUBMITTED, note=note)
    _tell(office_users(), ctx.proposal, "submitted", _("新提案待审查：%(t)s") % {"t": ctx.proposal.title})


@handles("submit")
def _submit(ctx: Ctx) -> None:
    p = ctx.proposal
    errors = _content_errors(p)
    if errors:
        raise InvalidInput(_("提案内容不完整：") + "；".join(str(v) for v in errors.values()), errors)
    session = _session_for(ctx.today)
    p.year, p.session, p.is_session_proposal = ctx.today.year, session, session is not None
    p.submitted_at = ctx.now
    if p.lead_member_id:
        p.lead_sector_id, p.lead_party_id = p.lead_member.sector_id, p.lead_member.party_id
    # After a revision, co-signers who had confirmed confirm the new text again.
    p.cosignatures.filter(state__in=[CosignState.CONFIRMED, CosignState.LAPSED]).update(
        state=CosignState.INVITED, answered_at=None
    )
    invited = list(p.cosignatures.filter(state=CosignState.INVITED).select_related("member__user"))
    if invited:
        p.cosign_deadline = ctx.now + datetime.timedelta(days=conf("COSIGN_WINDOW_DAYS"))
        p.save(
            update_fields=[
                "year",
                "session",
                "is_session_proposal",
                "submitted_at",
                "lead_sector",
                "lead_party",
                "cosign_deadline",
            ]
        )
        ctx.move(P.COSIGNING)
        _tell(
            [c.member.user for c in invited if c.member.user_id],
            p,
            "cosign_invitation",
            _("请确认是否联名提案：%(t)s") % {"t": p.title},
            _("请在 %(d)s 前答复。") % {"d": timezone.localtime(p.cosign_deadline).strftime("%Y-%m-%d %H:%M")},
        )
    else:
        p.save(update_fields=["year", "session", "is_session_proposal", "submitted_at", "lead_sector", "lead_party"])
        _to_office(ctx)
    if p.lead_member_id:
        duty_record_event(
            member=p.lead_member, kind=DutyKind.PROPOSAL_SUBMITTED, occurred_on=ctx.today, source=p, actor=ctx.actor
        )


def _answer_cosign(ctx: Ctx, state: str) -> None:
    p = ctx.proposal
    sig = p.cosignatures.select_for_update().get(member__user=ctx.actor, state=CosignState.INVITED)
    sig.state, sig.answered_at = state, ctx.now
    sig.save(update_fields=["state", "answered_at"])
    ctx.changes["cosigner"] = [None, f"{sig.member}:{state}"]
    if p.cosignatures.filter(state=CosignState.INVITED).exists():
        ctx.move(P.COSIGNING, note=str(sig.member))
    else:  # the last answer sends the proposal to the office: one timeline entry, the move
        _to_office(ctx, note=str(sig.member))


@handles("cosign")
def _cosign(ctx: Ctx) -> None:
    _answer_cosign(ctx, CosignState.CONFIRMED)


@handles("decline_cosign")
def _decline_cosign(ctx: Ctx) -> None:
    _answer_cosign(ctx, CosignState.DECLINED)


@handles("lapse_cosign")
def _lapse_cosign(ctx: Ctx) -> None:
    lapsed = ctx.proposal.cosignatures.filter(state=CosignState.INVITED).update(state=CosignState.LAPSED)
    ctx.changes["lapsed_invitations"] = [None, lapsed]
    _to_office(ctx)


@handles("delete_draft")
def _delete_draft(ctx: Ctx) -> None:
    """The draft goes, with its co-signing invitations, suggested units and attachments (their files once the
    deletion is committed); the audit row keeps what it was."""
    p = ctx.proposal
    files = [a.file.name for a in p.attachments.all() if a.file]
    ctx.changes.update({"title": [p.title, None], "state": [p.state, None]})  # what it was; then nothing
    # Deleting through a query leaves ``p`` as it was (its id included), for the audit row the engine writes next.
    Proposal.objects.filter(pk=p.pk).delete()
    if files:
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])


@handles("withdraw")
def _withdraw(ctx: Ctx) -> None:
    ctx.move(P.WITHDRAWN, note=ctx.data.comment)


@handles("return_for_revision")
def _return_for_revision(ctx: Ctx) -> None:
    comment = ctx.data.comment
    ctx.proposal.office_comment = comment
    ctx.proposal.save(update_fields=["office_comment"])
    ctx.move(P.DRAFT, note=comment)
    _tell(
        [ctx.proposal.author], ctx.proposal, "returned", _("提案被退回修改：%(t)s") % {"t": ctx.proposal.title}, comment
    )


def _register(ctx: Ctx, proposal: Proposal) -> None:
    counter, _created = YearCounter.objects.select_for_update().get_or_create(year=proposal.year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    proposal.seq = counter.last_seq
    proposal.number = conf("NUMBER_FORMAT").format(year=proposal.year, seq=counter.last_seq)
    proposal.registered_at = ctx.now
    proposal.save(update_fields=["seq", "number", "registered_at"])
    cosigners = [c.member for c in proposal.cosignatures.filter(state=CosignState.CONFIRMED).select_related("member")]
    share = 1 + len(cosigners)
    if proposal.lead_member_id:
        duty_record_event(
            member=proposal.lead_member,
            kind=DutyKind.PROPOSAL_REGISTERED_LEAD,
            occurred_on=ctx.today,
            source=proposal,
            share_count=share,
            actor=ctx.actor,
        )
    elif hasattr(proposal.author, "member"):
        duty_record_event(
            member=proposal.author.member,
            kind=DutyKind.PROPOSAL_REGISTERED_COLLECTIVE,
            occurred_on=ctx.today,
            source=proposal,
            actor=ctx.actor,
        )
    for m in cosigners:
        duty_record_event(
            member=m,
            kind=DutyKind.PROPOSAL_REGISTERED_COSIGNER,
            occurred_on=ctx.today,
            source=proposal,
            share_count=share,
            actor=ctx.actor,
        )
    _tell(
        proposer_users(proposal),
        proposal,
        "registered",
        _("提案已立案，案号 %(n)s：%(t)s") % {"n": proposal.number, "t": proposal.title},
    )


@handles("register")
def _register_action(ctx: Ctx) -> None:
    _register(ctx, ctx.proposal)
    ctx.changes["number"] = [None, ctx.proposal.number]
    ctx.move(P.REGISTERED, note=ctx.proposal.number)


@handles("merge")
def _merge(ctx: Ctx) -> None:
    p = ctx.proposal
    try:
        into_id = int(ctx.payload.get("into"))
    except (TypeError, ValueError):
        raise InvalidInput(_("请指定并入的提案。"), {"into": _("必填")}) from None
    target = Proposal.objects.select_for_update().filter(pk=into_id).first()
    if target is None or target.pk == p.pk:
        raise InvalidInput(_("并入的提案不存在。"), {"into": _("无效")})
    if target.state not in (P.SUBMITTED, P.REGISTERED, P.ASSIGNED):
        raise InvalidInput(_("只能并入待审查、已立案或办理中的提案。"), {"into": _("状态不符")})
    if target.state == P.SUBMITTED:
        # "Registered now": the lead proposal is registered by the same decision, through the same table.
        _check_office_may(ctx, target, "register")
        sub = Ctx(
            workflow=wf.PROPOSAL,
            action=wf.PROPOSAL["register"],
            obj=target,
            actor=ctx.actor,
            data=NoInput(),
            now=ctx.now,
        )
        _register_action(sub)
        audit_record(actor=ctx.actor, action="proposal.register", obj=target, changes=sub.changes)
    p.merged_into = target
    p.save(update_fields=["merged_into"])
    ctx.changes["merged_into"] = [None, target.pk]
    ctx.move(P.MERGED, note=str(target))
    TimelineEntry.objects.create(
        proposal=target,
        at=ctx.now,
        actor=ctx.actor,
        actor_label=_actor_label(ctx.actor),
        action="merged_in",
        note=str(p),
    )
    _tell([p.author], p, "merged", _("您的提案已并入 %(n)s 办理：%(t)s") % {"n": target.number, "t": p.title})


def _check_office_may(ctx: Ctx, proposal: Proposal, action: str) -> None:
    wf.PROPOSAL.check(wf.PROPOSAL[action], proposal, ctx.actor, now=ctx.now)


@handles("convert")
def _convert(ctx: Ctx) -> None:
    kind = ctx.data.kind or ConvertKind.OPINION_REPORT
    comment = ctx.data.comment
    ctx.proposal.converted_kind = kind
    ctx.proposal.office_comment = comment
    ctx.proposal.save(update_fields=["converted_kind", "office_comment"])
    ctx.changes["converted_kind"] = [None, kind]
    ctx.move(P.CONVERTED, note=comment)
    if kind == ConvertKind.OPINION_REPORT:
        _opinion_on_commit(ctx.proposal, ctx.actor)
    _tell(
        [ctx.proposal.author],
        ctx.proposal,
        "converted",
        _("您的提案已转为%(k)s处理：%(t)s") % {"k": ConvertKind(kind).label, "t": ctx.proposal.title},
        comment,
    )


def _opinion_on_commit(proposal: Proposal, actor) -> None:
    """A proposal converted to an opinion report arrives there as a submitted report, once the conversion commits
    (the opinion module's service makes it, exactly once per proposal)."""
    authors = [proposal.lead_member_id] if proposal.lead_member_id else []
    authors += list(
        proposal.cosignatures.filter(state=CosignState.CONFIRMED).order_by("id").values_list("member_id", flat=True)
    )
    fields = {
        "proposal_id": proposal.pk,
        "number": proposal.number,
        "title": proposal.title,
        "content": proposal.analysis,
        "suggestions": proposal.suggestions,
        "authors_member_ids": authors,
        "actor": actor,
    }
    transaction.on_commit(lambda: opinion_arrive_from_proposal(**fields))


@handles("reject")
def _reject(ctx: Ctx) -> None:
    codes = [c for c, _label in conf("REJECTION_GROUNDS")]
    ground = _choice(ctx.payload, "ground", _("不予立案理由"), codes)
    explanation = ctx.data.explanation
    ctx.proposal.rejection_ground, ctx.proposal.office_comment = ground, explanation
    ctx.proposal.save(update_fields=["rejection_ground", "office_comment"])
    ctx.changes["rejection_ground"] = [None, ground]
    # The proposer is told the ground as well as the explanation.
    told = _("不予立案理由：%(g)s。%(e)s") % {"g": rejection_ground_label(ground), "e": explanation}
    ctx.move(P.REJECTED, note=told)
    _tell(
        [ctx.proposal.author],
        ctx.proposal,
        "rejected",
        _("提案不予立案：%(t)s") % {"t": ctx.proposal.title},
        told,
    )


def _parse_units(payload_units, *, allowed_roles) -> list[tuple[HandlingUnit, str]]:
    if not isinstance(payload_units, list) or not payload_units:
        raise InvalidInput(_("请选择承办单位。"), {"units": _("必填")})
    out, seen = [], set()
    for item in payload_units:
        try:
            unit_id, role = int(item["unit_id"]), item["role"]
        except (KeyError, TypeError, ValueError):
            raise InvalidInput(_("承办单位格式错误。"), {"units": _("每项需要 unit_id 和 role")}) from None
        if role not in allowed_roles:
            raise InvalidInput(_("承办方式无效：%(r)s") % {"r": role}, {"units": _("承办方式无效")})
        if unit_id in seen:
            raise InvalidInput(_("同一单位不能重复交办。"), {"units": _("重复")})
        seen.add(unit_id)
        unit = HandlingUnit.objects.filter(pk=unit_id, is_active=True).first()
        if unit is None:
            raise InvalidInput(_("承办单位不存在或已停用。"), {"units": _("无效单位")})
        out.append((unit, role))
    return out


def _due(ctx: Ctx, default_months: int) -> datetime.date:
    due = ctx.data.due_date
    if due is None:
        return add_months(ctx.today, default_months)
    if due <= ctx.today:
        raise InvalidInput(_("办理期限应晚于今天。"), {"due_date": _("无效")})
    if due > add_months(ctx.today, conf("MAX_DUE_MONTHS")):
        raise InvalidInput(_("办理期限最长%(n)d个月。") % {"n": conf("MAX_DUE_MONTHS")}, {"due_date": _("过长")})
    return due


def _create_assignments(ctx: Ctx, units, due: datetime.date) -> list[Assignment]:
    dispute_deadline = add_working_days(ctx.today, conf("DISPUTE_WINDOW_WORKING_DAYS"))
    created = []
    for unit, role in units:
        a = Assignment.objects.create(
            proposal=ctx.proposal,
            year=ctx.proposal.year,
            unit=unit,
            role=role,
            assigned_at=ctx.now,
            dispute_deadline=dispute_deadline,
            due_date=due,
        )
        created.append(a)
        _tell(
            unit_users(unit.pk),
            ctx.proposal,
            "assigned",
            _("新交办提案（%(r)s）：%(t)s") % {"r": AssignmentRole(role).label, "t": ctx.proposal.title},
            _("办理期限 %(d)s；如认为不属于本单位职责，请在 %(w)s 前申请调整。") % {"d": due, "w": dispute_deadline},
        )
    return created


@handles("assign")
def _assign(ctx: Ctx) -> None:
    mode = ctx.data.mode
    allowed = {"single": {"single"}, "separate": {"separate"}, "lead": {"lead", "co"}}[mode]
    units = _parse_units(ctx.payload.get("units"), allowed_roles=allowed)
    roles = [r for _u, r in units]
    if mode == "single" and len(units) != 1:
        raise InvalidInput(_("单办只能交给一个单位。"), {"units": _("数量不符")})
    if mode == "separate" and len(units) < 2:
        raise InvalidInput(_("分办至少需要两个单位。"), {"units": _("数量不符")})
    if mode == "lead" and (roles.count("lead") != 1 or roles.count("co") < 1):
        raise InvalidInput(_("主办需要一个主办单位和至少一个会办单位。"), {"units": _("数量不符")})
    due = _due(ctx, conf("DEFAULT_DUE_MONTHS"))
    created = _create_assignments(ctx, units, due)
    ctx.proposal.assigned_at = ctx.now
    ctx.proposal.save(update_fields=["assigned_at"])
    ctx.changes["assignments"] = [None, [f"{a.unit_id}:{a.role}" for a in created]]
    ctx.move(P.ASSIGNED, note="、".join(f"{a.unit}（{a.get_role_display()}）" for a in created))
    _tell(
        proposer_users(ctx.proposal),
        ctx.proposal,
        "assigned_to_units",
        _("您的提案已交办：%(t)s") % {"t": ctx.proposal.title},
    )


@handles("evaluate")
def _evaluate(ctx: Ctx) -> None:
    satisfaction = ctx.data.satisfaction
    comment = _required_if(ctx.data.comment, satisfaction == Satisfaction.DISSATISFIED, "comment", _("测评意见"))
    pending = replies_awaiting_evaluation(ctx.proposal, ctx.actor)
    reply_id = ctx.payload.get("reply_id")
    if reply_id not in (None, ""):
        pending = [(r, p) for r, p in pending if str(r.pk) == str(reply_id)]
        if not pending:
            raise InvalidInput(_("该答复不需要您测评。"), {"reply_id": _("无效")})
    elif len({r.pk for r, _p in pending}) > 1:
        raise InvalidInput(_("有多份答复待测评，请指定 reply_id。"), {"reply_id": _("必填")})
    reply, on_behalf = pending[0]
    Evaluation.objects.create(
        reply=reply, proposal=on_behalf, evaluator=ctx.actor, satisfaction=satisfaction, comment=comment, at=ctx.now
    )
    ctx.changes["evaluation"] = [None, {"reply": reply.pk, "satisfaction": satisfaction}]
    ctx.log(note=f"{reply.assignment.unit}：{Satisfaction(satisfaction).label}" + (f"。{comment}" if comment else ""))
    if satisfaction == Satisfaction.DISSATISFIED:
        _tell(
            office_users(),
            ctx.proposal,
            "dissatisfied",
            _("提案办理“不满意”：%(n)s %(t)s") % {"n": ctx.proposal.number, "t": ctx.proposal.title},
            comment,
        )
    if not evaluations_outstanding(ctx.proposal):
        _tell(
            office_users(),
            ctx.proposal,
            "evaluations_complete",
            _("提案测评已全部完成，可以办结：%(n)s") % {"n": ctx.proposal.number},
        )


@handles("request_rehandling")
def _request_rehandling(ctx: Ctx) -> None:
    comment = ctx.data.comment
    due = _due(ctx, conf("REHANDLING_DUE_MONTHS"))
    again = [
        r.assignment
        for r in current_replies(ctx.proposal)
        if any(e.satisfaction == Satisfaction.DISSATISFIED for e in r.evaluations.all())
    ]
    for a in again:
        a = Assignment.objects.select_for_update().get(pk=a.pk)
        wf.ASSIGNMENT.move(a, "rehandle", A.ACCEPTED)
        a.round += 1
        a.due_date = due
        a.save(update_fields=["round", "due_date"])
        _tell(
            unit_users(a.unit_id),
            ctx.proposal,
            "rehandling",
            _("提案需重新办理：%(n)s %(t)s") % {"n": ctx.proposal.number, "t": ctx.proposal.title},
            comment,
        )
    ctx.proposal.rehandling_count += 1
    ctx.proposal.evaluation_deadline = None
    ctx.proposal.save(update_fields=["rehandling_count", "evaluation_deadline"])
    ctx.changes["rehandled_units"] = [None, [a.unit_id for a in again]]
    ctx.move(P.REHANDLING, note=comment)


@handles("close")
def _close(ctx: Ctx) -> None:
    for reply, on_behalf in evaluations_outstanding(ctx.proposal):
        Evaluation.objects.create(
            reply=reply, proposal=on_behalf, evaluator=None, satisfaction=Satisfaction.NOT_RATED, at=ctx.now
        )
    ctx.proposal.closed_at = ctx.now
    ctx.proposal.save(update_fields=["closed_at"])
    ctx.move(P.CLOSED, note=ctx.data.comment)
    _tell(
        proposer_users(ctx.proposal),
        ctx.proposal,
        "closed",
        _("提案已办结：%(n)s %(t)s") % {"n": ctx.proposal.number, "t": ctx.proposal.title},
    )


@handles("schedule_followup")
def _schedule_followup(ctx: Ctx) -> None:
    day = ctx.data.date or add_months(ctx.today, conf("FOLLOWUP_AFTER_MONTHS"))
    if day <= ctx.today:
        raise InvalidInput(_("回头看日期应晚于今天。"), {"date": _("无效")})
    ctx.changes["followup_on"] = [ctx.proposal.followup_on, day]
    ctx.proposal.followup_on = day
    ctx.proposal.save(update_fields=["followup_on"])
    ctx.log(note=str(day))


def _leader(payload: dict, key: str):
    try:
        user_id = int(payload.get(key))
    except (TypeError, ValueError):
        raise InvalidInput(_("请选择督办领导。"), {key: _("必填")}) from None
    grant = RoleGrant.objects.filter(user_id=user_id, role=Role.LEADER, user__is_active=True).select_related("user")
    if not grant.exists():
        raise InvalidInput(_("督办领导须为领导角色。"), {key: _("无效")})
    return grant.first().user


@handles("propose_key")
def _propose_key(ctx: Ctx) -> None:
    leader = _leader(ctx.payload, "supervising_leader_id")
    p = ctx.proposal
    p.key_state, p.supervising_leader = KeyState.PROPOSED, leader
    p.save(update_fields=["key_state", "supervising_leader"])
    ctx.changes.update(key_state=["", KeyState.PROPOSED], supervising_leader=[None, leader.pk])
    ctx.log(note=_("督办领导：%(l)s") % {"l": leader})
    _tell(leader_users(), p, "key_proposed", _("拟定重点提案待审批：%(n)s %(t)s") % {"n": p.number, "t": p.title})


def _key_duty(ctx: Ctx) -> None:
    p = ctx.proposal
    if p.lead_member_id:
        duty_record_event(
            member=p.lead_member, kind=DutyKind.KEY_PROPOSAL_LEAD, occurred_on=ctx.today, source=p, actor=ctx.actor
        )
    for c in p.cosignatures.filter(state=CosignState.CONFIRMED).select_related("member"):
        duty_record_event(
            member=c.member, kind=DutyKind.KEY_PROPOSAL_COSIGNER, occurred_on=ctx.today, source=p, actor=ctx.actor
        )


@handles("approve_key")
def _approve_key(ctx: Ctx) -> None:
    p = ctx.proposal
    if ctx.payload.get("supervising_leader_id"):
        p.supervising_leader = _leader(ctx.payload, "supervising_leader_id")
    p.key_state = KeyState.APPROVED
    p.save(update_fields=["key_state", "supervising_leader"])
    ctx.changes["key_state"] = [KeyState.PROPOSED, KeyState.APPROVED]
    ctx.log(note=_("督办领导：%(l)s") % {"l": p.supervising_leader})
    _key_duty(ctx)
    _tell(
        [p.supervising_leader, *proposer_users(p)],
        p,
        "key_approved",
        _("已列为重点提案：%(n)s %(t)s") % {"n": p.number, "t": p.title},
    )


@handles("decline_key")
def _decline_key(ctx: Ctx) -> None:
    p = ctx.proposal
    p.key_state, p.supervising_leader = KeyState.NONE, None
    p.save(update_fields=["key_state", "supervising_leader"])
    ctx.changes["key_state"] = [KeyState.PROPOSED, ""]
    ctx.log(note=ctx.data.comment)


@handles("record_supervision")
def _record_supervision(ctx: Ctx) -> None:
    kind = ctx.data.kind
    day = ctx.data.date
    if day > ctx.today:
        raise InvalidInput(_("日期不能晚于今天。"), {"date": _("无效")})
    findings = ctx.data.findings
    activity = SupervisionActivity.objects.create(
        proposal=ctx.proposal, kind=kind, date=day, findings=findings, recorded_by=ctx.actor
    )
    ctx.changes["supervision"] = [None, activity.pk]
    ctx.log(note=f"{SupervisionKind(kind).label} {day}：{findings}")


@handles("record_recommendation")
def _record_recommendation(ctx: Ctx) -> None:
    """The recommendation is the follow-up's (成果转化): one outcome document per key proposal, made on first use."""
    p, data = ctx.proposal, ctx.data
    units = set(p.assignments.exclude(state=A.REASSIGNED).values_list("unit_id", flat=True))
    if data.unit_id not in units:
        raise InvalidInput(_("请选择本提案的承办单位。"), {"unit_id": _("不是本提案的承办单位")})
    documents = followup.documents_for_sources(source=FollowupSource.KEY_PROPOSAL, source_ids=[p.pk])[p.pk]
    item = {"text": data.text, "unit_id": data.unit_id, "due_date": data.due_date}
    if documents:
        rec_id = followup.recommendation_add(actor=ctx.actor, document_id=documents[0].id, **item)
    else:
        doc_id = followup.outcome_document_create(
            actor=ctx.actor,
            source=FollowupSource.KEY_PROPOSAL,
            source_id=p.pk,
            source_title=p.title,
            source_url=f"/proposals/{p.pk}/",
            year=p.year,
            kind=DocumentKind.KEY_PROPOSAL_SUPERVISION,
            title=_("《%(t)s》督办意见") % {"t": p.title},
            recommendations=[item],
        )
        rec_id = followup.recommendations_for_sources(source=FollowupSource.KEY_PROPOSAL, source_ids=[p.pk])[p.pk][
            -1
        ].id
        ctx.changes["outcome_document"] = [None, doc_id]
    ctx.changes["recommendation"] = [None, rec_id]
    ctx.log(note=data.text)


@handles("nominate_excellent")
def _nominate_excellent(ctx: Ctx) -> None:
    ctx.proposal.excellent_state = ExcellentState.NOMINATED
    ctx.proposal.save(update_fields=["excellent_state"])
    ctx.changes["excellent_state"] = ["", ExcellentState.NOMINATED]
    ctx.log(note=ctx.data.comment)


@handles("approve_excellent")
def _approve_excellent(ctx: Ctx) -> None:
    p = ctx.proposal
    p.excellent_state = ExcellentState.APPROVED
    p.save(update_fields=["excellent_state"])
    ctx.changes["excellent_state"] = [ExcellentState.NOMINATED, ExcellentState.APPROVED]
    ctx.log()
    if p.lead_member_id:
        duty_record_event(
            member=p.lead_member,
            kind=DutyKind.EXCELLENT_PROPOSAL_LEAD,
            occurred_on=ctx.today,
            source=p,
            actor=ctx.actor,
        )
    for c in p.cosignatures.filter(state=CosignState.CONFIRMED).select_related("member"):
        duty_record_event(
            member=c.member, kind=DutyKind.EXCELLENT_PROPOSAL_COSIGNER, occurred_on=ctx.today, source=p, actor=ctx.actor
        )
    _tell(proposer_users(p), p, "excellent", _("您的提案被评为优秀提案：%(t)s") % {"t": p.title})


@handles("decline_excellent")
def _decline_excellent(ctx: Ctx) -> None:
    ctx.proposal.excellent_state = ExcellentState.NONE
    ctx.proposal.save(update_fields=["excellent_state"])
    ctx.changes["excellent_state"] = [ExcellentState.NOMINATED, ""]
    ctx.log(note=ctx.data.comment)


@handles("consent_publication")
def _consent_publication(ctx: Ctx) -> None:
    ctx.proposal.publish_consent = True
    ctx.proposal.save(update_fields=["publish_consent"])
    ctx.changes["publish_consent"] = [False, True]
    ctx.log()


# Assignment actions --------------------------------------------------------------------------------------------


@handles("accept_assignment")
def _accept(ctx: Ctx) -> None:
    ctx.assignment.accepted_at = ctx.now
    ctx.assignment.save(update_fields=["accepted_at"])
    ctx.move(A.ACCEPTED, note=str(ctx.assignment.unit))


@handles("auto_accept")
def _auto_accept(ctx: Ctx) -> None:
    ctx.assignment.accepted_at = ctx.now
    ctx.assignment.save(update_fields=["accepted_at"])
    ctx.move(A.ACCEPTED, note=_("%(u)s 未在期限内申请调整，视为签收") % {"u": ctx.assignment.unit})


@handles("dispute_assignment")
def _dispute(ctx: Ctx) -> None:
    reason = ctx.data.reason
    ctx.assignment.dispute_reason = reason
    ctx.assignment.save(update_fields=["dispute_reason"])
    ctx.move(A.DISPUTED, note=reason, internal=True)
    _tell(
        office_users(),
        ctx.proposal,
        "disputed",
        _("%(u)s 申请调整交办：%(t)s") % {"u": ctx.assignment.unit, "t": ctx.proposal.title},
        reason,
    )


@handles("resolve_dispute")
def _resolve_dispute(ctx: Ctx) -> None:
    decision = ctx.data.decision
    comment = ctx.data.comment
    a = ctx.assignment
    if decision == "keep":
        a.accepted_at = ctx.now
        a.save(update_fields=["accepted_at"])
        ctx.move(A.ACCEPTED, note=comment, internal=True)
        _tell(
            unit_users(a.unit_id),
            ctx.proposal,
            "dispute_kept",
            _("调整申请未获同意，请继续办理：%(t)s") % {"t": ctx.proposal.title},
            comment,
        )
        return
    # The replacement keeps the mode: one unit for a single assignment, exactly one lead unit (with any further
    # co-handlers) for the lead, co-handlers for a co-handler, separate units for a separate one.
    roles = {AssignmentRole.LEAD, AssignmentRole.CO} if a.role == AssignmentRole.LEAD else {a.role}
    units = _parse_units(ctx.payload.get("units"), allowed_roles=roles)
    leads = [r for _u, r in units].count(AssignmentRole.LEAD)
    if (a.role == AssignmentRole.SINGLE and len(units) != 1) or (a.role == AssignmentRole.LEAD and leads != 1):
        raise InvalidInput(
            _("改交须保持原承办方式：单办改交一个单位，主办改交一个主办单位。"), {"units": _("数量不符")}
        )
    taken = set(ctx.proposal.assignments.exclude(state=A.REASSIGNED).exclude(pk=a.pk).values_list("unit_id", flat=True))
    if any(u.pk in taken or u.pk == a.unit_id for u, _r in units):
        raise InvalidInput(_("改交单位不能是已承办的单位。"), {"units": _("重复")})
    a.replaced_by_note = comment
    a.save(update_fields=["replaced_by_note"])
    ctx.move(A.REASSIGNED, note=comment, internal=True)
    created = _create_assignments(ctx, units, _due(ctx, conf("DEFAULT_DUE_MONTHS")))
    ctx.changes["reassigned_to"] = [None, [f"{n.unit_id}:{n.role}" for n in created]]
    ctx.log(action="reassigned", note="、".join(str(n.unit) for n in created))
    _tell(
        unit_users(a.unit_id),
        ctx.proposal,
        "dispute_accepted",
        _("调整申请已同意，提案改由其他单位办理：%(t)s") % {"t": ctx.proposal.title},
        comment,
    )


@handles("record_contact")
def _record_contact(ctx: Ctx) -> None:
    day = ctx.data.date
    if day > ctx.today:
        raise InvalidInput(_("沟通日期不能晚于今天。"), {"date": _("无效")})
    way = ctx.data.way
    summary = ctx.data.summary
    accepted = timezone.localdate(ctx.assignment.accepted_at or ctx.assignment.assigned_at)
    late = working_days_between(accepted, day) > conf("CONTACT_WITHIN_WORKING_DAYS")
    Contact.objects.create(
        assignment=ctx.assignment, date=day, way=way, summary=summary, recorded_by=ctx.actor, late=late
    )
    ctx.changes["contact"] = [None, {"date": day, "way": way, "late": late}]
    ctx.log(note=f"{ContactWay(way).label} {day}" + (_("（超过期限）") if late else ""))


@handles("submit_co_opinion")
def _submit_co_opinion(ctx: Ctx) -> None:
    text = ctx.data.text
    ctx.assignment.co_opinion, ctx.assignment.co_opinion_at = text, ctx.now
    ctx.assignment.save(update_fields=["co_opinion", "co_opinion_at"])
    ctx.move(A.OPINION_SENT, internal=True)
    for lead in ctx.proposal.assignments.filter(role=AssignmentRole.LEAD).exclude(state=A.REASSIGNED):
        _tell(
            unit_users(lead.unit_id),
            ctx.proposal,
            "co_opinion",
            _("%(u)s 已提交会办意见：%(t)s") % {"u": ctx.assignment.unit, "t": ctx.proposal.title},
        )


@handles("request_extension")
def _request_extension(ctx: Ctx) -> None:
    requested = ctx.data.due_date
    reason = ctx.data.reason
    limit = add_months(timezone.localdate(ctx.assignment.assigned_at), conf("MAX_DUE_MONTHS"))
    if requested <= ctx.assignment.due_date:
        raise InvalidInput(_("延期日期应晚于当前办理期限。"), {"due_date": _("无效")})
    if requested > limit:
        raise InvalidInput(
            _("办理期限自交办起最长%(n)d个月（至 %(d)s）。") % {"n": conf("MAX_DUE_MONTHS"), "d": limit},
            {"due_date": _("过长")},
        )
    ext = ExtensionRequest.objects.create(
        assignment=ctx.assignment, requested_due=requested, reason=reason, requested_by=ctx.actor
    )
    ctx.changes["extension"] = [None, {"id": ext.pk, "requested_due": requested}]
    ctx.log(note=_("申请延期至 %(d)s：%(r)s") % {"d": requested, "r": reason}, internal=True)
    _tell(
        office_users(),
        ctx.proposal,
        "extension_requested",
        _("%(u)s 申请延期：%(t)s") % {"u": ctx.assignment.unit, "t": ctx.proposal.title},
        reason,
    )


@handles("decide_extension")
def _decide_extension(ctx: Ctx) -> None:
    approve = ctx.data.approve
    comment = _required_if(ctx.data.comment, not approve, "comment", _("审批意见"))
    ext = ctx.assignment.extensions.select_for_update().get(state=ExtensionState.PENDING)
    ext.state = ExtensionState.APPROVED if approve else ExtensionState.DECLINED
    ext.decided_by, ext.decided_at, ext.decision_comment = ctx.actor, ctx.now, comment
    ext.save(update_fields=["state", "decided_by", "decided_at", "decision_comment"])
    if approve:
        ctx.changes["due_date"] = [ctx.assignment.due_date, ext.requested_due]
        ctx.assignment.due_date = ext.requested_due
        ctx.assignment.save(update_fields=["due_date"])
    ctx.log(note=(_("同意延期至 %(d)s") % {"d": ext.requested_due}) if approve else _("不同意延期：") + comment)
    _tell(
        unit_users(ctx.assignment.unit_id),
        ctx.proposal,
        "extension_decided",
        (_("延期申请已同意：%(t)s") if approve else _("延期申请未同意：%(t)s")) % {"t": ctx.proposal.title},
        comment,
    )


@handles("draft_reply")
def _draft_reply(ctx: Ctx) -> None:
    text = ctx.data.text
    grade = _choice(ctx.payload, "grade", _("答复类别"), grade_codes())
    # The letter names whom to call: the drafter unless someone else is named.
    contact = {
        "contact_person": ctx.data.contact_person or str(ctx.actor)[:50],
        "contact_phone": ctx.data.contact_phone,
    }
    a = ctx.assignment
    reply = a.replies.filter(round=a.round, state=ReplyState.DRAFT).first()
    if reply is None:
        reply = Reply.objects.create(
            assignment=a, round=a.round, text=text, grade=grade, drafted_by=ctx.actor, drafted_at=ctx.now, **contact
        )
        ctx.changes["reply"] = [None, {"id": reply.pk, "grade": grade, **contact}]
    else:
        before = {"id": reply.pk, "grade": reply.grade, "contact_person": reply.contact_person}
        before["contact_phone"] = reply.contact_phone
        ctx.changes["reply"] = [before, {"id": reply.pk, "grade": grade, **contact}]
        reply.text, reply.grade, reply.drafted_by, reply.drafted_at = text, grade, ctx.actor, ctx.now
        reply.contact_person, reply.contact_phone = contact["contact_person"], contact["contact_phone"]
        reply.save(update_fields=["text", "grade", "drafted_by", "drafted_at", "contact_person", "contact_phone"])
    ctx.log(note=_("答复类别 %(g)s") % {"g": grade}, internal=True)
    for leader in unit_users(a.unit_id, leaders_only=True):
        if leader.pk != ctx.actor.pk:
            _tell(
                [leader],
                ctx.proposal,
                "reply_to_sign",
                _("答复待签发：%(t)s") % {"t": ctx.proposal.title},
                dedupe=f"reply_to_sign:{reply.pk}:{reply.drafted_at.isoformat()}",
            )


@handles("sign_reply")
def _sign_reply(ctx: Ctx) -> None:
    a = ctx.assignment
    reply = a.replies.select_for_update().get(round=a.round, state=ReplyState.DRAFT)
    reply.state, reply.signed_by, reply.signed_at = ReplyState.SIGNED, ctx.actor, ctx.now
    reply.save(update_fields=["state", "signed_by", "signed_at"])
    ctx.changes["reply"] = [{"id": reply.pk, "state": "draft"}, {"id": reply.pk, "state": "signed"}]
    ctx.move(A.REPLY_SIGNED, note=_("答复类别 %(g)s") % {"g": reply.grade})
    _tell(
        office_users(),
        ctx.proposal,
        "reply_signed",
        _("%(u)s 已答复，待审核：%(t)s") % {"u": a.unit, "t": ctx.proposal.title},
    )


def _signed_reply(a: Assignment) -> Reply:
    return a.replies.select_for_update().get(round=a.round, state=ReplyState.SIGNED)


@handles("approve_reply")
def _approve_reply(ctx: Ctx) -> None:
    a = ctx.assignment
    reply = _signed_reply(a)
    grade = ctx.payload.get("grade") or ""
    note = _required_if(ctx.data.note, bool(grade) and grade != reply.grade, "note", _("审核说明"))
    if grade:
        grade = _choice(ctx.payload, "grade", _("答复类别"), grade_codes())
        if grade != reply.grade:
            reply.office_grade, reply.grade_note = grade, note
            ctx.changes["grade"] = [reply.grade, grade]
    reply.state, reply.approved_by, reply.approved_at = ReplyState.APPROVED, ctx.actor, ctx.now
    reply.save(update_fields=["state", "approved_by", "approved_at", "office_grade", "grade_note"])
    ctx.move(A.REPLIED, note=_("答复类别 %(g)s") % {"g": reply.final_grade} + (f"（{note}）" if note else ""))
    owed = ctx.proposal.assignments.exclude(state=A.REASSIGNED).exclude(role=AssignmentRole.CO)
    if not owed.exclude(state=A.REPLIED).exists():
        p = ctx.proposal
        p.replied_at = ctx.now
        p.evaluation_deadline = add_working_days(ctx.today, conf("EVALUATION_WINDOW_WORKING_DAYS"))
        p.save(update_fields=["replied_at", "evaluation_deadline"])
        ctx.system_move("replies_complete", P.REPLIED)
        ctx.system_move("send_for_evaluation", P.EVALUATING)
        authors = [q.author for q in [p, *p.merged_proposals.all()]]
        _tell(
            authors,
            p,
            "evaluate",
            _("请对提案答复进行满意度测评：%(t)s") % {"t": p.title},
            _("请在 %(d)s 前完成测评。") % {"d": p.evaluation_deadline},
        )


@handles("return_reply")
def _return_reply(ctx: Ctx) -> None:
    comment = ctx.data.comment
    reply = _signed_reply(ctx.assignment)
    reply.state, reply.return_comment = ReplyState.RETURNED, comment
    reply.save(update_fields=["state", "return_comment"])
    ctx.move(A.ACCEPTED, note=comment, internal=True)
    _tell(
        unit_users(ctx.assignment.unit_id),
        ctx.proposal,
        "reply_returned",
        _("答复被退回修改：%(t)s") % {"t": ctx.proposal.title},
        comment,
    )


@handles("urge")
def _urge(ctx: Ctx) -> None:
    """催办: the office or an overseer presses a unit that has let its deadline pass; its staff and leaders are told."""
    a, p = ctx.assignment, ctx.proposal
    note = ctx.data.note
    ctx.changes["urged"] = [None, {"unit": a.unit_id, "note": note}]
    ctx.log(note=note)  # the timeline names the assignment's unit beside the step
    due = a.dispute_deadline if a.state == A.PENDING else a.due_date
    _tell(
        unit_users(a.unit_id),
        p,
        "urged",
        _("催办：%(n)s %(t)s") % {"n": p.number, "t": p.title},
        _("办理期限 %(d)s 已过。%(note)s") % {"d": due, "note": note},
    )
