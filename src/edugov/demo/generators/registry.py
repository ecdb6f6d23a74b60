"""The registry's demo data: the area tree, schools of every type, three school years of classes
(the current one, holding the build date, and the two before it) with enrolment by sex, teachers
and teaching assignments.

The problems districts report are built in on purpose: crowded urban schools with oversized
classes (56-65) and some very oversized ones (66+) that grow every year, shrinking rural schools
with tiny classes and teaching points under 50 pupils, ageing rural teachers, and too few music,
art and PE teachers in rural schools.

Scale 1 is one district; a fraction shrinks its number of towns (for tests); above 1 the build
adds whole districts, eight to a city, under one province (scale 50 is about a province).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import cycle

from edugov.registry.models import (
    Area,
    AreaLevel,
    CalendarException,
    Campus,
    Grade,
    Locale,
    School,
    SchoolClass,
    SchoolType,
    SchoolYear,
    Teacher,
    TeachingAssignment,
    Term,
    locale_for_code,
)

from ..base import DemoContext, register_generator
from . import names as n
from .calendar import build_calendar
from .people import IdentityFactory, person_name

DISTRICTS_PER_CITY = 8
BATCH = 2000

STREET, TOWN, TOWNSHIP = "街道", "镇", "乡"

# Subjects per teaching stage (2022 compulsory curriculum names) and how common their teachers are.
PRIMARY_SUBJECTS = {
    "语文": 30, "数学": 25, "英语": 9, "科学": 5, "道德与法治": 4,
    "音乐": 6, "美术": 6, "体育与健康": 8, "信息科技": 3, "综合实践活动": 2,
}  # fmt: skip
JUNIOR_SUBJECTS = {
    "语文": 14, "数学": 14, "英语": 13, "物理": 7, "化学": 5, "生物学": 5, "历史": 6, "地理": 5,
    "道德与法治": 6, "音乐": 3, "美术": 3, "体育与健康": 6, "信息科技": 3, "心理健康": 1,
}  # fmt: skip
SENIOR_SUBJECTS = {
    "语文": 13, "数学": 13, "英语": 12, "物理": 8, "化学": 7, "生物学": 6, "历史": 6, "地理": 6,
    "思想政治": 6, "音乐": 2, "美术": 2, "体育与健康": 5, "信息技术": 3, "通用技术": 2, "心理健康": 1,
}  # fmt: skip
VOCATIONAL_SUBJECTS = {
    "语文": 6, "数学": 6, "英语": 5, "体育与健康": 3, "思想政治": 3, "计算机应用": 8,
    "机电技术应用": 8, "电子商务": 6, "汽车运用与维修": 6, "会计事务": 5, "旅游服务与管理": 4,
}  # fmt: skip
SPECIAL_SUBJECTS = {"特殊教育": 70, "康复训练": 15, "音乐": 5, "美术": 5, "体育与健康": 5}
KINDERGARTEN_SUBJECTS = {"学前教育": 1}
ARTS_PE = frozenset({"音乐", "美术", "体育与健康"})
# Rural schools recruit far fewer music, art and PE teachers: these lessons fall to others.
RURAL_ARTS_PE_FACTOR = 0.2

# What each class is taught, by grade; the head teacher covers a subject the school has nobody for.
CLASS_SUBJECTS_PRIMARY = ["语文", "数学", "道德与法治", "科学", "音乐", "美术", "体育与健康"]
CLASS_SUBJECTS_JUNIOR = ["语文", "数学", "英语", "道德与法治", "历史", "音乐", "美术", "体育与健康"]
CLASS_SUBJECTS_SENIOR = ["语文", "数学", "英语", "物理", "化学", "生物学", "历史", "地理", "思想政治"]
CLASS_SUBJECTS_VOCATIONAL = ["语文", "数学", "英语", "计算机应用"]


@dataclass(frozen=True)
class Profile:
    """How one kind of school looks in the current year; `growth` is the yearly enrolment factor
    (above 1 the school fills up, below 1 it empties)."""

    school_type: str
    classes_per_grade: tuple[int, int]
    mean_size: float
    sd: float
    growth: float
    pupils_per_teacher: float
    min_teachers: int = 1
    grades: tuple[int, ...] | None = None
    subjects: str = "primary"


PROFILES: dict[str, Profile] = {
    "urban_kg": Profile(SchoolType.KINDERGARTEN, (2, 4), 31, 3, 0.97, 9, 6, subjects="kg"),
    "private_kg": Profile(SchoolType.KINDERGARTEN, (1, 3), 24, 4, 0.92, 9, 3, subjects="kg"),
    "town_kg": Profile(SchoolType.KINDERGARTEN, (2, 3), 27, 4, 0.93, 10, 4, subjects="kg"),
    "rural_kg": Profile(SchoolType.KINDERGARTEN, (1, 1), 19, 4, 0.88, 9, 2, subjects="kg"),
    "urban_primary": Profile(SchoolType.PRIMARY, (2, 4), 47, 3, 1.03, 13, 12),
    "crowded_primary": Profile(SchoolType.PRIMARY, (3, 5), 60, 4, 1.05, 16, 20),
    "urban_junior": Profile(SchoolType.JUNIOR, (4, 6), 49, 3, 1.03, 10.5, 20, subjects="junior"),
    "crowded_junior": Profile(SchoolType.JUNIOR, (5, 7), 60, 4, 1.05, 12, 30, subjects="junior"),
    "complete_secondary": Profile(
        SchoolType.COMPLETE_SECONDARY, (10, 12), 56, 4, 1.03, 10.5, 60, subjects="senior"
    ),
    "senior": Profile(SchoolType.SENIOR, (14, 18), 52, 3, 1.02, 10.5, 60, subjects="senior"),
    "vocational": Profile(SchoolType.VOCATIONAL, (8, 10), 42, 5, 1.0, 13, 30, subjects="vocational"),
    "special": Profile(
        SchoolType.SPECIAL, (1, 1), 8, 2, 1.0, 3.5, 12, grades=tuple(range(1, 10)), subjects="special"
    ),
    "town_central_primary": Profile(SchoolType.PRIMARY, (3, 4), 44, 5, 0.97, 13, 12),
    "town_junior": Profile(SchoolType.JUNIOR, (3, 5), 48, 5, 0.96, 10.5, 16, subjects="junior"),
    "village_primary": Profile(SchoolType.PRIMARY, (1, 1), 17, 6, 0.88, 8, 7),
    "township_nine_year": Profile(SchoolType.NINE_YEAR, (1, 2), 27, 6, 0.9, 8, 18, subjects="nine_year"),
    "teaching_point": Profile(SchoolType.PRIMARY, (1, 1), 6, 3, 0.85, 6, 2, grades=(1, 2, 3)),
}  # fmt: skip

# (name suffix, urban-rural code) per town type; teaching points and village schools are 220.
TOWN_CODES = {STREET: ("111", "112"), TOWN: ("121", "122"), TOWNSHIP: ("210", "210")}
# Town kinds by the GB/T 10114 third-level code: 001-099 streets, 100-199 towns, 200-399 townships.
TOWN_CODE_BASE = {STREET: 0, TOWN: 100, TOWNSHIP: 200}
REFERENCE_CENTRE = (117.62, 28.75)  # a plausible spot in the hills south of the Yangtze


@dataclass(frozen=True)
class Site:
    """Where a school is being placed: its district, its town, and the town's centre (lon, lat)."""

    district: Area
    town: Area
    centre: tuple[float, float]


