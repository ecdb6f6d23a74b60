"""Blank templates for each import kind: Chinese headers with a note on each, dropdowns for
choice columns, and an instructions sheet; a CSV version for offices without Excel."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .spec import ImportSpec

REQUIRED_FILL = PatternFill(start_color="FFFFEB9C", end_color="FFFFEB9C", fill_type="solid")
TEMPLATE_ROWS = 5000  # rows covered by the dropdowns


def template_xlsx(spec: type[ImportSpec]) -> bytes:
    columns = spec.bound_columns()
    wb = Workbook()
    ws = wb.active
    ws.title = spec.label[:31]
    lists = wb.create_sheet("可选值")
    guide = wb.create_sheet("填写说明")
    for idx, column in enumerate(columns, start=1):
        letter = get_column_letter(idx)
        cell = ws.cell(row=1, column=idx, value=column.header)
        cell.font = Font(bold=True, color="FFC00000" if column.required else "FF000000")
        if column.required:
            cell.fill = REQUIRED_FILL
        comment = Comment(column.describe(), "edugov")
        comment.width, comment.height = 240, 120
        cell.comment = comment
        ws.column_dimensions[letter].width = column.width
        if column.type in ("str",) or column.field.endswith("code") or column.field in ("id_number", "phone"):
            ws.column_dimensions[letter].number_format = "@"  # keep leading zeros and long digits as text
        labels = (
            column.choice_labels
            if column.type == "choice"
            else (["是", "否"] if column.type == "bool" else [])
        )
        if labels:
            for r, label in enumerate(labels, start=1):
                lists.cell(row=r, column=idx, value=label)
            dv = DataValidation(
                type="list",
                formula1=f"'可选值'!${letter}$1:${letter}${len(labels)}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle="输入有误",
                error=f"请从下拉列表中选择{column.header}",
                promptTitle=column.header,
                prompt=column.describe()[:250],
            )
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            ws.add_data_validation(dv)
            lists.cell(row=1, column=idx).comment = Comment(column.header, "edugov")
    ws.freeze_panes = "A2"
    lists.sheet_state = "hidden"
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 80
    guide.append([f"{spec.label}导入模板 填写说明"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append([spec.description])
    guide.append(["1. 数据填写在第一个工作表，第一行为表头，请勿修改列名；红色列名为必填。"])
    guide.append(["2. 不要使用公式、合并单元格；日期可写作 2025-09-01 或 2025年9月1日。"])
    guide.append(["3. 整个文件全部正确才会导入；有错误时不会导入任何一行，并提供标出错误的报告。"])
    guide.append(["4. 重复导入同一文件不会产生重复数据：已有记录按唯一标识更新。"])
    guide.append([])
    guide.append(["列名", "说明"])
    for column in columns:
        guide.append([column.header, column.describe()])
    for row in guide.iter_rows(min_row=1, max_row=guide.max_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def template_csv(spec: type[ImportSpec]) -> bytes:
    columns = spec.bound_columns()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in columns])
    # UTF-8 with BOM: Excel on Chinese Windows opens it without garbling.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
