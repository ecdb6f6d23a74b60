"""Reads of import batches: who may see a batch, who sees its personal identifiers in clear, and
the page's view of a batch with those identifiers masked for everyone else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404

from edugov.accounts.policy import can
from edugov.accounts.scope import scope_q

from .models import ImportBatch, ImportRowLog
from .spec import KINDS, Mask, get_spec

MASKED_SUFFIX = "-masked"


# Who sees what: the ingest policy (ingest/permissions.py) and the batch's module.


def batch_visible_q(actor: Any) -> Q | None:
    """The batches `actor` may see: their own uploads, and within their scope those of the kinds
    whose module they work in. None when they may see none."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    if actor.is_superuser:
        return Q()
    own = Q(uploaded_by=actor)
    scope = scope_q(ImportBatch, actor)
    kinds = [kind for kind, spec in KINDS.items() if spec.module_code() in actor.modules]
    if scope is None or not kinds:
        return own
    return own | (scope & Q(kind__in=kinds))


def report_in_clear(actor: Any, batch: ImportBatch) -> bool:
    """Personal identifiers in clear for the uploader and the administrators over the batch's scope
    who work in its module: a district administrator or department officer of an area above it,
    the administrator of its school. Everyone else who may see the batch sees them masked."""
    if actor.is_superuser or (batch.uploaded_by_id is not None and batch.uploaded_by_id == actor.pk):
        return True
    spec = get_spec(batch.kind)
    if spec is None or spec.module_code() not in actor.modules:
        return False
    return can(actor, "ingest.report_in_clear", batch)


def _visible(actor: Any) -> QuerySet[ImportBatch]:
    q = batch_visible_q(actor)
    return ImportBatch.objects.none() if q is None else ImportBatch.objects.filter(q)


def batch_list(*, user: Any, limit: int = 20) -> QuerySet[ImportBatch]:
    return _visible(user).select_related("uploaded_by").order_by("-created_at", "-id")[:limit]


def batch_get(*, user: Any, pk: int) -> ImportBatch:
    batch = _visible(user).select_related("uploaded_by").filter(pk=pk).first()
    if batch is None:
        raise Http404("导入批次不存在或无权查看")
    return batch


def batch_rows(*, batch: ImportBatch, limit: int = 200) -> QuerySet[ImportRowLog]:
    return ImportRowLog.objects.filter(batch=batch).order_by("row_number")[:limit]


def unchanged_text(batch: ImportBatch, limit: int = 50) -> str:
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in batch.unchanged_ranges[:limit]]
    more = "等" if len(batch.unchanged_ranges) > limit else ""
    return "、".join(parts) + more


# Masking ----------------------------------------------------------------------------------------


def personal_masks(kind: str) -> tuple[dict[str, Mask], dict[str, Mask]]:
    """The masks of a kind's personal columns, by header and by model field."""
    spec = get_spec(kind)
    if spec is None:
        return {}, {}
    columns = [c for c in spec.bound_columns() if c.personal is not None]
    return (
        {c.header: c.personal for c in columns if c.personal},
        {(c.model_field or c.field): c.personal for c in columns if c.personal},
    )


def masked_report_path(path: Path) -> Path:
    """Where the report with personal identifiers masked is kept beside the clear one."""
    return path.with_name(f"{path.stem}{MASKED_SUFFIX}{path.suffix}")


def report_file(*, user: Any, batch: ImportBatch) -> Path | None:
    """The error report `user` may download: the clear one or the masked one; None when missing
    (a batch reported before masking existed has no masked copy: it is not served in clear)."""
    if not batch.error_report_path:
        return None
    path = Path(batch.error_report_path)
    if not report_in_clear(user, batch):
        path = masked_report_path(path)
    return path if path.is_file() else None


@dataclass(frozen=True)
class BatchView:
    """A batch as its reader may see it: errors and previous values masked unless in clear."""

    batch: ImportBatch
    clear: bool
    message: str
    errors: list[dict[str, Any]]
    rows: list[dict[str, Any]]


def _masked_text(text: str, values: dict[str, str]) -> str:
    for clear, masked in values.items():
        if clear:
            text = text.replace(clear, masked)
    return text


