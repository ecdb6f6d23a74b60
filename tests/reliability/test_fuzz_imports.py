"""Property-based fuzzing of every import kind (edugov.ingest.spec.KINDS, so kinds added later are
fuzzed too): random sheets (headers kept, shuffled, dropped or invented), random cells per column
type (valid values, codes of real schools, garbage, huge text, control characters, dates,
numbers), random sizes, CSV in several encodings or XLSX. The import must end as succeeded or
rejected with a Chinese message, never as an internal failure, and a rejection changes nothing."""

from __future__ import annotations

import csv
import io
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from edugov.ingest.models import BatchStatus
from edugov.ingest.services import import_file
from edugov.ingest.spec import KINDS, CellError
from edugov.testing import make_mini_district

from .live import SOAK, record, soak

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
EXAMPLES = soak(5, 200)
TALLY: dict[str, dict[str, int]] = {}

garbage = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=3000),
    st.sampled_from(
        ["=1+1", "@SUM(A1)", "-", "+86", "NaN", "inf", "1e309", "０１", "是否", "\u202e", "\ufeff"]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(lambda d: d.strftime("%Y年%m月%d日")),
    st.sampled_from(["2025-2026", "2025", "2099-2100", "一年级", "高三", "男", "女", "是", "否"]),
)


def cell_for(column, codes, clean=False):  # type: ignore[no-untyped-def]
    good: list[st.SearchStrategy[str]] = []
    if column.type == "choice" and column.choices:
        good.append(st.sampled_from(sorted(column.choices)))
    elif column.type == "int":
        good.append(st.integers(min_value=-5, max_value=300).map(str))
    elif column.type == "decimal":
        good.append(st.decimals(min_value=-10, max_value=10**6, places=2, allow_nan=False).map(str))
    elif column.type == "date":
        good.append(st.dates().map(str))
    elif column.type == "bool":
        good.append(st.sampled_from(["是", "否", "Y", "n"]))
    if "code" in column.field or column.header.endswith("码"):
        good.append(st.sampled_from(codes))
    if clean and good:  # a plausible sheet: some of these import, which exercises the write pass
        return st.one_of(*good)
    good.append(st.just(""))
    return st.one_of(*good, garbage)


@st.composite
def sheets(draw, kind: str, codes: list[str]):  # type: ignore[no-untyped-def]
    columns = KINDS[kind].bound_columns()
    clean = draw(st.booleans())
    chosen = list(columns) if clean else draw(st.permutations(columns))
    if not clean and draw(st.booleans()):
        chosen = chosen[: draw(st.integers(min_value=0, max_value=len(chosen)))]
    headers = [c.header for c in chosen]
    if draw(st.integers(0, 9)) == 0:
        headers.append(draw(st.text(min_size=1, max_size=8)))
    n = draw(st.integers(min_value=0, max_value=soak(12, 60)))
    rows = [[draw(cell_for(c, codes, clean)) for c in chosen] for _ in range(n)]
    if headers and draw(st.integers(0, 9)) == 0:  # ragged rows
        rows.append([*(rows[0] if rows else []), "多余", "列"])
    fmt = draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk", "utf-16", "xlsx"]))
    return headers, rows, fmt


