"""Layout proposals, the merge what-if, zones, villages and the closure workflow, with distances
worked out by hand: every point lies on the meridian 110°E, so a distance is Δlatitude × 6371.0088 km
× π/180 (0.01° = 1.112 km)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from edugov.common.errors import DomainError
from edugov.planning import selectors, services
from edugov.planning.distance import haversine_km, ring
from edugov.planning.layout import SchoolPoint, VillagePoint, candidates, merge_whatif
from edugov.planning.models import Closure, ClosureStep, Village, Zone
from edugov.testing import make_class, make_school

RULES = {
    "radius_km": {"primary": {"urban": 1.5, "rural": 3.0}, "junior": {"urban": 2.5, "rural": 5.0}},
    "build_min_children": {"primary": 150, "junior": 150},
    "merge_max_km": 8.0,
}


def _school(sid: int, name: str, lat: float, pupils: int, point: bool = False, **kw: object) -> SchoolPoint:
    return SchoolPoint(sid, name, "乙镇", "primary", 110.0, lat, True, point, pupils, **kw)  # type: ignore[arg-type]


CENTRAL = _school(
    1, "乙镇中心小学", 30.00, 600, grades={1: 45, 2: 50, 3: 44}, classes={1: 1, 2: 1, 3: 1}, places=270
)
VILLAGE_SCHOOL = _school(
    2, "东村小学", 30.05, 40, grades={1: 10, 2: 10, 3: 20}, classes={1: 1, 2: 1, 3: 1}, places=180
)
POINT = _school(3, "北岭教学点", 30.03, 20, point=True)
REMOTE = _school(4, "深山教学点", 30.10, 12, point=True)
SCHOOLS = [CENTRAL, VILLAGE_SCHOOL, POINT, REMOTE]
EAST = VillagePoint(1, "东村", "乙镇", 110.0, 30.06, True, {"primary": 30, "junior": 15})
SOUTH = VillagePoint(2, "南湾新村", "乙镇", 110.0, 29.95, True, {"primary": 160, "junior": 70})


def test_haversine_and_ring():
    assert round(haversine_km(110.0, 30.0, 110.0, 30.05), 3) == 5.560  # 6371.0088 × 0.05 × π/180
    assert round(haversine_km(0.0, 0.0, 1.0, 0.0), 2) == 111.2
    circle = ring(110.0, 30.0, 3.0, points=4)
    assert len(circle) == 5 and circle[0] == circle[-1]
    assert round(haversine_km(110.0, 30.0, *circle[1]), 2) == 3.0  # due north: 3 km exactly


def test_keep_merge_close_build_by_hand():
    """东村小学 (40 < 100) lies 5.56 km from the central school (≤ 8 km): merge. 北岭教学点 (20 < 50)
    3.34 km from it: close (the small 东村小学 receives nobody). 深山教学点 11.12 km away: keep.
    南湾新村 has 160 primary children 5.56 km from the nearest school, beyond the rural 3 km: build."""
    got = [(c["action"], c["school"], c["target"], c["km"]) for c in candidates(
        SCHOOLS, [EAST, SOUTH], RULES, small_school=100, small_point=50
    )]  # fmt: skip
    assert got == [
        ("build", "南湾新村（新建小学）", "", 5.56),
        ("close", "北岭教学点", "乙镇中心小学", 3.34),
        ("merge", "东村小学", "乙镇中心小学", 5.56),
        ("keep", "深山教学点", "", 11.12),
    ]


def test_a_merge_or_closure_is_checked_against_the_service_radius():
    """Both receivers lie beyond the rural primary radius (3 km): 5.56 and 3.34 km; with a 6 km
    radius both are within it."""
    for radius, word in (
        (3.0, "超出农村服务半径3公里，撤并后须安排寄宿或校车接送"),
        (6.0, "在农村服务半径6公里以内"),
    ):
        rules: dict[str, object] = dict(RULES)
        rules["radius_km"] = {
            "primary": {"urban": 1.5, "rural": radius},
            "junior": {"urban": 2.5, "rural": 5},
        }
        found = candidates(SCHOOLS, [], rules, small_school=100, small_point=50)
        moved = [c for c in found if c["action"] in {"close", "merge"}]
        assert [c["school"] for c in moved] == ["北岭教学点", "东村小学"]
        assert all(c["reasons"][1].endswith(word) for c in moved), [c["reasons"] for c in moved]


def test_merge_whatif_by_hand():
    """东村小学 into the central school: 40 pupils moved; its catchment is 东村 (1.11 km from it),
    6.67 km from the central school, beyond the rural 3 km: 30 boarding places. Grades after: 55,
    60, 64 in one class each: 60 and 64 reach 56 (大班额), two grades; 180 seats freed."""
    w = merge_whatif(VILLAGE_SCHOOL, CENTRAL, SCHOOLS, [EAST, SOUTH], RULES, class_size=45, oversized_min=56)
    assert w["pupils_moved"] == 40
    assert (w["farthest_village"], w["farthest_km"], w["radius_km"]) == ("东村", 6.67, 3.0)
    assert w["boarding_places"] == 30
    assert w["seats_freed"] == 180
    assert [(a["pupils"], a["size"], a["oversized"], a["classes_needed"]) for a in w["class_sizes"]] == [
        (55, 55.0, False, 2),
        (60, 60.0, True, 2),
        (64, 64.0, True, 2),
    ]
    assert w["oversized_classes"] == 2
    assert w["target_pupils_after"] == 640 and w["places_short"] == 370


@pytest.mark.django_db
def test_zone_needs_a_school_in_its_town(world):
    md = world.md
    with pytest.raises(DomainError, match="没有覆盖任何学校"):
        services.zone_save(
            actor=world.planner, area=md.town_a, name="甲街道一小学区", stage="primary", schools=[]
        )
    with pytest.raises(DomainError, match="不在“甲街道”"):
        services.zone_save(
            actor=world.planner, area=md.town_a, name="甲街道一小学区", stage="primary", schools=[md.school_b]
        )
    assert not Zone.objects.exists()
    zone = services.zone_save(
        actor=world.planner, area=md.town_a, name="甲街道一小学区", stage="primary", schools=[md.school_a]
    )
    assert list(zone.schools.all()) == [md.school_a]


@pytest.mark.django_db
def test_village_coordinates_and_counts(world):
    for kw, message in (
        ({"longitude": Decimal(200), "latitude": Decimal(30)}, "坐标有误"),
        (
            {"longitude": Decimal(110), "latitude": Decimal(30), "children_primary": -1},
            "小学适龄儿童：不能小于0",
        ),
    ):
        with pytest.raises(DomainError, match=message):
            services.village_save(actor=world.planner, area=world.md.town_b, name="东村", **kw)  # type: ignore[arg-type]
    assert not Village.objects.exists()


@pytest.mark.django_db
def test_closure_needs_consultation_and_build_first(world):
    md = world.md
    point = md.point_a
    closure = services.closure_propose(
        actor=world.planner, school=point, target=md.school_a, reason="在校生12人"
    )
    services.closure_step(
        actor=world.planner, closure=closure, kind="consultation", done_on=dt.date(2026, 3, 1)
    )
    with pytest.raises(DomainError) as exc:
        services.closure_step(
            actor=world.planner, closure=closure, kind="closed", done_on=dt.date(2026, 4, 1)
        )
    assert exc.value.message == "撤并前须先完成：接收学校建设（先建后撤）完成、区政府审批"
    services.closure_step(
        actor=world.planner, closure=closure, kind="build_first", done_on=dt.date(2026, 6, 1)
    )
    services.closure_step(actor=world.planner, closure=closure, kind="approval", done_on=dt.date(2026, 7, 1))
    closure.refresh_from_db()
    assert closure.status == "ready"
    with pytest.raises(DomainError, match="不能早于“区政府审批”"):
        services.closure_step(
            actor=world.planner, closure=closure, kind="closed", done_on=dt.date(2026, 6, 15)
        )
    assert ClosureStep.objects.filter(kind="closed").count() == 0
    services.closure_step(actor=world.planner, closure=closure, kind="closed", done_on=dt.date(2026, 8, 20))
    assert Closure.objects.get().status == "closed"
    with pytest.raises(DomainError, match="接收学校不能是拟撤并学校本身"):
        services.closure_propose(actor=world.planner, school=point, target=point, reason="x")


def test_private_and_special_schools_neither_receive_nor_move():
    """A private school 1.11 km from 东村小学 and a special school beside 东村 (0.22 km): neither receives its
    pupils nor is proposed itself (the special school's 19 pupils are under 100); 东村小学 still
    merges into the central school 5.56 km away, and its what-if catchment ignores them."""
    private = _school(5, "博文外国语学校", 30.04, 800, public=False)
    special = _school(6, "特殊教育学校", 30.058, 19, special=True)
    found = candidates([*SCHOOLS, private, special], [EAST, SOUTH], RULES, small_school=100, small_point=50)
    assert [(c["action"], c["school"], c["target"], c["km"]) for c in found if c["action"] != "build"] == [
        ("close", "北岭教学点", "乙镇中心小学", 3.34),
        ("merge", "东村小学", "乙镇中心小学", 5.56),
        ("keep", "深山教学点", "", 11.12),
    ]
    w = merge_whatif(
        VILLAGE_SCHOOL, CENTRAL, [*SCHOOLS, private, special], [EAST], RULES, class_size=45, oversized_min=56
    )
    assert (w["farthest_village"], w["boarding_places"]) == ("东村", 30)


@pytest.mark.django_db
def test_a_merge_into_a_private_school_is_refused(world):
    md = world.md
    private = make_school(
        town=md.town_a, name="甲街道博文学校", ownership="private",
        longitude=Decimal("110.0"), latitude=Decimal("30.01"),
    )  # fmt: skip
    make_class(school=private, year=md.year, grade=3, number=1, boys=20, girls=20)
    for school in (md.school_a, md.school_b):
        school.longitude, school.latitude = Decimal("110.0"), Decimal("30.0")
        school.save(update_fields=["longitude", "latitude"])
    with pytest.raises(DomainError, match="只能测算公办普通中小学之间的合并"):
        selectors.merge_preview(actor=world.planner, closing_id=md.school_b.pk, target_id=private.pk)
    moved = selectors.merge_preview(actor=world.planner, closing_id=md.school_b.pk, target_id=md.school_a.pk)
    assert moved["pupils_moved"] == 40 + 20 + 20  # school B this year: grade 3 (40), grades 1 and 2 (20 each)
