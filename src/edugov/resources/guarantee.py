"""优质均衡 government-guarantee items that the submitted data can show (STANDARDS.md §1, items
3, 4, 5, 9, 11, 12): per school the facts, computed by the indicator engine among the evaluation's
questions (`school_stages.school_facts`); the verdicts apply the standards files. Items needing
documents (layout plans, pay levels) are outside the data."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

from edugov.registry.models import SchoolType
from edugov.standards.loader import Rule, StandardsLibrary

from .school_stages import FactLimits


@dataclass(frozen=True)
class Failure:
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


def fact_limits(lib: StandardsLibrary, *, area_path: str, year: int) -> FactLimits:
    """The standards the facts count against for the area and year: the class-size limits
    (primary, junior; balanced.G5) and the yearly training hours (balanced.G9)."""

    def value(code: str, stage: str = "all") -> float:
        return lib.value(code, stage=stage, area_path=area_path, year=year).value

    return (
        value("balanced.G5.class_size", "primary"),
        value("balanced.G5.class_size", "junior"),
        value("balanced.G9.training_hours_per_year"),
    )


def guarantee_items(
    rows: list[dict[str, Any]],
    *,
    area_path: str,
    year: int,
    lib: StandardsLibrary,
    visible: set[int] | None,
    names: dict[int, str],
) -> list[GuaranteeItem]:
    """The guarantee items the data show, for every school of the district: `rows`, the schools'
    facts (`school_stages.school_facts`, counted against `fact_limits`); `visible`, the schools
    whose failures the user may see; `names`, the schools' names by id (`indicators.schools_under`)."""

    @functools.cache  # each standard looked up once, not once per school
    def value(code: str, stage: str = "all") -> float:
        return lib.value(code, stage=stage, area_path=area_path, year=year).value

    class_limits = (value("balanced.G5.class_size", "primary"), value("balanced.G5.class_size", "junior"))

    def item(code: str, name: str) -> GuaranteeItem:
        return GuaranteeItem(code, name, lib.rule(code, area_path=area_path, year=year))

    rooms = item("balanced.G3.rooms_per_classes", "音乐、美术专用教室及面积")
    size = item("balanced.G4.school_size", "学校规模")
    klass = item("balanced.G5.class_size", "班额")
    training = item("balanced.G9.training_hours_per_year", "教师培训学时")
    certified = item("balanced.G12.certified_share", "教师持证上岗")
    rotation = item("balanced.G11.rotation_share", "教师交流轮岗")
    per_rooms = value("balanced.G3.rooms_per_classes")
    music_min, art_min = value("balanced.G3.music_room_area"), value("balanced.G3.art_room_area")
    tot_teachers = tot_rotated = tot_rot_backbone = 0

    for r in sorted(rows, key=lambda r: names.get(int(r["school_id"]), "")):
        sid = int(r["school_id"])
        tot_teachers += int(r["teachers"])
        tot_rotated += int(r["rotated"])
        tot_rot_backbone += int(r["rotated_backbone"])
        if visible is not None and sid not in visible:
            continue
        name = names.get(sid, "")
        for it in (rooms, size, klass, training, certified):
            it.checked += 1
        need = math.ceil(int(r["compulsory_classes"]) / per_rooms)
        problems = [
            p
            for p in (
                _room_problem("音乐", int(r["music_rooms"]), float(r["music_room_area"]), need, music_min),
                _room_problem("美术", int(r["art_rooms"]), float(r["art_room_area"]), need, art_min),
            )
            if p
        ]
        if problems:
            rooms.failures.append(Failure(sid, name, "；".join(problems)))
        stype = r["school_type"]
        limit = value(
            "balanced.G4.school_size", stage=stype if stype != SchoolType.COMPLETE_SECONDARY else "junior"
        )
        if int(r["compulsory_students"]) > limit:
            size.failures.append(
                Failure(sid, name, f"义务教育阶段学生{int(r['compulsory_students'])}人，超过{limit:.0f}人")
            )
        over = int(r["classes_over"])
        if over:
            klass.failures.append(
                Failure(
                    sid,
                    name,
                    f"{over}个班超过规定班额（小学{class_limits[0]:.0f}人、初中{class_limits[1]:.0f}人），"
                    f"最大班额{int(r['max_class_size'])}人",
                )
            )
        teachers = int(r["teachers"])
        if teachers and int(r["trained"]) < teachers:
            training.failures.append(
                Failure(
                    sid,
                    name,
                    f"{teachers - int(r['trained'])}名教师本学年培训不足"
                    f"{value('balanced.G9.training_hours_per_year'):.0f}学时",
                )
            )
        if teachers and int(r["certified"]) / teachers < value("balanced.G12.certified_share"):
            certified.failures.append(
                Failure(sid, name, f"{teachers - int(r['certified'])}名专任教师无教师资格证")
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
