"""Drafts (save_draft), attachments and the yearly unit award. State changes are in ``actions.py``."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record, diff
from zhengxie.core.access import has_perm, roles_of
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.core.roles import Role
from zhengxie.core.uploads import checked_upload
from zhengxie.people.choices import MemberStatus
from zhengxie.people.models import CollectiveProposer, HandlingUnit, Member

from . import workflow as wf
from .choices import CosignState, ProposalState, ReplyState
from .conf import conf
from .models import Attachment, Category, Cosignature, ExcellentUnitAward, Proposal, Reply
from .search_index import proposal_indexed_on_commit
from .selectors import visible_proposals, visible_replies

DRAFT_FIELDS = ("title", "analysis", "suggestions", "category_id")


def _clean_draft_data(data: dict, *, author_member: Member | None) -> dict:
    out, errors = {}, {}
    for key, limit in (("title", 200), ("analysis", 20000), ("suggestions", 20000)):
        if key in data:
            value = (data.get(key) or "").strip()
            if len(value) > limit:
                errors[key] = _("过长（最多%(n)d字）。") % {"n": limit}
            out[key] = value
    if "category" in data or "category_id" in data:
        cat = data.get("category_id", data.get("category"))
        if cat in (None, ""):
            out["category_id"] = None
        elif not Category.objects.filter(pk=cat, is_active=True).exists():
            errors["category"] = _("类别不存在。")
        else:
            out["category_id"] = int(cat)
    if "cosigner_ids" in data:
        ids = [int(i) for i in (data.get("cosigner_ids") or [])]
        if len(set(ids)) != len(ids):
            errors["cosigner_ids"] = _("联名人重复。")
        found = set(Member.objects.filter(pk__in=ids, status=MemberStatus.SERVING).values_list("pk", flat=True))
        if set(ids) - found:
            errors["cosigner_ids"] = _("联名人须为在任委员。")
        if author_member is not None and author_member.pk in ids:
            errors["cosigner_ids"] = _("第一提案人不能同时联名。")
        out["cosigner_ids"] = ids
    if "suggested_unit_ids" in data:
        ids = [int(i) for i in (data.get("suggested_unit_ids") or [])]
        if len(set(HandlingUnit.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))) != len(
            set(ids)
        ):
            errors["suggested_unit_ids"] = _("建议承办单位不存在或已停用。")
        out["suggested_unit_ids"] = ids
    if errors:
        raise InvalidInput(_("输入有误：") + "；".join(str(v) for v in errors.values()), errors)
    return out


def draft_is_empty(data: dict) -> bool:
    """Nothing of a proposal written or chosen yet (whose name it is filed in is no content)."""
    texts = any((data.get(key) or "").strip() for key in ("title", "analysis", "suggestions"))
    chosen = data.get("category_id") not in (None, "") or data.get("cosigner_ids") or data.get("suggested_unit_ids")
    return not (texts or chosen)


def _refuse_empty(data: dict) -> None:
    """A new draft is made from something: an empty form saves nothing and says what a proposal needs."""
    if draft_is_empty(data):
        raise InvalidInput(
            _("提案尚未填写任何内容，没有保存。"),
            {
                "title": _("请填写案由。"),
                "analysis": _("请填写情况分析。"),
                "suggestions": _("请填写具体建议。"),
                "category": _("请选择类别。"),
            },
        )


def _apply_draft(proposal: Proposal, cleaned: dict) -> dict:
    before = {f: getattr(proposal, f) for f in DRAFT_FIELDS}
    for f in DRAFT_FIELDS:
        key = f
        if key in cleaned:
            setattr(proposal, f, cleaned[key])
    proposal.save()
    proposal_indexed_on_commit(proposal.pk)
    if "cosigner_ids" in cleaned:
        before["cosigners"] = sorted(proposal.cosignatures.values_list("member_id", flat=True))
        proposal.cosignatures.exclude(member_id__in=cleaned["cosigner_ids"]).delete()
        existing = set(proposal.cosignatures.values_list("member_id", flat=True))
        Cosignature.objects.bulk_create(
            [
                Cosignature(proposal=proposal, member_id=m, state=CosignState.INVITED, year=proposal.year)
                for m in cleaned["cosigner_ids"]
                if m not in existing
            ]
        )
    if "suggested_unit_ids" in cleaned:
        proposal.suggested_units.set(cleaned["suggested_unit_ids"])
    after = {f: getattr(proposal, f) for f in DRAFT_FIELDS}
    if "cosigner_ids" in cleaned:
        after["cosigners"] = sorted(cleaned["cosigner_ids"])
    return diff(before, after)


@transaction.atomic
def proposal_create_draft(*, author, data: dict) -> Proposal:
    """save_draft for a new proposal: by a serving member, or by a collective's contact in its name."""
    roles = roles_of(author)
    collective = None
    member = None
    if data.get("collective_id"):
        collective = CollectiveProposer.objects.filter(pk=data["collective_id"], contacts=author).first()
        if collective is None and Role.PROPOSAL_OFFICE not in roles:
            raise NotAllowed(_("您不是该集体提案者的联系人。"))
        collective = collective or CollectiveProposer.objects.filter(pk=data["collective_id"]).first()
        if collective is None:
            raise InvalidInput(_("集体提案者不存在。"), {"collective_id": _("无效")})
        if data.get("cosigner_ids"):
            raise InvalidInput(_("集体提案没有联名人。"), {"cosigner_ids": _("集体提案不能联名")})
    else:
        if Role.MEMBER not in roles:
            raise NotAllowed(_("只有在任委员可以提交个人提案。"))
        member = Member.objects.get(user=author)
    cleaned = _clean_draft_data(data, author_member=member)
    _refuse_empty(cleaned)
    proposal = Proposal(
        author=author, lead_member=member, collective=collective, year=timezone.localdate().year, title=""
    )
    changes = _apply_draft(proposal, cleaned)
    audit_record(actor=author, action="proposal.save_draft", obj=proposal, changes=changes)
    return proposal


