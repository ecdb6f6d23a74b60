"""The two passes over one import file: plan the columns, validate every row (pass 1), then write
everything in one transaction (pass 2) with the row log, the audit event and the error report."""

from __future__ import annotations

import logging
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, audit_rows_write
from edugov.common.text import printable

from .. import fastdb
from ..faults import fault_point
from ..models import BatchStatus, ImportBatch, ImportRowLog, RowAction
from ..readers import FileRejected, Table, open_table
from ..spec import CellError, Deferred, ImportSpec, RowError, header_key

log = logging.getLogger(__name__)


MAX_KEPT_ERRORS = 10_000  # kept for the report; every error is counted
PAGE_ERRORS = 200  # kept on the batch for the page
SUMMARY_ERRORS = 5  # named in the summary line; past this it says how many more there are
MESSAGE_LENGTH = 500  # ImportBatch.message
PROGRESS_EVERY = 20_000

ProgressCallback = Callable[[int, int], None]


@dataclass
class RowProblem:
    row: int
    column: int | None  # index in the file's columns, for highlighting
    header: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.header, "value": self.value, "reason": self.reason}


def _set(batch: ImportBatch, **values: Any) -> None:
    for k, v in values.items():
        setattr(batch, k, v)
    ImportBatch.objects.filter(pk=batch.pk).update(**values)


def error_summary(count: int, problems: list[RowProblem], *, room: int = 400) -> str:
    """The errors the summary line names, within `room` characters: every one while they fit (at
    most SUMMARY_ERRORS), then how many more there are. It used to name the first three whatever
    the count, so "4 errors" listed 3."""
    parts: list[str] = []
    for p in problems[:SUMMARY_ERRORS]:
        part = f"第{p.row}行{p.header or '（整行）'}：{p.reason}"[:200]
        rest = count - len(parts) - 1
        tail = f"；另有{rest}处，见错误清单和错误报告" if rest else ""
        if len("；".join([*parts, part])) + len(tail) > room:
            break
        parts.append(part)
    text = "；".join(parts)
    if count > len(parts):
        text += f"{'；' if parts else ''}另有{count - len(parts)}处，见错误清单和错误报告"
    return text


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
        # Number columns: the error workbook writes their well-formed values as numbers, not text.
        self.numeric = {idx for idx, c in plan if c.type in ("int", "decimal")}
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
            typed: dict[str, Any] = {}  # the cells as typed: an error quotes these, not the parsed value
            bad = False
            for idx, column in plan:
                raw = cells[idx] if idx < n else ""
                typed[column.field] = raw
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
                self._problem(row_number, exc.field, typed.get(exc.field, ""), exc.reason)
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
                    typed.get(key_field, ""),
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
            from ..report import write_error_report

            del rows, index
            try:
                report = write_error_report(
                    batch=batch,
                    headers=self.headers,
                    problems=self.problems,
                    masks=self.masks,
                    numeric=self.numeric,
                )
            except Exception:  # the rejection stands even if the report cannot be written
                log.exception("error report of batch %s failed", batch.pk)
                report = None
            head = f"发现{self.error_count}处错误，整个文件未导入，请修改后重新上传。"
            shown = error_summary(self.error_count, self.problems, room=MESSAGE_LENGTH - len(head))
            _set(
                batch,
                status=BatchStatus.REJECTED,
                error_count=self.error_count,
                errors=[p.as_dict() for p in self.problems[:PAGE_ERRORS]],
                error_report_path=str(report) if report else "",
                message=f"{head}{shown}",
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
