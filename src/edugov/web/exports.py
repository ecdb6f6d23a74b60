"""CSV and XLSX downloads of what a list page shows. Text cells that a spreadsheet would run as
a formula get a leading apostrophe: the report registry's `neutralise`, the one safe-cell helper.
Official outputs (reports, notices, annexes) are registered reports (`edugov.reports`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.reports.download import actor_area_path
from edugov.reports.writers import neutralise
from edugov.reports.xlsx import CN_DATE, CN_DATETIME

if TYPE_CHECKING:
    from edugov.accounts.models import User

FORMATS = ("csv", "xlsx")
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
__all__ = ["FORMATS", "audited_export_response", "export_response", "neutralise"]


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    """A cell's value; a date stays a date cell (sortable) shown the Chinese way (2026年12月5日),
    as in the registered reports. CSV keeps ISO dates, which every program reads."""
    value = neutralise(value)
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = CN_DATETIME if isinstance(value, dt.datetime) else CN_DATE
        return cell
    return value


def export_response(
    *, fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[HttpResponse, int]:
    """The download response and the number of data rows written."""
    count = 0
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append(list(headers))
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
            count += 1
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=_XLSX)
    else:
        # UTF-8 with BOM: Excel on Chinese Windows opens it without garbling.
        text = io.StringIO()
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
            count += 1
        response = HttpResponse(text.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response, count


def audited_export_response(
    *,
    actor: User,
    fmt: str,
    filename: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    model_label: str,
    changes: dict[str, Any] | None = None,
) -> HttpResponse:
    """A list page's download, audited like every report download: in the actor's area (a
    school's account at its school's area), with the format and the number of rows."""
    response, count = export_response(fmt=fmt, filename=filename, headers=headers, rows=rows)
    audit_record(
        action=AuditAction.EXPORT,
        model_label=model_label,
        object_repr=f"{filename}（{count}条，{fmt.upper()}）",
        changes={"format": fmt, "rows": count, **(changes or {})},
        actor=actor,
        area_path=actor_area_path(actor),
    )
    return response