def batch_view(*, user: Any, pk: int, row_limit: int = 200) -> BatchView:
    batch = batch_get(user=user, pk=pk)
    clear = report_in_clear(user, batch)
    by_header, by_field = ({}, {}) if clear else personal_masks(batch.kind)
    hidden: dict[str, str] = {}  # clear value -> masked, also where a reason quotes the value
    for e in batch.errors:
        mask = by_header.get(e.get("column") or "")
        value = str(e.get("value") or "")
        if mask is not None and value:
            hidden[value] = mask(value)
    errors = [
        {
            **e,
            "value": _masked_text(str(e.get("value") or ""), hidden),
            "reason": _masked_text(e["reason"], hidden),
        }
        for e in batch.errors
    ]
    logs = (
        list(batch_rows(batch=batch, limit=row_limit)) if batch.created_count or batch.updated_count else []
    )
    spec = get_spec(batch.kind)
    model = spec.model if spec is not None else None
    records = _record_names(model, [r.object_id for r in logs])
    names = _related_names(model, [r.old_values or {} for r in logs])
    rows = [
        {
            "row_number": r.row_number,
            "action": r.get_action_display(),
            "record": records.get(r.object_id, "（已删除）"),
            "old": [
                {
                    "field": _field_label(model, k),
                    "value": (
                        by_field[k](str(v)) if k in by_field and v else _value_words(model, k, v, names)
                    ),
                    # dates are printed by the template's cn_date / cn_datetime (web's filters)
                    "date": _date_kind(model, k, v),
                }
                for k, v in (r.old_values or {}).items()
            ],
        }
        for r in logs
    ]
    return BatchView(batch, clear, _masked_text(batch.message, hidden), errors, rows)


# Records and their previous values in words ---------------------------------------------------


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_label(model: type[models.Model] | None, name: str) -> str:
    """A field's Chinese name ("男生数", not "boys"); a key that is no field shows as "其他"."""
    verbose = getattr(_field(model, name), "verbose_name", None)
    return str(verbose) if verbose else "其他"


def _record_names(model: type[models.Model] | None, ids: list[int]) -> dict[int, str]:
    """What each written record is ("三年级（9）班", a school's name): one query for the page."""
    if model is None or not ids:
        return {}
    return {obj.pk: str(obj) for obj in model._base_manager.filter(pk__in=ids)}


def _related_names(
    model: type[models.Model] | None, olds: list[dict[str, Any]]
) -> dict[tuple[str, str], str]:
    """Names of the rows the previous foreign-key values point at: one query per related model."""
    wanted: dict[str, set[str]] = {}
    for old in olds:
        for name, value in old.items():
            field = _field(model, name)
            if getattr(field, "is_relation", False) and value not in (None, ""):
                wanted.setdefault(name, set()).add(str(value))
    names: dict[tuple[str, str], str] = {}
    for name, pks in wanted.items():
        related = _field(model, name).related_model
        for obj in related._base_manager.filter(pk__in=list(pks)):
            names[(name, str(obj.pk))] = str(obj)
    return names


def _date_kind(model: type[models.Model] | None, name: str, value: Any) -> str:
    """ "datetime" or "date" for a dated field with a value, else ""."""
    field = _field(model, name)
    if value in (None, "") or not isinstance(field, models.DateField):
        return ""
    return "datetime" if isinstance(field, models.DateTimeField) else "date"


def _value_words(
    model: type[models.Model] | None, name: str, value: Any, names: dict[tuple[str, str], str]
) -> Any:
    """A previous value as a reader says it: choices by label, foreign keys by name, yes and no in
    words; a blank as （空）."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    field = _field(model, name)
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        try:  # an aware datetime for cn_datetime, which prints it in local time
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if field is not None and getattr(field, "choices", None):
        label = dict(field.flatchoices).get(value)
        return str(label) if label is not None else str(value)
    if getattr(field, "is_relation", False):
        return names.get((name, str(value)), "（已删除）")
    if isinstance(value, dict | list):
        return f"{len(value)}项"
    return str(value)
