"""Background import of large files: the task only calls the service."""

from __future__ import annotations

from django_tasks import task

from edugov.audit.context import acting


@task()
def run_import_batch(batch_id: int) -> str:
    from .models import BatchStatus, ImportBatch
    from .services import batch_run

    batch = ImportBatch.objects.select_related("uploaded_by").filter(pk=batch_id).first()
    if batch is None or batch.status != BatchStatus.PENDING:
        return "skipped"
    with acting(actor=batch.uploaded_by, source="task"):
        batch_run(batch=batch)
    return str(batch.status)
