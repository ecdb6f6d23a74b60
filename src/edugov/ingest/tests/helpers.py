"""Builders of import files for the tests: CSV in any encoding, XLSX, and hostile files."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

CLASS_HEADERS = ["学校标识码", "学年", "年级", "班号", "班级名称", "男生数", "女生数"]


def write_csv(
    path: Path, rows: list[list[Any]], *, encoding: str = "utf-8", headers: list[str] | None = None
) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers if headers is not None else CLASS_HEADERS)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[Any]], *, headers: list[str] | None = None, setup=None) -> Path:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.append(headers if headers is not None else CLASS_HEADERS)
    for row in rows:
        ws.append(row)
    if setup is not None:
        setup(ws)
    wb.save(path)
    return path


def rewrite_zip(
    src: Path, dst: Path, replace: dict[str, bytes], extra: dict[str, bytes] | None = None
) -> Path:
    """Copy an xlsx, replacing some members (to inject DOCTYPE, formulas, ...)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = replace.get(item.filename, zin.read(item.filename))
            zout.writestr(item.filename, data)
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dst
