"""An import batch's life: staging an upload (inline or queued for a worker), creating and running
a batch under its worker lock, and failing the batches of workers that died."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.common.errors import DomainError, ErrorCode, PermissionDenied

from ..faults import fault_point
from ..models import BatchStatus, ImportBatch
from ..readers import FileRejected, estimate_rows
from ..spec import ImportSpec, get_spec
from .engine import Engine, ProgressCallback, _set

log = logging.getLogger(__name__)


class IngestError(ErrorCode):
    UNKNOWN_KIND = "不支持的导入类型：{kind}"
    KIND_DENIED = "您没有导入“{label}”的权限"
    TOO_LARGE = "文件过大，单个文件不能超过{mb}MB，请拆分后分批导入"


def imports_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _anchors(user: Any) -> tuple[str, Any]:
    """The scope anchors of a batch: the uploader's area path, or their school."""
    if user is None:
        return "", None
    if getattr(user, "area_id", None):  # area accounts hang on an area, school accounts on a school
        return user.area.path, None
    if getattr(user, "school_id", None):
        return user.school.area.path, user.school
    return "", None


def check_can_import(*, kind: str, user: Any) -> type[ImportSpec]:
    spec = get_spec(kind)
    if spec is None:
        raise DomainError(IngestError.UNKNOWN_KIND, kind=kind)
    if user is not None and not spec.allows(user):
        if spec.action is not None:
            ensure_can(user, spec.action)  # the policy's own refusal (read-only, module, role)
        raise PermissionDenied(IngestError.KIND_DENIED, label=spec.label)
    return spec


def batch_create(*, kind: str, path: Path, original_name: str, user: Any, copy: bool = True) -> ImportBatch:
    """Keep the uploaded file under MEDIA_ROOT/imports/ and record a pending batch."""
    check_can_import(kind=kind, user=user)
    path = Path(path)
    suffix = Path(original_name).suffix.lower()[:10]
    stored = imports_dir() / f"{timezone.now():%Y%m%d}-{uuid.uuid4().hex}{suffix}"
    if copy:
        shutil.copyfile(path, stored)
    else:
        shutil.move(str(path), stored)
    area_path, school = _anchors(user)
    return ImportBatch.objects.create(
        kind=kind,
        original_name=original_name[:255],
        stored_path=str(stored),
        size=stored.stat().st_size,
        sha256=file_sha256(stored),
        uploaded_by=user,
        area_path=area_path,
        school=school,
    )


@dataclass(frozen=True)
class Upload:
    """A started upload: the batch, and whether it was queued for a worker (too many rows to
    import while the uploader waits) rather than imported already."""

    batch: ImportBatch
    queued: bool