@transaction.atomic
def proposal_update_draft(*, proposal_id: int, actor, data: dict) -> Proposal:
    if not visible_proposals(actor).filter(pk=proposal_id).exists():
        raise NotVisible(_("提案不存在或您无权查看。"))
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    step = wf.PROPOSAL_ACTIONS["edit"]
    if not step.who & wf.relations_to_proposal(proposal, actor):
        raise NotAllowed(_("只有提案人可以修改草稿。"))
    if proposal.state not in step.sources:
        raise StateConflict(_("提案已提交，不能再修改。"))
    if proposal.collective_id and data.get("cosigner_ids"):
        raise InvalidInput(_("集体提案没有联名人。"), {"cosigner_ids": _("集体提案不能联名")})
    cleaned = _clean_draft_data(data, author_member=proposal.lead_member)
    changes = _apply_draft(proposal, cleaned)
    if changes:
        audit_record(actor=actor, action="proposal.save_draft", obj=proposal, changes=changes)
    return proposal


# Attachments ---------------------------------------------------------------------------------------------------


@transaction.atomic
def attachment_add(*, proposal_id: int, actor, name: str, data: bytes, reply_id: int | None = None) -> Attachment:
    """Attach a file to a draft proposal (its author) or to a draft reply (the unit's staff)."""
    if not visible_proposals(actor).filter(pk=proposal_id).exists():
        raise NotVisible(_("提案不存在或您无权查看。"))
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    reply = None
    if reply_id is not None:
        reply = (
            Reply.objects.select_related("assignment__unit").filter(pk=reply_id, assignment__proposal=proposal).first()
        )
        if reply is None:
            raise NotVisible(_("答复不存在。"))
        if "unit" not in wf.relations_to_assignment(reply.assignment, actor):
            raise NotAllowed(_("只有承办单位可以上传答复附件。"))
        if reply.state != ReplyState.DRAFT:
            raise StateConflict(_("答复已签发，不能再添加附件。"))
    else:
        if proposal.author_id != actor.pk:
            raise NotAllowed(_("只有提案人可以上传附件。"))
        if proposal.state != ProposalState.DRAFT:
            raise StateConflict(_("提案已提交，不能再添加附件。"))
    upload = checked_upload(name=name, data=data, max_bytes=conf("ATTACHMENT_MAX_BYTES"))
    att = Attachment(proposal=proposal, reply=reply, uploaded_by=actor, **upload.fields())
    upload.store(att.file)
    att.save()
    audit_record(
        actor=actor, action="proposal.add_attachment", obj=proposal, changes={"attachment": [None, upload.audited()]}
    )
    return att


