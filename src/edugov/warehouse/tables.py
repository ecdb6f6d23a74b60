"""The warehouse tables of the registry and resources apps: what the 优质均衡 and 普及普惠 indicators read."""

from __future__ import annotations

from edugov.registry.models import Area, School, SchoolClass, SchoolYear, Teacher
from edugov.resources.models import (
    InclusiveKindergarten,
    PreschoolPopulation,
    SchoolFacilities,
    TeacherYearRecord,
)

from .registry import register_table

register_table("area", Area)
register_table("school_year", SchoolYear)
register_table("school", School, area="area")
register_table("school_class", SchoolClass, school_year="school_year", area="school__area")
# Indicators count teachers; who they are stays in the operational database.
TEACHER_PERSONAL = ("name", "birth_date", "id_number", "phone")
register_table("teacher", Teacher, area="school__area", exclude=TEACHER_PERSONAL)
register_table("teacher_year", TeacherYearRecord, school_year="school_year", area="teacher__school__area")
register_table("facilities", SchoolFacilities, school_year="school_year", area="school__area")
# 普及普惠: towns' 3-5 year-old population (aggregate counts) and private kindergartens' 普惠 status.
register_table("preschool_population", PreschoolPopulation, school_year="school_year", area="area")
register_table(
    "inclusive_kindergarten", InclusiveKindergarten, school_year="school_year", area="school__area"
)
