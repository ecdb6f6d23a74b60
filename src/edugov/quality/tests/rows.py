"""Quality rows for tests, made through the import kinds (the real path): assessments and results
in the mini district's schools, and town B's rows for the scope walk."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from edugov.ingest.models import BatchStatus
from edugov.ingest.services import import_file
from edugov.testing import make_class

ASSESSMENT_HEADERS = [
    "测评编号",
    "测评名称",
    "测评类型",
    "学科",
    "年级",
    "测评日期",
    "学年",
    "满分",
    "优秀分数线",
    "良好分数线",
    "合格分数线",
]
RESULT_HEADERS = ["测评编号", "学籍号", "学校标识码", "班号", "成绩"]


def workbook(path: Path, headers: list[str], rows: Iterable[Iterable[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def run_import(kind: str, path: Path, user: Any) -> Any:
    return import_file(kind=kind, path=path, original_name=path.name, user=user)


def assessment_row(
    code: str,
    held_on: str,
    *,
    name: str = "三年级数学监测",
    grade: str = "三年级",
    top: Any = 100,
    cuts: tuple[Any, Any, Any] = (85, 70, 60),
) -> list[Any]:
    return [code, name, "区域学业质量监测", "数学", grade, held_on, "2025-2026", top, *cuts]


def import_assessments(tmp_path: Path, user: Any, rows: list[list[Any]]) -> Any:
    return run_import(
        "quality_assessments", workbook(tmp_path / "assessments.xlsx", ASSESSMENT_HEADERS, rows), user
    )


def import_results(tmp_path: Path, user: Any, rows: list[list[Any]], name: str = "results.xlsx") -> Any:
    return run_import("quality_results", workbook(tmp_path / name, RESULT_HEADERS, rows), user)


def build_pair(
    d: Any, tmp_path: Path, user: Any, *, per_class: int = 12, boost: dict[str, float] | None = None
) -> None:
    """Two grade-3 maths tests of the mini district a term apart, the same pupils in both: school A's
    two classes, the teaching point's class and school B's class. `boost` adds points to a school's
    post scores (by school code)."""
    point_class = make_class(school=d.point_a, year=d.year, number=1)
    classes = [(d.school_a, 1), (d.school_a, 2), (d.point_a, 1), (d.school_b, 1)]
    assert point_class.pk
    batch = import_assessments(
        tmp_path, user, [assessment_row("T-PRE", "2025-11-10"), assessment_row("T-POST", "2026-06-10")]
    )
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    pre, post = [], []
    for s, (school, number) in enumerate(classes):
        for k in range(per_class):
            pupil = f"G3101{s}{number}{k:04d}"
            prior = 50 + (k * 37 + s * 11) % 45
            gain = (boost or {}).get(school.code, 0.0)
            pre.append(["T-PRE", pupil, school.code, number, prior])
            post.append(
                ["T-POST", pupil, school.code, number, min(100, round(0.9 * prior + 8 + gain + (k % 3), 1))]
            )
    for rows, name in ((pre, "pre.xlsx"), (post, "post.xlsx")):
        batch = import_results(tmp_path, user, rows, name)
        assert batch.status == BatchStatus.SUCCEEDED, batch.errors


def add_town_b_quality(w: Any) -> None:
    """For the scope walk: a test organised by town B (named after it) and a district test with
    results in both towns; no town-A reader may see town B's school or test."""
    import datetime as dt
    from decimal import Decimal

    from edugov.quality.models import Assessment, AssessmentKind, Result
    from edugov.quality.pupil_key import pupil_key

    cuts = {
        "max_score": Decimal(100),
        "excellent_min": Decimal(85),
        "good_min": Decimal(70),
        "pass_min": Decimal(60),
    }
    common = {"kind": AssessmentKind.MONITORING, "subject": "数学", "grade": 3, "school_year": w.year, **cuts}
    town_test = Assessment.objects.create(
        code="TB-Q1",
        name=f"{w.town_b.name}三年级数学测评",
        area=w.town_b,
        held_on=dt.date(2025, 12, 1),
        **common,
    )
    district_test = Assessment.objects.create(
        code="DQ-1", name="区三年级数学监测", area=w.district, held_on=dt.date(2025, 12, 2), **common
    )
    for k in range(6):
        Result.objects.create(
            assessment=town_test,
            pupil_key=pupil_key(f"GB{k:06d}"),
            school=w.school_b,
            school_class=w.class_b1,
            score=Decimal(60 + k),
        )
        Result.objects.create(
            assessment=district_test,
            pupil_key=pupil_key(f"GB{k:06d}"),
            school=w.school_b,
            school_class=w.class_b1,
            score=Decimal(70 + k),
        )
        Result.objects.create(
            assessment=district_test,
            pupil_key=pupil_key(f"GA{k:06d}"),
            school=w.school_a,
            school_class=w.class_a1,
            score=Decimal(50 + k),
        )