@transaction.atomic
def attachment_remove(*, attachment_id: int, actor) -> None:
    att = Attachment.objects.select_related("proposal", "reply").filter(pk=attachment_id).first()
    if att is None or not visible_proposals(actor).filter(pk=att.proposal_id).exists():
        raise NotVisible(_("附件不存在。"))
    owner_ok = att.uploaded_by_id == actor.pk
    editable = (att.reply is None and att.proposal.state == ProposalState.DRAFT) or (
        att.reply is not None and att.reply.state == ReplyState.DRAFT
    )
    if not owner_ok:
        raise NotAllowed(_("只能删除自己上传的附件。"))
    if not editable:
        raise StateConflict(_("已提交的附件不能删除。"))
    audit_record(
        actor=actor,
        action="proposal.remove_attachment",
        obj=att.proposal,
        changes={"attachment": [{"name": att.name, "sha256": att.sha256}, None]},
    )
    att.delete()


def attachment_readable(*, attachment: Attachment, user) -> bool:
    if not visible_proposals(user).filter(pk=attachment.proposal_id).exists():
        return False
    if attachment.reply_id is None:
        return True
    return any(r.pk == attachment.reply_id for r in visible_replies(user, attachment.proposal))


@transaction.atomic
def excellent_unit_award(*, actor, year: int, unit_id: int, note: str = "") -> ExcellentUnitAward:
    if Role.PROPOSAL_OFFICE not in roles_of(actor):
        raise NotAllowed(_("只有提案委可以评定优秀承办单位。"))
    unit = HandlingUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput(_("承办单位不存在。"), {"unit_id": _("无效")})
    award, created = ExcellentUnitAward.objects.get_or_create(
        year=year, unit=unit, defaults={"note": note, "awarded_by": actor}
    )
    if not created:
        raise StateConflict(_("该单位已获评本年度优秀承办单位。"))
    audit_record(actor=actor, action="proposal.award_unit", obj=unit, changes={"award": [None, year]})
    return award


# Categories (提案类别): an editable list; a category in use is deactivated rather than deleted ------------------------


def _clean_category(data: dict, *, exclude_id: int | None = None) -> dict:
    errors = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = _("请填写类别名称。")
    elif len(name) > 50:
        errors["name"] = _("类别名称不超过50字。")
    elif Category.objects.filter(name=name).exclude(pk=exclude_id).exists():
        errors["name"] = _("已有同名类别。")
    try:
        sort_order = int(data.get("sort_order") or 0)
    except (TypeError, ValueError):
        sort_order = -1
    if not 0 <= sort_order <= 32767:
        errors["sort_order"] = _("排序应为 0 到 32767 之间的整数。")
    if errors:
        raise InvalidInput(_("输入有误：") + "；".join(errors.values()), errors)
    return {"name": name, "sort_order": sort_order, "is_active": bool(data.get("is_active", True))}


def _may_manage_categories(actor) -> None:
    if not has_perm(actor, "proposals.manage_settings"):
        raise NotAllowed(_("只有提案委或系统管理员可以维护提案类别。"))


@transaction.atomic
def category_create(*, actor, data: dict) -> Category:
    _may_manage_categories(actor)
    values = _clean_category(data)
    category = Category.objects.create(**values)
    audit_record(
        actor=actor, action="proposal.category_create", obj=category, changes={k: [None, v] for k, v in values.items()}
    )
    return category


@transaction.atomic
def category_update(*, actor, category_id: int, data: dict) -> Category:
    _may_manage_categories(actor)
    category = Category.objects.select_for_update().filter(pk=category_id).first()
    if category is None:
        raise NotVisible(_("类别不存在。"))
    values = _clean_category(data, exclude_id=category.pk)
    before = {k: getattr(category, k) for k in values}
    changes = diff(before, values)
    if changes:
        for key, value in values.items():
            setattr(category, key, value)
        category.save(update_fields=list(values))
        audit_record(actor=actor, action="proposal.category_update", obj=category, changes=changes)
    return category
