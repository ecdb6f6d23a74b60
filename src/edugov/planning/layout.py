"""Layout proposals (宜留则留、宜并则并、宜撤则撤、宜建则建) and the merge what-if, as pure functions
over plain figures so the rules test by hand. Rules in data/planning.toml [layout].

Only public ordinary schools take part (not private or special schools).

- close (宜撤): a teaching point under the small-point size with a receiving school (not a teaching
  point, not itself small) of its stage within the merge distance; merge (宜并): a small school
  under the small-school size with such a school;
  keep (宜留): a small school or point with no school within reach (its pupils would travel too far);
  build (宜建): a village whose children of a stage live beyond every school's service radius, at least
  `build_min_children` of them.
- merge what-if: pupils moved, the farthest village of the closing school's catchment from the
  receiving school, seats freed, class sizes after (per grade: pupils / classes the receiving
  school keeps), boarding places needed (children of villages beyond the receiving school's radius)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .distance import haversine_km


@dataclass(frozen=True)
class SchoolPoint:
    school_id: int
    name: str
    town: str
    stage: str  # primary / junior (a nine-year school appears once per stage)
    lon: float
    lat: float
    rural: bool
    teaching_point: bool
    pupils: int
    grades: dict[int, int] = field(default_factory=dict)  # grade -> pupils
    classes: dict[int, int] = field(default_factory=dict)  # grade -> classes
    places: int = 0
    public: bool = True
    special: bool = False

    @property
    def ordinary(self) -> bool:
        """A public ordinary school: the only kind the layout moves pupils from or to (a private
        school cannot be told to take a public school's pupils; a special school serves children
        of the whole district)."""
        return self.public and not self.special


@dataclass(frozen=True)
class VillagePoint:
    village_id: int
    name: str
    town: str
    lon: float
    lat: float
    rural: bool
    children: dict[str, int]  # stage -> children


def radius(rules: dict[str, Any], stage: str, rural: bool) -> float:
    return float(rules["radius_km"][stage]["rural" if rural else "urban"])


def distance(a: SchoolPoint | VillagePoint, b: SchoolPoint | VillagePoint) -> float:
    return round(haversine_km(a.lon, a.lat, b.lon, b.lat), 2)


def nearest(
    point: SchoolPoint | VillagePoint, schools: list[SchoolPoint], stage: str, exclude: int | None = None
) -> tuple[SchoolPoint | None, float]:
    best, best_km = None, math.inf
    for s in schools:
        if s.stage != stage or s.school_id == exclude:
            continue
        km = distance(point, s)
        if km < best_km:
            best, best_km = s, km
    return best, best_km


def candidates(
    schools: list[SchoolPoint],
    villages: list[VillagePoint],
    rules: dict[str, Any],
    *,
    small_school: float,
    small_point: float,
) -> list[dict[str, Any]]:
    """keep / merge / close / build proposals, each with its reasons, over the public ordinary
    schools only."""
    schools = [s for s in schools if s.ordinary]
    out: list[dict[str, Any]] = []
    reach = float(rules["merge_max_km"])
    for s in schools:
        small = s.pupils < (small_point if s.teaching_point else small_school)
        if not small:
            continue
        receivers = [t for t in schools if not t.teaching_point and t.pupils >= small_school]
        receiver, km = nearest(s, receivers, s.stage, exclude=s.school_id)
        limit = small_point if s.teaching_point else small_school
        size = f"{'教学点' if s.teaching_point else '学校'}在校生{s.pupils}人，少于{limit:g}人"
        if receiver is not None and km <= reach:
            action = "close" if s.teaching_point else "merge"
            r = radius(rules, s.stage, s.rural)
            served = (
                f"在{'农村' if s.rural else '城镇'}服务半径{r:g}公里以内"
                if km <= r
                else f"超出{'农村' if s.rural else '城镇'}服务半径{r:g}公里，撤并后须安排寄宿或校车接送"
            )
            reasons = [size, f"{receiver.name}相距{km:g}公里（不超过{reach:g}公里），可接收；{served}"]
            out.append(
                {
                    "action": action,
                    "school_id": s.school_id,
                    "school": s.name,
                    "town": s.town,
                    "stage": s.stage,
                    "pupils": s.pupils,
                    "target_id": receiver.school_id,
                    "target": receiver.name,
                    "km": km,
                    "reasons": reasons,
                }
            )
        else:
            far = f"最近的可接收学校相距{km:g}公里" if receiver else "附近没有可接收的学校"
            out.append(
                {
                    "action": "keep",
                    "school_id": s.school_id,
                    "school": s.name,
                    "town": s.town,
                    "stage": s.stage,
                    "pupils": s.pupils,
                    "target_id": None,
                    "target": "",
                    "km": None if receiver is None else km,
                    "reasons": [size, f"{far}，超过{reach:g}公里，宜留则留"],
                }
            )
    for stage in ("primary", "junior"):
        need = int(rules["build_min_children"][stage])
        for v in villages:
            children = v.children.get(stage, 0)
            if children < need:
                continue
            near, km = nearest(v, [t for t in schools if not t.teaching_point], stage)
            r = radius(rules, stage, v.rural)
            if near is None or km > r:
                label = "小学" if stage == "primary" else "初中"
                out.append(
                    {
                        "action": "build",
                        "school_id": None,
                        "school": f"{v.name}（新建{label}）",
                        "town": v.town,
                        "stage": stage,
                        "pupils": children,
                        "target_id": None,
                        "target": "",
                        "km": None if near is None else km,
                        "reasons": [
                            f"{v.name}有{label}适龄儿童{children}人",
                            (
                                f"最近的{label}{near.name}相距{km:g}公里，超出服务半径{r:g}公里"
                                if near
                                else f"区内没有{label}"
                            ),
                        ],
                    }
                )
    order = {"build": 0, "close": 1, "merge": 2, "keep": 3}
    return sorted(out, key=lambda c: (order[c["action"]], c["town"], c["school"]))


def catchment(
    school: SchoolPoint, schools: list[SchoolPoint], villages: list[VillagePoint]
) -> list[VillagePoint]:
    """Villages whose nearest school of the stage is `school`."""
    mine = []
    for v in villages:
        s, _ = nearest(v, [t for t in schools if t.stage == school.stage], school.stage)
        if s is not None and s.school_id == school.school_id:
            mine.append(v)
    return mine


def merge_whatif(
    closing: SchoolPoint,
    target: SchoolPoint,
    schools: list[SchoolPoint],
    villages: list[VillagePoint],
    rules: dict[str, Any],
    *,
    class_size: float,
    oversized_min: float,
) -> dict[str, Any]:
    """The effect of moving the closing school's pupils to the target school."""
    area = catchment(closing, [s for s in schools if s.ordinary], villages)
    r = radius(rules, target.stage, target.rural or closing.rural)
    far = [(v, distance(v, target)) for v in area]
    farthest = max(far, key=lambda t: t[1], default=None)
    boarding = sum(v.children.get(target.stage, 0) for v, km in far if km > r)
    if not far:  # no village recorded: the closing school itself stands for its pupils
        km = distance(closing, target)
        farthest = None
        boarding = closing.pupils if km > r else 0
    grades = sorted(set(closing.grades) | set(target.grades))
    after = []
    for g in grades:
        pupils = target.grades.get(g, 0) + closing.grades.get(g, 0)
        classes = target.classes.get(g, 0) or max(1, math.ceil(pupils / class_size))
        size = round(pupils / classes, 1)
        after.append(
            {
                "grade": g,
                "pupils": pupils,
                "classes": classes,
                "size": size,
                "oversized": size >= oversized_min,
                "classes_needed": math.ceil(pupils / class_size),
            }
        )
    return {
        "closing": closing.name,
        "target": target.name,
        "pupils_moved": closing.pupils,
        "direct_km": distance(closing, target),
        "farthest_village": farthest[0].name if farthest else "",
        "farthest_km": farthest[1] if farthest else distance(closing, target),
        "radius_km": r,
        "seats_freed": closing.places,
        "target_pupils_after": target.pupils + closing.pupils,
        "target_places": target.places,
        "places_short": max(0, target.pupils + closing.pupils - target.places) if target.places else None,
        "class_sizes": after,
        "oversized_classes": sum(1 for a in after if a["oversized"]),
        "boarding_places": boarding,
    }
