"""Demo story of quality monitoring: the district's monitoring test in mathematics taken by the same
pupils over two school years (grade 3 at the start and the end of one year, then grade 4 at the end
of the next, in primary schools; grade 7 then 8 the same way in junior schools), so value-added
exists for two consecutive school years, with school effects the demo knows, year by year: urban
schools take stronger intakes, most schools add what is expected (about the same in both years),
two rural schools add clearly more and two urban schools clearly less, so the value-added page
tells a different story from raw scores. Another demo story may plant a school's effect year by
year under `PLANTED` in ctx.state ({school id: {start year: points}}): the groups demo does, for the
members whose gap to their lead school narrows or not. Seeded by ctx.rng; keys made as an import
makes them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np

from edugov.demo.base import DemoContext, register_generator
from edugov.ingest.fastdb import insert_rows
from edugov.registry.models import School, SchoolClass

from .models import MEASURES, Assessment, AssessmentKind, Result
from .pupil_key import pupil_key

COHORTS = ((3, "primary"), (7, "junior"))  # the grade tested twice in the first year, then the next
KNOWN_ABOVE, KNOWN_BELOW = 8.0, -7.0
YEAR_WOBBLE = 1.0  # a school's effect moves a little from one year to the next (points, sd)
PLANTED = "quality.planted_effects"  # ctx.state key: {school id: {start year: effect in points}}


def _intake(school: School) -> float:
    code = school.urban_rural_code or ""
    return 76.0 if code.startswith("11") else 70.0 if code.startswith("12") else 63.0


def _known_effects(
    rng: np.random.Generator, schools: dict[int, School], years: tuple[int, int], planted: dict[int, Any]
) -> dict[int, dict[int, float]]:
    """{start year: {school: effect}}: one effect per school drawn before any score (a nine-year
    school is in both cohorts), a small move between the years; then the two rural schools above
    and the two urban below expectation, chosen among those no other story planted; then the
    planted ones."""
    base = {pk: float(rng.normal(0.0, 2.5)) for pk in schools}
    free = [s for s in schools.values() if s.pk not in planted]
    rural = [s for s in free if s.urban_rural_code.startswith("2")]
    urban = [s for s in free if s.urban_rural_code.startswith("11")]
    for s in rural[:2]:
        base[s.pk] = KNOWN_ABOVE
    for s in urban[-2:]:
        base[s.pk] = KNOWN_BELOW
    known = {y: {pk: e + float(rng.normal(0.0, YEAR_WOBBLE)) for pk, e in base.items()} for y in years}
    for pk, by_year in planted.items():
        for y in years:
            if pk in schools and y in by_year:
                known[y][pk] = float(by_year[y])
    return known


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
    schools = {
        s.pk: s for s in School.objects.filter(pk__in={k[0] for c in cohorts for k in c[2]}).order_by("code")
    }
    known = _known_effects(rng, schools, (first, second), ctx.state.get(PLANTED, {}))
    rows: list[tuple[Any, ...]] = []
    for grade, stage, before, after in cohorts:
        # The first year's baseline at its start, its monitoring at its end, the next year's at its end.
        base = _assessment(district, year_a, grade, stage, dt.date(first, 9, 20), baseline=True)
        a = _assessment(district, year_a, grade, stage, dt.date(first + 1, 6, 10))
        b = _assessment(district, year_b, grade + 1, stage, dt.date(second + 1, 6, 10))
        for (school_id, number), c in sorted(before.items()):
            later = after.get((school_id, number))
            school = schools[school_id]
            n = max(0, min(c.boys + c.girls, 60))
            start = np.clip(rng.normal(_intake(school), 11.0, n), 0, 100)
            prior = np.clip(12.0 + 0.82 * start + known[first][school_id] + rng.normal(0.0, 8.0, n), 0, 100)
            post = np.clip(12.0 + 0.82 * prior + known[second][school_id] + rng.normal(0.0, 8.0, n), 0, 100)
            # A few pupils left before the next year's test: value added follows those who took both.
            stays = rng.random(n) > 0.03
            for k in range(n):
                key = pupil_key(f"G{first}{school.code}{grade}{number:02d}{k:03d}")
                rows.append((base.pk, key, school_id, c.pk, Decimal(f"{start[k]:.1f}")))
                rows.append((a.pk, key, school_id, c.pk, Decimal(f"{prior[k]:.1f}")))
                if later is not None and stays[k]:
                    rows.append((b.pk, key, school_id, later.pk, Decimal(f"{post[k]:.1f}")))
    # Straight through the cursor (the import engine's bulk writer), as the fitness results.
    insert_rows(Result, ("assessment_id", "pupil_key", "school_id", "school_class_id", "score"), rows)
    ctx.state["quality"] = {"known_effects": known}
    ctx.count("质量监测成绩", len(rows))
    build_fitness(ctx)
    build_outcomes(ctx)


def _assessment(
    district: Any, year: Any, grade: int, stage: str, held_on: dt.date, *, baseline: bool = False
) -> Assessment:
    label = "小学" if stage == "primary" else "初中"
    held_on = min(max(held_on, year.start_date), year.end_date)
    a, _ = Assessment.objects.update_or_create(
        code=f"JC{year.start_year}-{grade}-SX{'-QC' if baseline else ''}",
        defaults={
            "name": f"{year.start_year}学年{grade}年级{'期初' if baseline else ''}学业质量监测（{label}）",
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
    from .models import Award, FitnessResult, LineResult

    Assessment.objects.all().delete()  # results go with their assessment
    FitnessResult.objects.all().delete()
    LineResult.objects.all().delete()
    Award.objects.all().delete()


def register() -> None:
    register_generator("quality", build_quality, order=500, reset=reset_quality)


# Physical fitness and outcomes ------------------------------------------------------------------

FITNESS_YEARS = 3
# Urban pupils in the demo are heavier and slower over distance; rural pupils have smaller lungs
# and less flexibility but run better: the district page shows the two differ item by item.
URBAN_SHIFT = {"bmi": 2.0, "run": 0.03, "vital": 0.0, "reach": 0.0}
RURAL_SHIFT = {"bmi": -0.4, "run": -0.02, "vital": -0.15, "reach": -3.5}


def _fitness_measures(
    rng: np.random.Generator, grade: int, sex: str, n: int, shift: dict[str, float], gain: float
) -> dict[str, np.ndarray]:
    """Raw measures around the middle of the grade's tables; `gain` improves a later year a little."""
    from .fitness import standard
    from .fitness_tables import tables

    t = tables()
    bands = t.bmi_bands(grade, sex)
    assert bands is not None
    mid_bmi = float(bands.normal[0] + bands.normal[1]) / 2 + shift["bmi"]
    # mean height by grade (about 121 cm in grade 1, 5.5 cm a year, levelling off at 170 / 160 cm)
    tall = min(115.5 + 5.5 * grade, 170.0 if sex == "M" else 160.0)
    height = np.clip(rng.normal(tall, 5.5 if grade == 1 else 7.5, n), 95, 200)
    bmi = np.clip(rng.normal(mid_bmi, 2.2, n), 11, 35)
    out = {
        "height_cm": np.round(height, 1),
        "weight_kg": np.round(bmi * (height / 100) ** 2, 1),
    }
    for code in standard().group_for(grade, sex).weights:
        if code == "bmi":
            continue
        table = t.table(code, grade, sex)
        assert table is not None
        pts = {p: float(v) for p, v in table.rows}
        centre, spread = pts[76] if 76 in pts else pts[72], abs(pts[100] - pts[60]) / 2.2
        if code in ("run_50m", "run_1000m", "run_800m", "shuttle_50x8"):
            value = centre * (1 + shift["run"] - 0.01 * gain) + rng.normal(0, spread, n)
        elif code == "vital_capacity":
            value = centre * (1 + shift["vital"] + 0.02 * gain) + rng.normal(0, spread, n)
        elif code == "sit_and_reach":
            value = centre + shift["reach"] + gain + rng.normal(0, spread, n)
        else:
            value = centre * (1 + 0.02 * gain) + rng.normal(0, spread, n)
        whole = code in ("vital_capacity", "rope_skipping", "sit_ups", "pull_ups", "long_jump")
        value = np.maximum(value, 0 if code != "sit_and_reach" else -20)
        out[code] = np.round(value, 0 if whole else 1)
    return out


