"""Home dashboard reads: the key figures and chart payloads of the current school year within the
user's scope (a district, a town, a school, or a teacher's classes). Plain data only; the page
hands the chart payloads to ECharts through json_script."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, F, Q, Sum

from edugov.accounts.anchors import home_anchor
from edugov.accounts.scope import scoped
from edugov.common.cache import cached_figure

from .models import School, SchoolClass, SchoolType, Teacher
from .selectors import current_school_year

OVERSIZED_MIN = 56  # 大班额: 56-65 pupils
VERY_OVERSIZED_MIN = 66  # 超大班额: 66 pupils and more

# Class-size bands of the distribution chart: (label, lowest, highest) with None for open ends.
SIZE_BANDS: list[tuple[str, int | None, int | None]] = [
    ("25人及以下", None, 25),
    ("26-35人", 26, 35),
    ("36-45人", 36, 45),
    ("46-55人", 46, 55),
    ("56-65人", OVERSIZED_MIN, VERY_OVERSIZED_MIN - 1),
    ("66人及以上", VERY_OVERSIZED_MIN, None),
]


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    unit: str = ""
    tone: str = ""  # "", "warn" or "danger"
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """One ECharts chart as data: kind is bar, hbar, pie or line."""

    key: str
    title: str
    kind: str
    categories: list[str]
    series: list[dict[str, Any]]
    unit: str = ""

    def payload(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Dashboard:
    heading: str
    school_year: str
    figures: list[Figure]
    charts: list[Chart] = field(default_factory=list)
    schools_by_type: list[tuple[str, int]] = field(default_factory=list)

    @property
    def chart_payloads(self) -> dict[str, dict[str, Any]]:
        return {c.key: c.payload() for c in self.charts}


def _band_filter(low: int | None, high: int | None) -> Q:
    q = Q()
    if low is not None:
        q &= Q(size__gte=low)
    if high is not None:
        q &= Q(size__lte=high)
    return q


def _ratio(pupils: int, teachers: int) -> str:
    return f"{pupils / teachers:.1f}:1" if teachers else "—"


def _home_kind(user: Any) -> str:
    """What the account hangs on ("area", "school", "classes", ...): a teacher's board shows its
    classes, a school's its school (data shaping, not permission)."""
    if user is None or getattr(user, "is_superuser", False):
        return ""
    anchor = home_anchor(user)
    return anchor.kind if anchor is not None else ""


def _heading(user: Any) -> str:
    kind = _home_kind(user)
    if kind == "classes":
        return "我的班级概况"
    if kind == "school" and user.school is not None:
        return f"{user.school.name}概况"
    if user.area is not None:
        return f"{user.area.name}教育概况"
    return "教育概况"


@cached_figure("registry.dashboard")
def dashboard(*, user: Any) -> Dashboard:
    """Key figures and charts for the current school year in `user`'s scope (6 queries)."""
    year = current_school_year()
    year_label = str(year) if year else "尚未设置学年"
    heading = _heading(user)
    if year is None:
        return Dashboard(heading=heading, school_year=year_label, figures=[])

    classes = scoped(SchoolClass, user).filter(archived_at__isnull=True)
    sized = classes.filter(school_year=year).annotate(size=F("boys") + F("girls"))
    band_counts = {
        f"band{i}": Count("id", filter=_band_filter(low, high)) for i, (_, low, high) in enumerate(SIZE_BANDS)
    }
    agg = sized.aggregate(classes=Count("id"), boys=Sum("boys"), girls=Sum("girls"), **band_counts)
    n_classes = int(agg["classes"] or 0)
    pupils = int(agg["boys"] or 0) + int(agg["girls"] or 0)
    oversized = int(agg[f"band{len(SIZE_BANDS) - 2}"] or 0)
    very_oversized = int(agg[f"band{len(SIZE_BANDS) - 1}"] or 0)
    size_chart = Chart(
        key="class_sizes",
        title="班额分布",
        kind="bar",
        categories=[label for label, _, _ in SIZE_BANDS],
        series=[{"name": "班级数", "data": [int(agg[f"band{i}"] or 0) for i in range(len(SIZE_BANDS))]}],
        unit="个",
    )
    if _home_kind(user) == "classes":
        figures = [
            Figure("任教班级", f"{n_classes}", "个"),
            Figure("学生", f"{pupils:,}", "人"),
            Figure("大班额", f"{oversized}", "个", "warn" if oversized else "", "56-65人"),
            Figure("超大班额", f"{very_oversized}", "个", "danger" if very_oversized else "", "66人及以上"),
        ]
        return Dashboard(heading=heading, school_year=year_label, figures=figures, charts=[size_chart])

    type_rows = (
        scoped(School, user)
        .filter(archived_at__isnull=True)
        .values("school_type", "is_teaching_point")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_type: dict[str, int] = {}
    teaching_points = 0
    for row in type_rows:
        if row["is_teaching_point"]:
            teaching_points += row["n"]
        else:
            by_type[row["school_type"]] = by_type.get(row["school_type"], 0) + row["n"]
    schools_by_type = [(str(t.label), by_type[t.value]) for t in SchoolType if by_type.get(t.value)]
    n_schools = sum(by_type.values())

    teachers = scoped(Teacher, user).filter(archived_at__isnull=True, is_full_time=True).count()

    towns = (
        classes.filter(school_year=year)
        .values("school__area__name", "school__area__path")
        .annotate(pupils=Sum("boys") + Sum("girls"))
        .order_by("school__area__path")
    )
    trend = (
        classes.values("school_year__start_year")
        .annotate(pupils=Sum("boys") + Sum("girls"))
        .order_by("school_year__start_year")
    )
    figures = [
        Figure("学校", f"{n_schools}", "所", note="不含教学点"),
        Figure("教学点", f"{teaching_points}", "个"),
        Figure("在校生", f"{pupils:,}", "人"),
        Figure("班级", f"{n_classes:,}", "个"),
        Figure("专任教师", f"{teachers:,}", "人"),
        Figure("生师比", _ratio(pupils, teachers), note="在校生÷专任教师"),
        Figure("大班额", f"{oversized}", "个", "warn" if oversized else "", "56-65人"),
        Figure("超大班额", f"{very_oversized}", "个", "danger" if very_oversized else "", "66人及以上"),
    ]
    charts = [
        Chart(
            key="pupils_by_town",
            title="各乡镇（街道）在校生",
            kind="bar",
            categories=[r["school__area__name"] for r in towns],
            series=[{"name": "在校生", "data": [int(r["pupils"] or 0) for r in towns]}],
            unit="人",
        ),
        Chart(
            key="school_types",
            title="学校类型构成",
            kind="pie",
            categories=[label for label, _ in schools_by_type],
            series=[
                {"name": "学校数", "data": [{"name": label, "value": n} for label, n in schools_by_type]}
            ],
            unit="所",
        ),
        Chart(
            key="enrolment_trend",
            title="历年在校生",
            kind="line",
            categories=[f"{r['school_year__start_year']}学年" for r in trend],
            series=[{"name": "在校生", "data": [int(r["pupils"] or 0) for r in trend]}],
            unit="人",
        ),
        size_chart,
    ]
    return Dashboard(
        heading=heading,
        school_year=year_label,
        figures=figures,
        charts=charts,
        schools_by_type=schools_by_type,
    )
