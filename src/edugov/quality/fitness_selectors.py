"""Reads of physical fitness results: band counts and the pass and good-or-better rates of classes,
schools, towns, urban and rural areas and the district, and the trend over years. Aggregates only:
no pupil key, no pupil's score and no ordering by score leaves this module (the national upload
export of a school's own rows is `upload_rows`, ordered by class and key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from edugov.accounts.scope import scoped
from edugov.registry.models import School, SchoolYear

from .models import FITNESS_BAND_ORDER, MEASURES, FitnessBand, FitnessResult

URBAN_RURAL = (("11", "城区"), ("12", "镇区"), ("2", "乡村"))


def urban_rural_of(code: str | None) -> str:
    for prefix, label in URBAN_RURAL:
        if (code or "").startswith(prefix):
            return label
    return "未标注"


@dataclass(frozen=True)
class RateRow:
    """One unit's fitness bands: counts by band, pass rate (及格及以上) and good rate (良好及以上)."""

    unit_id: int
    name: str
    town: str
    n: int
    counts: dict[str, int]

    @property
    def passed(self) -> int:
        return self.n - self.counts[FitnessBand.FAIL]

    @property
    def good(self) -> int:
        return self.counts[FitnessBand.EXCELLENT] + self.counts[FitnessBand.GOOD]

    @property
    def pass_rate(self) -> float | None:
        return round(100.0 * self.passed / self.n, 1) if self.n else None

    @property
    def good_rate(self) -> float | None:
        return round(100.0 * self.good / self.n, 1) if self.n else None

    @property
    def excellent_rate(self) -> float | None:
        return round(100.0 * self.counts[FitnessBand.EXCELLENT] / self.n, 1) if self.n else None

    @property
    def cells(self) -> list[tuple[str, int, float]]:
        return [
            (str(FitnessBand(b).label), self.counts[b], 100.0 * self.counts[b] / self.n if self.n else 0.0)
            for b in FITNESS_BAND_ORDER
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "bands": {str(FitnessBand(b).label): self.counts[b] for b in FITNESS_BAND_ORDER},
            "pass_rate": self.pass_rate,
            "good_rate": self.good_rate,
            "excellent_rate": self.excellent_rate,
        }


def _band_counts() -> dict[str, Any]:
    return {"n": Count("pk"), **{b: Count("pk", filter=Q(band=b)) for b in FITNESS_BAND_ORDER}}


def _row(unit_id: int, name: str, town: str, agg: Any) -> RateRow:
    return RateRow(unit_id, name, town, int(agg["n"] or 0), {b: int(agg[b] or 0) for b in FITNESS_BAND_ORDER})


def fitness_years(*, actor: Any) -> list[SchoolYear]:
    """The school years with fitness results in the actor's scope, latest first."""
    ids = scoped(FitnessResult, actor).values("school_year_id")
    return list(SchoolYear.objects.filter(pk__in=ids).order_by("-start_year"))


def _results(actor: Any, year: SchoolYear, school: School | None = None) -> QuerySet[FitnessResult]:
    qs = scoped(FitnessResult, actor).filter(school_year=year)
    return qs.filter(school=school) if school is not None else qs


def total_rates(*, actor: Any, year: SchoolYear, school: School | None = None) -> RateRow:
    agg = _results(actor, year, school).aggregate(**_band_counts())
    return _row(0, school.name if school else "合计", "", agg)


def school_rates(*, actor: Any, year: SchoolYear) -> list[RateRow]:
    """Each school's rates, by town and school code (never by rate)."""
    rows = (
        _results(actor, year)
        .values("school_id", "school__name", "school__area__name", "school__code")
        .annotate(**_band_counts())
        .order_by("school__area__name", "school__code")
    )
    return [_row(r["school_id"], r["school__name"], r["school__area__name"], r) for r in rows]


def town_rates(*, actor: Any, year: SchoolYear) -> list[RateRow]:
    rows = (
        _results(actor, year)
        .values("school__area_id", "school__area__name", "school__area__code")
        .annotate(**_band_counts())
        .order_by("school__area__code")
    )
    return [_row(r["school__area_id"], r["school__area__name"], "", r) for r in rows]


def class_rates(*, actor: Any, year: SchoolYear, school: School) -> list[RateRow]:
    rows = (
        _results(actor, year, school)
        .values("school_class_id", "school_class__name", "school_class__grade", "school_class__number")
        .annotate(**_band_counts())
        .order_by("school_class__grade", "school_class__number")
    )
    return [
        _row(
            r["school_class_id"],
            r["school_class__name"] or f"{r['school_class__grade']}年级{r['school_class__number']}班",
            "",
            r,
        )
        for r in rows
    ]


def urban_rural_rates(*, actor: Any, year: SchoolYear) -> list[RateRow]:
    """Rates of urban (城区), town (镇区) and rural (乡村) schools, by the schools' 城乡分类代码."""
    rows = (
        _results(actor, year)
        .values("school__urban_rural_code")
        .annotate(**_band_counts())
        .order_by("school__urban_rural_code")
    )
    merged: dict[str, dict[str, int]] = {}
    for raw in rows:
        r: dict[str, Any] = dict(raw)
        label = urban_rural_of(r["school__urban_rural_code"])
        acc = merged.setdefault(label, {"n": 0, **dict.fromkeys(FITNESS_BAND_ORDER, 0)})
        for k in acc:
            acc[k] += int(r[k] or 0)
    order = [label for _, label in URBAN_RURAL] + ["未标注"]
    return [_row(i, label, "", merged[label]) for i, label in enumerate(order) if label in merged]


