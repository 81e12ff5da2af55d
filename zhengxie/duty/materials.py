"""Activity materials (活动材料): files the organiser adds for the invitees, checked and stored as every upload is
(``core.uploads``: the type judged by the content), and audited. Reading is for those who may see the activity
(``activities.visible_activities``: organisers, and invitees once it is published)."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.exceptions import NotAllowed, NotVisible, StateConflict
from zhengxie.core.uploads import checked_upload

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
    upload = checked_upload(name=name, data=data, max_bytes=max_bytes())
    material = ActivityMaterial(activity=activity, uploaded_by=actor, **upload.fields())
    upload.store(material.file)
    material.save()
    audit_record(
        actor=actor, action="activity.add_material", obj=activity, changes={"material": [None, upload.audited()]}
    )
    return material
