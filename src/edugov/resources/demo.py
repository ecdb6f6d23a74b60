"""The resources part of the demo district: facilities per school and school year, and every
teacher's year record, with the gaps districts report built in on purpose:

- urban schools meet most standards; the crowded urban schools were built for far fewer pupils,
  so their floor area and sports ground per pupil fall short and shrink every year;
- rural (village) schools have room to spare per pupil but few music and art rooms, older
  equipment and hardly any full-time PE or art teachers;
- nine-year township schools split their staff between the primary and junior parts;
- some teachers have no qualification recorded, a few rotate between schools each year;
- one village school has not submitted its current-year facilities (a data-quality finding).
"""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import Locale, School, SchoolClass, SchoolType, Teacher, stage_for_grade

from .models import SchoolFacilities, TeacherYearRecord

BATCH = 5000
ARTS_PE = {"音乐": "music", "美术": "art", "体育与健康": "pe"}


def _d(value: float, places: int = 2) -> Decimal:
    return Decimal(f"{max(0.0, value):.{places}f}")


class ResourcesBuilder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("resources")
        self.reg = ctx.state["registry"]

    def enrolment(self) -> dict[tuple[int, int], dict[str, Any]]:
        """(school, year) -> pupils per stage, classes, mean class size."""
        out: dict[tuple[int, int], dict[str, Any]] = defaultdict(
            lambda: {"stages": defaultdict(int), "classes": 0, "pupils": 0}
        )
        rows = (
            SchoolClass.objects.filter(school__in=self.reg.schools)
            .values("school_id", "school_year_id", "grade")
            .annotate(pupils=Sum(F("boys") + F("girls")), n=Sum(1))
        )
        for r in rows:
            e = out[(r["school_id"], r["school_year_id"])]
            e["stages"][str(stage_for_grade(r["grade"]))] += int(r["pupils"])
            e["classes"] += int(r["n"])
            e["pupils"] += int(r["pupils"])
        return out

    def build(self) -> None:
        rng = self.rng
        years = sorted(self.reg.years.values(), key=lambda y: y.start_year)
        current = years[-1]
        enrol = self.enrolment()
        schools = [s for s in self.reg.schools if s.school_type != SchoolType.KINDERGARTEN]
        facilities: list[SchoolFacilities] = []
        village_missing = None
        for school in schools:
            e_now = enrol.get((school.pk, current.pk))
            if not e_now or not e_now["pupils"]:
                continue
            crowded = e_now["pupils"] / max(1, e_now["classes"]) > 54  # the crowded urban profile
            rural = school.locale == Locale.RURAL
            junior_share = e_now["stages"].get("junior", 0) / e_now["pupils"]
            # Per-pupil provision planned when the school was built: junior parts need more.
            aux_pp = 4.5 + 1.3 * junior_share
            sports_pp = 7.5 + 2.7 * junior_share
            if crowded:
                # Built for two thirds of today's pupils, and pupils keep coming.
                capacity = e_now["pupils"] * rng.uniform(0.72, 0.85)
                aux = capacity * aux_pp * rng.uniform(1.0, 1.08)
                sports = capacity * sports_pp * rng.uniform(0.6, 0.85)
            elif rural:
                capacity = e_now["pupils"] * rng.uniform(1.3, 2.0)  # emptied by migration to town
                aux = capacity * aux_pp * rng.uniform(0.75, 1.0)
                sports = capacity * sports_pp * rng.uniform(0.7, 1.1)
            else:
                capacity = e_now["pupils"] * rng.uniform(0.95, 1.15)
                aux = capacity * aux_pp * rng.uniform(0.97, 1.15)
                sports = capacity * sports_pp * rng.uniform(0.8, 1.15)
            equip_pp = (2000 + 500 * junior_share) * (
                rng.uniform(0.75, 1.15) if rural else rng.uniform(0.97, 1.4)
            )
            base_classes = e_now["classes"]
            for year in years:
                e = enrol.get((school.pk, year.pk))
                if not e or not e["pupils"]:
                    continue
                if (
                    village_missing is None
                    and rural
                    and not school.is_teaching_point
                    and year is current
                    and school.school_type == SchoolType.PRIMARY
                ):
                    village_missing = school  # has not submitted this year's 基础表
                    continue
                age = current.start_year - year.start_year
                classes = e["classes"]
                if rural:
                    multimedia = max(1, round(classes * rng.uniform(0.5, 0.9)) - age)
                    music = art = 1 if rng.random() < 0.45 else 0
                    room_area = rng.uniform(55, 85)
                else:
                    multimedia = classes + rng.randint(2, 6) - (2 if crowded else 0)
                    need = math.ceil(base_classes / 12)
                    music = max(1, need - (1 if crowded and rng.random() < 0.5 else 0))
                    art = max(1, need - (1 if rng.random() < 0.1 else 0))
                    room_area = rng.uniform(88, 110)
                facilities.append(
                    SchoolFacilities(
                        school=school,
                        school_year=year,
                        teaching_aux_area=_d(aux),
                        sports_area=_d(sports),
                        # Equipment is bought a little every year.
                        equipment_value=_d(e_now["pupils"] * equip_pp * (1 - 0.06 * age), 0),
                        multimedia_classrooms=max(0, multimedia),
                        music_rooms=music,
                        music_room_area=_d(music * room_area),
                        art_rooms=art,
                        art_room_area=_d(art * room_area * rng.uniform(0.9, 1.0)),
                        books=round(e["pupils"] * rng.uniform(20, 45 if not rural else 30)),
                    )
                )
        SchoolFacilities.objects.bulk_create(facilities, batch_size=BATCH)
        self.ctx.count("办学条件（学校·学年）", len(facilities))
        self.build_teacher_years(years, enrol)

    def build_teacher_years(self, years: list[Any], enrol: dict[tuple[int, int], dict[str, Any]]) -> None:
        rng = self.rng
        current = years[-1]
        by_school: dict[int, School] = {s.pk: s for s in self.reg.schools}
        teachers = list(Teacher.objects.filter(school__in=self.reg.schools).order_by("pk"))
        records: list[TeacherYearRecord] = []
        no_qual_school = None
        missing_left = 0
        for t in teachers:
            school = by_school[t.school_id]
            rural = school.locale == Locale.RURAL
            e = enrol.get((school.pk, current.pk))
            stages = e["stages"] if e else {}
            total = sum(stages.values())
            # The teacher's stage: in a school with several stages, by its pupils' shares.
            stage = "primary"
            if total:
                pick, acc = rng.random() * total, 0
                for s in sorted(stages):
                    acc += stages[s]
                    if pick <= acc:
                        stage = s
                        break
            if school.school_type == SchoolType.KINDERGARTEN:
                stage = "preschool"
            if rural:
                qualification = rng.choices(
                    ["postgraduate", "bachelor", "associate", "secondary"], [1, 42, 40, 17]
                )[0]
                backbone = rng.choices(["none", "county", "city"], [91, 8, 1])[0]
            else:
                levels = ["postgraduate", "bachelor", "associate", "secondary"]
                qualification = rng.choices(levels, [8, 74, 16, 2])[0]
                backbone = rng.choices(["none", "county", "city", "province"], [83, 12, 4, 1])[0]
            if no_qual_school is None and not rural and school.school_type == SchoolType.JUNIOR:
                no_qual_school, missing_left = school.pk, 6
            if school.pk == no_qual_school and missing_left:
                qualification, missing_left = "", missing_left - 1  # not filled in by the school
            pe_art = ARTS_PE.get(t.subject, "") if t.is_full_time else ""
            certified = rng.random() < (0.97 if rural else 0.997)
            rotated_year = current.start_year if rng.random() < (0.09 if not rural else 0.07) else None
            for year in years:
                # Most complete the yearly 72 hours; rural teachers miss it more often.
                short = rng.random() < (0.06 if rural else 0.015)
                hours = rng.uniform(24, 70) if short else rng.uniform(72, 130)
                records.append(
                    TeacherYearRecord(
                        teacher=t,
                        school_year=year,
                        stage=stage,
                        qualification=qualification,
                        backbone_level=backbone if year is current or rng.random() < 0.9 else "none",
                        pe_art_subject=pe_art,
                        has_certificate=certified,
                        training_hours=_d(hours, 1),
                        rotated=rotated_year == year.start_year
                        or (year is not current and rng.random() < 0.06),
                    )
                )
        TeacherYearRecord.objects.bulk_create(records, batch_size=BATCH)
        self.ctx.count("教师学年信息", len(records))


def build_resources(ctx: DemoContext) -> None:
    ResourcesBuilder(ctx).build()


def reset_resources() -> None:
    TeacherYearRecord.objects.all().delete()
    SchoolFacilities.objects.all().delete()


register_generator("resources", build_resources, order=300, reset=reset_resources)
