"""The workforce table the warehouse exports (province-scale staffing runs on it): teachers' yearly
records by school year and town. Names and identifiers stay in the registry's teacher table."""

from __future__ import annotations


def register() -> None:
    from edugov.warehouse.registry import register_table

    from .models import SubjectLoad, TeacherYear

    register_table("workforce_teacher_year", TeacherYear, school_year="school_year", area="school__area")
    register_table(
        "workforce_subject_load",
        SubjectLoad,
        school_year="teacher_year__school_year",
        area="teacher_year__school__area",
    )