@dataclass
class PlannedSchool:
    school: School
    profile: Profile
    rural_staff: bool  # ageing staff, few arts/PE teachers
    classes_per_grade: int
    teachers: list[Teacher] = field(default_factory=list)


@dataclass
class RegistryDemo:
    """What the registry generator hands to later generators (ctx.state["registry"])."""

    province: Area
    cities: list[Area]
    districts: list[Area]
    towns: list[Area]
    years: dict[int, SchoolYear]
    schools: list[School]
    first_urban_primary: School
    teacher1: Teacher


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


class RegistryBuilder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("registry")
        self.ids = IdentityFactory(ctx.rng("registry.identity"))
        self.plans: list[PlannedSchool] = []
        self.towns: list[Area] = []
        self.school_seq: dict[str, int] = defaultdict(int)
        self.district_serial: dict[str, int] = {}

    # ---- areas -------------------------------------------------------------------------------

    def district_sizes(self) -> list[float]:
        scale = self.ctx.scale
        if scale <= 1:
            return [scale]
        full = math.floor(scale)
        rest = round(scale - full, 3)
        return [1.0] * full + ([rest] if rest >= 0.05 else [])

    def build_areas(self, sizes: list[float]) -> tuple[Area, list[Area], list[tuple[Area, float]]]:
        province = Area(code=n.PROVINCE_CODE, name=n.PROVINCE_NAME, level=AreaLevel.PROVINCE, path="")
        province.path = province.compute_path()
        province.save()
        used = {n.FIRST_CITY, n.FIRST_DISTRICT}
        city_count = math.ceil(len(sizes) / DISTRICTS_PER_CITY)
        city_names = [n.FIRST_CITY, *n.place_names(self.rng, city_count - 1, exclude=used)]
        cities = [
            Area(code=f"39{i + 1:02d}00", name=f"{name}市", level=AreaLevel.CITY, parent=province)
            for i, name in enumerate(city_names)
        ]
        for city in cities:
            city.path = city.compute_path()
        Area.objects.bulk_create(cities)
        district_names = [n.FIRST_DISTRICT, *n.place_names(self.rng, len(sizes) - 1, exclude=used)]
        districts: list[tuple[Area, float]] = []
        for i, (name, size) in enumerate(zip(district_names, sizes, strict=True)):
            city = cities[i // DISTRICTS_PER_CITY]
            nth = i % DISTRICTS_PER_CITY
            # City districts first (区), then counties (县), as most prefecture-level cities are.
            suffix = "区" if nth < 3 else "县"
            code = f"{city.code[:4]}{nth + 2:02d}" if nth < 3 else f"{city.code[:4]}{nth + 19:02d}"
            district = Area(code=code, name=f"{name}{suffix}", level=AreaLevel.DISTRICT, parent=city)
            district.path = district.compute_path()
            districts.append((district, size))
        Area.objects.bulk_create([d for d, _ in districts])
        return province, cities, districts

    def town_kinds(self, size: float) -> list[str]:
        total = self.rng.randint(12, 14)  # the brief says 10-15; 12-14 keeps ~150 schools
        streets = round(total * 0.35)
        townships = round(total * 0.25)
        kinds = [STREET] * streets + [TOWN] * (total - streets - townships) + [TOWNSHIP] * townships
        if size >= 1:
            return kinds
        wanted = max(3, round(total * size))
        # Keep at least one of each kind so a small build still shows the urban-rural contrast.
        small = [STREET, TOWN, TOWNSHIP]
        rest = [k for k in kinds]
        for k in small:
            rest.remove(k)
        return small + rest[: wanted - 3]

    # ---- schools -----------------------------------------------------------------------------

    def new_school(
        self,
        site: Site,
        *,
        spread: float,
        name: str,
        profile_key: str,
        urban_rural_code: str,
        ownership: str = "public",
        rural_staff: bool = False,
        boarding: bool = False,
        central: School | None = None,
        road: str = "",
    ) -> School:
        district, town, centre = site.district, site.town, site.centre
        profile = PROFILES[profile_key]
        self.school_seq[district.code] += 1
        # 学校标识码: 1 + province (2) + district serial (3) + school serial (4); simplified layout.
        serial = self.district_serial[district.code]
        code = f"1{district.code[:2]}{serial:03d}{self.school_seq[district.code]:04d}"
        lon = centre[0] + self.rng.uniform(-spread, spread)
        lat = centre[1] + self.rng.uniform(-spread, spread) * 0.85
        school = School(
            code=code,
            name=name,
            school_type=profile.school_type,
            ownership=ownership,
            urban_rural_code=urban_rural_code,
            locale=locale_for_code(urban_rural_code),  # bulk_create skips School.save()
            area=town,
            address=f"{n.PROVINCE_NAME}{district.parent.name if district.parent else ''}{district.name}"
            f"{town.name}{road or self.road()}{self.rng.randint(1, 399)}号",
            longitude=_decimal(lon),
            latitude=_decimal(lat),
            boarding=boarding,
            is_teaching_point=central is not None,
            central_school=central,
        )
        low, high = profile.classes_per_grade
        self.plans.append(
            PlannedSchool(
                school=school,
                profile=profile,
                rural_staff=rural_staff,
                classes_per_grade=self.rng.randint(low, high),
            )
        )
        return school

    def road(self) -> str:
        names = [
            "人民",
            "解放",
            "建设",
            "中山",
            "文化",
            "新华",
            "胜利",
            "和平",
            "学府",
            "青年",
            "滨江",
            "朝阳",
        ]
        return self.rng.choice(names) + self.rng.choice(["路", "大道", "街"])

    def build_district(self, district: Area, size: float, index: int) -> None:
        rng = self.rng
        root = district.name[:-1]
        # Districts sit side by side on a grid about 0.6 degrees apart.
        dcentre = (REFERENCE_CENTRE[0] + (index % 8) * 0.6, REFERENCE_CENTRE[1] + (index // 8) * 0.5)
        self.district_serial[district.code] = index + 1
        kinds = self.town_kinds(size)
        roots = {
            STREET: n.Pool(rng, n.STREET_ROOTS),
            TOWN: n.Pool(rng, n.TOWN_ROOTS),
            TOWNSHIP: n.Pool(rng, n.TOWNSHIP_ROOTS),
        }
        villages = n.Pool(rng, n.VILLAGES)
        brands = n.Pool(rng, n.KINDERGARTEN_BRANDS)
        seq = {STREET: 0, TOWN: 0, TOWNSHIP: 0}
        towns: list[tuple[Area, str, tuple[float, float]]] = []
        for kind in kinds:
            seq[kind] += 1
            town = Area(
                code=f"{district.code}{TOWN_CODE_BASE[kind] + seq[kind]:03d}",
                name=f"{roots[kind].take()}{kind}",
                level=AreaLevel.TOWN,
                parent=district,
            )
            town.path = town.compute_path()
            # Streets ring the centre; towns and townships lie further out.
            radius = {STREET: 0.03, TOWN: 0.12, TOWNSHIP: 0.2}[kind]
            angle = rng.uniform(0, 2 * math.pi)
            centre = (dcentre[0] + radius * math.cos(angle), dcentre[1] + radius * math.sin(angle))
            towns.append((town, kind, centre))
        Area.objects.bulk_create([t for t, _, _ in towns])
        self.towns.extend(t for t, _, _ in towns)

        numbered = {"primary": 0, "junior": 1, "kg": 0}  # 第一中学 is the complete secondary school

        def numbered_name(kind: str, noun: str) -> str:
            numbered[kind] += 1
            return f"{root}{district.name[-1]}第{n.chinese_number(numbered[kind])}{noun}"

        first_street = towns[0]
        # District-wide secondary, vocational and special schools sit in the first street.
        if size >= 0.5 or index == 0:
            t, _, c = first_street
            site = Site(district, t, c)
            self.new_school(
                site,
                name=f"{district.name}第一中学",
                profile_key="complete_secondary",
                spread=0.01,
                urban_rural_code="111",
            )
            if size >= 0.5:
                self.new_school(
                    site,
                    name=f"{district.name}高级中学",
                    profile_key="senior",
                    boarding=True,
                    spread=0.01,
                    urban_rural_code="111",
                )
                self.new_school(
                    site,
                    name=f"{district.name}职业中等专业学校",
                    profile_key="vocational",
                    boarding=True,
                    spread=0.01,
                    urban_rural_code="111",
                )
                self.new_school(
                    site,
                    name=f"{district.name}特殊教育学校",
                    profile_key="special",
                    spread=0.01,
                    urban_rural_code="111",
                )

        for town, kind, centre in towns:
            tname = town.name
            codes = TOWN_CODES[kind]
            site = Site(district, town, centre)
            if kind == STREET:
                code = codes[0] if rng.random() < 0.75 else codes[1]
                for i in range(rng.randint(3, 5)):
                    crowded = i == 0 or rng.random() < 0.45
                    # The district's first primary school is its 实验小学 (the demo's school1).
                    name = f"{district.name}实验小学" if town is towns[0][0] and i == 0 else None
                    self.new_school(
                        site,
                        name=name or numbered_name("primary", "小学"),
                        profile_key="crowded_primary" if crowded else "urban_primary",
                        urban_rural_code=code if i else "111",
                        spread=0.012,
                    )
                for _ in range(rng.randint(1, 2)):
                    self.new_school(
                        site,
                        name=numbered_name("junior", "中学"),
                        profile_key="crowded_junior" if rng.random() < 0.5 else "urban_junior",
                        urban_rural_code=code,
                        spread=0.012,
                    )
                for _ in range(rng.randint(3, 4)):
                    self.new_school(
                        site,
                        name=numbered_name("kg", "幼儿园"),
                        profile_key="urban_kg",
                        urban_rural_code=code,
                        spread=0.015,
                    )
                for _ in range(rng.randint(5, 7)):
                    self.new_school(
                        site,
                        name=f"{tname[:-2]}{brands.take()}幼儿园",
                        profile_key="private_kg",
                        ownership="private",
                        urban_rural_code=code,
                        spread=0.015,
                    )
            elif kind == TOWN:
                central = self.new_school(
                    site,
                    name=f"{tname}中心小学", profile_key="town_central_primary",
                    urban_rural_code="121", spread=0.008,
                )  # fmt: skip
                self.new_school(
                    site,
                    name=f"{tname}中学", profile_key="town_junior", urban_rural_code="121",
                    boarding=rng.random() < 0.6, rural_staff=rng.random() < 0.3, spread=0.008,
                )  # fmt: skip
                self.new_school(
                    site,
                    name=f"{tname}中心幼儿园",
                    profile_key="town_kg",
                    urban_rural_code="121",
                    spread=0.01,
                )
                for _ in range(rng.randint(2, 3)):
                    self.new_school(
                    site,
                        name=f"{tname}{brands.take()}幼儿园", profile_key="private_kg", ownership="private",
                        urban_rural_code="122", spread=0.02,
                    )  # fmt: skip
                for _ in range(rng.randint(2, 3)):
                    village = villages.take()
                    self.new_school(
                    site,
                        name=f"{tname}{village}小学", profile_key="village_primary", urban_rural_code="220",
                        rural_staff=True, spread=0.06, road=f"{village}村",
                    )  # fmt: skip
                for _ in range(rng.randint(2, 4)):
                    village = villages.take()
                    self.new_school(
                    site,
                        name=f"{tname}{village}教学点", profile_key="teaching_point", urban_rural_code="220",
                        rural_staff=True, central=central, spread=0.07, road=f"{village}村",
                    )  # fmt: skip
            else:
                central = self.new_school(
                    site,
                    name=f"{tname}中心学校", profile_key="township_nine_year", urban_rural_code="210",
                    rural_staff=True, boarding=True, spread=0.006,
                )  # fmt: skip
                self.new_school(
                    site,
                    name=f"{tname}中心幼儿园", profile_key="rural_kg", urban_rural_code="210",
                    rural_staff=True, spread=0.01,
                )  # fmt: skip
                for _ in range(rng.randint(1, 2)):
                    village = villages.take()
                    self.new_school(
                    site,
                        name=f"{tname}{village}小学", profile_key="village_primary", urban_rural_code="220",
                        rural_staff=True, spread=0.06, road=f"{village}村",
                    )  # fmt: skip
                for _ in range(rng.randint(2, 4)):
                    village = villages.take()
                    self.new_school(
                    site,
                        name=f"{tname}{village}教学点", profile_key="teaching_point", urban_rural_code="220",
                        rural_staff=True, central=central, spread=0.08, road=f"{village}村",
                    )  # fmt: skip

    def save_schools(self) -> None:
        # Central schools first, so teaching points can point at saved rows.
        plans = self.plans
        School.objects.bulk_create(
            [p.school for p in plans if not p.school.is_teaching_point], batch_size=BATCH
        )
        for p in plans:
            if p.school.central_school is not None:
                p.school.central_school_id = p.school.central_school.pk
        School.objects.bulk_create([p.school for p in plans if p.school.is_teaching_point], batch_size=BATCH)

    def build_campuses(self) -> None:
        """Big crowded urban schools opened a second campus to cope."""
        big = [
            p
            for p in self.plans
            if p.profile in (PROFILES["crowded_primary"], PROFILES["complete_secondary"])
        ]
        campuses: list[Campus] = []
        for p in big[::4]:
            s = p.school
            assert s.longitude is not None and s.latitude is not None
            campuses.append(
                Campus(school=s, name="本部", address=s.address, longitude=s.longitude, latitude=s.latitude)
            )
            town_prefix = s.address.split(s.area.name)[0] + s.area.name
            campuses.append(
                Campus(
                    school=s,
                    name=self.rng.choice(["东校区", "西校区", "南校区", "北校区", "新校区"]),
                    address=f"{town_prefix}{self.road()}{self.rng.randint(1, 299)}号",
                    longitude=s.longitude + _decimal(self.rng.uniform(-0.01, 0.01)),
                    latitude=s.latitude + _decimal(self.rng.uniform(-0.01, 0.01)),
                )
            )
        Campus.objects.bulk_create(campuses)
        self.ctx.count("校区", len(campuses))

    # ---- classes -----------------------------------------------------------------------------

    def grades(self, p: PlannedSchool) -> tuple[int, ...]:
        if p.profile.grades is not None:
            return p.profile.grades
        from edugov.registry.models import SCHOOL_TYPE_GRADES

        return tuple(SCHOOL_TYPE_GRADES[p.profile.school_type])

    def class_sizes(self, p: PlannedSchool, year: int) -> dict[int, list[int]]:
        rng = self.rng
        prof = p.profile
        factor = prof.growth ** (year - self.ctx.current_year)
        sizes: dict[int, list[int]] = {}
        for grade in self.grades(p):
            count = p.classes_per_grade
            if prof.school_type == SchoolType.NINE_YEAR and grade >= 7:
                count += 1  # the township school also takes the village schools' leavers
            sizes[grade] = [max(1, round(rng.gauss(prof.mean_size * factor, prof.sd))) for _ in range(count)]
        if p.school.is_teaching_point:
            # A teaching point has fewer than 50 pupils, the reason it is not a full school.
            while sum(sum(v) for v in sizes.values()) >= 50:
                sizes = {g: [max(1, s - 2) for s in v] for g, v in sizes.items()}
        return sizes

    def build_classes(self, years: dict[int, SchoolYear]) -> list[SchoolClass]:
        classes: list[SchoolClass] = []
        for p in self.plans:
            for y in sorted(years):
                for grade, sizes in self.class_sizes(p, y).items():
                    label = Grade(grade).label
                    for number, size in enumerate(sizes, start=1):
                        boys = min(size, max(0, round(size * self.rng.uniform(0.47, 0.57))))
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

    # ---- teachers ----------------------------------------------------------------------------

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
        rng = self.rng
        if p.rural_staff:
            # Rural schools hired in the 1980s-90s and few young teachers stay: half are over 50.
            return rng.randint(50, 59) if rng.random() < 0.5 else round(rng.triangular(23, 50, 42))
        if p.school.locale == Locale.TOWN:
            return rng.randint(50, 59) if rng.random() < 0.25 else round(rng.triangular(23, 50, 36))
        return rng.randint(50, 59) if rng.random() < 0.12 else round(rng.triangular(23, 50, 33))

    def build_teachers(self, enrolment: dict[int, int]) -> list[Teacher]:
        rng = self.rng
        ref = self.ctx.reference_date
        teachers: list[Teacher] = []
        for p in self.plans:
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

    # ---- the whole build ---------------------------------------------------------------------

    def build(self) -> RegistryDemo:
        years = build_calendar(current_year=self.ctx.current_year, warn=self.ctx.warn)
        current = years[self.ctx.current_year]
        sizes = self.district_sizes()
        province, cities, districts = self.build_areas(sizes)
        for index, (district, size) in enumerate(districts):
            self.build_district(district, size, index)
        self.save_schools()
        self.build_campuses()

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
