"""Writes of opinion reports outside the workflow's actions: drafts (made and autosaved by their author, with
co-authors), attachments, and the arrival of a proposal the office converts. The actions are in ``actions.py``
(``report_act``); other apps use this module (and ``choices``) only."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record, diff
from zhengxie.core.access import roles_of
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.core.roles import Role
from zhengxie.core.uploads import checked_upload
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import CollectiveProposer, Member

from . import actions
from . import workflow as wf
from .choices import CoAuthorState, ProposerKind, ReportState
from .models import CoAuthor, OpinionAttachment, OpinionCategory, OpinionEvent, OpinionReport
from .search_index import report_indexed_on_commit
from .selectors import visible_reports

DRAFT_TEXTS = (("title", 200), ("content", 20000), ("suggestions", 20000))
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
STAFF_ROLES = {Role.SECRETARIAT, Role.OPINION_EDITOR}

# What one may write in one's own name: a member alone or jointly, a collective's contact, the secretariat's staff.
report_act = actions.report_act


def _clean(data: dict, *, lead: Member | None) -> dict:
    out, errors = {}, {}
    for key, limit in DRAFT_TEXTS:
        if key in data:
            value = (data.get(key) or "").strip()
            if len(value) > limit:
                errors[key] = _("过长（最多%(n)d字）。") % {"n": limit}
            out[key] = value
    if "category_id" in data or "category" in data:
        cat = data.get("category_id", data.get("category"))
        if cat in (None, ""):
            out["category_id"] = None
        elif not str(cat).isdigit() or not OpinionCategory.objects.filter(pk=int(cat), is_active=True).exists():
            errors["category"] = _("类别不存在。")
        else:
            out["category_id"] = int(cat)
    if "coauthor_ids" in data:
        ids = [int(i) for i in (data.get("coauthor_ids") or [])]
        if len(set(ids)) != len(ids):
            errors["coauthor_ids"] = _("联名作者重复。")
        found = set(Member.objects.filter(pk__in=ids, status=MemberStatus.SERVING).values_list("pk", flat=True))
        if set(ids) - found:
            errors["coauthor_ids"] = _("联名作者须为在任委员。")
        if lead is None and ids:
            errors["coauthor_ids"] = _("只有委员报送的信息可以联名。")
        elif lead is not None and lead.pk in ids:
            errors["coauthor_ids"] = _("第一作者不能同时是联名作者。")
        out["coauthor_ids"] = ids
    if errors:
        raise InvalidInput(_("输入有误：") + "；".join(str(v) for v in errors.values()), errors)
    return out


def draft_is_empty(data: dict) -> bool:
    texts = any((data.get(key) or "").strip() for key, _limit in DRAFT_TEXTS)
    return not (texts or data.get("category_id") not in (None, "") or data.get("coauthor_ids"))


def _apply(report: OpinionReport, cleaned: dict) -> dict:
    fields = ("title", "content", "suggestions", "category_id")
    before = {f: getattr(report, f) for f in fields}
    for f in fields:
        if f in cleaned:
            setattr(report, f, cleaned[f])
    report.save()
    report_indexed_on_commit(report.pk)
    if "coauthor_ids" in cleaned:
        before["coauthors"] = sorted(report.coauthors.values_list("member_id", flat=True))
        report.coauthors.exclude(member_id__in=cleaned["coauthor_ids"]).delete()
        existing = set(report.coauthors.values_list("member_id", flat=True))
        new = [CoAuthor(report=report, member_id=m) for m in cleaned["coauthor_ids"] if m not in existing]
        CoAuthor.objects.bulk_create(new)
        invited = Member.objects.filter(pk__in=[c.member_id for c in new], user__isnull=False).select_related("user")
        actions.tell(
            [m.user for m in invited],
            report,
            "coauthor_invitation",
            _("%(a)s邀请您联名社情民意信息：%(t)s") % {"a": actions.actor_label(report.author), "t": report.title},
        )
    after = {f: getattr(report, f) for f in fields}
    if "coauthor_ids" in cleaned:
        after["coauthors"] = sorted(cleaned["coauthor_ids"])
    return diff(before, after)


@transaction.atomic
def report_create_draft(*, author, data: dict) -> OpinionReport:
    """A new draft: by a serving member (lead author, with co-authors), by a collective's contact in its name
    (``collective_id``), or by the secretariat's staff (``as_staff``)."""
    roles = roles_of(author)
    member = collective = None
    if data.get("collective_id"):
        collective = CollectiveProposer.objects.filter(pk=data["collective_id"], contacts=author).first()
        if collective is None:
            raise NotAllowed(_("您不是该集体的联系人。"))
        kind = ProposerKind.COLLECTIVE
    elif Role.MEMBER in roles and not data.get("as_staff"):
        member = Member.objects.get(user=author)
        kind = ProposerKind.MEMBER
    elif roles & STAFF_ROLES:
        kind = ProposerKind.STAFF
    else:
        raise NotAllowed(_("只有委员、集体联系人和机关工作人员可以报送社情民意信息。"))
    cleaned = _clean(data, lead=member)
    if draft_is_empty(cleaned):
        raise InvalidInput(
            _("社情民意信息尚未填写任何内容，没有保存。"),
            {"title": _("请填写标题。"), "content": _("请填写内容。")},
        )
    report = OpinionReport(
        author=author,
        lead_member=member,
        collective=collective,
        proposer_kind=kind,
        year=timezone.localdate().year,
        title="",
    )
    changes = _apply(report, cleaned)
    audit_record(actor=author, action="opinion.save_draft", obj=report, changes=changes)
    return report