def trend(*, actor: Any, school: School | None = None) -> list[tuple[SchoolYear, RateRow]]:
    """Pass and good rates of every year with results (oldest first)."""
    qs = scoped(FitnessResult, actor)
    if school is not None:
        qs = qs.filter(school=school)
    rows = qs.values("school_year_id").annotate(**_band_counts()).order_by("school_year__start_year")
    years = SchoolYear.objects.in_bulk([r["school_year_id"] for r in rows])
    return [
        (years[r["school_year_id"]], _row(r["school_year_id"], str(years[r["school_year_id"]]), "", r))
        for r in rows
    ]


def trend_chart(points: list[tuple[SchoolYear, RateRow]]) -> dict[str, Any]:
    return {
        "key": "fitness_trend",
        "kind": "line",
        "unit": "%",
        "categories": [str(y) for y, _ in points],
        "series": [
            {"name": "及格率", "data": [r.pass_rate for _, r in points]},
            {"name": "优良率", "data": [r.good_rate for _, r in points]},
        ],
    }


def item_pass_rates(
    *, actor: Any, year: SchoolYear, school: School | None = None
) -> list[tuple[str, int, float]]:
    """For each item: how many pupils were tested and the share scoring 60 or more (counted in
    the database: one aggregate over the results' item scores, not a pass over every result)."""
    from .fitness import standard

    items = standard().items
    keys = {c: f"i{n}" for n, c in enumerate(items)}
    agg = _results(actor, year, school).aggregate(
        **{f"{k}_t": Count("pk", filter=Q(item_scores__has_key=c)) for c, k in keys.items()},
        **{f"{k}_p": Count("pk", filter=Q(**{f"item_scores__{c}__gte": 60})) for c, k in keys.items()},
    )
    tested = {c: int(agg[f"{k}_t"] or 0) for c, k in keys.items()}
    passed = {c: int(agg[f"{k}_p"] or 0) for c, k in keys.items()}
    return [(items[c], tested[c], round(100.0 * passed[c] / tested[c], 1)) for c in items if tested.get(c)]


# The national upload (国家学生体质健康标准数据管理系统) ------------------------------------------------

# Column order of the national upload template (待核实 against the template of the year): the
# personal columns the system never stores are left blank for the school to fill offline.
UPLOAD_HEADERS = [
    "年级编号",
    "班级编号",
    "班级名称",
    "学生代码（代替学籍号）",
    "民族代码",
    "姓名（本系统不保存，学校上报前补填）",
    "性别",
    "出生日期",
    "家庭住址",
    "身高",
    "体重",
    "肺活量",
    "50米跑",
    "立定跳远",
    "坐位体前屈",
    "800米跑",
    "1000米跑",
    "一分钟仰卧起坐",
    "引体向上",
    "一分钟跳绳",
    "50米×8往返跑",
]
UPLOAD_MEASURES = (
    "height_cm",
    "weight_kg",
    "vital_capacity",
    "run_50m",
    "long_jump",
    "sit_and_reach",
    "run_800m",
    "run_1000m",
    "sit_ups",
    "pull_ups",
    "rope_skipping",
    "shuttle_50x8",
)
assert set(UPLOAD_MEASURES) == {f for f, _, _ in MEASURES}
TIMES = {"run_800m", "run_1000m", "shuttle_50x8"}
WHOLE = {"vital_capacity", "long_jump", "sit_ups", "pull_ups", "rope_skipping"}


def grade_code(grade: int) -> str:
    """年级编号 of the national system: 11-16 primary, 21-23 junior, 31-33 senior."""
    if grade <= 6:
        return f"1{grade}"
    if grade <= 9:
        return f"2{grade - 6}"
    return f"3{grade - 9}"


def _cell(field: str, value: Any) -> Any:
    if value is None:
        return ""
    if field in TIMES:
        minutes, seconds = divmod(int(value), 60)
        return f"{minutes}'{seconds:02d}"
    if field in WHOLE:
        return int(value)
    return float(value)


def upload_rows(*, school: School, year: SchoolYear) -> list[list[Any]]:
    """The school's rows of the year in the upload's column order, by grade, class and key (never
    by score). The caller checks the school's own administrator asks (quality.fitness_export)."""
    rows = (
        FitnessResult.objects.filter(school=school, school_year=year)
        .select_related("school_class")
        .order_by("grade", "school_class__number", "pupil_key")
    )
    return [
        [
            grade_code(r.grade),
            f"{r.school_class.number:02d}",
            r.school_class.name or f"{r.grade}年级{r.school_class.number}班",
            r.pupil_key,
            "",
            "",
            "1" if r.sex == "M" else "2",
            "",
            "",
            *(_cell(f, getattr(r, f)) for f in UPLOAD_MEASURES),
        ]
        for r in rows
    ]


# Public reads for other apps (appraisal) ----------------------------------------------------------


def school_fitness_rates(school_ids: list[int], year: SchoolYear | int) -> dict[int, dict[str, Any]]:
    """Each school's fitness rates in `year` (a SchoolYear or its start year) as plain dicts:
    {school_id: {"n", "bands", "pass_rate", "good_rate", "excellent_rate"}}; schools without
    results are absent. Not scoped: the caller reads for schools it may see."""
    start = year if isinstance(year, int) else year.start_year
    rows = (
        FitnessResult.objects.filter(school_id__in=list(school_ids), school_year__start_year=start)
        .values("school_id")
        .annotate(**_band_counts())
        .order_by("school_id")
    )
    return {r["school_id"]: _row(r["school_id"], "", "", r).as_dict() for r in rows}