def batch_upload(*, actor: User, kind: str, upload: UploadedFile) -> Upload:
    """Stage an uploaded file and start its import: permission and size checked first, the file
    streamed to the imports folder and recorded as a pending batch, then imported inline when it
    has at most EDUGOV_IMPORT_INLINE_ROWS rows, else queued for the worker once the batch is
    committed (a worker must not look for a batch that is not there yet)."""
    check_can_import(kind=kind, user=actor)
    limit = settings.EDUGOV_IMPORT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise DomainError(IngestError.TOO_LARGE, mb=limit // 1024 // 1024)
    name = upload.name or "upload"
    incoming = imports_dir() / "incoming"
    incoming.mkdir(exist_ok=True)
    path = incoming / f"{actor.pk}-{Path(name).name[-80:]}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        batch = batch_create(kind=kind, path=path, original_name=name, user=actor, copy=False)
    finally:
        path.unlink(missing_ok=True)
    if estimate_rows(Path(batch.stored_path), batch.original_name) <= settings.EDUGOV_IMPORT_INLINE_ROWS:
        return Upload(batch=batch_run(batch=batch), queued=False)
    from ..tasks import run_import_batch  # the task module calls back into this one

    pk = batch.pk
    transaction.on_commit(lambda: run_import_batch.enqueue(pk))
    return Upload(batch=batch, queued=True)


def import_file(
    *, kind: str, path: Path, original_name: str, user: Any, progress: ProgressCallback | None = None
) -> ImportBatch:
    """Import one file synchronously. Raises DomainError only for permission or unknown kind;
    anything wrong with the file ends as a rejected batch."""
    batch = batch_create(kind=kind, path=path, original_name=original_name, user=user)
    fault_point("created")
    return batch_run(batch=batch, progress=progress)


@contextlib.contextmanager
def _worker_lock(batch: ImportBatch) -> Iterator[None]:
    """A shared lock on the stored file for as long as a worker runs the batch. The kernel drops it
    when the worker dies, even by SIGKILL, which is how batch_sweep_stale() tells a dead worker
    from a slow one."""
    with contextlib.ExitStack() as stack:
        try:
            f = stack.enter_context(Path(batch.stored_path).open("rb"))
        except OSError:  # no file: the run rejects the batch itself
            f = None
        if f is not None:
            fcntl.flock(f, fcntl.LOCK_SH)
        yield


STALE_MESSAGE = "导入被中断（处理进程意外终止），数据未做任何修改，请重新导入该文件"


def _worker_alive(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def batch_sweep_stale(*, min_age: timedelta = timedelta(seconds=0)) -> int:
    """Mark as failed the batches left "running" by a worker that died (killed, machine restart):
    no live process holds their file lock. Nothing of their file was written (the write is one
    transaction), so failing them is safe and lets the file be imported again. Returns the count."""
    swept = 0
    cutoff = timezone.now() - min_age
    for batch in ImportBatch.objects.filter(status=BatchStatus.RUNNING, started_at__lte=cutoff):
        if _worker_alive(Path(batch.stored_path)):
            continue
        swept += ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.RUNNING).update(
            status=BatchStatus.FAILED, message=STALE_MESSAGE, finished_at=timezone.now()
        )
    # "pending" left by a worker killed between creating and starting its batch: failed when no task
    # of the queue holds it, no process holds its file, and it is older than PENDING_GRACE (which
    # covers a web upload's moment between creating the batch and enqueueing it).
    queued = _queued_batch_ids()
    pending = ImportBatch.objects.filter(
        status=BatchStatus.PENDING, created_at__lte=timezone.now() - max(min_age, PENDING_GRACE)
    )
    for batch in pending.exclude(pk__in=queued):
        if _worker_alive(Path(batch.stored_path)):
            continue
        swept += ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.PENDING).update(
            status=BatchStatus.FAILED, message=STALE_MESSAGE, finished_at=timezone.now()
        )
    return swept


PENDING_GRACE = timedelta(minutes=1)


def _queued_batch_ids() -> set[int]:
    """Batches a ready or running task of the database queue will run (or is running)."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return set()
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(
        task_path__endswith="ingest.tasks.run_import_batch", status__in=["READY", "RUNNING"]
    )
    return {
        int(a["args"][0]) if a.get("args") else int(a["kwargs"]["batch_id"])
        for a in tasks.values_list("args_kwargs", flat=True)
    }


def batch_run(*, batch: ImportBatch, progress: ProgressCallback | None = None) -> ImportBatch:
    with _worker_lock(batch):
        return _batch_run(batch=batch, progress=progress)


def _batch_run(*, batch: ImportBatch, progress: ProgressCallback | None = None) -> ImportBatch:
    spec_cls = get_spec(batch.kind)
    _set(batch, status=BatchStatus.RUNNING, started_at=timezone.now(), message="正在检查文件")
    try:
        if spec_cls is None:
            raise FileRejected(f"不支持的导入类型：{batch.kind}")
        user = batch.uploaded_by
        if user is not None and not spec_cls.allows(user):
            raise FileRejected(f"您没有导入“{spec_cls.label}”的权限")
        Engine(spec_cls(user), batch, progress).run()
    except FileRejected as exc:
        _set(batch, status=BatchStatus.REJECTED, message=exc.message[:500], finished_at=timezone.now())
    except Exception:
        log.exception("import batch %s failed", batch.pk)
        _set(
            batch,
            status=BatchStatus.FAILED,
            message="导入失败：系统内部错误，数据未做任何修改，请联系管理员",
            finished_at=timezone.now(),
        )
    return batch
