"""优质均衡 resource indicators: the unit table (one row per counted school and stage) and the
seven indicator definitions over it.

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
from edugov.indicators.engine import Indicator, flag
from edugov.registry.models import Area, School, SchoolClass, SchoolType, Teacher

from .models import SchoolFacilities, TeacherYearRecord

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


def balanced_units(ws: Workspace, *, school_year_id: int, area_path: str, min_point_students: int) -> Any:
    """One row per (school, stage) for primary and junior parts of counted schools, with pupils,
    classes, teacher counts and apportioned facilities. Units with no pupils are kept (students
    = 0) so that data-quality checks can name them; the engine skips them in values and CVs."""
    basis = getattr(settings, "EDUGOV_APPORTION_BASIS", "students")
    area, school = ws.table("area"), ws.table("school")
    cls, fac = ws.table("school_class"), ws.table("facilities")
    teacher, tyr = ws.table("teacher"), ws.table("teacher_year")

    schools = school.filter(
        school.archived_at.isnull(), school.school_type.isin([str(t) for t in COUNTED_TYPES])
    )
    areas = area.select(area_pk=area.id, area_path=area.path)
    schools = schools.join(areas, schools.area_id == areas.area_pk)
    schools = schools.filter(schools.area_path.startswith(area_path)).select(
        school_id=schools.id,
        is_teaching_point=flag(schools.is_teaching_point),
        town_id=schools.area_id,
    )

    c = cls.filter(cls.school_year_id == school_year_id, cls.archived_at.isnull())
    c = c.mutate(stage=_stage_of_grade(c.grade), pupils=(c.boys + c.girls).cast("int64"))
    per_stage = c.group_by([c.school_id, c.stage]).aggregate(students=c.pupils.sum(), classes=c.count())
    per_school = c.group_by(c.school_id).aggregate(school_students=c.pupils.sum(), school_classes=c.count())

    units = schools.join(per_stage, "school_id").join(per_school, "school_id")
    units = units.filter(
        units.stage.isin(list(BALANCED_STAGES)),
        (units.is_teaching_point == 0) | (units.school_students >= min_point_students),
    )
    share_num = units.students if basis == "students" else units.classes
    share_den = units.school_students if basis == "students" else units.school_classes
    units = units.mutate(
        share=ibis.ifelse(share_den > 0, share_num.cast("float64") / share_den.cast("float64"), 0.0)
    )

    f = fac.filter(fac.school_year_id == school_year_id).select(
        fac_school_id=fac.school_id,
        f_teaching_aux_area=fac.teaching_aux_area.cast("float64"),
        f_sports_area=fac.sports_area.cast("float64"),
        f_equipment_value=fac.equipment_value.cast("float64"),
        f_multimedia=fac.multimedia_classrooms.cast("float64"),
    )
    units = units.left_join(f, units.school_id == f.fac_school_id)

    t = tyr.filter(tyr.school_year_id == school_year_id)
    active = teacher.filter(teacher.archived_at.isnull())
    active = active.select(t_id=active.id, t_school_id=active.school_id)
    t = t.join(active, t.teacher_id == active.t_id)
    above = ((t.stage == "primary") & t.qualification.isin(["associate", "bachelor", "postgraduate"])) | (
        (t.stage == "junior") & t.qualification.isin(["bachelor", "postgraduate"])
    )
    t = t.mutate(
        _above=flag(above),
        _backbone=flag(t.backbone_level != "none"),
        _pe_art=flag(t.pe_art_subject != ""),
        _no_qual=flag(t.qualification == ""),
    )
    tstats = (
        t.group_by([t.t_school_id, t.stage])
        .aggregate(
            teachers=t.count(),
            above_qual_teachers=t._above.sum(),
            backbone_teachers=t._backbone.sum(),
            pe_art_teachers=t._pe_art.sum(),
            teachers_without_qualification=t._no_qual.sum(),
        )
        .rename(t_stage="stage")
    )
    units = units.left_join(tstats, (units.school_id == tstats.t_school_id) & (units.stage == tstats.t_stage))

    return units.select(
        "school_id",
        "town_id",
        "stage",
        "students",
        "classes",
        has_facilities=flag(units.fac_school_id.notnull()),
        teaching_aux_area=(units.f_teaching_aux_area * units.share).fill_null(0.0),
        sports_area=(units.f_sports_area * units.share).fill_null(0.0),
        equipment_value=(units.f_equipment_value * units.share).fill_null(0.0),
        multimedia_classrooms=(units.f_multimedia * units.share).fill_null(0.0),
        teachers=units.teachers.fill_null(0),
        above_qual_teachers=units.above_qual_teachers.fill_null(0),
        backbone_teachers=units.backbone_teachers.fill_null(0),
        pe_art_teachers=units.pe_art_teachers.fill_null(0),
        teachers_without_qualification=units.teachers_without_qualification.fill_null(0),
    )
