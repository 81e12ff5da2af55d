"""Activity materials (活动材料): files the organiser adds for the invitees. The type is judged by the content, as
for proposal attachments, and every upload is audited. Reading is for those who may see the activity
(``activities.visible_activities``: organisers, and invitees once it is published)."""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.proposals.services import sniff_content_type

from .activities import is_organiser, visible_activities
from .models import Activity, ActivityMaterial, ActivityState

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "ACTIVITIES", {}).get("MATERIAL_MAX_BYTES", DEFAULT_MAX_BYTES)


def can_add_material(activity: Activity, user) -> bool:
    """Organisers add materials until the activity is cancelled (minutes may follow after it has closed)."""
    return is_organiser(user) and activity.state != ActivityState.CANCELLED


@transaction.atomic
def material_add(*, activity_id: int, actor, name: str, data: bytes) -> ActivityMaterial:
    activity = visible_activities(actor).select_for_update().filter(pk=activity_id).first()
    if activity is None:
        raise NotVisible(_("活动不存在或您无权查看。"))
    if not is_organiser(actor):
        raise NotAllowed(_("只有组织者可以上传活动材料。"))
    if not can_add_material(activity, actor):
        raise StateConflict(_("活动已取消，不能再上传材料。"))
    limit = max_bytes()
    if not data:
        raise InvalidInput(_("文件为空。"), {"file": _("空文件")})
    if len(data) > limit:
        raise InvalidInput(_("文件超过 %(n)d MB。") % {"n": limit // (1024 * 1024)}, {"file": _("过大")})
    ctype = sniff_content_type(data[:16], data)
    if ctype is None:
        raise InvalidInput(_("只能上传 PDF、Word、Excel 或图片文件。"), {"file": _("类型不支持")})
    digest = hashlib.sha256(data).hexdigest()
    material = ActivityMaterial(
        activity=activity,
        name=(name or "file").strip()[:200] or "file",
        content_type=ctype,
        size=len(data),
        sha256=digest,
        uploaded_by=actor,
    )
    material.file.save(digest, ContentFile(data), save=False)
    material.save()
    audit_record(
        actor=actor,
        action="activity.add_material",
        obj=activity,
        changes={"material": [None, {"name": material.name, "sha256": digest, "size": material.size}]},
    )
    return material
