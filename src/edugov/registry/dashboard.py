"""Home dashboard reads: the key figures and chart payloads of the current school year within the
actor's scope (a district, a town, a school, or a teacher's classes). Plain data only; the page
hands the chart payloads to ECharts through json_script. Class-size thresholds (大班额/超大班额)
come from the standards library, per area, so a provincial or district override moves them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Sum

from edugov.accounts.anchors import home_anchor
from edugov.accounts.models import User
from edugov.accounts.scope import scoped
from edugov.common.cache import cached_figure
from edugov.standards.loader import library

from .models import School, SchoolClass, SchoolType, SchoolYear, Teacher
from .selectors import current_school_year

# Lower edges of the distribution chart's display bands below 大班额 (presentation, not policy:
# the two top bands are the standards' thresholds).
DISPLAY_BANDS = (26, 36, 46)


@dataclass(frozen=True)
class ClassSizeLimits:
    """大班额 and 超大班额 thresholds in force for an area and school year, with their source."""

    oversized_min: int
    very_oversized_min: int
    citation: str = ""

    def band(self, size: int) -> str:
        if size >= self.very_oversized_min:
            return "超大班额"
        return "大班额" if size >= self.oversized_min else ""

    @property
    def oversized_label(self) -> str:
        return f"{self.oversized_min}-{self.very_oversized_min - 1}人"

    @property
    def very_oversized_label(self) -> str:
        return f"{self.very_oversized_min}人及以上"

    def band_labels(self) -> list[str]:
        """The distribution chart's categories, the two top ones named by the thresholds."""
        edges = [e for e in DISPLAY_BANDS if e < self.oversized_min]
        labels = [f"{edges[0] - 1}人及以下"] if edges else []
        for low, high in zip(edges, [*edges[1:], self.oversized_min], strict=True):
            labels.append(f"{low}-{high - 1}人")
        return [*labels, self.oversized_label, self.very_oversized_label]

    def band_index(self, size: int) -> int:
        n_low = len([e for e in DISPLAY_BANDS if e < self.oversized_min]) + 1
        if size >= self.very_oversized_min:
            return n_low + 1
        if size >= self.oversized_min:
            return n_low
        return sum(1 for e in DISPLAY_BANDS if e < self.oversized_min and size >= e)


def class_size_limits(*, area_path: str = "", year: int | None = None) -> ClassSizeLimits:
    """The class-size thresholds for `area_path` (the most specific standards file covering it
    wins) in the school year starting in `year`."""
    lib = library()
    low = lib.value("class_size.oversized_min", area_path=area_path, year=year)
    very = lib.value("class_size.very_oversized_min", area_path=area_path, year=year)
    return ClassSizeLimits(int(low.value), int(very.value), low.rule.citation())


def home_area_path(actor: User | AnonymousUser | None) -> str:
    """The area an account works in (its school's town for a school account), for the thresholds
    a page names; the figures themselves count each class by its own area's thresholds."""
    if actor is None or not isinstance(actor, User):
        return ""
    school = _school_with_area(actor)
    if school is not None:
        return str(school.area.path)
    return str(actor.area.path) if actor.area is not None else ""


def _school_with_area(actor: User) -> School | None:
    """The account's school read with its area in one query (the heading reuses it)."""
    if actor.school_id is None:
        return None
    if not User.school.is_cached(actor):  # type: ignore[attr-defined]
        actor.school = School.objects.select_related("area").filter(pk=actor.school_id).first()
    return actor.school


def limits_for(
    actor: User | AnonymousUser | None, *, school_year: SchoolYear | None = None
) -> ClassSizeLimits:
    """The thresholds of the actor's own area in `school_year` (the current one when not given),
    for list pages and badges."""
    year = school_year or current_school_year()
    return class_size_limits(area_path=home_area_path(actor), year=year.start_year if year else None)


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
    limits: ClassSizeLimits | None = None  # the thresholds the figures' labels name

    @property
    def chart_payloads(self) -> dict[str, dict[str, Any]]:
        return {c.key: c.payload() for c in self.charts}


