"""优质均衡 resource indicators: the seven indicator definitions over the unit table (one row per
counted school and stage, `school_stages`); and the 普及普惠 unit tables (one row per
kindergarten, one per town) with the six preschool indicators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

import ibis
import numpy as np

from edugov.indicators.backends import Workspace
from edugov.indicators.engine import Indicator, flag
from edugov.registry.models import Area, AreaLevel, School, SchoolClass, SchoolType, SchoolYear, Teacher

from .models import InclusiveKindergarten, PreschoolPopulation, SchoolFacilities, TeacherYearRecord

BALANCED_STAGES = ("primary", "junior")
COUNTED_TYPES = (
    SchoolType.PRIMARY,
    SchoolType.JUNIOR,
    SchoolType.NINE_YEAR,
    SchoolType.COMPLETE_SECONDARY,
    SchoolType.TWELVE_YEAR,
)
APPORTION_BASES = {"students": "按学生数比例分摊", "classes": "按班级数比例分摊"}

BALANCED_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "balanced.R1",
        "每百名学生拥有高于规定学历教师数",
        "人",
        "above_qual_teachers",
        "students",
        100,
        "名教师",
        True,
    ),
    Indicator(
        "balanced.R2",
        "每百名学生拥有县级以上骨干教师数",
        "人",
        "backbone_teachers",
        "students",
        100,
        "名骨干教师",
        True,
    ),
    Indicator(
        "balanced.R3",
        "每百名学生拥有体育、艺术专任教师数",
        "人",
        "pe_art_teachers",
        "students",
        100,
        "名体育艺术教师",
        True,
    ),
    Indicator(
        "balanced.R4", "生均教学及辅助用房面积", "平方米", "teaching_aux_area", "students", 1, "平方米"
    ),
    Indicator("balanced.R5", "生均体育运动场馆面积", "平方米", "sports_area", "students", 1, "平方米"),
    Indicator("balanced.R6", "生均教学仪器设备值", "元", "equipment_value", "students", 1, "元"),
    Indicator(
        "balanced.R7",
        "每百名学生拥有网络多媒体教室数",
        "间",
        "multimedia_classrooms",
        "students",
        100,
        "间",
        True,
    ),
)

WORKSPACE_TABLES = {
    "area": Area,
    "school": School,
    "school_class": SchoolClass,
    "teacher": Teacher,
    "teacher_year": TeacherYearRecord,
    "facilities": SchoolFacilities,
}


def _stage_of_grade(grade: Any) -> Any:
    return ibis.cases(
        (grade <= 0, "preschool"), (grade <= 6, "primary"), (grade <= 9, "junior"), else_="senior"
    )


def records(ws: Workspace, builder: Any, /, **question: Any) -> list[dict[str, Any]]:
    """A question's rows as plain records (`Workspace.query`'s contract). Over the warehouse on
    DuckDB straight from the engine's Arrow columns, with no DataFrame between (a sum of integers
    comes as an int, other decimals as `Decimal`: callers take `int()` or `float()` of every
    figure); elsewhere the DataFrame's records."""
    arrow = ws.query_arrow(builder, **question)
    if arrow is not None:
        return _integral(arrow).to_pylist()  # type: ignore[no-any-return]
    return ws.query(builder, **question).to_dict("records")  # type: ignore[no-any-return]


def columns(ws: Workspace, builder: Any, /, **question: Any) -> dict[str, np.ndarray]:
    """A question's rows a column at a time, for callers that go through thousands of rows by
    column: over the warehouse on DuckDB straight from the engine's Arrow columns (whole-number
    decimals as 64-bit integers), elsewhere the DataFrame's; text, and figures in engines'
    decimals, as object arrays (callers read figures as `np.asarray(column, dtype="float64")`)."""
    arrow = ws.query_arrow(builder, **question)
    if arrow is not None:
        table = _integral(arrow)
        return {n: table.column(n).to_numpy() for n in table.column_names}
    frame = ws.query(builder, **question)
    return {str(c): frame[c].to_numpy() for c in frame.columns}


def _integral(table: Any) -> Any:
    """The table with its whole-number decimals (DuckDB's sums of integers, DECIMAL(38, 0)) as
    64-bit integers, cast by Arrow a column at a time: Python makes ints twice as fast as the
    `Decimal`s they would be, and every caller takes `int()` of them anyway."""
    import pyarrow as pa

    def plain(column: Any) -> Any:
        if not (pa.types.is_decimal(column.type) and column.type.scale == 0):
            return column
        try:
            return column.cast(pa.int64())
        except pa.ArrowInvalid:  # beyond 64 bits: left a Decimal, exact
            return column

    return pa.table([plain(c) for c in table.columns], names=table.column_names)


class SchoolRow(NamedTuple):
    """What an evaluation shows of a school (one query for the area's schools)."""

    pk: int
    code: str
    name: str
    town_name: str
    locale: str
    ownership: str


