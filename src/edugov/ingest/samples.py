"""Generated sample files for benchmarks and tests: a classes CSV of any size, with the schools
and the school year it refers to.

    codes = ensure_sample_schools(count=5000)           # idempotent; returns the school codes
    write_classes_csv(path, rows=1_000_000, seed=1)    # creates the schools too unless told not to
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from edugov.registry.models import SCHOOL_TYPE_GRADES, Area, AreaLevel, Grade, School, SchoolType, SchoolYear

CLASS_HEADERS = ["学校标识码", "学年", "年级", "班号", "班级名称", "男生数", "女生数"]
SAMPLE_AREA_CODE = "990101001"
SAMPLE_SCHOOL_PREFIX = "99"  # sample school codes 99xxxxxxxx, far from real ones
GRADE_LABELS = {int(v): str(label) for v, label in Grade.choices}
CLASSES_PER_SCHOOL_GRADE = 99  # 班号 1-99


def ensure_sample_year(start_year: int = 2025) -> SchoolYear:
    year, _ = SchoolYear.objects.get_or_create(
        start_year=start_year,
        defaults={"start_date": dt.date(start_year, 9, 1), "end_date": dt.date(start_year + 1, 8, 31)},
    )
    return year


def _ensure_area() -> Area:
    chain = [
        ("99", "样例省", AreaLevel.PROVINCE),
        ("9901", "样例市", AreaLevel.CITY),
        ("990101", "样例区", AreaLevel.DISTRICT),
        (SAMPLE_AREA_CODE, "样例街道", AreaLevel.TOWN),
    ]
    parent = None
    for code, name, level in chain:
        area = Area.objects.filter(code=code).first()
        if area is None:
            area = Area(code=code, name=name, level=level, parent=parent)
            area.path = area.compute_path()
            area.save()
        parent = area
    assert parent is not None
    return parent


def sample_school_codes(count: int) -> list[str]:
    return [f"{SAMPLE_SCHOOL_PREFIX}{i:08d}" for i in range(1, count + 1)]


def ensure_sample_schools(count: int, *, start_year: int = 2025) -> list[str]:
    """Twelve-year schools (grades 1-12) under a sample town; created in bulk if missing."""
    ensure_sample_year(start_year)
    town = _ensure_area()
    codes = sample_school_codes(count)
    have = (
        set(School.objects.filter(code__in=codes).values_list("code", flat=True))
        if count <= 30000
        else set(School.objects.filter(code__startswith=SAMPLE_SCHOOL_PREFIX).values_list("code", flat=True))
    )
    School.objects.bulk_create(
        [
            School(
                code=code,
                name=f"样例学校{code[-5:]}",
                school_type=SchoolType.TWELVE_YEAR,
                ownership="public",
                urban_rural_code="111",
                locale="urban",
                area=town,
            )
            for code in codes
            if code not in have
        ],
        batch_size=2000,
    )
    return codes


def schools_needed(rows: int) -> int:
    per_school = len(SCHOOL_TYPE_GRADES[SchoolType.TWELVE_YEAR]) * CLASSES_PER_SCHOOL_GRADE
    return max(1, -(-rows // per_school))


def write_classes_csv(
    path: Path | str,
    rows: int,
    seed: int = 1,
    *,
    start_year: int = 2025,
    create_schools: bool = True,
    school_codes: list[str] | None = None,
    encoding: str = "utf-8",
    bad_rows: int = 0,
) -> Path:
    """Write `rows` distinct class rows (unique natural keys) spread over the sample schools.
    With create_schools the schools and the school year are created first (idempotent); a bench
    that times only the import calls ensure_sample_schools(schools_needed(rows)) beforehand, or
    passes create_schools=False once they exist. bad_rows > 0 spoils that many rows at random
    (unknown school code, text in a number cell), for rejection benchmarks."""
    rng = random.Random(seed)
    if school_codes is None:
        count = schools_needed(rows)
        school_codes = (
            ensure_sample_schools(count, start_year=start_year)
            if create_schools
            else sample_school_codes(count)
        )
    grades = list(SCHOOL_TYPE_GRADES[SchoolType.TWELVE_YEAR])
    spoil = set(rng.sample(range(rows), bad_rows)) if bad_rows else set()
    year_text = f"{start_year}-{start_year + 1}"
    path = Path(path)
    with path.open("w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(CLASS_HEADERS)
        n = 0
        for code in school_codes:
            for grade in grades:
                label = GRADE_LABELS[grade]
                for number in range(1, CLASSES_PER_SCHOOL_GRADE + 1):
                    if n >= rows:
                        return path
                    boys = rng.randint(15, 30)
                    girls = rng.randint(15, 30)
                    if n in spoil:
                        if n % 2:
                            writer.writerow(["9999999999", year_text, label, number, "", boys, girls])
                        else:
                            writer.writerow([code, year_text, label, number, "", "二十", girls])
                    else:
                        writer.writerow([code, year_text, label, number, f"{label}{number}班", boys, girls])
                    n += 1
    return path
