"""The staffing norms as pure functions over plain numbers: posts needed from student ratios (and
the village rule), teachers a subject needs from classes x weekly periods / teaching load, a
teacher shared out over subjects by periods, and whether a certificate covers what is taught. The
numbers come from the standards library (`Norms.load`), each with its citation and status."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from edugov.standards.loader import Rule, library

# The subjects whose shortage is the districts' "structural contradiction" (结构性缺编).
KEY_SUBJECTS: tuple[str, ...] = ("音乐", "美术", "体育与健康", "科学", "信息科技")
STAGES_BY_ORDER = ("kindergarten", "primary", "junior", "senior")
# Names a certificate or a timetable may use for the same subject.
SUBJECT_ALIASES: dict[str, str] = {
    "体育": "体育与健康",
    "生物": "生物学",
    "信息技术": "信息科技",
    "思想品德": "道德与法治",
    "思品": "道德与法治",
    "政治": "道德与法治",
    "品德与社会": "道德与法治",
    "品德与生活": "道德与法治",
    "小学科学": "科学",
}


def canonical_subject(name: str) -> str:
    name = name.strip()
    return SUBJECT_ALIASES.get(name, name)


def stage_of_grade(grade: int) -> str:
    if grade <= 0:
        return "kindergarten"
    if grade <= 6:
        return "primary"
    if grade <= 9:
        return "junior"
    return "senior"


@dataclass(frozen=True)
class Norms:
    """The numbers one evaluation uses, resolved for an area: student ratio and village
    class-teacher ratio per stage, teaching load per stage, weekly periods per subject and grade."""

    ratio: Mapping[str, float]
    village_class_ratio: Mapping[str, float]
    load: Mapping[str, float]
    periods: Mapping[str, Mapping[int, float]]
    gap_threshold: float
    rules: tuple[Rule, ...]
    # sex ("male"/"female") -> (base age, raise from birth year, months per step, cap in months)
    retirement: Mapping[str, tuple[int, int, int, int]] = field(default_factory=dict)

    @classmethod
    def load_for(cls, area_path: str = "", year: int | None = None) -> Norms:
        lib = library()

        def rule(code: str) -> Rule:
            return lib.rule(code, area_path=area_path, year=year)

        ratio, village, load = (
            rule("workforce.student_teacher_ratio"),
            rule("workforce.village_class_teacher_ratio"),
            rule("workforce.teaching_load"),
        )
        gap = rule("workforce.subject_gap_finding")
        retire = [
            rule(f"workforce.retirement_{part}")
            for part in ("base_age", "raise_from", "raise_step", "raise_cap")
        ]
        retirement = {
            sex: (
                int(retire[0].values[sex]),
                int(retire[1].values[sex]),
                int(retire[2].values[sex]),
                int(retire[3].values[sex]),
            )
            for sex in ("male", "female")
        }
        periods: dict[str, dict[int, float]] = {}
        period_rules = []
        for code in sorted(lib.rules):
            if code.startswith("workforce.periods."):
                r = rule(code)
                period_rules.append(r)
                periods[code.removeprefix("workforce.periods.")] = {
                    int(k.removeprefix("g")): v for k, v in r.values.items() if k.startswith("g")
                }
        return cls(
            ratio=ratio.values,
            village_class_ratio=village.values,
            load=load.values,
            periods=periods,
            gap_threshold=gap.values["all"],
            rules=(ratio, village, load, gap, retire[0], *period_rules),
            retirement=retirement,
        )

    def citations(self) -> list[str]:
        seen: dict[str, str] = {}
        for r in self.rules:
            key = r.source.file_id if r.code.startswith("workforce.periods.") else r.code
            seen.setdefault(key, f"{r.name}：{r.citation()}")
        return list(seen.values())


@dataclass(frozen=True)
class StageCount:
    stage: str
    students: int
    classes: int


def posts_needed(counts: Iterable[StageCount], norms: Norms, *, village: bool) -> float:
    """Staffing posts a school needs: per stage, students / ratio; a village school or teaching
    point gets at least classes x the village class-teacher ratio of the stage (the two combined
    as the larger). Stages without a ratio (kindergarten) add nothing."""
    total = 0.0
    for c in counts:
        ratio = norms.ratio.get(c.stage)
        if not ratio:
            continue
        by_students = c.students / ratio
        if village and (per_class := norms.village_class_ratio.get(c.stage)):
            by_students = max(by_students, c.classes * per_class)
        total += by_students
    return total


def whole_posts(value: float) -> int:
    """A fraction of a post is a post (rounded up after removing float noise)."""
    return math.ceil(round(value, 6))


def subject_demand(classes_by_grade: Mapping[int, int], norms: Norms) -> dict[str, float]:
    """Full-time teachers each subject needs: Σ over grades of classes x weekly periods, divided by
    the teaching load of the grade's stage."""
    demand: dict[str, float] = {}
    for subject, by_grade in norms.periods.items():
        need = 0.0
        for grade, n_classes in classes_by_grade.items():
            periods = by_grade.get(grade)
            load = norms.load.get(stage_of_grade(grade))
            if periods and load and n_classes:
                need += n_classes * periods / load
        if need:
            demand[subject] = need
    return demand


