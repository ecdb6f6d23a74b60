"""Quality rows for tests, made through the import kinds (the real path): assessments and results
in the mini district's schools, and town B's rows for the scope walk."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from edugov.ingest.models import BatchStatus
from edugov.ingest.services import import_file
from edugov.quality.pupil_key import pupil_key as pupil_key_of
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
    results in both towns, a fitness result and a 中考 line of town B's school; no town-A reader
    may see town B's school or test."""
    import datetime as dt
    from decimal import Decimal

    from edugov.quality.models import FitnessResult, LineResult

    FitnessResult.objects.create(
        school_year=w.year,
        pupil_key=pupil_key_of("GBF000001"),
        school=w.school_b,
        school_class=w.class_b1,
        grade=3,
        sex="F",
        height_cm=Decimal(130),
        weight_kg=Decimal(27),
        bmi=Decimal("16.0"),
        item_scores={"bmi": 100},
        standard_score=Decimal(70),
        total=Decimal(70),
        band="pass",
    )
    LineResult.objects.create(
        school=w.school_b, school_year=w.year, line="general", candidates=40, reached=25
    )

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


FITNESS_HEADERS = [
    "学年",
    "学籍号",
    "学校标识码",
    "年级",
    "班号",
    "性别",
    "身高（厘米）",
    "体重（千克）",
    "肺活量（毫升）",
    "50米跑（秒）",
    "坐位体前屈（厘米）",
    "1分钟跳绳（次）",
    "1分钟仰卧起坐（次）",
    "50米×8往返跑（分′秒″或秒）",
    "立定跳远（厘米）",
    "引体向上（次）",
    "1000米跑（分′秒″或秒）",
    "800米跑（分′秒″或秒）",
]


def grade1_row(
    number: str,
    school: Any,
    sex: str,
    height: Any,
    weight: Any,
    vc: Any,
    run: Any,
    reach: Any,
    rope: Any,
    **extra: Any,
) -> list[Any]:
    """A grade-1 pupil's row (class 1 of 2025-2026); `extra` fills other items by field name."""
    row: list[Any] = [
        "2025-2026",
        number,
        school.code,
        "一年级",
        1,
        sex,
        height,
        weight,
        vc,
        run,
        reach,
        rope,
    ]
    row += [
        extra.get(f, "")
        for f in ("sit_ups", "shuttle_50x8", "long_jump", "pull_ups", "run_1000m", "run_800m")
    ]
    return row


# Hand-scored grade-1 pupils (tables of data/fitness_tables_2014.toml, weights 15/15/20/30/20):
#  A boy  BMI 15.3 -> 100, 1300 ml -> 80, 10.8 s -> 78, 11.0 cm -> 80, 129 skips -> 100 (+10 bonus):
#         15 + 12 + 15.6 + 24 + 20 = 86.6, total 96.6 优秀
#  B boy  same but 87 skips -> 80: 15 + 12 + 15.6 + 24 + 16 = 82.6 良好
#  C girl BMI 20.1 (obese) -> 60, 600 -> 60, 13.8 -> 60, 2.4 -> 60, 17 -> 60: 60.0 及格
#  D girl as C but 2 skips -> 10: 9 + 9 + 12 + 18 + 2 = 50.0 不及格
#  E girl (school B) as C: 60.0 及格;  F boy (school B) 100, 700 -> 60, 12.6 -> 60, 0.0 -> 60,
#         17 -> 60: 15 + 9 + 12 + 18 + 12 = 66.0 及格
def fitness_rows(d: Any) -> list[list[Any]]:
    a, b = d.school_a, d.school_b
    return [
        grade1_row("G0000000001", a, "男", 120, 22, 1300, 10.8, 11.0, 129),
        grade1_row("G0000000002", a, "男", 120, 22, 1300, 10.8, 11.0, 87),
        grade1_row("G0000000003", a, "女", 118, 28, 600, 13.8, 2.4, 17),
        grade1_row("G0000000004", a, "女", 118, 28, 600, 13.8, 2.4, 2),
        grade1_row("G0000000005", b, "女", 118, 28, 600, 13.8, 2.4, 17),
        grade1_row("G0000000006", b, "男", 120, 22, 700, 12.6, 0.0, 17),
    ]


def import_fitness(tmp_path: Path, user: Any, rows: list[list[Any]], name: str = "fitness.xlsx") -> Any:
    return run_import("quality_fitness", workbook(tmp_path / name, FITNESS_HEADERS, rows), user)


def grade1_classes(d: Any) -> None:
    make_class(school=d.school_a, year=d.year, grade=1, number=1)
    make_class(school=d.school_a, year=d.year, grade=1, number=2)
    make_class(school=d.school_b, year=d.year, grade=1, number=1)
