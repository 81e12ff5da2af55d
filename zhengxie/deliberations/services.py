"""Writes of online deliberation: creating and editing a draft, and every action through the workflow engine
(``workflow.DELIBERATION``, ``workflow.POST``): opening with its invitations and notices, members' posts, closing
(by staff, or the ``expire`` job at ``closes_at``), selecting opinions (each earns its author duty points through
the ledger, exactly once; unselecting reverses them) and the summary, which becomes a follow-up outcome document."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.duty.choices import DutyKind
from zhengxie.duty.services import duty_record_event, duty_reverse_events
from zhengxie.followup.choices import DocumentKind, Source
from zhengxie.followup.services import outcome_document_create
from zhengxie.notifications.services import notify
from zhengxie.people.services import invitation_scope_clean, invitation_scope_members

from . import selectors
from .choices import DeliberationState as S
from .choices import PostState as P
from .models import Deliberation, DeliberationInvitation, DeliberationPost
from .workflow import DELIBERATION, POST, is_staff, reads

reads.is_invited = selectors.is_invited


def url_of(deliberation_id: int) -> str:
    return f"/deliberations/{deliberation_id}/"


# Creating and editing a draft -----------------------------------------------------------------------------------


def _aware(value, label: str, key: str) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput(_("%(f)s格式错误。") % {"f": label}, {key: _("格式错误")}) from None
    if not isinstance(value, datetime.datetime):
        raise InvalidInput(_("请填写%(f)s。") % {"f": label}, {key: _("必填")})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _clean(data: dict) -> dict:
    errors = {}
    title = (data.get("title") or "").strip()
    background = (data.get("background") or "").strip()
    if not title:
        errors["title"] = _("必填")
    elif len(title) > Deliberation._meta.get_field("title").max_length:
        errors["title"] = _("最多 %(n)d 个字") % {"n": Deliberation._meta.get_field("title").max_length}
    if len(background) > 20000:
        errors["background"] = _("最多 %(n)d 个字") % {"n": 20000}
    if errors:
        raise InvalidInput(_("输入有误，请检查标记的项目。"), errors)
    opens_at = _aware(data.get("opens_at"), _("开始时间"), "opens_at")
    closes_at = _aware(data.get("closes_at"), _("截止时间"), "closes_at")
    if closes_at <= opens_at:
        raise InvalidInput(_("截止时间应晚于开始时间。"), {"closes_at": _("应晚于开始时间")})
    return {
        "title": title,
        "background": background,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "invitees_spec": invitation_scope_clean(data.get("invitees")),
    }


def deliberation_input(d: Deliberation) -> dict:
    """The deliberation as the input of creating it: what editing a draft starts from."""
    return {
        "title": d.title,
        "background": d.background,
        "opens_at": d.opens_at,
        "closes_at": d.closes_at,
        "invitees": dict(d.invitees_spec),
    }


def _audited(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value


@transaction.atomic
def deliberation_create(*, actor, data: dict) -> Deliberation:
    """A draft deliberation (the secretariat): topic, background, invitation scope and window."""
    if not is_staff(actor):
        raise NotAllowed(_("只有机关工作人员可以发起网络议政。"))
    fields = _clean(data)
    d = Deliberation.objects.create(**fields, created_by=actor)
    audit_record(
        actor=actor,
        action="deliberation.create",
        obj=d,
        changes={k: [None, _audited(fields[k])] for k in ("title", "opens_at", "closes_at")},
    )
    return d


@transaction.atomic
def deliberation_update(*, deliberation_id: int, actor, data: dict) -> Deliberation:
    """Edit a draft (``edit``: the secretariat, while it is a draft); ``data`` holds the fields to change."""
    step = DELIBERATION["edit"]
    d = lock(deliberation_id, actor)
    DELIBERATION.check(step, d, actor)
    fields = _clean({**deliberation_input(d), **data})
    changes = {}
    for name, value in fields.items():
        if getattr(d, name) != value:
            changes[name] = [_audited(getattr(d, name)), _audited(value)]
            setattr(d, name, value)
    if changes:
        d.save(update_fields=list(changes))
        audit_record(actor=actor, action=DELIBERATION.audit_action(step), obj=d, changes=changes)
    return d


# Acting ----------------------------------------------------------------------------------------------------------


def lock(deliberation_id: int, actor) -> Deliberation:
    d = selectors.visible_deliberations(actor).select_for_update().filter(pk=deliberation_id).first()
    if d is None:
        raise NotVisible(_("网络议政不存在或您无权查看。"))
    return d


def lock_post(post_id: int, actor) -> DeliberationPost:
    post = selectors.visible_posts(actor).select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotVisible(_("发言不存在或您无权查看。"))
    # The deliberation is read (not locked) for the conditions; the post's row is the one that changes.
    post.deliberation = Deliberation.objects.get(pk=post.deliberation_id)
    return post


DELIBERATION.configure(lock=lock, audit=audit_record)
POST.configure(lock=lock_post, audit=audit_record)


def deliberation_act(*, deliberation_id: int, action: str, actor, payload: dict | None = None, now=None):
    return DELIBERATION.perform(pk=deliberation_id, action=action, actor=actor, payload=payload, now=now)


def post_act(*, post_id: int, action: str, actor, payload: dict | None = None, now=None) -> DeliberationPost:
    return POST.perform(pk=post_id, action=action, actor=actor, payload=payload, now=now)


def post_create(*, deliberation_id: int, actor, text: str, reply_to: int | None = None, now=None) -> DeliberationPost:
    """An invited member's opinion, or a reply to one, while the deliberation is open (the ``post`` action)."""
    d = deliberation_act(
        deliberation_id=deliberation_id,
        action="post",
        actor=actor,
        payload={"text": text, "reply_to": reply_to},
        now=now,
    )
    return d.new_post