def _ratio(pupils: int, teachers: int) -> str:
    return f"{pupils / teachers:.1f}:1" if teachers else "—"


def _home_kind(actor: User | None) -> str:
    """What the account hangs on ("area", "school", "classes", ...): a teacher's board shows its
    classes, a school's its school (data shaping, not permission)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return ""
    anchor = home_anchor(actor)
    return anchor.kind if anchor is not None else ""


def _heading(actor: User | None) -> str:
    kind = _home_kind(actor)
    if kind == "classes":
        return "我的班级概况"
    if actor is None:
        return "教育概况"
    school = _school_with_area(actor) if kind == "school" else None
    if school is not None:
        return f"{school.name}概况"
    if actor.area is not None:
        return f"{actor.area.name}教育概况"
    return "教育概况"


@cached_figure("registry.dashboard", depends=lambda: library().fingerprint)
def dashboard(*, actor: User) -> Dashboard:
    """Key figures and charts for the current school year in `actor`'s scope (6 queries). A class
    is 大班额 by the thresholds of its own school's area; the labels name the actor's area's."""
    year = current_school_year()
    year_label = str(year) if year else "尚未设置学年"
    heading = _heading(actor)
    if year is None:
        return Dashboard(heading=heading, school_year=year_label, figures=[])

    classes = scoped(SchoolClass, actor).filter(archived_at__isnull=True)
    # One row per area and class size (a few hundred at most): each area's thresholds apply.
    sizes = (
        classes.filter(school_year=year)
        .annotate(size=F("boys") + F("girls"))
        .values("school__area__path", "size")
        .annotate(n=Count("id"), boys=Sum("boys"), girls=Sum("girls"))
        .order_by()
    )
    shown = class_size_limits(area_path=home_area_path(actor), year=year.start_year)
    labels = shown.band_labels()
    bands = [0] * len(labels)
    by_area: dict[str, ClassSizeLimits] = {}
    n_classes = pupils = oversized = very_oversized = 0
    for size_row in sizes:
        path = str(size_row["school__area__path"])
        limits = by_area.get(path) or by_area.setdefault(
            path, class_size_limits(area_path=path, year=year.start_year)
        )
        size, n = int(size_row["size"] or 0), int(size_row["n"])
        n_classes += n
        pupils += int(size_row["boys"] or 0) + int(size_row["girls"] or 0)
        band = limits.band(size)
        oversized += n if band == "大班额" else 0
        very_oversized += n if band == "超大班额" else 0
        index = {"大班额": len(labels) - 2, "超大班额": len(labels) - 1}.get(band)
        bands[index if index is not None else min(shown.band_index(size), len(labels) - 3)] += n
    size_chart = Chart(
        key="class_sizes",
        title="班额分布",
        kind="bar",
        categories=labels,
        series=[{"name": "班级数", "data": bands}],
        unit="个",
    )
    size_figures = [
        Figure("大班额", f"{oversized}", "个", "warn" if oversized else "", shown.oversized_label),
        Figure(
            "超大班额",
            f"{very_oversized}",
            "个",
            "danger" if very_oversized else "",
            shown.very_oversized_label,
        ),
    ]
    if _home_kind(actor) == "classes":
        figures = [
            Figure("任教班级", f"{n_classes}", "个"),
            Figure("学生", f"{pupils:,}", "人"),
            *size_figures,
        ]
        return Dashboard(
            heading=heading, school_year=year_label, figures=figures, charts=[size_chart], limits=shown
        )

    type_rows = (
        scoped(School, actor)
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

    teachers = scoped(Teacher, actor).filter(archived_at__isnull=True, is_full_time=True).count()

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
        *size_figures,
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
        limits=shown,
    )
