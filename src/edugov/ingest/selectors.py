"""Reads of import batches, always through the scoping point."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from edugov.accounts.scope import scoped

from .models import ImportBatch, ImportRowLog


def batch_list(*, user: Any, limit: int = 20) -> QuerySet[ImportBatch]:
    return scoped(ImportBatch, user).select_related("uploaded_by").order_by("-created_at", "-id")[:limit]


def batch_get(*, user: Any, pk: int) -> ImportBatch:
    batch = scoped(ImportBatch, user).select_related("uploaded_by").filter(pk=pk).first()
    if batch is None:
        raise Http404("导入批次不存在或无权查看")
    return batch


def batch_rows(*, batch: ImportBatch, limit: int = 200) -> QuerySet[ImportRowLog]:
    return ImportRowLog.objects.filter(batch=batch).order_by("row_number")[:limit]


def unchanged_text(batch: ImportBatch, limit: int = 50) -> str:
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in batch.unchanged_ranges[:limit]]
    more = "等" if len(batch.unchanged_ranges) > limit else ""
    return "、".join(parts) + more
