"""Writes the committed corpus of hostile import files next to this script. Run it again after
changing it: `.venv/bin/python tests/reliability/corpus/make_corpus.py`. Every file must be
rejected by every import kind with a Chinese message, changing nothing
(tests/reliability/test_corpus.py). Files are kept small; the bombs are small on disk only.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
HEADERS = ["学校标识码", "学年", "年级", "班号", "班级名称", "男生数", "女生数"]
ROW = ["3201010001", "2025-2026", "一年级", "1", "一年级1班", "20", "20"]


def base_xlsx(setup=None) -> bytes:  # type: ignore[no-untyped-def]
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(ROW)
    if setup:
        setup(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewrite(data: bytes, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, replace.get(item.filename, zin.read(item.filename)))
        for name, body in (extra or {}).items():
            zout.writestr(name, body)
    return out.getvalue()


def sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml")


def zip_bomb() -> bytes:
    """A sheet that inflates to 100 MB of repeated cells from a few hundred KB."""
    data = base_xlsx()
    row = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"A" * 1024 + b"</t></is></c></row>"
    body = sheet_xml(data).replace(b"</sheetData>", row * (100 * 1024) + b"</sheetData>")
    return rewrite(data, {"xl/worksheets/sheet1.xml": body})


def billion_laughs() -> bytes:
    data = base_xlsx()
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    doctype = f"<!DOCTYPE lolz [{entities}]>".encode()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        strings = z.read("xl/sharedStrings.xml") if "xl/sharedStrings.xml" in z.namelist() else None
    sheet = sheet_xml(data)
    sheet = sheet.replace(b"?>", b"?>" + doctype, 1).replace(b"<t>", b"<t>&lol9;", 1)
    replace = {"xl/worksheets/sheet1.xml": sheet}
    if strings:
        replace["xl/sharedStrings.xml"] = strings.replace(b"?>", b"?>" + doctype, 1)
    return rewrite(data, replace)


def external_entity() -> bytes:
    data = base_xlsx()
    doctype = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    sheet = sheet_xml(data).replace(b"?>", b"?>" + doctype, 1)
    return rewrite(data, {"xl/worksheets/sheet1.xml": sheet})


def million_columns_csv() -> bytes:
    return ("学校标识码" + "," * 1_000_000 + "\n").encode()


def wide_xlsx() -> bytes:
    """A sheet declaring the full 16384 columns (Excel's maximum), data in the last one."""
    data = base_xlsx()
    sheet = sheet_xml(data).replace(b"</row>", b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)
    sheet = sheet.replace(b'<dimension ref="A1:G2"/>', b'<dimension ref="A1:XFD2"/>')
    return rewrite(data, {"xl/worksheets/sheet1.xml": sheet})


def formula_cells() -> bytes:
    def setup(ws):  # type: ignore[no-untyped-def]
        ws["F2"] = '=HYPERLINK("http://example.invalid","x")'
        ws["G2"] = "=1+1"

    return base_xlsx(setup)


def merged_cells() -> bytes:
    def setup(ws):  # type: ignore[no-untyped-def]
        ws.append(ROW)
        ws.merge_cells("A2:A3")

    return base_xlsx(setup)


def too_many_members() -> bytes:
    return rewrite(base_xlsx(), {}, {f"xl/media/x{i}.bin": b"" for i in range(2_100)})


CORPUS: dict[str, bytes | callable] = {  # type: ignore[valid-type]
    "zip_bomb.xlsx": zip_bomb,
    "billion_laughs.xlsx": billion_laughs,
    "external_entity.xlsx": external_entity,
    "million_columns.csv": million_columns_csv,
    "wide_16384_columns.xlsx": wide_xlsx,
    "formula_cells.xlsx": formula_cells,
    "merged_cells.xlsx": merged_cells,
    "too_many_parts.xlsx": too_many_members,
    "garbage.xlsx": lambda: bytes(range(256)) * 64,
    "garbage_zip.xlsx": lambda: b"PK\x03\x04" + b"\x00" * 4000,
    "garbage.csv": lambda: b"\x00\x01\x02\xff\xfe" * 2000,
    "empty.csv": lambda: b"",
    "header_only.csv": lambda: (",".join(HEADERS) + "\n").encode(),
    "old_excel.xls": lambda: bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 2048,
    "control_chars_header.csv": lambda: "学校\x00标识码,学年\x07\n1,2\n".encode(),
    "mixed_encoding.csv": lambda: (
        (",".join(HEADERS) + "\n").encode("utf-8") + ",".join(ROW).encode("gbk") * 3
    ),
    "utf16_no_bom_garbage.csv": lambda: "学校标识码,学年\n".encode("utf-16-le") + b"\xd8\x00" * 50,
}


def main() -> None:
    for name, make in CORPUS.items():
        data = make() if callable(make) else make
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
