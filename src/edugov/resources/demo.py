"""The resources part of the demo district: facilities per school and school year, and every
teacher's year record, with the gaps districts report built in on purpose:

- urban schools meet most standards; the crowded urban schools were built for far fewer pupils,
  so their floor area and sports ground per pupil fall short and shrink every year;
- rural (village) schools have room to spare per pupil but few music and art rooms, older
  equipment and hardly any full-time PE or art teachers;
- nine-year township schools split their staff between the primary and junior parts;
- some teachers have no qualification recorded, a few rotate between schools each year;
- one village school has not submitted its current-year facilities (a data-quality finding).

And the 普及普惠 inputs (PreschoolBuilder): kindergarten classes kept to the 幼儿园工作规程 sizes but
for a few over-size ones (fewer each year); the age-3-5 population per town so that the district's
gross enrolment rate rises from about 86% to about 90% while one rural township stays below 85%;
most private kindergartens recognised as inclusive (one more each year); one private kindergarten
per district employing uncertified teachers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import (
    Locale,
    Ownership,
    School,
    SchoolClass,
    SchoolType,
    Teacher,
    stage_for_grade,
)

from .models import InclusiveKindergarten, PreschoolPopulation, SchoolFacilities, TeacherYearRecord

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


# Class-size limits of 幼儿园工作规程 by grade (小班, 中班, 大班); the demo has no mixed classes.
KG_LIMITS = {-2: 25, -1: 30, 0: 35}
# Over-size classes left per district, oldest school year first: the district is fixing them.
KG_OVERSIZE_LEFT = (5, 3, 2)
# District gross enrolment targets, oldest school year first; the lagging township's rates.
ENROLMENT_TARGETS = (0.865, 0.885, 0.905)
LAGGING_RATES = (0.775, 0.78, 0.79)


class PreschoolBuilder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("preschool")
        self.reg = ctx.state["registry"]
        self.years = sorted(self.reg.years.values(), key=lambda y: y.start_year)
        self.kgs = [s for s in self.reg.schools if s.school_type == SchoolType.KINDERGARTEN]

    def district_of(self, school: School) -> str:
        return school.area.path.strip("/").split("/")[2]

    def build(self) -> None:
        self.fit_classes()
        self.recognise()
        self.certify()
        self.populate()

    def fit_classes(self) -> None:
        """Registry classes are sized by profile; here kindergartens keep to the level limits,
        except a few classes per district (public urban small classes, a private middle class)."""
        rng = self.rng
        classes = list(
            SchoolClass.objects.filter(school__in=self.kgs, grade__lte=0)
            .select_related("school__area")
            .order_by("school_year__start_year", "school__code", "grade", "number")
        )
        left: dict[tuple[str, int], int] = {}
        changed = []
        for c in classes:
            limit = KG_LIMITS.get(c.grade, 35)
            size = c.boys + c.girls
            if size <= limit:
                continue
            key = (self.district_of(c.school), c.school_year_id)
            index = next(i for i, y in enumerate(self.years) if y.pk == c.school_year_id)
            offset = len(self.years) - len(KG_OVERSIZE_LEFT)
            allowance = KG_OVERSIZE_LEFT[max(0, min(index - offset, len(KG_OVERSIZE_LEFT) - 1))]
            if left.get(key, 0) < allowance and size <= limit + 6:
                left[key] = left.get(key, 0) + 1
                continue
            target = limit - rng.randint(0, 3)
            c.boys = target // 2 + rng.randint(0, target % 2)
            c.girls = target - c.boys
            changed.append(c)
        SchoolClass.objects.bulk_update(changed, ["boys", "girls"], batch_size=BATCH)
        self.ctx.count("幼儿园班级按规定班额调整", len(changed))

    def recognise(self) -> None:
        """Most private kindergartens are 普惠性民办; one more is recognised each year."""
        rng = self.rng
        records = []
        for n, kg in enumerate(k for k in self.kgs if k.ownership == Ownership.PRIVATE):
            roll = rng.random()
            since = 0 if roll < 0.62 else (len(self.years) - 1 if roll < 0.8 else None)
            for i, year in enumerate(self.years):
                inclusive = since is not None and i >= since
                records.append(
                    InclusiveKindergarten(
                        school=kg,
                        school_year=year,
                        is_inclusive=inclusive,
                        document=f"教〔{year.start_year}〕{10 + n}号" if inclusive else "",
                    )
                )
        InclusiveKindergarten.objects.bulk_create(records, batch_size=BATCH)
        self.ctx.count("普惠性幼儿园认定", len(records))

    def certify(self) -> None:
        """Kindergarten teachers are certified, except in one private kindergarten per district."""
        TeacherYearRecord.objects.filter(teacher__school__in=self.kgs).update(has_certificate=True)
        seen: set[str] = set()
        for kg in sorted(self.kgs, key=lambda k: k.code):
            district = self.district_of(kg)
            if kg.ownership != Ownership.PRIVATE or district in seen:
                continue
            staff = list(
                Teacher.objects.filter(school=kg, is_full_time=True)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if len(staff) < 3:
                continue
            seen.add(district)
            TeacherYearRecord.objects.filter(teacher_id__in=staff[:3]).update(has_certificate=False)

    def populate(self) -> None:
        """Population aged 3-5 per town: children in its kindergartens over the town's rate."""
        rng = self.rng
        children: dict[tuple[int, int], int] = defaultdict(int)
        rows = (
            SchoolClass.objects.filter(school__in=self.kgs, grade__lte=0)
            .values("school__area_id", "school_year_id")
            .annotate(n=Sum(F("boys") + F("girls")))
        )
        for r in rows:
            children[(r["school__area_id"], r["school_year_id"])] = int(r["n"])
        lagging: dict[str, int] = {}
        for town in sorted(self.reg.towns, key=lambda t: t.code):
            district = town.path.strip("/").split("/")[2]
            if town.code[-3:] >= "200" and district not in lagging:
                lagging[district] = town.pk  # the first township: far from the kindergartens
        records = []
        offset = len(self.years) - len(ENROLMENT_TARGETS)
        for town in self.reg.towns:
            district = town.path.strip("/").split("/")[2]
            noise = rng.uniform(-0.03, 0.03)
            for i, year in enumerate(self.years):
                k = max(0, min(i - offset, len(ENROLMENT_TARGETS) - 1))
                kids = children.get((town.pk, year.pk), 0)
                rate = LAGGING_RATES[k] if lagging.get(district) == town.pk else ENROLMENT_TARGETS[k] + noise
                population = round(kids / rate) if kids else rng.randint(20, 60)
                records.append(PreschoolPopulation(area=town, school_year=year, population=population))
        PreschoolPopulation.objects.bulk_create(records, batch_size=BATCH)
        self.ctx.count("学前适龄人口（乡镇·学年）", len(records))


def build_resources(ctx: DemoContext) -> None:
    ResourcesBuilder(ctx).build()
    PreschoolBuilder(ctx).build()


def reset_resources() -> None:
    PreschoolPopulation.objects.all().delete()
    InclusiveKindergarten.objects.all().delete()
    TeacherYearRecord.objects.all().delete()
    SchoolFacilities.objects.all().delete()


register_generator("resources", build_resources, order=300, reset=reset_resources)