FITNESS_COLUMNS = (
    "school_year_id",
    "pupil_key",
    "school_id",
    "school_class_id",
    "grade",
    "sex",
    "bmi",
    "item_scores",
    "standard_score",
    "bonus",
    "total",
    "band",
    *(f for f, _, _ in MEASURES),
)


def build_fitness(ctx: DemoContext) -> None:
    """Every pupil of every grade whose tables are encoded (grades 1-12) tested in each of the
    last three school years, scored by the vectorised tables; rural and urban schools differ."""
    from .fitness_tables import score_arrays, tables
    from .models import FITNESS_BAND_ORDER, FitnessResult

    reg = ctx.state.get("registry")
    if reg is None:
        return
    rng = np.random.default_rng(ctx.rng("quality.fitness").randrange(2**32))
    district = reg.districts[0]
    grades = [g for g in tables().grades()]
    starts = sorted(reg.years)[-FITNESS_YEARS:]
    classes = (
        SchoolClass.objects.filter(
            school__area__path__startswith=district.path,
            school_year__start_year__in=starts,
            grade__in=grades,
        )
        .select_related("school", "school_year")
        .order_by("school_year__start_year", "school__code", "grade", "number")
    )
    rows: list[tuple[Any, ...]] = []
    for c in classes:
        code = c.school.urban_rural_code or ""
        shift = (
            URBAN_SHIFT
            if code.startswith("11")
            else RURAL_SHIFT
            if code.startswith("2")
            else dict.fromkeys(URBAN_SHIFT, 0.0)
        )
        gain = float(starts.index(c.school_year.start_year))
        for sex, n in (("M", min(c.boys, 40)), ("F", min(c.girls, 40))):
            if n <= 0:
                continue
            m = _fitness_measures(rng, c.grade, sex, n, shift, gain)
            s = score_arrays(grade=c.grade, sex=sex, measures=m)
            items = [k for k in m if k not in ("height_cm", "weight_kg")]
            # Plain lists once per class: indexing numpy arrays pupil by pupil is slow.
            values = {f: [Decimal(f"{v:.1f}") for v in m[f].tolist()] for f in m}
            points = {i: s[f"points_{i}"].tolist() for i in ("bmi", *items)}
            bmi, standard, bonus, total, band = (
                s[k].tolist() for k in ("bmi", "standard", "bonus", "total", "band")
            )
            prefix = f"F{c.school_year.start_year}{c.school.code}{c.grade}{c.number:02d}{sex}"
            for k in range(n):
                rows.append(
                    (
                        c.school_year_id,
                        pupil_key(f"{prefix}{k:03d}"),
                        c.school_id,
                        c.pk,
                        c.grade,
                        sex,
                        Decimal(bmi[k]) / 10,
                        {i: p[k] for i, p in points.items()},
                        Decimal(standard[k]) / 10,
                        Decimal(bonus[k]),
                        Decimal(total[k]) / 10,
                        FITNESS_BAND_ORDER[band[k]],
                        *(values[f][k] if f in values else None for f, _, _ in MEASURES),
                    )
                )
    # Straight through the cursor (the import engine's bulk writer): Django's bulk_create spends
    # most of a demo build compiling 24 columns row by row.
    insert_rows(FitnessResult, FITNESS_COLUMNS, rows)
    ctx.count("体质健康测试成绩", len(rows))


