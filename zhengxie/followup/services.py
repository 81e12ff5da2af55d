"""The follow-up's public services (成果转化): other apps (consultations, supervision, deliberations, proposals)
make outcome documents and recommendations through these and read their progress; nothing else of this app is
theirs to import. Writes are keyword-only, atomic, checked (``NotAllowed``/``InvalidInput``) and audited."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from zhengxie.audit.services import audit_record
from zhengxie.core.exceptions import InvalidInput, NotAllowed, NotVisible, StateConflict
from zhengxie.core.uploads import checked_upload
from zhengxie.people.models import HandlingUnit

from . import actions
from . import workflow as wf
from .choices import DocumentKind, RecommendationState, Source
from .models import Evidence, OutcomeDocument, Recommendation
from .progress import progress_of_sources, refresh_documents
from .selectors import visible_recommendations

MAX_WEIGHT = 100
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DocumentSummary:
    """What a source's own page shows of one of its outcome documents."""

    id: int
    title: str
    kind: str
    kind_label: str
    url: str
    sent_on: datetime.date | None
    progress: Decimal | None
    recommendation_count: int
    instruction_count: int


@dataclass(frozen=True)
class RecommendationSummary:
    """What a source's own page shows of one of its recommendations (``answered``: the department has answered)."""

    id: int
    document_id: int
    text: str
    unit_id: int
    unit_name: str
    weight: int
    state: str
    state_label: str
    percent: int
    answered: bool
    due_date: datetime.date | None
    last_update_at: datetime.datetime
    url: str


def _require_manager(actor, source: str) -> None:
    if not wf.may_manage(actor, source):
        raise NotAllowed(_("您无权管理成果文件。"))


def _text(value, label: str, field: str, *, max_length: int, required: bool = True) -> str:
    value = ("" if value is None else str(value)).strip()
    if required and not value:
        raise InvalidInput(_("请填写%(f)s。") % {"f": label}, {field: _("必填")})
    if len(value) > max_length:
        raise InvalidInput(_("%(f)s过长（最多%(n)d字）。") % {"f": label, "n": max_length}, {field: _("过长")})
    return value


def _checked_recommendation(item: dict, field: str) -> dict:
    text = _text(item.get("text"), _("建议内容"), field, max_length=5000)
    unit_id = item.get("unit_id")
    if not isinstance(unit_id, int) or not HandlingUnit.objects.filter(pk=unit_id, is_active=True).exists():
        raise InvalidInput(_("请选择有效的承办单位。"), {field: _("承办单位无效")})
    weight = item.get("weight", 1)
    if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= MAX_WEIGHT:
        raise InvalidInput(_("权重应为 1 到 %(n)d 的整数。") % {"n": MAX_WEIGHT}, {field: _("权重无效")})
    due_date = item.get("due_date")
    if due_date is not None and not isinstance(due_date, datetime.date):
        raise InvalidInput(_("落实期限格式应为 YYYY-MM-DD。"), {field: _("日期格式错误")})
    return {"text": text, "unit_id": unit_id, "weight": weight, "due_date": due_date}


def _make_recommendation(*, actor, document: OutcomeDocument, item: dict, position: int, now) -> Recommendation:
    rec = Recommendation.objects.create(
        document=document,
        position=position,
        year=document.year,
        source=document.source,
        last_update_at=now,
        **item,
    )
    actions.log_update(rec, actor=actor, action="create", now=now, to_state=rec.state, to_percent=0)
    return rec


