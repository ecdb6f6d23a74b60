"""The error workbook of a rejected batch: written whatever the file held (a reason may quote a
cell with a control character, as the subject check does), and when writing fails half-way
nothing is left open or on disk."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from openpyxl import load_workbook

from edugov.ingest import report
from edugov.ingest.models import ImportBatch
from edugov.ingest.services.engine import RowProblem

from .helpers import write_csv

HEADERS = ["学校标识码", "学科", "男生数"]


def _batch(tmp_path: Path) -> ImportBatch:
    path = write_csv(tmp_path / "a.csv", [["3300000001", "语\x0b文", "x"]], headers=HEADERS)
    return ImportBatch(stored_path=str(path), original_name="a.csv", total_rows=1)


def test_a_reason_quoting_a_control_character_still_gives_a_report(tmp_path):
    out = tmp_path / "errors.xlsx"
    problems = [
        RowProblem(2, 1, "学科", "语\x0b文", "未知学科“语\x0b文”"),
        RowProblem(2, 2, "男生数", "x", "不是整数"),
    ]
    report._write(out, batch=_batch(tmp_path), headers=HEADERS, problems=problems, masks={}, numeric={2})
    wb = load_workbook(out)
    first = wb["原始数据（错误已标红）"]
    assert [c.value for c in first[2]] == [
        "3300000001",
        "语\ufffd文",
        "x",
        "学科：未知学科“语\ufffd文”；男生数：不是整数",
    ]
    assert first.cell(row=2, column=2).comment.text.startswith("未知学科“语\ufffd文”")
    listing = wb["错误清单"]
    assert [c.value for c in listing[2]] == [2, "学科", "语\ufffd文", "未知学科“语\ufffd文”"]


def test_a_report_failing_half_way_leaves_no_stream_open(tmp_path, monkeypatch):
    """A failure while the rows stream (here: reading the stored file breaks after one row) closes
    the write-only sheets at once: nothing is reported by the garbage collector afterwards, and
    neither the report nor openpyxl's temporary sheet files stay behind."""
    unraisable: list[object] = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    written: list[str] = []
    real = report.Workbook

    def tracked(**kw: object) -> object:
        wb = real(**kw)
        create = wb.create_sheet

        def create_sheet(title: str) -> object:
            ws = create(title)
            ws._get_writer()
            written.append(ws._writer.out)
            return ws

        wb.create_sheet = create_sheet
        return wb

    def broken(batch: ImportBatch):  # type: ignore[no-untyped-def]
        yield 2, ["3300000001", "一班", "1"]
        raise OSError("读取中断")

    monkeypatch.setattr(report, "Workbook", tracked)
    monkeypatch.setattr(report, "_rows", broken)
    out = tmp_path / "errors.xlsx"
    problems = [RowProblem(2, 2, "男生数", "x", "不是整数")]
    failure = ""
    try:  # not pytest.raises: its record of the traceback would keep the workbook alive
        report._write(out, batch=_batch(tmp_path), headers=HEADERS, problems=problems, masks={})
    except OSError as exc:
        failure = str(exc)
    gc.collect()
    assert failure == "读取中断"
    assert unraisable == []
    assert written and not any(Path(p).exists() for p in written)
    assert not out.exists()
