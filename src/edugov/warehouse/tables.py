"""The warehouse tables of the registry (below the domain apps, so the warehouse registers them; each
domain module registers its own through its ModuleSpec's `warehouse` hook)."""

from __future__ import annotations

from edugov.registry.models import Area, School, SchoolClass, SchoolYear, Teacher

from .registry import register_table

register_table("area", Area)
register_table("school_year", SchoolYear)
register_table("school", School, area="area")
register_table("school_class", SchoolClass, school_year="school_year", area="school__area")
# Indicators count teachers; who they are stays in the operational database.
TEACHER_PERSONAL = ("name", "birth_date", "id_number", "phone")
register_table("teacher", Teacher, area="school__area", exclude=TEACHER_PERSONAL)