@transaction.atomic
def outcome_document_create(
    *,
    actor,
    source: str,
    source_id: int,
    source_title: str,
    source_url: str,
    year: int,
    kind: str,
    title: str,
    body: str = "",
    recommendations: Sequence[dict] = (),
) -> int:
    """A new outcome document (a draft, not yet sent) with its recommendations; returns its id."""
    if source not in Source.values:
        raise InvalidInput(_("来源无效。"), {"source": _("无效")})
    _require_manager(actor, source)
    if kind not in DocumentKind.values:
        raise InvalidInput(_("文件类型无效。"), {"kind": _("无效")})
    if not isinstance(year, int) or not 1949 <= year <= 2200:
        raise InvalidInput(_("年度无效。"), {"year": _("无效")})
    items = [_checked_recommendation(item, f"recommendations.{n}") for n, item in enumerate(recommendations)]
    now = timezone.now()
    doc = OutcomeDocument.objects.create(
        source=source,
        source_id=source_id,
        source_title=_text(source_title, _("来源名称"), "source_title", max_length=300),
        source_url=_text(source_url, _("来源链接"), "source_url", max_length=500, required=False),
        year=year,
        kind=kind,
        title=_text(title, _("标题"), "title", max_length=300),
        body=_text(body, _("正文"), "body", max_length=100_000, required=False),
        created_by=actor,
    )
    recs = [
        _make_recommendation(actor=actor, document=doc, item=item, position=n + 1, now=now)
        for n, item in enumerate(items)
    ]
    refresh_documents([doc.pk])
    audit_record(
        actor=actor,
        action="followup.document_create",
        obj=doc,
        changes={"source": source, "kind": kind, "year": year, "recommendation_count": len(recs)},
    )
    _indexed("outcome_document", [doc.pk])
    _indexed("recommendation", [r.pk for r in recs])
    return doc.pk


@transaction.atomic
def recommendation_add(*, actor, document_id: int, text: str, unit_id: int, weight: int = 1, due_date=None) -> int:
    """One more recommendation on a document; returns its id."""
    doc = OutcomeDocument.objects.select_for_update().filter(pk=document_id).first()
    if doc is None:
        raise NotVisible(_("成果文件不存在或您无权查看。"))
    _require_manager(actor, doc.source)
    item = _checked_recommendation(
        {"text": text, "unit_id": unit_id, "weight": weight, "due_date": due_date}, "recommendation"
    )
    position = doc.recommendations.count() + 1  # the document's row is locked: positions never collide
    rec = _make_recommendation(actor=actor, document=doc, item=item, position=position, now=timezone.now())
    refresh_documents([doc.pk])
    audit_record(
        actor=actor,
        action="followup.recommendation_add",
        obj=rec,
        changes={"document": doc.pk, "unit": unit_id, "weight": item["weight"]},
    )
    _indexed("recommendation", [rec.pk])
    return rec.pk


def documents_for_sources(*, source: str, source_ids: Iterable[int]) -> dict[int, list[DocumentSummary]]:
    """Each source record's outcome documents (oldest first), for the source's own pages."""
    ids = sorted({int(i) for i in source_ids})
    out: dict[int, list[DocumentSummary]] = {pk: [] for pk in ids}
    docs = (
        OutcomeDocument.objects.filter(source=source, source_id__in=ids)
        .annotate(instructions_n=Count("instructions"))
        .order_by("id")
    )
    for d in docs:
        out[d.source_id].append(
            DocumentSummary(
                id=d.pk,
                title=d.title,
                kind=d.kind,
                kind_label=str(d.get_kind_display()),
                url=actions.document_url(d.pk),
                sent_on=d.sent_on,
                progress=d.progress,
                recommendation_count=d.recommendation_count,
                instruction_count=d.instructions_n,
            )
        )
    return out


def progress_for_sources(*, source: str, source_ids: Iterable[int]) -> dict[int, Decimal | None]:
    """Each source record's progress: the weighted average over all its documents' recommendations."""
    return progress_of_sources(source=source, source_ids=source_ids)


