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
from edugov.ingest.spec import KINDS
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