def write(tmp_path, headers, rows, fmt) -> tuple:  # type: ignore[no-untyped-def]
    name = f"{uuid.uuid4().hex}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
    path = tmp_path / name
    if fmt == "xlsx":
        wb = Workbook()
        ws = wb.active
        for r in [headers, *rows]:
            ws.append([re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", v) for v in r])  # openpyxl refuses those
        wb.save(path)
        return path, name
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    path.write_bytes(out.getvalue().encode(fmt, errors="replace"))
    return path, name


def data_counts() -> dict[str, int]:
    return {s.model._meta.label: s.model._default_manager.count() for s in KINDS.values()}


@pytest.fixture
def district():
    return make_mini_district()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_fuzzed_imports_never_fail_internally(kind, district, tmp_path):
    codes = [district.school_a.code, district.school_b.code, "0000000000", district.town_a.code]
    admin = district.users["district_admin"]
    tally = TALLY.setdefault(kind, {"inputs": 0, "succeeded": 0, "rejected": 0, "failed": 0})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not SOAK,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )
    @given(sheet=sheets(kind, codes))
    def run(sheet):  # type: ignore[no-untyped-def]
        headers, rows, fmt = sheet
        path, name = write(tmp_path, headers, rows, fmt)
        before = data_counts()
        batch = import_file(kind=kind, path=path, original_name=name, user=admin)
        tally["inputs"] += 1
        tally[str(batch.status)] = tally.get(str(batch.status), 0) + 1
        assert batch.status in (BatchStatus.SUCCEEDED, BatchStatus.REJECTED), batch.message
        assert CJK.search(batch.message), batch.message
        if batch.status == BatchStatus.REJECTED:
            assert data_counts() == before

    run()
    record("fuzz_imports", kind=kind, **tally)


# Numbers no column can store: every numeric column of every kind gets each, one row per value.
UNSTORABLE = [
    "Infinity",
    "-inf",
    "NaN",
    "sNaN",
    "1e400",
    "-1e400",
    "1e999999999",
    str(2**63),
    str(-(2**63) - 1),
    str(10**30),
    "9" * 5000,
]


def numeric_columns() -> list[tuple[str, str]]:
    """(kind, header) of every int or decimal column of every registered kind."""
    return [
        (kind, column.header)
        for kind in sorted(KINDS)
        for column in KINDS[kind].bound_columns()
        if column.type in ("int", "decimal")
    ]


def test_every_kind_has_its_numeric_columns_enumerated():
    kinds = {kind for kind, _ in numeric_columns()}
    assert len(numeric_columns()) >= 20 and len(kinds) >= 5, numeric_columns()
    record("fuzz_import_numbers", columns=len(numeric_columns()), kinds=len(kinds), values=len(UNSTORABLE))


@pytest.mark.parametrize(("kind", "header"), numeric_columns())
def test_unstorable_numbers_are_refused_naming_the_cell(kind, header, district, tmp_path):
    """Each value in its own row, the other cells as a valid example row has them; the batch is
    rejected with, for each of those rows, a Chinese reason naming this column, and nothing
    written. `Infinity` in an integer column was an OverflowError ("系统内部错误")."""
    columns = KINDS[kind].bound_columns()
    headers = [c.header for c in columns]
    example = [c.example for c in columns]
    at = headers.index(header)
    rows = [[*example[:at], value, *example[at + 1 :]] for value in UNSTORABLE]
    path, name = write(tmp_path, headers, rows, "utf-8")
    before = data_counts()
    batch = import_file(kind=kind, path=path, original_name=name, user=district.users["district_admin"])
    assert batch.status == BatchStatus.REJECTED, (batch.status, batch.message)
    assert data_counts() == before
    named = {e["row"] for e in batch.errors if e["column"] == header and CJK.search(e["reason"])}
    assert named == set(range(2, 2 + len(UNSTORABLE))), batch.errors


@pytest.mark.parametrize(
    ("value", "refused"), [("999999999999.99", False), ("1000000000000", True), ("1e12", True)]
)
def test_decimal_beyond_the_model_fields_digits_is_refused(value, refused, district, tmp_path):
    """Custody balances are DecimalField(max_digits=14, decimal_places=2): 12 integer digits. One
    more reached the database adapter's quantize and failed the write."""
    columns = KINDS["custody_statements"].bound_columns()
    balance = next(c for c in columns if c.field == "balance")
    assert (balance.max_digits, balance.decimal_places) == (14, 2)
    if refused:
        with pytest.raises(CellError, match="整数部分最多12位"):
            balance.parse(value)
    else:
        assert str(balance.parse(value)) == value
