"""Reading uploaded spreadsheets: guards against hostile files first, then rows streamed one at a
time with cells normalised (full-width characters, stray spaces, numbers stored as floats).

    table = open_table(path, original_name)   # raises FileRejected with a Chinese message
    table.headers                              # ['学校标识码', '学年', ...]
    for row_number, cells in table.rows():     # row_number as the spreadsheet shows it
        ...
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings

from edugov.common.text import normalize_cell

Cell = str | dt.date

MAX_COLUMNS = 100
MAX_ZIP_MEMBERS = 2_000
MAX_COMPRESSION_RATIO = 200  # legitimate sheet XML compresses 10-50 times; bombs by thousands
RATIO_CHECK_MIN_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024
_OVERLAP = 4096

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et"}

_ENTITY_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START_RE = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]+[0-9]+)\"")
_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z0-9:]+)\"")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]")


class FileRejected(Exception):
    """The whole file is refused before any row is read; `message` is for the user."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def max_bytes() -> int:
    return int(settings.EDUGOV_IMPORT_MAX_BYTES)


def max_uncompressed() -> int:
    return int(getattr(settings, "EDUGOV_IMPORT_MAX_UNCOMPRESSED", 1024 * 1024 * 1024))


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}MB"


def clean_text(value: str) -> str:
    # ASCII needs no NFKC; skipping it matters at a million rows.
    return value.strip() if value.isascii() else normalize_cell(value)


def clean_value(value: Any) -> Cell:
    """A cell from calamine as text (or a date): 2025.0 -> "2025", True -> "是"."""
    if value is None:
        return ""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value
    return clean_text(str(value))


@dataclass
class Table:
    format: str
    headers: list[str]
    encoding: str = ""
    estimated_rows: int = 0
    _rows: Iterator[tuple[int, list[Cell]]] | None = None
    _closers: list[Any] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        assert self._rows is not None
        try:
            yield from self._rows
        finally:
            self.close()

    def close(self) -> None:
        for closer in self._closers:
            with contextlib.suppress(Exception):
                closer()
        self._closers.clear()


def open_table(path: Path, original_name: str = "") -> Table:
    """Check the file and open its first sheet. Raises FileRejected; reads nothing into memory."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise FileRejected("找不到上传的文件，请重新上传") from None
    if size == 0:
        raise FileRejected("文件是空的，请检查后重新上传")
    if size > max_bytes():
        raise FileRejected(f"文件过大（{_mb(size)}），单个文件不能超过{_mb(max_bytes())}，请拆分后分批导入")
    with path.open("rb") as f:
        head = f.read(8)
    suffix = PurePosixPath(original_name or path.name).suffix.lower()
    if head.startswith(ZIP_MAGIC):
        return _open_xlsx(path)
    if head.startswith(OLE_MAGIC):
        raise FileRejected("暂不支持旧版Excel（.xls）或加密的文件，请在Excel中“另存为”.xlsx格式后再导入")
    if suffix in EXCEL_SUFFIXES:
        raise FileRejected(
            "文件扩展名是Excel，但内容不是有效的Excel文件（可能已损坏或不是表格），请检查后重新上传"
        )
    return _open_csv(path, size)


# CSV ------------------------------------------------------------------------------------------


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK and GB2312)."""
    with path.open("rb") as f:
        head = f.read(_CHUNK)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRejected("文件内容不是文本表格（含有二进制数据），请上传.xlsx或.csv文件")
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise FileRejected("无法识别文件编码，请在Excel中另存为“CSV UTF-8”或GBK编码的CSV文件后再导入")


def _open_csv(path: Path, size: int) -> Table:
    encoding = detect_encoding(path)
    handle = path.open("r", encoding=encoding, newline="", errors="strict")
    try:
        sample = handle.read(65536)
        handle.seek(0)
        first_line = sample.splitlines()[0] if sample else ""
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError):
        handle.close()
        raise FileRejected("文件第1行格式错误，无法读取表头") from None
    if header is None or not any(c.strip() for c in header):
        handle.close()
        raise FileRejected("表格是空的：第1行应为表头，请使用下载的模板填写")
    if len(header) > MAX_COLUMNS:
        handle.close()
        raise FileRejected(f"列数过多（{len(header)}列），最多{MAX_COLUMNS}列，请使用下载的模板")
    joined = "".join(header)
    if _CONTROL_RE.search(joined):
        handle.close()
        raise FileRejected("文件内容不是有效的表格（表头含有乱码或控制字符），请检查文件编码或重新导出")
    line_bytes = max(
        1, len(sample.encode(encoding.replace("-sig", ""), errors="replace")) // max(1, sample.count("\n"))
    )
    table = Table(
        format="csv",
        headers=[clean_text(c) for c in header],
        encoding=encoding,
        estimated_rows=max(0, size // line_bytes - 1),
    )
    table._rows = _csv_rows(reader, handle)
    table._closers.append(handle.close)
    return table


def _csv_rows(reader: Any, handle: io.TextIOBase) -> Iterator[tuple[int, list[Cell]]]:
    row_number = 1
    try:
        for record in reader:
            row_number += 1
            yield row_number, [c.strip() if c.isascii() else normalize_cell(c) for c in record]
    except csv.Error:
        raise FileRejected(
            f"第{row_number + 1}行格式错误（引号不配对或单元格过长），请检查后重新导出"
        ) from None
    except UnicodeDecodeError:
        raise FileRejected(f"第{row_number + 1}行附近有无法识别的字符，请统一保存为UTF-8或GBK编码") from None


# XLSX -----------------------------------------------------------------------------------------


def _first_sheet_member(zf: zipfile.ZipFile) -> str | None:
    """The zip member of the first worksheet, from workbook.xml and its relationships."""
    from defusedxml import ElementTree

    try:
        workbook = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return None
    sheet = next((el for el in workbook.iter() if el.tag.endswith("}sheet") or el.tag == "sheet"), None)
    if sheet is None:
        return None
    rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
    for rel in rels.iter():
        if rel.attrib.get("Id") == rid:
            target = rel.attrib.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _scan_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, *, is_sheet: bool, budget: list[int]) -> None:
    tail = b""
    with zf.open(info) as member:
        while True:
            chunk = member.read(_CHUNK)
            if not chunk:
                break
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise FileRejected("文件解压后体积异常巨大（疑似“压缩炸弹”），已拒绝导入")
            buf = tail + chunk
            if _ENTITY_RE.search(buf):
                raise FileRejected("文件包含XML实体声明（DOCTYPE/ENTITY），可能是恶意构造的文件，已拒绝导入")
            if is_sheet:
                m = _FORMULA_RE.search(buf)
                if m:
                    refs = _CELL_START_RE.findall(buf, 0, m.start())
                    where = f"单元格{refs[-1].decode()}" if refs else "工作表中"
                    raise FileRejected(f"{where}含有公式，请将公式转为数值（复制后“选择性粘贴-数值”）再导入")
                m = _MERGE_RE.search(buf)
                if m:
                    raise FileRejected(
                        f"工作表含有合并单元格（{m.group(1).decode()}），请取消合并、每行填写完整后再导入"
                    )
            tail = buf[-_OVERLAP:]


