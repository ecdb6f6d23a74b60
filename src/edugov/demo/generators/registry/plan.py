"""What the registry demo plans: subjects and how common their teachers are, the school profiles, town
codes, and the planned schools the later steps fill in."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from edugov.registry.models import Area, School, SchoolType, SchoolYear, Teacher

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
    # The first district's two story schools (registry/story.py, their own random stream): a
    # village school of about 40 pupils, one class a grade, and a private nine-year school.
    "small_village_primary": Profile(SchoolType.PRIMARY, (1, 1), 7, 1.5, 0.86, 7, 6),
    "private_nine_year": Profile(SchoolType.NINE_YEAR, (2, 2), 46, 3, 1.04, 12, 30, subjects="nine_year"),
}  # fmt: skip
# A village school of the story keeps between these many pupils ("about 40").
SMALL_VILLAGE_PUPILS = (34, 46)

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
    # The story schools draw from a stream of their own, so every other school keeps its rows.
    rng: random.Random | None = None


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