def recommendations_for_sources(*, source: str, source_ids: Iterable[int]) -> dict[int, list[RecommendationSummary]]:
    """Each source record's recommendations, in their documents' order (one query)."""
    ids = sorted({int(i) for i in source_ids})
    out: dict[int, list[RecommendationSummary]] = {pk: [] for pk in ids}
    rows = (
        Recommendation.objects.filter(document__source=source, document__source_id__in=ids)
        .select_related("unit")
        .annotate(source_record=F("document__source_id"))
        .order_by("document_id", "position", "id")
    )
    for r in rows:
        out[r.source_record].append(
            RecommendationSummary(
                id=r.pk,
                document_id=r.document_id,
                text=r.text,
                unit_id=r.unit_id,
                unit_name=r.unit.short_name or r.unit.name,
                weight=r.weight,
                state=r.state,
                state_label=str(r.get_state_display()),
                percent=r.percent,
                answered=r.state != RecommendationState.NOT_ANSWERED,
                due_date=r.due_date,
                last_update_at=r.last_update_at,
                url=actions.rec_url(r.pk),
            )
        )
    return out


def unanswered_for_sources(*, source: str, source_ids: Iterable[int]) -> dict[int, int]:
    """Each source record's recommendations its departments have not yet answered (0 when none)."""
    ids = sorted({int(i) for i in source_ids})
    rows = (
        Recommendation.objects.filter(
            document__source=source, document__source_id__in=ids, state=RecommendationState.NOT_ANSWERED
        )
        .values("document__source_id")
        .annotate(n=Count("id"))
    )
    found = {row["document__source_id"]: row["n"] for row in rows}
    return {pk: found.get(pk, 0) for pk in ids}


# The follow-up's own actions (pages and API) --------------------------------------------------------------------


def document_act(*, document_id: int, action: str, actor, payload: dict | None = None) -> OutcomeDocument:
    """Take a document action (``send``, ``record_instruction``) through the workflow engine."""
    return wf.DOCUMENT.perform(pk=document_id, action=action, actor=actor, payload=payload)


def recommendation_act(*, recommendation_id: int, action: str, actor, payload: dict | None = None) -> Recommendation:
    """Take a recommendation action (``answer``, ``update_progress``) through the workflow engine."""
    return wf.RECOMMENDATION.perform(pk=recommendation_id, action=action, actor=actor, payload=payload)


@transaction.atomic
def evidence_add(*, actor, recommendation_id: int, name: str, data: bytes) -> Evidence:
    """A department attaches a file as evidence to its recommendation (while it is being carried out)."""
    if not visible_recommendations(actor).filter(pk=recommendation_id).exists():
        raise NotVisible(_("建议不存在或您无权查看。"))
    rec = Recommendation.objects.select_for_update().get(pk=recommendation_id)
    if wf.UNIT not in wf.relations_to_recommendation(rec, actor):
        raise NotAllowed(_("只有承办单位可以上传佐证材料。"))
    if rec.state in (RecommendationState.NOT_ANSWERED, RecommendationState.NOT_ADOPTED):
        raise StateConflict(_("建议采纳后才能上传佐证材料。"))
    upload = checked_upload(name=name, data=data, max_bytes=MAX_EVIDENCE_BYTES)
    latest = rec.updates.order_by("-at", "-id").first()
    row = Evidence(recommendation=rec, update=latest, uploaded_by=actor, **upload.fields())
    upload.store(row.file)
    row.save()
    actions.log_update(rec, actor=actor, action="add_evidence", now=timezone.now(), note=upload.name)
    audit_record(actor=actor, action="followup.add_evidence", obj=rec, changes={"attachment": upload.audited()})
    return row


def _indexed(kind: str, ids) -> None:
    actions.indexed_on_commit(kind, ids)


def answer_notes_for(*, recommendation_ids: Iterable[int]) -> dict[int, str]:
    """The department's answer (its measures, 答复意见) to each of the recommendations that have one, by id — for a
    source's own page beside ``recommendations_for_sources`` (supervision shows the rectification measures)."""
    ids = {int(i) for i in recommendation_ids if 0 < int(i) < 2**63}
    rows = Recommendation.objects.filter(pk__in=ids).exclude(answer_note="").values_list("pk", "answer_note")
    return dict(rows) if ids else {}