def check_xlsx(path: Path) -> None:
    """Refuse zip bombs, XML entity declarations, formulas and merged cells before parsing."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise FileRejected("文件不是有效的Excel（.xlsx）文件，可能已损坏，请重新保存后上传") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise FileRejected("Excel文件内部结构异常（包含的部件过多），已拒绝导入")
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise FileRejected("文件不是有效的Excel（.xlsx）文件，请在Excel中另存为.xlsx后再上传")
        declared = sum(i.file_size for i in infos)
        if declared > max_uncompressed():
            raise FileRejected("文件解压后体积异常巨大（疑似“压缩炸弹”），已拒绝导入")
        for info in infos:
            if info.flag_bits & 0x1:
                raise FileRejected("文件已加密，请取消密码保护后再导入")
            if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(
                1, info.compress_size
            ):
                raise FileRejected("文件压缩比异常（疑似“压缩炸弹”），已拒绝导入")
        first_sheet = _first_sheet_member(zf)
        budget = [max_uncompressed()]
        try:
            for info in infos:
                name = info.filename
                if not name.endswith((".xml", ".rels", ".vml")):
                    continue
                is_sheet = name == first_sheet if first_sheet else name.startswith("xl/worksheets/")
                _scan_member(zf, info, is_sheet=is_sheet, budget=budget)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
            raise FileRejected("Excel文件已损坏，无法读取，请重新保存后上传") from None
        except Exception as exc:  # zlib.error and friends from corrupt members
            if isinstance(exc, FileRejected):
                raise
            raise FileRejected("Excel文件已损坏，无法读取，请重新保存后上传") from None


def _open_xlsx(path: Path) -> Table:
    from python_calamine import CalamineWorkbook

    check_xlsx(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileRejected("Excel文件中没有工作表")
        sheet = workbook.get_sheet_by_index(0)
        rows_iter = iter(sheet.iter_rows())
        start_row = sheet.start[0] if sheet.start else 0
        height = sheet.height
        width = sheet.width
    except FileRejected:
        raise
    except Exception:
        raise FileRejected("无法读取该Excel文件（格式不正确或已损坏），请重新保存为.xlsx后上传") from None
    if height == 0:
        raise FileRejected("第一个工作表是空的，请把数据填写在第一个工作表中")
    if width > MAX_COLUMNS:
        raise FileRejected(f"列数过多（{width}列），最多{MAX_COLUMNS}列，请使用下载的模板")
    header_raw = next(rows_iter, None) or []
    headers = [str(clean_value(c)) for c in header_raw]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise FileRejected("第一个工作表是空的，请把数据填写在第一个工作表中")
    table = Table(format="xlsx", headers=headers, estimated_rows=max(0, height - 1))
    table._rows = _xlsx_rows(rows_iter, start_row + 1)
    table._closers.append(workbook.close)
    return table


def _xlsx_rows(rows_iter: Iterator[list[Any]], header_row: int) -> Iterator[tuple[int, list[Cell]]]:
    row_number = header_row
    for raw in rows_iter:
        row_number += 1
        yield row_number, [clean_value(c) for c in raw]


def estimate_rows(path: Path, original_name: str = "") -> int:
    """A quick row count to choose between importing inside the request and a background task.
    Reads no sheet: CSV from the line length, XLSX from the size of the first sheet's XML."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(65536)
        if head.startswith(ZIP_MAGIC):
            with zipfile.ZipFile(path) as zf:
                member = _first_sheet_member(zf) or "xl/worksheets/sheet1.xml"
                return zf.getinfo(member).file_size // 120
        lines = max(1, head.count(b"\n"))
        return path.stat().st_size * lines // max(1, len(head))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return 0