_SCHOOL_ROW = ("pk", "code", "name", "area__name", "locale", "ownership")


def schools_under(
    path: str, ids: Iterable[int] = (), school_types: Sequence[SchoolType] = ()
) -> dict[int, SchoolRow]:
    """The schools under the area's path (of `school_types`, when given), by id, as plain values,
    read by the path and not by a list of ids (a province's thousands of ids cost Django more than
    every school's row); with `ids` (the engine's rows), also those of them that lie elsewhere or
    are of another type now (changed after the warehouse's export), by id."""
    under = School.objects.filter(area__path__startswith=path)
    if school_types:
        under = under.filter(school_type__in=[str(t) for t in school_types])
    rows = {row.pk: row for row in map(SchoolRow._make, under.values_list(*_SCHOOL_ROW))}
    moved = set(ids) - rows.keys()
    if moved:
        rows.update(
            (row.pk, row)
            for row in map(SchoolRow._make, School.objects.filter(pk__in=moved).values_list(*_SCHOOL_ROW))
        )
    return rows


# ---- 普及普惠 (universal and affordable preschool, STANDARDS.md §2) ---------------------------------

# Class levels by grade (registry: -2 小班, -1 中班, 0 大班); a class whose name says 混龄 is mixed.
CLASS_LEVELS = {"small": "小班", "middle": "中班", "large": "大班", "mixed": "混龄班"}
MIXED_CLASS_WORD = "混龄"

PRESCHOOL_ENROLMENT = Indicator(
    "preschool.P1", "学前三年毛入园率", "%", "children", "population", 1, "名幼儿入园"
)
PRESCHOOL_INDICATORS: tuple[Indicator, ...] = (
    Indicator("preschool.P2", "普惠性幼儿园覆盖率", "%", "inclusive_children", "children", 1, "名幼儿"),
    Indicator("preschool.P3", "公办园在园幼儿占比", "%", "public_children", "children", 1, "名幼儿"),
    Indicator("preschool.P4", "班额达标率", "%", "classes_within", "classes", 1, "个班"),
    Indicator(
        "preschool.P5", "专任教师与幼儿比（每名专任教师对应幼儿数）", "人", "children",
        "fulltime_teachers", 1, "名专任教师", True,
    ),
    Indicator(
        "preschool.P6", "专任教师持证上岗率", "%", "certified_teachers", "fulltime_teachers", 1,
        "名专任教师持证", True,
    ),
)  # fmt: skip
ALL_PRESCHOOL_INDICATORS = (PRESCHOOL_ENROLMENT, *PRESCHOOL_INDICATORS)

PRESCHOOL_TABLES = {
    "area": Area,
    "school": School,
    "school_year": SchoolYear,
    "school_class": SchoolClass,
    "teacher": Teacher,
    "teacher_year": TeacherYearRecord,
    "population": PreschoolPopulation,
    "inclusive": InclusiveKindergarten,
}


def _class_level(grade: Any, name: Any) -> Any:
    return ibis.cases(
        (name.contains(MIXED_CLASS_WORD), "mixed"),
        (grade <= -2, "small"),
        (grade == -1, "middle"),
        else_="large",
    )