def teacher_shares(loads: Mapping[str, int]) -> dict[str, float]:
    """One teacher shared out over the subjects they teach, by weekly periods (10 periods of
    语文 and 4 of 音乐: 10/14 and 4/14)."""
    total = sum(loads.values())
    if total <= 0:
        return {}
    shares: dict[str, float] = {}
    for subject, periods in loads.items():
        key = canonical_subject(subject)
        shares[key] = shares.get(key, 0.0) + periods / total
    return shares


def certificate_covers(
    *, certificate_stage: str, certificate_subject: str, teaching_stage: str, subject: str
) -> bool:
    """A certificate covers a subject at a stage when it is of that stage or a higher one and of
    the same subject (a primary-school certificate is of any primary subject only when it names
    it; a kindergarten one covers no school subject)."""
    if certificate_stage not in STAGES_BY_ORDER or teaching_stage not in STAGES_BY_ORDER:
        return False
    if STAGES_BY_ORDER.index(certificate_stage) < STAGES_BY_ORDER.index(teaching_stage):
        return False
    if certificate_stage == "kindergarten":
        return teaching_stage == "kindergarten"
    return canonical_subject(certificate_subject) == canonical_subject(subject)


def age_at(birth_year: int, birth_month: int, year: int, month: int) -> int:
    """Whole years of age at (year, month), counted from the birth month."""
    return year - birth_year - (1 if month < birth_month else 0)


AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("30岁以下", 0, 29),
    ("30-39岁", 30, 39),
    ("40-49岁", 40, 49),
    ("50-54岁", 50, 54),
    ("55岁及以上", 55, 200),
)


def age_band(age: int) -> str:
    for label, lo, hi in AGE_BANDS:
        if lo <= age <= hi:
            return label
    return AGE_BANDS[-1][0]


def retirement_month(birth_year: int, birth_month: int, sex: str, norms: Norms) -> tuple[int, int]:
    """The (year, month) a teacher reaches the statutory retirement age under the 2025 gradual
    raise: the base age, plus one month for each `step` months of birth from January of the
    raise's first birth year (born Jan-Apr 1965: +1, May-Aug 1965: +2 ...), capped. Per birth
    month, never per year. `sex` is the registry's "M" or "F"."""
    base, first_year, step, cap = norms.retirement["male" if sex == "M" else "female"]
    since = (birth_year - first_year) * 12 + (birth_month - 1)
    delay = min(cap, since // step + 1) if since >= 0 else 0
    months = (birth_year + base) * 12 + (birth_month - 1) + delay
    return months // 12, months % 12 + 1
