"""The 优质均衡 tables under the evaluation, from one scan of the year's classes and teachers: per
counted school and stage the figures both the resource indicators and the government-guarantee
items sum (`school_stages`); over it the unit table (`balanced_units`, one row per school's primary
or junior part) and the guarantee facts (`school_facts`, one row per school); and the evaluation's
questions over them, by name and arguments (`Workspace.query` keeps their SQL over the warehouse).

Which schools count (STANDARDS.md §1): compulsory schools, excluding special-education and
vocational schools and teaching points under the minimum (50) pupils. Nine-year, complete
secondary and twelve-year schools are split into primary and junior parts: pupils and teachers
by the grade or stage they are in; floor areas, equipment and classrooms apportioned by the
configured basis (settings.EDUGOV_APPORTION_BASIS: "students", the default, or "classes").
"""

from __future__ import annotations

from typing import Any

import ibis
from django.conf import settings

from edugov.indicators.backends import Workspace
from edugov.indicators.engine import flag, group_values, unit_values, weighted_cv

from .indicators import BALANCED_INDICATORS, BALANCED_STAGES, COUNTED_TYPES, _stage_of_grade

# The standards the guarantee facts count against: (primary class size, junior class size,
# yearly training hours), balanced.G5 and balanced.G9 for the area and year (`guarantee.fact_limits`).
FactLimits = tuple[float, float, float]


def school_stages(ws: Workspace, *, school_year_id: int, area_path: str, limits: FactLimits) -> Any:
    """One row per counted school under `area_path` and stage that the school's classes or its
    teachers of the year are in: pupils, classes, the largest class and the classes over the
    stage's size limit; teachers, and those above the stage's qualification, backbone, of PE or
    arts, without a qualification given, certified, trained the year's hours, rotated and rotated
    backbone; the school's pupils and classes of every stage, and its facilities (0 and
    `has_facilities` 0 when not reported)."""
    primary_limit, junior_limit, training_hours_min = limits
    area, school = ws.table("area"), ws.table("school")
    # The year's rows (over the warehouse: that year's files only).
    cls = ws.table("school_class", school_year_id=school_year_id)
    fac = ws.table("facilities", school_year_id=school_year_id)
    teacher, tyr = ws.table("teacher"), ws.table("teacher_year", school_year_id=school_year_id)

    schools = school.filter(
        school.archived_at.isnull(), school.school_type.isin([str(t) for t in COUNTED_TYPES])
    )
    areas = area.select(area_pk=area.id, area_path=area.path)
    schools = schools.join(areas, schools.area_id == areas.area_pk)
    schools = schools.filter(schools.area_path.startswith(area_path)).select(
        school_id=schools.id,
        school_type=schools.school_type,
        is_teaching_point=flag(schools.is_teaching_point),
        town_id=schools.area_id,
    )

    c = cls.filter(cls.archived_at.isnull())
    c = c.mutate(stage=_stage_of_grade(c.grade), pupils=(c.boys + c.girls).cast("int64"))
    over = ((c.stage == "primary") & (c.pupils > primary_limit)) | (
        (c.stage == "junior") & (c.pupils > junior_limit)
    )
    per_stage = c.group_by([c.school_id, c.stage]).aggregate(
        students=c.pupils.sum(),
        classes=c.count(),
        max_class_size=c.pupils.max(),
        classes_over=flag(over).sum(),
    )

    active = teacher.filter(teacher.archived_at.isnull())
    active = active.select(t_id=active.id, t_school_id=active.school_id)
    t = tyr.join(active, tyr.teacher_id == active.t_id)
    above = ((t.stage == "primary") & t.qualification.isin(["associate", "bachelor", "postgraduate"])) | (
        (t.stage == "junior") & t.qualification.isin(["bachelor", "postgraduate"])
    )
    backbone = t.backbone_level != "none"
    counted = {  # the teachers each column counts
        "above_qual_teachers": above,
        "backbone_teachers": backbone,
        "pe_art_teachers": t.pe_art_subject != "",
        "teachers_without_qualification": t.qualification == "",
        "certified": t.has_certificate,
        "trained": t.training_hours.cast("float64") >= training_hours_min,
        "rotated": t.rotated,
        "rotated_backbone": t.rotated & backbone,
    }
    tstats = t.group_by([t.t_school_id, t.stage]).aggregate(
        teachers=t.count(), **{name: flag(test).sum() for name, test in counted.items()}
    )
    tstats = tstats.rename(t_stage="stage")

    # A stage may have classes and no teachers of the year, or teachers and no classes.
    both = per_stage.outer_join(
        tstats, (per_stage.school_id == tstats.t_school_id) & (per_stage.stage == tstats.t_stage)
    )
    figures = [*per_stage.columns[2:], *tstats.columns[2:]]
    both = both.select(
        s_school_id=both.school_id.fill_null(both.t_school_id),
        stage=both.stage.fill_null(both.t_stage),
        **{name: both[name].fill_null(0) for name in figures},
    )
    stages = schools.join(both, schools.school_id == both.s_school_id)
    whole = ibis.window(group_by=stages.school_id)
    stages = stages.mutate(
        school_students=stages.students.sum().over(whole), school_classes=stages.classes.sum().over(whole)
    )

    f = fac.select(
        f_school_id=fac.school_id,
        f_teaching_aux_area=fac.teaching_aux_area.cast("float64"),
        f_sports_area=fac.sports_area.cast("float64"),
        f_equipment_value=fac.equipment_value.cast("float64"),
        f_multimedia=fac.multimedia_classrooms.cast("float64"),
        f_music_rooms=fac.music_rooms,
        f_art_rooms=fac.art_rooms,
        f_music_room_area=fac.music_room_area.cast("float64"),
        f_art_room_area=fac.art_room_area.cast("float64"),
    )
    stages = stages.left_join(f, stages.school_id == f.f_school_id)
    return stages.select(
        "school_id",
        "school_type",
        "is_teaching_point",
        "town_id",
        "stage",
        *both.columns[2:],
        "school_students",
        "school_classes",
        has_facilities=flag(stages.f_school_id.notnull()),
        teaching_aux_area=stages.f_teaching_aux_area.fill_null(0.0),
        sports_area=stages.f_sports_area.fill_null(0.0),
        equipment_value=stages.f_equipment_value.fill_null(0.0),
        multimedia_classrooms=stages.f_multimedia.fill_null(0.0),
        music_rooms=stages.f_music_rooms.fill_null(0),
        art_rooms=stages.f_art_rooms.fill_null(0),
        music_room_area=stages.f_music_room_area.fill_null(0.0),
        art_room_area=stages.f_art_room_area.fill_null(0.0),
    )


