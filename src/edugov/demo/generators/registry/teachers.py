"""Teachers (ageing rural staff, too few rural music, art and PE teachers) and teaching assignments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import cycle

from edugov.registry.models import Locale, SchoolClass, SchoolType, SchoolYear, Teacher, TeachingAssignment

from ..people import person_name
from .classes import ClassSteps
from .plan import (
    ARTS_PE,
    CLASS_SUBJECTS_JUNIOR,
    CLASS_SUBJECTS_PRIMARY,
    CLASS_SUBJECTS_SENIOR,
    CLASS_SUBJECTS_VOCATIONAL,
    JUNIOR_SUBJECTS,
    KINDERGARTEN_SUBJECTS,
    PRIMARY_SUBJECTS,
    RURAL_ARTS_PE_FACTOR,
    SENIOR_SUBJECTS,
    SPECIAL_SUBJECTS,
    VOCATIONAL_SUBJECTS,
    PlannedSchool,
)


class TeacherSteps(ClassSteps):
    def subject_weights(self, p: PlannedSchool) -> dict[str, float]:
        pools = {
            "primary": PRIMARY_SUBJECTS,
            "junior": JUNIOR_SUBJECTS,
            "senior": SENIOR_SUBJECTS,
            "vocational": VOCATIONAL_SUBJECTS,
            "special": SPECIAL_SUBJECTS,
            "kg": KINDERGARTEN_SUBJECTS,
        }
        if p.profile.subjects == "nine_year":
            weights: dict[str, float] = defaultdict(float)
            for pool in (PRIMARY_SUBJECTS, JUNIOR_SUBJECTS):
                for s, w in pool.items():
                    weights[s] += w
        else:
            weights = dict(pools[p.profile.subjects])
        if p.rural_staff or p.school.locale == Locale.RURAL:
            weights = {s: w * RURAL_ARTS_PE_FACTOR if s in ARTS_PE else w for s, w in weights.items()}
        return weights

    def teacher_age(self, p: PlannedSchool) -> int:
        rng = p.rng or self.rng
        if p.rural_staff:
            # Rural schools hired in the 1980s-90s and few young teachers stay: half are over 50.
            return rng.randint(50, 59) if rng.random() < 0.5 else round(rng.triangular(23, 50, 42))
        if p.school.locale == Locale.TOWN:
            return rng.randint(50, 59) if rng.random() < 0.25 else round(rng.triangular(23, 50, 36))
        return rng.randint(50, 59) if rng.random() < 0.12 else round(rng.triangular(23, 50, 33))

    def build_teachers(self, enrolment: dict[int, int]) -> list[Teacher]:
        ref = self.ctx.reference_date
        teachers: list[Teacher] = []
        for p in self.plans:
            rng = p.rng or self.rng
            school = p.school
            pupils = enrolment[id(school)]
            count = max(p.profile.min_teachers, round(pupils / p.profile.pupils_per_teacher))
            weights = self.subject_weights(p)
            subjects, subject_weights = list(weights), list(weights.values())
            female_share = (
                0.97 if p.profile.school_type == SchoolType.KINDERGARTEN else 0.45 if p.rural_staff else 0.68
            )
            region = school.area.code[:6]
            for i in range(count):
                sex = "F" if rng.random() < female_share else "M"
                age = self.teacher_age(p)
                if sex == "F" and age > 54:
                    age = rng.randint(44, 54)  # women teachers mostly retire at 55
                birth = ref - dt.timedelta(days=age * 365 + rng.randint(30, 360))
                # Core subjects first so every school has class teachers for them.
                subject = (
                    subjects[i] if i < min(3, len(subjects)) else rng.choices(subjects, subject_weights)[0]
                )
                teacher = Teacher(
                    school=school,
                    staff_number=f"T{i + 1:04d}",
                    name=person_name(rng, sex),
                    sex=sex,
                    birth_date=birth,
                    id_number=self.ids.id_number(region=region, birth_date=birth, sex=sex),
                    phone=self.ids.phone(),
                    subject=subject,
                    is_full_time=rng.random() < (0.9 if p.rural_staff else 0.96),
                )
                p.teachers.append(teacher)
                teachers.append(teacher)
        return teachers

    def assign(self, classes: list[SchoolClass], current: SchoolYear) -> list[TeachingAssignment]:
        """Head teachers for every class (round robin over core-subject teachers, per year) and
        subject teachers for the current year's classes."""
        by_school: dict[int, list[SchoolClass]] = defaultdict(list)
        for c in classes:
            by_school[id(c.school)].append(c)
        assignments: list[TeachingAssignment] = []
        for p in self.plans:
            staff = p.teachers
            core = [
                t for t in staff if t.subject in ("语文", "数学", "英语", "学前教育", "特殊教育")
            ] or staff
            by_subject: dict[str, list[Teacher]] = defaultdict(list)
            for t in staff:
                by_subject[t.subject].append(t)
            rotations = {s: cycle(ts) for s, ts in by_subject.items()}
            heads_by_year: dict[int, cycle[Teacher]] = {}
            for c in by_school[id(p.school)]:
                heads = heads_by_year.setdefault(c.school_year.start_year, cycle(core))
                c.head_teacher = next(heads)
                if c.school_year is not current:
                    continue
                for subject in self.class_subjects(c):
                    teacher = next(rotations[subject]) if subject in rotations else c.head_teacher
                    assignments.append(TeachingAssignment(teacher=teacher, school_class=c, subject=subject))
        return assignments

    @staticmethod
    def class_subjects(c: SchoolClass) -> list[str]:
        if c.grade <= 0 or c.school.school_type == SchoolType.SPECIAL:
            return []
        if c.school.school_type == SchoolType.VOCATIONAL:
            return CLASS_SUBJECTS_VOCATIONAL
        if c.grade <= 6:
            return CLASS_SUBJECTS_PRIMARY + (["英语"] if c.grade >= 3 else [])
        if c.grade <= 9:
            extra = (["地理", "生物学"] if c.grade <= 8 else []) + (["物理"] if c.grade >= 8 else [])
            return CLASS_SUBJECTS_JUNIOR + extra + (["化学"] if c.grade == 9 else [])
        return CLASS_SUBJECTS_SENIOR