@DELIBERATION.handler("open")
def _open(ctx):
    d = ctx.obj
    members = list(invitation_scope_members(d.invitees_spec).select_related("user"))
    if not members:
        raise InvalidInput(_("邀请范围内没有在任委员。"), {"invitees": _("为空")})
    DeliberationInvitation.objects.bulk_create(
        [DeliberationInvitation(deliberation=d, member=m) for m in members], ignore_conflicts=True
    )
    d.opened_at = ctx.now
    d.save(update_fields=["opened_at"])
    ctx.move(S.OPEN)
    recipients = [m.user for m in members if m.user_id and m.user.is_active]
    title = _("邀请参加网络议政：%(t)s") % {"t": d.title}
    body = _("议政时间：%(a)s 至 %(b)s。欢迎发表意见。") % {
        "a": timezone.localtime(d.opens_at).strftime("%Y-%m-%d %H:%M"),
        "b": timezone.localtime(d.closes_at).strftime("%Y-%m-%d %H:%M"),
    }
    url, key = url_of(d.pk), f"deliberation.opened.{d.pk}"
    # After commit, once per member (the key): a refused or rolled-back opening tells nobody.
    transaction.on_commit(
        lambda: notify(
            recipients=recipients, kind="deliberation.opened", title=title, body=body, url=url, dedupe_key=key
        )
    )
    ctx.changes["invitees"] = [None, len(members)]


@DELIBERATION.handler("post")
def _post(ctx):
    d, data = ctx.obj, ctx.data
    author = DeliberationInvitation.objects.select_related("member").get(deliberation=d, member__user=ctx.actor).member
    parent = None
    if data.reply_to is not None:
        parent = d.posts.filter(pk=data.reply_to).first()
        if parent is None:
            raise InvalidInput(_("回复的发言不在本议题中。"), {"reply_to": _("不存在")})
        # Threads are one level deep: a reply to a reply joins its opinion's thread.
        if parent.reply_to_id is not None:
            parent = parent.reply_to
    post = DeliberationPost.objects.create(deliberation=d, author=author, reply_to=parent, text=data.text)
    d.new_post = post
    ctx.changes["post"] = [None, {"id": post.pk, "reply_to": parent.pk if parent else None}]


def _close(ctx):
    d = ctx.obj
    d.closed_at = ctx.now
    d.save(update_fields=["closed_at"])
    ctx.move(S.CLOSED)


DELIBERATION.handler("close")(_close)
DELIBERATION.handler("expire")(_close)


