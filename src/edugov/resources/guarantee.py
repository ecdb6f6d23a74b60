"""优质均衡 government-guarantee items that the submitted data can show (STANDARDS.md §1, items
3, 4, 5, 9, 11, 12): per school the facts, computed by the indicator engine among the evaluation's
questions (`school_stages.school_facts`); the verdicts apply the standards files. Items needing
documents (layout plans, pay levels) are outside the data."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from edugov.registry.models import SchoolType
from edugov.standards.loader import Rule, StandardsLibrary

from .school_stages import FactLimits


class Failure(NamedTuple):
    """A school (or the district, `school_id` None) failing an item (a named tuple: a province's
    items list thousands)."""

    school_id: int | None
    school_name: str
    detail: str


@dataclass
class GuaranteeItem:
    code: str
    name: str
    rule: Rule
    checked: int = 0
    failures: list[Failure] = field(default_factory=list)
    district_value: str = ""

    @property
    def met(self) -> bool:
        return not self.failures


def _room_problem(kind: str, rooms: int, area: float, need: int, min_area: float) -> str:
    if rooms < need:
        return f"{kind}教室{rooms}间，应有{need}间"
    if rooms and area / rooms < min_area:
        return f"{kind}教室间均{area / rooms:.0f}㎡，低于{min_area:.0f}㎡"
    return ""


def _standards(lib: StandardsLibrary, *, area_path: str, year: int) -> Callable[..., float]:
    """`value(code, stage="all")`: the standard in force for the area and year, each looked up once."""

    @functools.cache
    def value(code: str, stage: str = "all") -> float:
        return lib.value(code, stage=stage, area_path=area_path, year=year).value

    return value


def fact_limits(lib: StandardsLibrary, *, area_path: str, year: int) -> FactLimits:
    """The standards the facts count against for the area and year: the class-size limits
    (primary, junior; balanced.G5) and the yearly training hours (balanced.G9)."""
    value = _standards(lib, area_path=area_path, year=year)
    return (
        value("balanced.G5.class_size", "primary"),
        value("balanced.G5.class_size", "junior"),
        value("balanced.G9.training_hours_per_year"),
    )


def guarantee_items(
    facts: dict[str, np.ndarray],
    *,
    limits: FactLimits,
    area_path: str,
    year: int,
    lib: StandardsLibrary,
    visible: set[int] | None,
    names: dict[int, str],
) -> list[GuaranteeItem]:
    """The guarantee items the data show, for every school of the district: `facts`, the schools'
    facts a column at a time (`school_stages.school_facts`), counted against `limits`
    (`fact_limits`); `visible`, the schools whose failures the user may see; `names`, the schools'
    names by id (`indicators.schools_under`). Each item's test runs over every school at once;
    only the failing schools are visited."""

    value = _standards(lib, area_path=area_path, year=year)  # once per standard, not per school

    def item(code: str, name: str) -> GuaranteeItem:
        return GuaranteeItem(code, name, lib.rule(code, area_path=area_path, year=year))

    rooms = item("balanced.G3.rooms_per_classes", "音乐、美术专用教室及面积")
    size = item("balanced.G4.school_size", "学校规模")
    klass = item("balanced.G5.class_size", "班额")
    training = item("balanced.G9.training_hours_per_year", "教师培训学时")
    certified = item("balanced.G12.certified_share", "教师持证上岗")
    rotation = item("balanced.G11.rotation_share", "教师交流轮岗")

    def every(name: str) -> np.ndarray:
        return np.asarray(facts[name], dtype="float64")

    ids: list[int] = every("school_id").astype("int64").tolist()
    order = sorted(
        (i for i, sid in enumerate(ids) if visible is None or sid in visible),
        key=lambda i: (names.get(ids[i], ""), ids[i]),  # same-named schools in a fixed order
    )
    shown = np.array(order, dtype=np.intp)
    shown_ids = [ids[i] for i in order]
    for it in (rooms, size, klass, training, certified):
        it.checked = len(order)

    def column(name: str) -> np.ndarray:
        return every(name)[shown]

    def counts(name: str) -> list[int]:
        return column(name).astype("int64").tolist()  # type: ignore[no-any-return]

    def fail(it: GuaranteeItem, failing: np.ndarray, detail: Callable[[int], str]) -> None:
        for i in np.flatnonzero(failing).tolist():
            sid = shown_ids[i]
            it.failures.append(Failure(sid, names.get(sid, ""), detail(i)))

    per_rooms = value("balanced.G3.rooms_per_classes")
    music_min, art_min = value("balanced.G3.music_room_area"), value("balanced.G3.art_room_area")
    classes = column("compulsory_classes")
    need = np.ceil(classes / per_rooms)

    def short(kind: str, minimum: float) -> np.ndarray:
        have, area = column(f"{kind}_rooms"), column(f"{kind}_room_area")
        with np.errstate(invalid="ignore", divide="ignore"):
            return (have < need) | ((have > 0) & (area / have < minimum))

    wanted = [math.ceil(c / per_rooms) for c in counts("compulsory_classes")]
    music, art = counts("music_rooms"), counts("art_rooms")
    music_area, art_area = column("music_room_area").tolist(), column("art_room_area").tolist()

    def room_detail(i: int) -> str:
        problems = (
            _room_problem("音乐", music[i], music_area[i], wanted[i], music_min),
            _room_problem("美术", art[i], art_area[i], wanted[i], art_min),
        )
        return "；".join(p for p in problems if p)

    fail(rooms, short("music", music_min) | short("art", art_min), room_detail)

    def size_limit(school_type: str) -> float:
        return value(
            "balanced.G4.school_size",
            stage=school_type if school_type != SchoolType.COMPLETE_SECONDARY else "junior",
        )

    types = [str(t) for t in facts["school_type"][shown].tolist()]
    limit_of = {t: size_limit(t) for t in set(types)}
    students = counts("compulsory_students")
    fail(
        size,
        column("compulsory_students") > np.array([limit_of[t] for t in types], dtype="float64"),
        lambda i: f"义务教育阶段学生{students[i]}人，超过{limit_of[types[i]]:.0f}人",
    )
    primary_limit, junior_limit, hours = limits  # those the facts were counted against
    over, largest = counts("classes_over"), counts("max_class_size")
    fail(
        klass,
        column("classes_over") > 0,
        lambda i: (
            f"{over[i]}个班超过规定班额（小学{primary_limit:.0f}人、初中{junior_limit:.0f}人），"
            f"最大班额{largest[i]}人"
        ),
    )
    teachers = column("teachers")
    teacher_counts, trained, holders = counts("teachers"), counts("trained"), counts("certified")
    fail(
        training,
        (teachers > 0) & (column("trained") < teachers),
        lambda i: f"{teacher_counts[i] - trained[i]}名教师本学年培训不足{hours:.0f}学时",
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        uncertified = (teachers > 0) & (
            column("certified") / teachers < value("balanced.G12.certified_share")
        )
    fail(
        certified,
        uncertified,
        lambda i: f"{teacher_counts[i] - holders[i]}名专任教师无教师资格证",
    )

    # Rotation is the district's: every school's teachers count, whoever may see them.
    tot_teachers, tot_rotated, tot_rot_backbone = (
        int(every(c).astype("int64").sum()) for c in ("teachers", "rotated", "rotated_backbone")
    )
    rotation.checked = 1
    share = tot_rotated / tot_teachers if tot_teachers else 0.0
    backbone_share = tot_rot_backbone / tot_rotated if tot_rotated else 0.0
    rotation.district_value = f"交流轮岗{tot_rotated}人，占{share:.1%}；其中骨干教师占{backbone_share:.1%}"
    if share < value("balanced.G11.rotation_share"):
        rotation.failures.append(
            Failure(None, "全区", f"交流轮岗比例{share:.1%}，低于{value('balanced.G11.rotation_share'):.0%}")
        )
    if backbone_share < value("balanced.G11.rotation_backbone_share"):
        rotation.failures.append(
            Failure(
                None,
                "全区",
                f"骨干教师占交流轮岗教师{backbone_share:.1%}，低于{value('balanced.G11.rotation_backbone_share'):.0%}",
            )
        )
    return [rooms, size, klass, training, certified, rotation]
