"""优质均衡 government-guarantee items that the submitted data can show (STANDARDS.md §1, items
3, 4, 5, 9, 11, 12): per school the facts, computed by the indicator engine; the verdicts apply
the standards files. Items needing documents (layout plans, pay levels) are outside the data."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

from edugov.indicators.backends import Workspace
from edugov.indicators.cache import cached_rows
from edugov.indicators.engine import flag
from edugov.registry.models import SchoolType
from edugov.standards.loader import Rule, StandardsLibrary

from .indicators import COUNTED_TYPES, WORKSPACE_TABLES, _stage_of_grade, records


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


def school_facts(
    ws: Workspace,
    *,
    school_year_id: int,
    area_path: str,
    class_limits: tuple[float, float],
    training_hours_min: float,
) -> Any:
    """Per school facts; the class-size limits (primary, junior) and the yearly training hours
    are the standards' (balanced.G5, balanced.G9) for the area, passed in, not numbers here."""
    area, school = ws.table("area"), ws.table("school")
    # The year's rows (over the warehouse: that year's files only).
    cls = ws.table("school_class", school_year_id=school_year_id)
    fac = ws.table("facilities", school_year_id=school_year_id)
    teacher, tyr = ws.table("teacher"), ws.table("teacher_year", school_year_id=school_year_id)

    schools = school.filter(
        school.archived_at.isnull(), school.school_type.isin([str(t) for t in COUNTED_TYPES])
    )
    areas = area.select(area_pk=area.id, area_path=area.path)
    schools = schools.join(areas, schools.area_id == areas.area_pk)
    schools = schools.filter(schools.area_path.startswith(area_path)).select(
        school_id=schools.id, school_type=schools.school_type
    )
    c = cls.filter(cls.archived_at.isnull())
    c = c.mutate(stage=_stage_of_grade(c.grade), size=(c.boys + c.girls).cast("int64"))
    c = c.filter(c.stage.isin(["primary", "junior"]))
    c = c.mutate(
        _over_primary=flag((c.stage == "primary") & (c.size > class_limits[0])),
        _over_junior=flag((c.stage == "junior") & (c.size > class_limits[1])),
    )
    classes = c.group_by(c.school_id).aggregate(
        compulsory_students=c.size.sum(),
        compulsory_classes=c.count(),
        max_class_size=c.size.max(),
        primary_classes_over=c._over_primary.sum(),
        junior_classes_over=c._over_junior.sum(),
    )
    f = fac.select(
        f_school_id=fac.school_id,
        music_rooms=fac.music_rooms,
        art_rooms=fac.art_rooms,
        music_room_area=fac.music_room_area.cast("float64"),
        art_room_area=fac.art_room_area.cast("float64"),
    )
    active = teacher.filter(teacher.archived_at.isnull())
    active = active.select(t_id=active.id, t_school_id=active.school_id)
    t = tyr.join(active, tyr.teacher_id == active.t_id)
    t = t.mutate(
        _cert=flag(t.has_certificate),
        _trained=flag(t.training_hours.cast("float64") >= training_hours_min),
        _rot=flag(t.rotated),
        _rot_backbone=flag(t.rotated & (t.backbone_level != "none")),
    )
    tstats = t.group_by(t.t_school_id).aggregate(
        teachers=t.count(),
        certified=t._cert.sum(),
        trained=t._trained.sum(),
        rotated=t._rot.sum(),
        rotated_backbone=t._rot_backbone.sum(),
    )
    facts = schools.join(classes, "school_id")
    facts = facts.left_join(f, facts.school_id == f.f_school_id)
    facts = facts.left_join(tstats, facts.school_id == tstats.t_school_id)
    return facts.select(
        "school_id",
        "school_type",
        "compulsory_students",
        "compulsory_classes",
        "max_class_size",
        "primary_classes_over",
        "junior_classes_over",
        has_facilities=flag(facts.f_school_id.notnull()),
        music_rooms=facts.music_rooms.fill_null(0),
        art_rooms=facts.art_rooms.fill_null(0),
        music_room_area=facts.music_room_area.fill_null(0.0),
        art_room_area=facts.art_room_area.fill_null(0.0),
        teachers=facts.teachers.fill_null(0),
        certified=facts.certified.fill_null(0),
        trained=facts.trained.fill_null(0),
        rotated=facts.rotated.fill_null(0),
        rotated_backbone=facts.rotated_backbone.fill_null(0),
    )


@cached_rows("guarantee_facts")
def school_facts_rows(
    *,
    engine: str,
    school_year_id: int,
    area_path: str,
    class_limits: tuple[float, float],
    training_hours_min: float,
) -> list[dict[str, Any]]:
    """The facts of every school of the district, as rows (cached until the next committed write)."""
    return records(
        Workspace(engine, WORKSPACE_TABLES),
        school_facts,
        school_year_id=school_year_id,
        area_path=area_path,
        class_limits=class_limits,
        training_hours_min=training_hours_min,
    )


def guarantee_items(
    *,
    engine: str,
    school_year_id: int,
    area_path: str,
    year: int,
    lib: StandardsLibrary,
    visible: set[int] | None,
    names: dict[int, str],
) -> list[GuaranteeItem]:
    """The guarantee items the data show, for every school of the district (`visible`: the ones
    whose failures the user may see; `names`: the schools' names by id, `indicators.schools_under`)."""

    @functools.cache  # each standard looked up once, not once per school
    def value(code: str, stage: str = "all") -> float:
        return lib.value(code, stage=stage, area_path=area_path, year=year).value

    class_limits = (value("balanced.G5.class_size", "primary"), value("balanced.G5.class_size", "junior"))
    rows = school_facts_rows(
        engine=engine,
        school_year_id=school_year_id,
        area_path=area_path,
        class_limits=class_limits,
        training_hours_min=value("balanced.G9.training_hours_per_year"),
    )

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
        over = int(r["primary_classes_over"]) + int(r["junior_classes_over"])
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
