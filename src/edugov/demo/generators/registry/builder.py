"""The whole registry build, its reset, and its registration as the `registry` demo generator."""

from __future__ import annotations

from collections import defaultdict

from edugov.registry.models import (
    Area,
    AreaLevel,
    CalendarException,
    Campus,
    Locale,
    School,
    SchoolClass,
    SchoolType,
    SchoolYear,
    Teacher,
    TeachingAssignment,
    Term,
)

from ...base import DemoContext, register_generator
from ..calendar import build_calendar
from .plan import BATCH, RegistryDemo
from .teachers import TeacherSteps


class RegistryBuilder(TeacherSteps):
    def build(self) -> RegistryDemo:
        years = build_calendar(current_year=self.ctx.current_year, warn=self.ctx.warn)
        current = years[self.ctx.current_year]
        sizes = self.district_sizes()
        province, cities, districts = self.build_areas(sizes)
        for index, (district, size) in enumerate(districts):
            self.build_district(district, size, index)
        self.save_schools()
        self.build_campuses()
        self.build_story_schools(districts[0][0])

        classes = self.build_classes(years)
        enrolment: dict[int, int] = defaultdict(int)
        for c in classes:
            if c.school_year is current:
                enrolment[id(c.school)] += c.boys + c.girls
        teachers = self.build_teachers(enrolment)
        Teacher.objects.bulk_create(teachers, batch_size=BATCH)
        assignments = self.assign(classes, current)
        SchoolClass.objects.bulk_create(classes, batch_size=BATCH)
        TeachingAssignment.objects.bulk_create(assignments, batch_size=BATCH)

        first_primary = next(
            p.school
            for p in self.plans
            if p.school.school_type == SchoolType.PRIMARY and p.school.locale == Locale.URBAN
        )
        assigned = {a.teacher.staff_number for a in assignments if a.school_class.school is first_primary}
        teacher1 = next(
            t for p in self.plans if p.school is first_primary for t in p.teachers
            if t.staff_number in assigned and t.subject == "语文"
        )  # fmt: skip

        ctx = self.ctx
        ctx.count("行政区划", 1 + len(cities) + len(districts) + len(self.towns))
        ctx.count("学校", len(self.plans))
        ctx.count("其中教学点", sum(p.school.is_teaching_point for p in self.plans))
        ctx.count("班级（三个学年）", len(classes))
        ctx.count("在校生（当前学年）", sum(enrolment.values()))
        ctx.count("教师", len(teachers))
        ctx.count("任课安排", len(assignments))
        return RegistryDemo(
            province=province,
            cities=cities,
            districts=[d for d, _ in districts],
            towns=self.towns,
            years=years,
            schools=[p.school for p in self.plans],
            first_urban_primary=first_primary,
            teacher1=teacher1,
        )


def build_registry(ctx: DemoContext) -> None:
    ctx.state["registry"] = RegistryBuilder(ctx).build()


def reset_registry() -> None:
    TeachingAssignment.objects.all().delete()
    SchoolClass.objects.all().delete()
    Teacher.objects.all().delete()
    Campus.objects.all().delete()
    School.objects.filter(is_teaching_point=True).delete()
    School.objects.all().delete()
    for level in sorted(AreaLevel.values, reverse=True):
        Area.objects.filter(level=level).delete()
    CalendarException.objects.all().delete()
    Term.objects.all().delete()
    SchoolYear.objects.all().delete()


register_generator("registry", build_registry, order=100, reset=reset_registry)
