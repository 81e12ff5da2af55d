"""The handlers of the follow-up workflows (declared in ``workflow.py``) and how the engine locks and audits their
objects. Every change of a recommendation writes one entry of its timeline (``RecommendationUpdate``) and keeps
its document's progress current."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.exceptions import InvalidInput, NotVisible
from zhengxie.core.workflow import Context
from zhengxie.notifications.services import notify

from . import workflow as wf
from .choices import RecommendationState
from .models import Instruction, OutcomeDocument, Recommendation, RecommendationUpdate
from .progress import refresh_documents
from .selectors import managers_of, visible_documents, visible_recommendations

R = RecommendationState


def actor_label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _("系统")
    return (actor.get_full_name() or actor.get_username())[:150]


def log_update(
    rec, *, actor, action, now, date=None, from_state="", to_state="", from_percent=None, to_percent=None, note=""
) -> RecommendationUpdate:
    return RecommendationUpdate.objects.create(
        recommendation=rec,
        at=now,
        date=date or timezone.localdate(now),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label(actor),
        action=action,
        from_state=from_state,
        to_state=to_state,
        from_percent=from_percent,
        to_percent=to_percent,
        note=note,
    )


def _lock_document(pk: int, actor) -> OutcomeDocument:
    if actor is not None and not visible_documents(actor).filter(pk=pk).exists():
        raise NotVisible(_("成果文件不存在或您无权查看。"))
    try:
        return OutcomeDocument.objects.select_for_update().get(pk=pk)
    except OutcomeDocument.DoesNotExist:
        raise NotVisible(_("成果文件不存在或您无权查看。")) from None


def _lock_recommendation(pk: int, actor) -> Recommendation:
    if actor is not None and not visible_recommendations(actor).filter(pk=pk).exists():
        raise NotVisible(_("建议不存在或您无权查看。"))
    try:
        return Recommendation.objects.select_for_update().get(pk=pk)
    except Recommendation.DoesNotExist:
        raise NotVisible(_("建议不存在或您无权查看。")) from None


def _audit(**row) -> None:
    audit_record(**row)


def _not_after_today(ctx: Context, day, field: str) -> None:
    if day is not None and day > ctx.today:
        raise InvalidInput(_("日期不能晚于今天。"), {field: _("晚于今天")})


def _document_changed(ctx: Context) -> None:
    indexed_on_commit("outcome_document", [ctx.obj.pk])


def _recommendation_changed(ctx: Context) -> None:
    refresh_documents([ctx.obj.document_id])
    indexed_on_commit("recommendation", [ctx.obj.pk])


def indexed_on_commit(kind: str, ids) -> None:
    """The search index follows once the change commits (registered in step 6: ``search_index``)."""
    hook = _INDEX_HOOK.get("fn")
    if hook is not None:
        hook(kind, list(ids))


_INDEX_HOOK: dict = {}


def set_index_hook(fn) -> None:
    """The search index's hook (``search_index.register``): told of every changed document and recommendation."""
    _INDEX_HOOK["fn"] = fn


wf.DOCUMENT.configure(lock=_lock_document, audit=_audit, after=_document_changed)
wf.RECOMMENDATION.configure(lock=_lock_recommendation, audit=_audit, after=_recommendation_changed)


@wf.DOCUMENT.handler("send")
def _send(ctx: Context):
    data = ctx.data
    _not_after_today(ctx, data.date, "date")
    doc = ctx.obj
    ctx.move(wf.DocumentState.SENT)
    doc.sent_to, doc.sent_on = data.sent_to, data.date
    doc.save(update_fields=["sent_to", "sent_on", "updated_at"])
    ctx.changes.update(sent_to=data.sent_to, sent_on=data.date)


@wf.DOCUMENT.handler("record_instruction")
def _record_instruction(ctx: Context):
    data = ctx.data
    _not_after_today(ctx, data.date, "date")
    if ctx.obj.sent_on is not None and data.date < ctx.obj.sent_on:
        raise InvalidInput(_("批示日期不能早于报送日期。"), {"date": _("早于报送日期")})
    row = Instruction.objects.create(
        document=ctx.obj, leader=data.leader, level=data.level, date=data.date, text=data.text, recorded_by=ctx.actor
    )
    ctx.changes["instruction"] = {"id": row.pk, "leader": data.leader, "level": data.level, "date": data.date}


@wf.RECOMMENDATION.handler("answer")
def _answer(ctx: Context):
    rec, data = ctx.obj, ctx.data
    old = ctx.move(data.status)
    rec.answer_note, rec.answered_at, rec.last_update_at = data.note, ctx.now, ctx.now
    rec.save(update_fields=["answer_note", "answered_at", "last_update_at"])
    log_update(rec, actor=ctx.actor, action="answer", now=ctx.now, from_state=old, to_state=rec.state, note=data.note)
    ctx.changes["note"] = data.note
    _tell_managers(ctx, _("建议已答复：%(s)s") % {"s": rec.get_state_display()})


@wf.RECOMMENDATION.handler("update_progress")
def _update_progress(ctx: Context):
    rec, data = ctx.obj, ctx.data
    _not_after_today(ctx, data.date, "date")
    target = R.DONE if data.percent == 100 else R.IN_PROGRESS
    old_state, old_percent = rec.state, rec.percent
    if target != rec.state:
        ctx.move(target)
    rec.percent, rec.last_update_at = data.percent, ctx.now
    rec.save(update_fields=["percent", "last_update_at"])
    ctx.changes["percent"] = [old_percent, data.percent]
    ctx.changes["note"] = data.note
    ctx.update = log_update(
        rec,
        actor=ctx.actor,
        action="update_progress",
        now=ctx.now,
        date=data.date,
        from_state=old_state,
        to_state=rec.state,
        from_percent=old_percent,
        to_percent=data.percent,
        note=data.note,
    )
    if target == R.DONE:
        _tell_managers(ctx, _("建议已落实"))


def _tell_managers(ctx: Context, title: str) -> None:
    """The secretariat (or, for a key proposal's, the office) hears of the department's answer and completion."""
    rec = ctx.obj
    url = rec_url(rec.pk)
    text = rec.text[:80]
    transaction.on_commit(
        lambda: notify(recipients=managers_of(rec.source), kind="followup", title=title, body=text, url=url)
    )


def rec_url(pk: int) -> str:
    return reverse("followup:recommendation", args=[pk])


def document_url(pk: int) -> str:
    return reverse("followup:document", args=[pk])