def _lock_own_draft(report_id: int, actor) -> OpinionReport:
    report = actions.lock_visible_report(report_id, actor)
    if report.author_id != actor.pk:
        raise NotAllowed(_("只有填报人可以修改草稿。"))
    if report.state != ReportState.DRAFT:
        raise StateConflict(_("社情民意信息已提交，不能再修改。"))
    return report


@transaction.atomic
def report_update_draft(*, report_id: int, actor, data: dict) -> OpinionReport:
    report = _lock_own_draft(report_id, actor)
    cleaned = _clean(data, lead=report.lead_member)
    changes = _apply(report, cleaned)
    if changes:
        audit_record(actor=actor, action="opinion.save_draft", obj=report, changes=changes)
    return report


# Attachments ---------------------------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, report_id: int, actor, name: str, data: bytes) -> OpinionAttachment:
    """A file on a draft (its author) or on a report being edited (an editor)."""
    report = actions.lock_visible_report(report_id, actor)
    rel = wf.relations_to_report(report, actor)
    if report.state == ReportState.DRAFT:
        if wf.AUTHOR not in rel:
            raise NotAllowed(_("只有填报人可以上传附件。"))
    elif report.state in (ReportState.SUBMITTED, ReportState.EDITING):
        if wf.EDITOR not in rel:
            raise NotAllowed(_("只有信息员可以为已提交的信息上传附件。"))
    else:
        raise StateConflict(_("信息已签发或存档，不能再添加附件。"))
    upload = checked_upload(name=name, data=data, max_bytes=ATTACHMENT_MAX_BYTES)
    att = OpinionAttachment(report=report, uploaded_by=actor, **upload.fields())
    upload.store(att.file)
    att.save()
    audit_record(
        actor=actor, action="opinion.add_attachment", obj=report, changes={"attachment": [None, upload.audited()]}
    )
    return att


@transaction.atomic
def attachment_remove(*, attachment_id: int, actor) -> None:
    att = OpinionAttachment.objects.filter(pk=attachment_id).first()
    if att is None or not visible_reports(actor).filter(pk=att.report_id).exists():
        raise NotVisible(_("附件不存在。"))
    report = actions.lock_visible_report(att.report_id, actor)
    if att.uploaded_by_id != actor.pk or report.state not in (
        ReportState.DRAFT,
        ReportState.SUBMITTED,
        ReportState.EDITING,
    ):
        raise NotAllowed(_("只能删除自己在编辑阶段上传的附件。"))
    name = att.file.name
    audit_record(
        actor=actor,
        action="opinion.remove_attachment",
        obj=report,
        changes={"attachment": [{"name": att.name, "sha256": att.sha256, "size": att.size}, None]},
    )
    att.delete()
    storage = OpinionAttachment._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(name))


