"""Writing and verifying the audit trail."""

import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from zhengxie.core.middleware import client_address, current_request

from .models import AuditChainHead, AuditEntry

GENESIS = "0" * 64


def _jsonable(value):
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def _row_hash(
    prev_hash: str,
    *,
    created_at,
    actor_id,
    actor_label,
    action,
    object_type,
    object_id,
    object_repr,
    changes,
    client_address,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            created_at.isoformat(),
            actor_id,
            actor_label,
            action,
            object_type,
            object_id,
            object_repr,
            changes,
            client_address,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def diff(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for the fields whose value changed."""
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(key)), _jsonable(after.get(key))
        if old != new:
            out[key] = [old, new]
    return out


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
    changes: dict | None = None,
    request=None,
) -> AuditEntry:
    """Append one audit row. Call it inside the service's transaction so the row and the change commit together."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    request = request if request is not None else current_request()
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    fields = {
        "created_at": timezone.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": (actor.get_username() if actor is not None else "system")[:150],
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "object_repr": str(object_repr)[:255],
        "changes": _jsonable(changes or {}),
        "client_address": client_address(request),
    }
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS, "last_id": 0}
        )
        row_hash = _row_hash(head.last_hash, **fields)
        entry = AuditEntry.objects.create(prev_hash=head.last_hash, hash=row_hash, **fields)
        head.last_hash, head.last_id = row_hash, entry.pk
        head.save(update_fields=["last_hash", "last_id"])
    return entry


@dataclass
class ChainReport:
    checked: int
    first_broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def audit_verify_chain(*, batch_size: int = 5000) -> ChainReport:
    """Walk the chain in id order; report the first row whose hash or link does not hold."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                return ChainReport(checked, row.id, "link to the previous row is broken (a row was removed or changed)")
            expected = _row_hash(
                prev,
                created_at=row.created_at,
                actor_id=row.actor_id,
                actor_label=row.actor_label,
                action=row.action,
                object_type=row.object_type,
                object_id=row.object_id,
                object_repr=row.object_repr,
                changes=row.changes,
                client_address=row.client_address,
            )
            if expected != row.hash:
                return ChainReport(checked, row.id, "row content does not match its hash (the row was changed)")
            prev = row.hash
            checked += 1
            last_id = row.id
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_hash != prev:
        return ChainReport(checked, head.last_id, "the newest rows were removed (chain head does not match)")
    return ChainReport(checked)
