"""The import engine: a file is checked, every row validated (pass 1), and only when no row has
an error is everything written in one transaction (pass 2), upserting by natural key, logging
what each row did and one audit event for the batch. Otherwise nothing is written and the batch
is rejected with an error report."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import shutil
import time
import uuid
from array import array
from collections.abc import Callable, Iterator
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
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, audit_rows_write
from edugov.common.errors import DomainError, ErrorCode, PermissionDenied
from edugov.common.text import printable

from . import fastdb
from .faults import fault_point
from .models import BatchStatus, ImportBatch, ImportRowLog, RowAction
from .readers import FileRejected, Table, estimate_rows, open_table
from .spec import CellError, Deferred, ImportSpec, RowError, get_spec, header_key

log = logging.getLogger(__name__)

MAX_KEPT_ERRORS = 10_000  # kept for the report; every error is counted
PAGE_ERRORS = 200  # kept on the batch for the page
PROGRESS_EVERY = 20_000

ProgressCallback = Callable[[int, int], None]


class IngestError(ErrorCode):
    UNKNOWN_KIND = "不支持的导入类型：{kind}"
    KIND_DENIED = "您没有导入“{label}”的权限"
    TOO_LARGE = "文件过大，单个文件不能超过{mb}MB，请拆分后分批导入"


@dataclass
class RowProblem:
    row: int
    column: int | None  # index in the file's columns, for highlighting
    header: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.header, "value": self.value, "reason": self.reason}


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
    from .tasks import run_import_batch  # the task module calls back into this one

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


def _set(batch: ImportBatch, **values: Any) -> None:
    for k, v in values.items():
        setattr(batch, k, v)
    ImportBatch.objects.filter(pk=batch.pk).update(**values)


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


class Engine:
    def __init__(self, spec: ImportSpec, batch: ImportBatch, progress: ProgressCallback | None) -> None:
        self.spec = spec
        self.batch = batch
        self.progress = progress
        self.problems: list[RowProblem] = []
        self.error_count = 0

    # Headers -----------------------------------------------------------------------------------

    def _plan(self, table: Table) -> list[tuple[int, Any]]:
        columns = self.spec.bound_columns()
        wanted: dict[str, Any] = {}
        for c in columns:
            for name in (c.header, *c.aliases):
                wanted[header_key(name)] = c
        expected = "、".join(c.header for c in columns)
        seen: dict[str, int] = {}
        plan: list[tuple[int, Any]] = []
        unknown: list[str] = []
        for idx, header in enumerate(table.headers):
            key = header_key(str(header))
            if not key:
                continue
            column = wanted.get(key)
            if column is None:
                unknown.append(str(header))
                continue
            if column.field in seen:
                first = seen[column.field] + 1
                raise FileRejected(
                    f"表头“{column.header}”出现了两次（第{first}列和第{idx + 1}列），请删除重复的列"
                )
            seen[column.field] = idx
            plan.append((idx, column))
        missing = [c.header for c in columns if c.required and c.field not in seen]
        if unknown or missing:
            parts = []
            if missing:
                parts.append("缺少必填列：" + "、".join(missing))
            if unknown:
                parts.append("无法识别的列：" + "、".join(unknown[:10]) + ("等" if len(unknown) > 10 else ""))
            raise FileRejected(
                "；".join(parts)
                + f"。表头应为（与模板一致）：{expected}。请下载“{self.spec.label}”模板核对列名"
            )
        self.headers = list(table.headers)
        self.column_index = {c.field: idx for idx, c in plan}
        self.header_of = {c.field: c.header for c in columns}
        self.masks = {idx: c.personal for idx, c in plan if c.personal is not None}
        # An optional column left out of the file reads as blank in every row, not as a missing key.
        self.absent = {c.field: c.default for c in columns if c.field not in seen}
        return plan

    def _problem(self, row: int, field: str | None, value: Any, reason: str) -> None:
        self.error_count += 1
        if len(self.problems) >= MAX_KEPT_ERRORS:
            return
        column = self.column_index.get(field) if field else None
        header = self.header_of.get(field, "") if field else ""
        self.problems.append(
            RowProblem(
                row, column, printable(header), "" if value is None else printable(str(value)[:200]), reason
            )
        )

    # Pass 1 ------------------------------------------------------------------------------------

    def validate(self, table: Table) -> tuple[list[tuple[Any, ...]], dict[Any, int]]:
        """Check every row. While no error is found, keep the model values of each row (and its
        row number in a compact array) for pass 2; after the first error keep only the keys."""
        spec = self.spec
        plan = self._plan(table)
        spec.prepare()
        ncols = len(table.headers)
        rows: list[tuple[Any, ...]] | None = []
        self.row_numbers = array("I")
        index: dict[Any, int] = {}  # key -> position in rows (row number once rows is dropped)
        build = spec.build
        key_of = spec.key_of
        key_field = spec.key_column or (plan[0][1].field if plan else "")
        total = table.estimated_rows or 1
        self.batch.total_rows = total
        seen_rows = 0
        last_report = time.monotonic()
        for row_number, cells in table.rows():
            if not any(cells):
                continue  # blank lines at the end of a sheet
            seen_rows += 1
            if seen_rows % PROGRESS_EVERY == 0:
                now = time.monotonic()
                if now - last_report > 0.5:
                    last_report = now
                    total = max(total, seen_rows)
                    _set(self.batch, progress=seen_rows, total_rows=total)
                    if self.progress:
                        self.progress(seen_rows, total)
            n = len(cells)
            if n > ncols and any(cells[ncols:]):
                self._problem(row_number, None, "", f"该行有{n}列，多于表头的{ncols}列")
                continue
            values: dict[str, Any] = dict(self.absent)
            bad = False
            for idx, column in plan:
                raw = cells[idx] if idx < n else ""
                if raw == "":
                    if column.required:
                        self._problem(row_number, column.field, "", f"“{column.header}”为必填项")
                        bad = True
                    values[column.field] = column.default
                    continue
                try:
                    values[column.field] = column.parse(raw)
                except CellError as exc:
                    self._problem(row_number, column.field, raw, exc.reason)
                    bad = True
            if bad:
                continue
            try:
                out = build(values, row_number)
            except RowError as exc:
                self._problem(row_number, exc.field, values.get(exc.field), exc.reason)
                continue
            except CellError as exc:
                self._problem(row_number, None, "", exc.reason)
                continue
            if rows is not None and self.error_count:
                # Nothing will be written now: keep only what the duplicate check needs.
                index = {k: self.row_numbers[p] for k, p in index.items()}
                rows = None
            key = key_of(out)
            first = index.get(key)
            if first is not None:
                first_row = self.row_numbers[first] if rows is not None else first
                self._problem(
                    row_number,
                    key_field,
                    values.get(key_field),
                    f"与第{first_row}行重复（{spec.describe_key(out)}）",
                )
                continue
            if rows is not None:
                index[key] = len(rows)
                rows.append(out)
                self.row_numbers.append(row_number)
            else:
                index[key] = row_number
            spec.created(key, out)
        self.seen_rows = seen_rows
        _set(self.batch, progress=seen_rows, total_rows=seen_rows)
        if self.progress:
            self.progress(seen_rows, seen_rows)
        if seen_rows == 0:
            raise FileRejected("表格只有表头，没有数据行")
        return rows or [], index

    # Pass 2 ------------------------------------------------------------------------------------

    def write(self, rows: list[tuple[Any, ...]], index: dict[Any, int]) -> None:
        """Upsert by natural key: existing rows are streamed once and compared in place."""
        spec = self.spec
        model = spec.model
        label = model._meta.label
        fields = spec.fields
        numbers = self.row_numbers
        upd_idx = [fields.index(f) for f in spec.update_fields]
        n = len(rows)
        status = bytearray(n)  # 0 create, 1 unchanged, 2 update
        ids = array("q", bytes(8 * n))
        old_values: dict[int, dict[str, Any]] = {}
        key_of = spec.key_of
        for rec in spec.existing().values_list("pk", *fields).iterator(chunk_size=20_000):
            values = rec[1:]
            pos = index.get(key_of(values))
            if pos is None:
                continue
            new = rows[pos]
            ids[pos] = rec[0]
            changed = {
                spec.update_fields[j]: values[i]
                for j, i in enumerate(upd_idx)
                if values[i] != new[i] or isinstance(new[i], Deferred)
            }
            if changed:
                status[pos] = 2
                old_values[pos] = changed
            else:
                status[pos] = 1
        index.clear()
        create_count = status.count(0)
        new_ids = iter(fastdb.IdAllocator(model).take(create_count))
        for pos in range(n):
            if status[pos] == 0:
                ids[pos] = next(new_ids)
        if spec.self_references:
            key_to_id = {key_of(rows[pos]): ids[pos] for pos in range(n) if status[pos] == 0}
            rows = [self._resolve(r, key_to_id) for r in rows]

        fastdb.insert_rows(model, ("id", *fields), ((ids[p], *rows[p]) for p in range(n) if status[p] == 0))
        fault_point("inserted")
        if old_values:
            fastdb.update_rows(
                model,
                spec.update_fields,
                ((ids[p], *(rows[p][i] for i in upd_idx)) for p in old_values),
            )
        fault_point("updated")
        batch_id = self.batch.pk

        def logs() -> Iterator[tuple[Any, ...]]:
            for pos in range(n):
                s = status[pos]
                if s == 0:
                    yield (batch_id, numbers[pos], RowAction.CREATED, label, ids[pos], None)
                elif s == 2:
                    yield (
                        batch_id,
                        numbers[pos],
                        RowAction.UPDATED,
                        label,
                        ids[pos],
                        _jsonable(old_values[pos]),
                    )

        fastdb.insert_rows(
            ImportRowLog, ("batch_id", "row_number", "action", "model", "object_id", "old_values"), logs()
        )
        fault_point("logged")
        ranges: list[list[int]] = []
        for pos in range(n):
            if status[pos] == 1:
                number = numbers[pos]
                if ranges and ranges[-1][1] == number - 1:
                    ranges[-1][1] = number
                else:
                    ranges.append([number, number])
        self.created_count = create_count
        self.updated_count = len(old_values)
        self.unchanged_count = n - create_count - len(old_values)
        self.unchanged_ranges = ranges

    @staticmethod
    def _resolve(row: tuple[Any, ...], key_to_id: dict[Any, int]) -> tuple[Any, ...]:
        if not any(isinstance(v, Deferred) for v in row):
            return row
        return tuple(key_to_id[v.key] if isinstance(v, Deferred) else v for v in row)

    # Whole run ---------------------------------------------------------------------------------

    def run(self) -> None:
        batch = self.batch
        table = open_table(Path(batch.stored_path), batch.original_name)
        try:
            _set(batch, message="正在校验数据", total_rows=table.estimated_rows)
            rows, index = self.validate(table)
        finally:
            table.close()
        if self.error_count:
            from .report import write_error_report

            del rows, index
            try:
                report = write_error_report(
                    batch=batch, headers=self.headers, problems=self.problems, masks=self.masks
                )
            except Exception:  # the rejection stands even if the report cannot be written
                log.exception("error report of batch %s failed", batch.pk)
                report = None
            shown = "；".join(f"第{p.row}行{p.header}：{p.reason}" for p in self.problems[:3])
            _set(
                batch,
                status=BatchStatus.REJECTED,
                error_count=self.error_count,
                errors=[p.as_dict() for p in self.problems[:PAGE_ERRORS]],
                error_report_path=str(report) if report else "",
                message=(f"发现{self.error_count}处错误，整个文件未导入，请修改后重新上传。{shown}")[:500],
                finished_at=timezone.now(),
            )
            return
        _set(batch, message="校验通过，正在写入数据库")
        fault_point("validated")
        with transaction.atomic():
            self.write(rows, index)
            del rows, index
            counts = {
                "created": self.created_count,
                "updated": self.updated_count,
                "unchanged": self.unchanged_count,
            }
            area_path = self._audit(counts)
            fault_point("audited")
            _set(
                batch,
                status=BatchStatus.SUCCEEDED,
                created_count=self.created_count,
                updated_count=self.updated_count,
                unchanged_count=self.unchanged_count,
                unchanged_ranges=self.unchanged_ranges,
                area_path=area_path,
                progress=self.seen_rows,
                message=(
                    f"导入成功：共{self.seen_rows}行，新增{self.created_count}行，"
                    f"修改{self.updated_count}行，未变化{self.unchanged_count}行"
                ),
                finished_at=timezone.now(),
            )

    def _audit(self, counts: dict[str, int]) -> str:
        """One audit event for the batch, under the uploader's area; an import with no uploader's
        area (the command line, a superuser) is audited in each district its rows lie in, or
        under the system scope. Returns the batch's area, set from its rows when it had none."""
        batch = self.batch
        common: dict[str, Any] = {
            "action": AuditAction.IMPORT,
            "object_id": str(batch.pk),
            "object_repr": f"导入{self.spec.label}：{batch.original_name}",
            "changes": {
                "file": batch.original_name,
                "size": batch.size,
                "sha256": batch.sha256,
                "kind": batch.kind,
                "rows": self.seen_rows,
                **counts,
            },
            "import_batch_id": batch.pk,
            "actor": batch.uploaded_by,
        }
        if batch.area_path:
            audit_record(model_label=self.spec.model._meta.label, area_path=batch.area_path, **common)
            return batch.area_path
        written = ImportRowLog.objects.filter(batch_id=batch.pk).values("object_id")
        events = audit_rows_write(rows=self.spec.model._default_manager.filter(pk__in=written), **common)
        only = events[0].area_path if len(events) == 1 else ""
        return only if only.startswith("/") else ""


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    from edugov.audit.services import _jsonable as audit_jsonable

    return {k: audit_jsonable(v) for k, v in values.items()}
