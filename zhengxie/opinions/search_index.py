"""What the search finds of opinion reports: title, content and suggestions, found by those who may see the report
(``selectors.visible_reports``), kept current once each write commits (``report_indexed_on_commit``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengxie.search import registry
from zhengxie.search.services import index_on_commit

from .choices import ReportState
from .models import OpinionReport
from .selectors import visible_reports

KIND = "opinion"


def report_documents(ids):
    # Drafts are searched by nobody but their author: they are indexed too, the visibility rule decides.
    qs = OpinionReport.objects.only("id", "year", "title", "content", "suggestions", "state").order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    for r in qs.iterator(chunk_size=1000):
        if not r.title and r.state == ReportState.DRAFT:
            continue
        body = "\n".join(part for part in (r.content, r.suggestions) if part)
        yield registry.Document(
            object_id=r.pk, year=r.year, title=r.title, body=body, url=reverse("opinions:detail", args=[r.pk])
        )


def visible_report_ids(user):
    return visible_reports(user).values("pk")


def report_indexed_on_commit(report_id: int) -> None:
    index_on_commit(KIND, [report_id])


def register() -> None:
    registry.register(
        registry.Source(
            kind=KIND, label=_("社情民意信息"), documents=report_documents, visible_ids=visible_report_ids, order=30
        )
    )
