"""Three school years of classes with enrolment by sex (oversized urban classes growing each year)."""

from __future__ import annotations

from edugov.registry.models import Grade, SchoolClass, SchoolType, SchoolYear

from .plan import PROFILES, SMALL_VILLAGE_PUPILS, PlannedSchool
from .schools import SchoolSteps


class ClassSteps(SchoolSteps):
    def grades(self, p: PlannedSchool) -> tuple[int, ...]:
        if p.profile.grades is not None:
            return p.profile.grades
        from edugov.registry.models import SCHOOL_TYPE_GRADES

        return tuple(SCHOOL_TYPE_GRADES[p.profile.school_type])

    def class_sizes(self, p: PlannedSchool, year: int) -> dict[int, list[int]]:
        rng = p.rng or self.rng
        prof = p.profile
        factor = prof.growth ** (year - self.ctx.current_year)
        sizes: dict[int, list[int]] = {}
        for grade in self.grades(p):
            count = p.classes_per_grade
            if prof.school_type == SchoolType.NINE_YEAR and grade >= 7 and p.school.ownership == "public":
                count += 1  # the township school also takes the village schools' leavers
            sizes[grade] = [max(1, round(rng.gauss(prof.mean_size * factor, prof.sd))) for _ in range(count)]
        if p.school.is_teaching_point:
            # A teaching point has fewer than 50 pupils, the reason it is not a full school.
            while sum(sum(v) for v in sizes.values()) >= 50:
                sizes = {g: [max(1, s - 2) for s in v] for g, v in sizes.items()}
        if prof is PROFILES["small_village_primary"]:
            # About 40 pupils this year (more in the years before: the school is emptying).
            low, high = (round(b * factor) for b in SMALL_VILLAGE_PUPILS)
            while (total := sum(sum(v) for v in sizes.values())) != max(low, min(high, total)):
                grades = sorted(sizes, key=lambda g: sizes[g][0])
                if total > high:
                    sizes[grades[-1]][0] -= 1
                else:
                    sizes[grades[0]][0] += 1
        return sizes

    def build_classes(self, years: dict[int, SchoolYear]) -> list[SchoolClass]:
        classes: list[SchoolClass] = []
        for p in self.plans:
            for y in sorted(years):
                for grade, sizes in self.class_sizes(p, y).items():
                    label = Grade(grade).label
                    for number, size in enumerate(sizes, start=1):
                        boys = min(size, max(0, round(size * (p.rng or self.rng).uniform(0.47, 0.57))))
                        name = f"{label[0]}({number})班" if grade <= 0 else f"{label}({number})班"
                        classes.append(
                            SchoolClass(
                                school=p.school,
                                school_year=years[y],
                                grade=grade,
                                number=number,
                                name=name,
                                boys=boys,
                                girls=size - boys,
                            )
                        )
        return classes