@DELIBERATION.handler("summarise")
def _summarise(ctx):
    d, data = ctx.obj, ctx.data
    selected = list(d.posts.filter(state=P.SELECTED).select_related("author").order_by("created_at", "id"))
    lines = [data.summary]
    if selected:
        lines.append("")
        lines.append(_("选用的委员意见："))
        lines.extend(f"{i}. {p.author.name}：{p.text}" for i, p in enumerate(selected, 1))
    year = timezone.localdate(d.opens_at).year
    document_id = outcome_document_create(
        actor=ctx.actor,
        source=Source.DELIBERATION,
        source_id=d.pk,
        source_title=d.title,
        source_url=url_of(d.pk),
        year=year,
        kind=DocumentKind.DELIBERATION_SUMMARY,
        title=data.title or _("“%(t)s”网络议政综述") % {"t": d.title},
        body="\n".join(lines),
        recommendations=[r.model_dump() for r in data.recommendations],
    )
    d.summary, d.outcome_document_id = data.summary, document_id
    d.save(update_fields=["summary", "outcome_document_id"])
    ctx.move(S.SUMMARISED)
    ctx.changes["outcome_document"] = [None, document_id]


@POST.handler("select")
def _select(ctx):
    post = ctx.obj
    post.selected_at, post.selected_by = ctx.now, ctx.actor
    post.save(update_fields=["selected_at", "selected_by"])
    ctx.move(P.SELECTED)
    # The ledger is idempotent per (member, kind, source): a retried selection never doubles the points.
    duty_record_event(
        member=post.author,
        kind=DutyKind.DELIBERATION_OPINION_SELECTED,
        occurred_on=timezone.localdate(post.created_at),
        source=post,
        source_label=_("网络议政：%(t)s") % {"t": post.deliberation.title},
        actor=ctx.actor,
    )


@POST.handler("unselect")
def _unselect(ctx):
    post = ctx.obj
    post.selected_at, post.selected_by = None, None
    post.save(update_fields=["selected_at", "selected_by"])
    ctx.move(P.POSTED)
    duty_reverse_events(
        source=post, kind=DutyKind.DELIBERATION_OPINION_SELECTED, actor=ctx.actor, note=_("取消选用网络议政意见")
    )


# Scheduled jobs --------------------------------------------------------------------------------------------------


def expire_due(*, now: datetime.datetime | None = None) -> int:
    """Close every open deliberation whose window has ended (the ``expire`` action, as the system); returns how
    many. Safe to run again: one closed already is no longer among the candidates, and a refusal (someone closed
    it meanwhile) is skipped."""
    now = now or timezone.now()
    closed = 0
    ids = list(Deliberation.objects.filter(state=S.OPEN, closes_at__lte=now).values_list("pk", flat=True))
    for pk in ids:
        try:
            deliberation_act(deliberation_id=pk, action="expire", actor=None, now=now)
        except StateConflict:
            continue
        closed += 1
    return closed


def remind_before_closing(*, now: datetime.datetime | None = None) -> int:
    """A day before closing: the invited members who have not posted yet, once each (the notice's key)."""
    now = now or timezone.now()
    created = 0
    due = Deliberation.objects.filter(
        state=S.OPEN, opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + datetime.timedelta(days=1)
    )
    for d in due.order_by("pk"):
        silent = (
            DeliberationInvitation.objects.filter(
                deliberation=d, member__user__isnull=False, member__user__is_active=True
            )
            .exclude(member__deliberation_posts__deliberation=d)
            .select_related("member__user")
        )
        recipients = [inv.member.user for inv in silent]
        if not recipients:
            continue
        with transaction.atomic():
            created += len(
                notify(
                    recipients=recipients,
                    kind="deliberation.reminder",
                    title=_("网络议政即将截止：%(t)s") % {"t": d.title},
                    body=_("将于 %(t)s 截止，欢迎发表意见。")
                    % {"t": timezone.localtime(d.closes_at).strftime("%Y-%m-%d %H:%M")},
                    url=url_of(d.pk),
                    dedupe_key=f"deliberation.reminder.{d.pk}",
                )
            )
    return created


# For other apps ---------------------------------------------------------------------------------------------------


def deliberation_post_links(user, ids: set[int]) -> dict[int, str]:
    """The duty archive's links to selected opinions the reader may open (registered in ``apps.ready``)."""
    return selectors.post_links(user, ids)
