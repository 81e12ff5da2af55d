"""Importing earlier years' proposals in the background: the office confirms a previewed batch, a job writes it
(``history_import.import_confirm``) and the office follows it on the job's page, which tells the outcome in words.

A file of thousands of rows takes longer than a web request may (the web server's timeout is 30 seconds), so the
page never writes the rows itself. The batch stays in the import's store until the job has written it, so an import
refused for rows in error can be confirmed again from its preview with those rows skipped.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from zhengxie.core.access import has_perm
from zhengxie.notifications.services import notify
from zhengxie.people import imports as batches

from . import history_import
from .models import HistoryImportJob

logger = logging.getLogger(__name__)
S = HistoryImportJob.Status


def job_url(job: HistoryImportJob) -> str:
    return reverse("proposals:history_import_job", kwargs={"pk": job.pk})


def import_job_start(*, actor, token: str, skip_errors: bool) -> HistoryImportJob | None:
    """Queue the writing of ``actor``'s stored batch ``token``; None when the batch is gone or not theirs. A batch
    already being written is not queued twice: its running job is returned."""
    if actor is None or not has_perm(actor, history_import.PERM):
        raise PermissionDenied
    batch = batches.batch_load(user=actor, kind=history_import.KIND, token=token)
    if batch is None:
        return None
    try:
        with transaction.atomic():
            job = HistoryImportJob.objects.create(
                created_by=actor,
                batch_token=token,
                filename=batch["filename"][:200],
                row_count=len(batch["rows"]),
                skip_errors=skip_errors,
            )
            transaction.on_commit(lambda: run_history_import_job.enqueue(job.pk))
    except IntegrityError:
        return HistoryImportJob.objects.get(batch_token=token, status__in=[S.QUEUED, S.RUNNING])
    return job


def _finish(job_id: int, status: str, *, counts: dict | None = None, message: str = "") -> None:
    HistoryImportJob.objects.filter(pk=job_id).update(
        status=status, counts=counts or {}, message=message, finished_at=timezone.now()
    )


def import_job_run(job_id: int) -> str:
    """Write the job's batch. Runs once per job: a job no longer queued (a retry after it ran) does nothing."""
    started = HistoryImportJob.objects.filter(pk=job_id, status=S.QUEUED).update(
        status=S.RUNNING, started_at=timezone.now()
    )
    if not started:
        return "not queued"
    job = HistoryImportJob.objects.select_related("created_by").get(pk=job_id)
    actor = job.created_by
    batch = batches.batch_load(user=actor, kind=history_import.KIND, token=job.batch_token)
    if batch is None:
        _finish(job_id, S.FAILED, message=_("这批导入数据已过期或不存在，请重新上传文件。"))
        return S.FAILED
    try:
        counts = history_import.import_confirm(
            actor=actor, rows=batch["rows"], filename=batch["filename"], skip_errors=job.skip_errors
        )
    except ValidationError as exc:
        _finish(job_id, S.REFUSED, message=" ".join(exc.messages))
        return S.REFUSED
    except PermissionDenied:
        _finish(job_id, S.FAILED, message=_("您已没有导入历史提案的权限。"))
        return S.FAILED
    except Exception:
        logger.exception("history import job %s failed", job_id)
        _finish(
            job_id, S.FAILED, message=_("导入未能完成，没有写入任何数据。请稍后重试；如仍不成功，请联系系统管理员。")
        )
        return S.FAILED
    batches.batch_delete(token=job.batch_token)
    _finish(job_id, S.DONE, counts=counts)
    notify(
        recipients=[actor],
        kind="proposal_history_import",
        title=_(
            "历史提案导入完成：新增 %(created)d 件，更新 %(updated)d 件，无变化 %(unchanged)d 件，跳过 %(skipped)d 行。"
        )
        % counts,
        url=job_url(job),
    )
    return S.DONE


@task()
def run_history_import_job(job_id: int) -> str:
    return import_job_run(job_id)