def attachment_readable(*, attachment: OpinionAttachment, user) -> bool:
    return visible_reports(user).filter(pk=attachment.report_id).exists()


# For other apps ------------------------------------------------------------------------------------------------


def opinion_arrive_from_proposal(
    *,
    proposal_id: int,
    number: str,
    title: str,
    content: str,
    suggestions: str,
    authors_member_ids: list[int],
    actor,
) -> int | None:
    """A proposal the office converted (转为社情民意信息) arrives as a submitted report linked to it: its first
    author the proposal's lead member, its co-authors the confirmed co-signers (confirmed already). Exactly once per
    proposal (a unique constraint on the proposal's id): calling again returns the report already made. Call it
    once the conversion commits. Returns the report's id (``None`` when the proposal had no member to write it)."""
    existing = OpinionReport.objects.filter(proposal_id=proposal_id).values_list("pk", flat=True).first()
    if existing is not None:
        return existing
    members = {m.pk: m for m in Member.objects.filter(pk__in=authors_member_ids).select_related("user")}
    ordered = [members[i] for i in dict.fromkeys(authors_member_ids) if i in members]
    if not ordered:
        return None
    lead = ordered[0]
    now = timezone.now()
    try:
        with transaction.atomic():
            report = wf.OPINION.arrive(
                OpinionReport,
                "from_proposal",
                ReportState.SUBMITTED,
                author=lead.user or actor,
                lead_member=lead,
                lead_sector_id=lead.sector_id,
                proposer_kind=ProposerKind.MEMBER,
                title=title[:200],
                content=content,
                suggestions=suggestions,
                submitted_at=now,
                share_count=len(ordered),
                proposal_id=proposal_id,
                proposal_number=number[:20],
                proposal_title=title[:200],
                year=timezone.localdate(now).year,
            )
            actions.give_number(report, report.year)
            report.save()
            _arrived(report, ordered, number=number, actor=actor, now=now)
    except IntegrityError:  # the same proposal arrived meanwhile (a retried hook): that one stands
        return OpinionReport.objects.filter(proposal_id=proposal_id).values_list("pk", flat=True).first()
    return report.pk


def _arrived(report, ordered, *, number: str, actor, now) -> None:
    CoAuthor.objects.bulk_create(
        [CoAuthor(report=report, member=m, state=CoAuthorState.CONFIRMED, answered_at=now) for m in ordered[1:]]
    )
    actions.keep_version(report, actor=actor, at=now, note=_("由提案转来"))
    OpinionEvent.objects.create(
        report=report,
        at=now,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actions.actor_label(actor),
        action="from_proposal",
        to_state=ReportState.SUBMITTED,
        note=number,
    )
    audit_record(
        actor=actor,
        action="opinion.arrive_from_proposal",
        obj=report,
        changes={"state": [None, ReportState.SUBMITTED], "proposal_number": [None, number]},
    )
    actions.tell(
        actions.users_with_role(Role.OPINION_EDITOR),
        report,
        "submitted",
        _("由提案转来的社情民意信息待编辑：%(t)s") % {"t": report.title},
    )
    actions.duty_events.submitted_on_commit(report.pk)
    report_indexed_on_commit(report.pk)


def opinion_for_proposal(*, proposal_id: int) -> dict | None:
    """The report a converted proposal became (id, number, state in words), for the proposal's page."""
    report = OpinionReport.objects.filter(proposal_id=proposal_id).only("id", "number", "state").first()
    if report is None:
        return None
    return {"id": report.pk, "number": report.number, "state": report.get_state_display()}
