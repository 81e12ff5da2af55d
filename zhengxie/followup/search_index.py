"""What the search finds of the follow-up: outcome documents (title and text) and recommendations (their text and
the department's answer), each found by those who may see it (``selectors.visible_*``), kept current once each
change commits (``indexed_on_commit``: the services and the workflow engine's ``after`` step call it)."""

from django.utils.translation import gettext_lazy as _

from zhengxie.search import registry
from zhengxie.search.services import index_on_commit

from . import actions
from .models import OutcomeDocument, Recommendation
from .selectors import visible_documents, visible_recommendations

DOCUMENT = "outcome_document"
RECOMMENDATION = "recommendation"


def document_documents(ids):
    qs = OutcomeDocument.objects.only("id", "year", "title", "body", "source_title").order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    for d in qs.iterator(chunk_size=1000):
        body = "\n".join(part for part in (d.source_title, d.body) if part)
        yield registry.Document(object_id=d.pk, year=d.year, title=d.title, body=body, url=actions.document_url(d.pk))


def recommendation_documents(ids):
    qs = (
        Recommendation.objects.select_related("document", "unit")
        .only("id", "year", "text", "answer_note", "document__title", "unit__name")
        .order_by("id")
    )
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    for r in qs.iterator(chunk_size=1000):
        title = r.text if len(r.text) <= 80 else r.text[:79] + "…"
        body = "\n".join(part for part in (r.text, r.answer_note, r.unit.name, r.document.title) if part)
        yield registry.Document(object_id=r.pk, year=r.year, title=title, body=body, url=actions.rec_url(r.pk))


def visible_document_ids(user):
    return visible_documents(user).values("pk")


def visible_recommendation_ids(user):
    return visible_recommendations(user).values("pk")


def indexed_on_commit(kind: str, ids) -> None:
    index_on_commit(kind, sorted(set(ids)))


def register() -> None:
    registry.register(
        registry.Source(
            kind=DOCUMENT,
            label=_("成果文件"),
            documents=document_documents,
            visible_ids=visible_document_ids,
            order=60,
        )
    )
    registry.register(
        registry.Source(
            kind=RECOMMENDATION,
            label=_("建议"),
            documents=recommendation_documents,
            visible_ids=visible_recommendation_ids,
            order=61,
        )
    )
    actions.set_index_hook(indexed_on_commit)