def balanced_units(
    ws: Workspace, *, school_year_id: int, area_path: str, min_point_students: int, limits: FactLimits
) -> Any:
    """One row per (school, stage) for primary and junior parts of counted schools, with pupils,
    classes, teacher counts and apportioned facilities. Units with no pupils are kept (students
    = 0) so that data-quality checks can name them; the engine skips them in values and CVs.
    Over the warehouse on DuckDB `school_stages` is computed once per evaluation (`Workspace.shared`)."""
    basis = getattr(settings, "EDUGOV_APPORTION_BASIS", "students")
    s = ws.shared(school_stages, school_year_id=school_year_id, area_path=area_path, limits=limits)
    units = s.filter(
        s.stage.isin(list(BALANCED_STAGES)),
        s.classes > 0,
        (s.is_teaching_point == 0) | (s.school_students >= min_point_students),
    )
    share_num = units.students if basis == "students" else units.classes
    share_den = units.school_students if basis == "students" else units.school_classes
    share = ibis.ifelse(share_den > 0, share_num.cast("float64") / share_den.cast("float64"), 0.0)
    return units.select(
        "school_id",
        "town_id",
        "stage",
        "students",
        "classes",
        "has_facilities",
        teaching_aux_area=units.teaching_aux_area * share,
        sports_area=units.sports_area * share,
        equipment_value=units.equipment_value * share,
        multimedia_classrooms=units.multimedia_classrooms * share,
        teachers=units.teachers,
        above_qual_teachers=units.above_qual_teachers,
        backbone_teachers=units.backbone_teachers,
        pe_art_teachers=units.pe_art_teachers,
        teachers_without_qualification=units.teachers_without_qualification,
    )


def school_facts(ws: Workspace, *, school_year_id: int, area_path: str, limits: FactLimits) -> Any:
    """Per counted school with primary or junior classes, the guarantee items' facts: its pupils,
    classes, largest class and classes over the limit in those stages; its teachers of every
    stage, certified, trained, rotated and rotated backbone; its music and art rooms."""
    s = ws.shared(school_stages, school_year_id=school_year_id, area_path=area_path, limits=limits)
    compulsory = s.stage.isin(list(BALANCED_STAGES))

    def in_compulsory(column: Any) -> Any:
        return ibis.ifelse(compulsory, column, 0)

    keys = ["school_id", "school_type", "has_facilities", "music_rooms", "art_rooms"]
    facts = s.group_by([*keys, "music_room_area", "art_room_area"]).aggregate(
        compulsory_students=in_compulsory(s.students).sum(),
        compulsory_classes=in_compulsory(s.classes).sum(),
        max_class_size=in_compulsory(s.max_class_size).max(),
        # The limits count only primary and junior classes; the teachers of every stage count.
        **{
            c: s[c].sum()
            for c in ("classes_over", "teachers", "certified", "trained", "rotated", "rotated_backbone")
        },
    )
    return facts.filter(facts.compulsory_classes > 0)


# The evaluation's questions (`evaluation.BalancedRows`' order), each by name and arguments:
# `school_year_id`, `area_path`, `min_points`, `basis` (which keys the question: balanced_units reads
# it from the settings) and `limits`.


def _units(ws: Workspace, *, min_points: int, basis: str, **over: Any) -> Any:
    return balanced_units(ws, min_point_students=min_points, **over)


def _unit_values(ws: Workspace, **question: Any) -> Any:
    return unit_values(_units(ws, **question), BALANCED_INDICATORS)


def _cvs(ws: Workspace, **question: Any) -> Any:
    return weighted_cv(_units(ws, **question), BALANCED_INDICATORS, ["stage"])


def _town_values(ws: Workspace, **question: Any) -> Any:
    units = _units(ws, **question)
    return group_values(units.filter(units.students > 0), BALANCED_INDICATORS, ["town_id", "stage"])


def _district_values(ws: Workspace, **question: Any) -> Any:
    units = _units(ws, **question)
    return group_values(units.filter(units.students > 0), BALANCED_INDICATORS, ["stage"])


def _facts(ws: Workspace, *, min_points: int, basis: str, **over: Any) -> Any:
    # Asked with the other questions' arguments (`_balanced_rows` asks them all alike); the facts
    # depend on neither the teaching points' minimum nor the apportioning basis.
    return school_facts(ws, **over)


BALANCED_QUESTIONS = (_unit_values, _cvs, _town_values, _district_values, _facts)  # BalancedRows' order
