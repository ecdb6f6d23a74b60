"""Demo story of quality monitoring: the district's monitoring test in mathematics taken by the same
pupils a year apart (grade 3 then 4 in primary schools, grade 7 then 8 in junior schools), with
school effects the demo knows: urban schools take stronger intakes, most schools add what is
expected, two rural schools add clearly more and two urban schools clearly less, so the value-added
page tells a different story from raw scores. Seeded by ctx.rng; keys made as an import makes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import School, SchoolClass

from .models import Assessment, AssessmentKind, Result
from .pupil_key import pupil_key

COHORTS = ((3, "primary"), (7, "junior"))  # prior grade; the post test is the next grade a year later
KNOWN_ABOVE, KNOWN_BELOW = 8.0, -7.0


def _intake(school: School) -> float:
    code = school.urban_rural_code or ""
    return 76.0 if code.startswith("11") else 70.0 if code.startswith("12") else 63.0


def build_quality(ctx: DemoContext) -> None:
    reg = ctx.state.get("registry")
    if reg is None or len(reg.years) < 2:
        return
    rng = np.random.default_rng(ctx.rng("quality").randrange(2**32))
    first, second = sorted(reg.years)[-3:-1] if len(reg.years) >= 3 else sorted(reg.years)[-2:]
    year_a, year_b = reg.years[first], reg.years[second]
    district = reg.districts[0]
    in_district = SchoolClass.objects.filter(school__area__path__startswith=district.path)
    cohorts = []
    for grade, stage in COHORTS:
        before = {(c.school_id, c.number): c for c in in_district.filter(school_year=year_a, grade=grade)}
        after = {(c.school_id, c.number): c for c in in_district.filter(school_year=year_b, grade=grade + 1)}
        cohorts.append((grade, stage, before, after))
    # One effect per school, planted before any score is drawn (a nine-year school is in both cohorts).
    schools = {
        s.pk: s for s in School.objects.filter(pk__in={k[0] for c in cohorts for k in c[2]}).order_by("code")
    }
    known = {pk: float(rng.normal(0.0, 2.5)) for pk in schools}
    rural = [s for s in schools.values() if s.urban_rural_code.startswith("2")]
    urban = [s for s in schools.values() if s.urban_rural_code.startswith("11")]
    for s in rural[:2]:
        known[s.pk] = KNOWN_ABOVE
    for s in urban[-2:]:
        known[s.pk] = KNOWN_BELOW
    results: list[Result] = []
    for grade, stage, before, after in cohorts:
        a = _assessment(district, year_a, grade, stage, dt.date(first + 1, 6, 10))
        b = _assessment(district, year_b, grade + 1, stage, dt.date(second + 1, 6, 10))
        for (school_id, number), c in sorted(before.items()):
            later = after.get((school_id, number))
            school = schools[school_id]
            n = max(0, min(c.boys + c.girls, 60))
            prior = np.clip(rng.normal(_intake(school), 11.0, n), 0, 100)
            post = np.clip(12.0 + 0.82 * prior + known[school_id] + rng.normal(0.0, 8.0, n), 0, 100)
            for k in range(n):
                key = pupil_key(f"G{first}{school.code}{grade}{number:02d}{k:03d}")
                results.append(
                    Result(
                        assessment=a,
                        pupil_key=key,
                        school_id=school_id,
                        school_class=c,
                        score=Decimal(f"{prior[k]:.1f}"),
                    )
                )
                # A few pupils left between the two tests: value added follows those who took both.
                if later is not None and rng.random() > 0.03:
                    results.append(
                        Result(
                            assessment=b,
                            pupil_key=key,
                            school_id=school_id,
                            school_class=later,
                            score=Decimal(f"{post[k]:.1f}"),
                        )
                    )
    Result.objects.bulk_create(results, batch_size=5000)
    ctx.state["quality"] = {"known_effects": known}
    ctx.count("质量监测成绩", len(results))


def _assessment(district: Any, year: Any, grade: int, stage: str, held_on: dt.date) -> Assessment:
    label = "小学" if stage == "primary" else "初中"
    held_on = min(max(held_on, year.start_date), year.end_date)
    a, _ = Assessment.objects.update_or_create(
        code=f"JC{year.start_year}-{grade}-SX",
        defaults={
            "name": f"{year.start_year}学年{grade}年级学业质量监测（{label}）",
            "kind": AssessmentKind.MONITORING,
            "subject": "数学",
            "grade": grade,
            "held_on": held_on,
            "school_year": year,
            "area": district,
            "max_score": Decimal(100),
            "excellent_min": Decimal(85),
            "good_min": Decimal(70),
            "pass_min": Decimal(60),
        },
    )
    return a


def reset_quality() -> None:
    Assessment.objects.all().delete()  # results go with their assessment


def register() -> None:
    register_generator("quality", build_quality, order=500, reset=reset_quality)