AWARDS = (
    ("student", "city", "青少年科技创新大赛", "一等奖"),
    ("student", "county", "中小学生艺术展演", "二等奖"),
    ("teacher", "city", "优质课评比", "一等奖"),
    ("teacher", "provincial", "教学能手评选", "入选"),
)


def build_outcomes(ctx: DemoContext) -> None:
    """中考 lines for three years for every school with a grade 9 in the demo district (candidates
    from its grade-9 classes), 高考 lines for every school with a grade 12 (the same way), and a few
    awards as counts."""
    from django.db.models import Sum

    from .models import Award, LineResult

    reg = ctx.state.get("registry")
    if reg is None:
        return
    rng = np.random.default_rng(ctx.rng("quality.outcomes").randrange(2**32))
    district = reg.districts[0]
    starts = sorted(reg.years)[-4:-1] if len(reg.years) >= 4 else sorted(reg.years)

    def leavers(grade: int) -> Any:
        return (
            SchoolClass.objects.filter(
                school__area__path__startswith=district.path, grade=grade, school_year__start_year__in=starts
            )
            .values("school_id", "school__urban_rural_code", "school_year_id")
            .annotate(boys=Sum("boys"), girls=Sum("girls"))
            .order_by("school_id", "school_year_id")
        )

    nine = leavers(9)
    lines, awards = [], []
    for r in leavers(12):
        candidates = int(r["boys"] or 0) + int(r["girls"] or 0)
        if candidates <= 0:
            continue
        urban = (r["school__urban_rural_code"] or "").startswith("1")
        college = float(np.clip(rng.normal(0.55 if urban else 0.45, 0.06), 0.2, 0.85))
        shares = {
            "special": college * float(np.clip(rng.normal(0.3 if urban else 0.2, 0.05), 0.05, 0.6)),
            "undergraduate": college,
            "junior_college": float(np.clip(college + rng.normal(0.35, 0.04), college, 0.98)),
        }
        for line, share in shares.items():
            lines.append(
                LineResult(
                    school_id=r["school_id"],
                    school_year_id=r["school_year_id"],
                    line=line,
                    candidates=candidates,
                    reached=round(candidates * share),
                )
            )
    for r in nine:
        candidates = int(r["boys"] or 0) + int(r["girls"] or 0)
        if candidates <= 0:
            continue
        urban = (r["school__urban_rural_code"] or "").startswith("1")
        general = float(np.clip(rng.normal(0.62 if urban else 0.52, 0.06), 0.3, 0.9))
        key = general * float(np.clip(rng.normal(0.4 if urban else 0.3, 0.06), 0.1, 0.7))
        for line, share in (("general", general), ("key", key)):
            lines.append(
                LineResult(
                    school_id=r["school_id"],
                    school_year_id=r["school_year_id"],
                    line=line,
                    candidates=candidates,
                    reached=round(candidates * share),
                )
            )
        for recipient, level, contest, prize in AWARDS:
            if rng.random() < 0.5:
                awards.append(
                    Award(
                        school_id=r["school_id"],
                        school_year_id=r["school_year_id"],
                        recipient=recipient,
                        level=level,
                        contest=contest,
                        prize=prize,
                        count=int(rng.integers(1, 5)),
                    )
                )
    LineResult.objects.bulk_create(lines)
    Award.objects.bulk_create(awards)
    ctx.count("中考、高考上线记录", len(lines))
    ctx.count("师生获奖记录", len(awards))
