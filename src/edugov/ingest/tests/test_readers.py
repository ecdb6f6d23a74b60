"""Readers and the hostile-file guards: each bad file is refused with a Chinese message."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import Workbook

from edugov.ingest.readers import FileRejected, open_table
from edugov.ingest.spec import CellError, check_id_number, parse_bool, parse_date, parse_int

from .helpers import CLASS_HEADERS, rewrite_zip, write_csv, write_xlsx

ROW = ["3144000001", "2025-2026", "三年级", "1", "三年级1班", "21", "20"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings_read_the_same(tmp_path, encoding):
    path = write_csv(tmp_path / "a.csv", [ROW], encoding=encoding)
    table = open_table(path, "a.csv")
    assert table.headers == CLASS_HEADERS
    assert list(table.rows()) == [(2, ROW)]


def test_csv_cells_are_normalised(tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [["３１４４０００００１ ", " 2025", "三年级", "１", "三年级１班\u3000", "21 ", "20"]],
    )
    [(number, cells)] = list(open_table(path, "a.csv").rows())
    assert number == 2
    assert cells == ["3144000001", "2025", "三年级", "1", "三年级1班", "21", "20"]


def test_xlsx_numbers_and_dates_become_text_and_dates(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", [[3144000001, 2025, "三年级", 1.0, "x", 21, dt.date(2025, 9, 1)]])
    table = open_table(path, "a.xlsx")
    assert table.format == "xlsx"
    [(number, cells)] = list(table.rows())
    assert number == 2
    assert cells == ["3144000001", "2025", "三年级", "1", "x", "21", dt.date(2025, 9, 1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年9月1日", dt.date(2025, 9, 1)),
        ("2025/9/1", dt.date(2025, 9, 1)),
        ("2025.9.1", dt.date(2025, 9, 1)),
        ("2025-09-01", dt.date(2025, 9, 1)),
        ("20250901", dt.date(2025, 9, 1)),
        ("45901", dt.date(2025, 9, 1)),  # Excel serial day
        ("2025-09-01 00:00:00", dt.date(2025, 9, 1)),
    ],
)
def test_chinese_date_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2025年2月30日", "九月一日", "2025-13-01", "abc"])
def test_bad_dates_give_chinese_reasons(text):
    with pytest.raises(CellError) as exc:
        parse_date(text)
    assert "日期" in exc.value.reason


def test_numbers_stored_as_text_and_yes_no():
    assert parse_int("45") == 45
    assert parse_int("45.0") == 45
    with pytest.raises(CellError, match="小数"):
        parse_int("45.5")
    with pytest.raises(CellError, match="整数"):
        parse_int("二十")
    assert parse_bool("是") is True
    assert parse_bool("否") is False
    with pytest.raises(CellError, match="是"):
        parse_bool("也许")


def test_id_number_check_digit():
    # 11010519491231002X is the GB 11643 standard's own example.
    assert check_id_number("11010519491231002x") == "11010519491231002X"
    with pytest.raises(CellError, match="校验位"):
        check_id_number("110105194912310021")
    with pytest.raises(CellError, match="18位"):
        check_id_number("1.10105E+17")


def _rejected(path, name=None) -> str:
    with pytest.raises(FileRejected) as exc:
        table = open_table(path, name or path.name)
        list(table.rows())
    return exc.value.message


def test_zip_bomb_is_refused(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [ROW])
    bomb = b"<x>" + b"0" * (30 * 1024 * 1024) + b"</x>"
    path = rewrite_zip(good, tmp_path / "bomb.xlsx", {}, extra={"xl/bomb.xml": bomb})
    assert "压缩炸弹" in _rejected(path) or "压缩比" in _rejected(path)


def test_declared_size_over_the_limit_is_refused(tmp_path, settings):
    settings.EDUGOV_IMPORT_MAX_UNCOMPRESSED = 1000
    path = write_xlsx(tmp_path / "a.xlsx", [ROW])
    assert "压缩炸弹" in _rejected(path)


def test_xml_entity_expansion_is_refused(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [ROW])
    with zipfile.ZipFile(good) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    evil = sheet.replace(
        b"<worksheet",
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><worksheet',
        1,
    )
    path = rewrite_zip(good, tmp_path / "evil.xlsx", {"xl/worksheets/sheet1.xml": evil})
    assert "DOCTYPE" in _rejected(path)


def test_formula_is_refused_with_its_cell(tmp_path):
    def formula(ws):
        ws["F3"] = "=1+1"

    path = write_xlsx(tmp_path / "f.xlsx", [ROW, ROW], setup=formula)
    message = _rejected(path)
    assert "F3" in message and "公式" in message


def test_merged_cells_are_refused_with_the_range(tmp_path):
    path = write_xlsx(tmp_path / "m.xlsx", [ROW, ROW], setup=lambda ws: ws.merge_cells("A2:A3"))
    message = _rejected(path)
    assert "A2:A3" in message and "合并单元格" in message


def test_too_many_columns(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"列{i}" for i in range(20000)) + "\n1\n", encoding="utf-8")
    assert "列数过多" in _rejected(path)


def test_garbage_named_xlsx(tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(bytes(range(256)) * 4000)
    assert "不是有效的Excel" in _rejected(path)


def test_garbage_zip_named_xlsx(tmp_path):
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "不是有效的Excel" in _rejected(path)


def test_binary_garbage_named_csv(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"\x00\x01\x02" * 1000)
    assert "二进制" in _rejected(path)


def test_undecodable_text(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"abc,\xff\x80\n" * 10)
    assert "编码" in _rejected(path)


def test_empty_sheet(tmp_path):
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    assert "空" in _rejected(path)


def test_empty_and_oversized_files(tmp_path, settings):
    path = tmp_path / "zero.csv"
    path.write_bytes(b"")
    assert "空" in _rejected(path)
    settings.EDUGOV_IMPORT_MAX_BYTES = 10
    path.write_text("a,b,c\n1,2,3\n")
    assert "过大" in _rejected(path)


def test_old_xls_is_refused(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert ".xlsx" in _rejected(path)