def preschool_units(
    ws: Workspace, *, school_year_ids: Sequence[int], area_path: str, limits: dict[str, float]
) -> Any:
    """One row per kindergarten under `area_path` (archived ones excluded) and school year, with its children,
    classes by level and those over their level's size (`limits`: level -> maximum), whether it
    is public and inclusive, and its full-time and certified teachers in the school year.
    Kindergartens without classes or teachers are kept (zeros) so that findings can name them."""
    area, school, teacher = ws.table("area"), ws.table("school"), ws.table("teacher")
    # The yearly tables' rows of those years (over the warehouse, those years' files only).
    cls, tyr, inclusive = (
        ws.table(n, school_year_ids=school_year_ids) for n in ("school_class", "teacher_year", "inclusive")
    )

    kgs = school.filter(school.archived_at.isnull(), school.school_type == str(SchoolType.KINDERGARTEN))
    areas = area.select(area_pk=area.id, area_path=area.path)
    kgs = kgs.join(areas, kgs.area_id == areas.area_pk)
    kgs = kgs.filter(kgs.area_path.startswith(area_path)).select(
        school_id=kgs.id, town_id=kgs.area_id, is_public=flag(kgs.ownership == "public")
    )
    years = ws.table("school_year")
    years = years.filter(years.id.isin(list(school_year_ids))).select(school_year_id=years.id)
    kgs = kgs.cross_join(years)

    c = cls.filter(cls.archived_at.isnull(), cls.grade <= 0)
    c = c.mutate(level=_class_level(c.grade, c.name), size=(c.boys + c.girls).cast("int64"))
    limit = ibis.cases(*((c.level == lv, float(v)) for lv, v in limits.items()), else_=float(limits["large"]))
    c = c.mutate(
        _over=flag(c.size.cast("float64") > limit),
        _small=flag(c.level == "small"),
        _middle=flag(c.level == "middle"),
        _large=flag(c.level == "large"),
        _mixed=flag(c.level == "mixed"),
        **{f"_over_{lv}": flag((c.level == lv) & (c.size.cast("float64") > limit)) for lv in CLASS_LEVELS},
    )
    classes = (
        c.group_by([c.school_id, c.school_year_id])
        .aggregate(
            c_children=c.size.sum(),
            c_classes=c.count(),
            c_small=c._small.sum(),
            c_middle=c._middle.sum(),
            c_large=c._large.sum(),
            c_mixed=c._mixed.sum(),
            c_over=c._over.sum(),
            c_max=c.size.max(),
            **{f"c_over_{lv}": c[f"_over_{lv}"].sum() for lv in CLASS_LEVELS},
        )
        .rename(c_school_id="school_id", c_year_id="school_year_id")
    )

    t = tyr.filter(tyr.stage == "preschool")
    active = teacher.filter(teacher.archived_at.isnull())
    active = active.select(t_id=active.id, t_school_id=active.school_id, t_full=active.is_full_time)
    t = t.join(active, t.teacher_id == active.t_id)
    t = t.mutate(_full=flag(t.t_full), _cert=flag(t.t_full & t.has_certificate))
    tstats = (
        t.group_by([t.t_school_id, t.school_year_id])
        .aggregate(t_teachers=t.count(), t_fulltime=t._full.sum(), t_certified=t._cert.sum())
        .rename(t_year_id="school_year_id")
    )

    rec = inclusive.select(
        r_school_id=inclusive.school_id,
        r_year_id=inclusive.school_year_id,
        r_inclusive=flag(inclusive.is_inclusive),
    )

    u = kgs.left_join(
        classes, (kgs.school_id == classes.c_school_id) & (kgs.school_year_id == classes.c_year_id)
    )
    u = u.left_join(tstats, (u.school_id == tstats.t_school_id) & (u.school_year_id == tstats.t_year_id))
    u = u.left_join(rec, (u.school_id == rec.r_school_id) & (u.school_year_id == rec.r_year_id))
    children = u.c_children.fill_null(0)
    classes_n = u.c_classes.fill_null(0)
    over = u.c_over.fill_null(0)
    is_inclusive = ibis.ifelse((u.is_public == 1) | (u.r_inclusive.fill_null(0) == 1), 1, 0)
    return u.select(
        "school_id",
        "school_year_id",
        "town_id",
        "is_public",
        is_inclusive=is_inclusive,
        has_record=flag(u.r_school_id.notnull()),
        children=children,
        classes=classes_n,
        classes_small=u.c_small.fill_null(0),
        classes_middle=u.c_middle.fill_null(0),
        classes_large=u.c_large.fill_null(0),
        classes_mixed=u.c_mixed.fill_null(0),
        classes_over=over,
        classes_within=classes_n - over,
        **{f"over_{lv}": u[f"c_over_{lv}"].fill_null(0) for lv in CLASS_LEVELS},
        max_class_size=u.c_max.fill_null(0),
        inclusive_children=children * is_inclusive,
        public_children=children * u.is_public,
        teachers=u.t_teachers.fill_null(0),
        fulltime_teachers=u.t_fulltime.fill_null(0),
        certified_teachers=u.t_certified.fill_null(0),
    )


def preschool_towns(units: Any, ws: Workspace, *, school_year_ids: Sequence[int], area_path: str) -> Any:
    """One row per town under `area_path` and school year: children in its kindergartens and its
    population aged 3-5 (0 with `has_population` 0 when not supplied), the inputs of the gross
    enrolment rate."""
    area, pop = ws.table("area"), ws.table("population", school_year_ids=school_year_ids)
    years = ws.table("school_year")
    years = years.filter(years.id.isin(list(school_year_ids))).select(y_id=years.id)
    towns = area.filter(area.level == int(AreaLevel.TOWN), area.path.startswith(area_path))
    towns = towns.filter(towns.archived_at.isnull()).select(town_pk=towns.id).cross_join(years)
    kids = units.group_by([units.town_id, units.school_year_id]).aggregate(
        k_children=units.children.sum(), k_units=units.count()
    )
    p = pop.select(p_area_id=pop.area_id, p_year_id=pop.school_year_id, p_pop=pop.population)
    t = towns.left_join(kids, (towns.town_pk == kids.town_id) & (towns.y_id == kids.school_year_id))
    t = t.left_join(p, (t.town_pk == p.p_area_id) & (t.y_id == p.p_year_id))
    return t.select(
        town_id=t.town_pk,
        school_year_id=t.y_id,
        kindergartens=t.k_units.fill_null(0),
        children=t.k_children.fill_null(0),
        population=t.p_pop.fill_null(0),
        has_population=flag(t.p_area_id.notnull()),
    )
