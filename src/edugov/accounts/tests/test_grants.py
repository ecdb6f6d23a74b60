"""Scope grants as data, and the write scope apart from the read scope."""

from __future__ import annotations

import pytest

from edugov.accounts.models import Role, ScopeGrant, User
from edugov.accounts.scope import ensure_references_writable, scoped, write_scoped
from edugov.accounts.services import grant_add, grant_remove
from edugov.audit.models import AuditEvent
from edugov.common.errors import DomainError, PermissionDenied
from edugov.registry import services as registry_services
from edugov.registry.models import Area, AreaLevel, School, SchoolClass, Teacher
from edugov.testing import make_mini_district, make_school, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return make_mini_district()


def fresh(user: User) -> User:
    """The user as the next request loads it (anchors are cached per request on the object)."""
    return User.objects.get(pk=user.pk)


def test_school_admin_reads_the_areas_above_but_writes_none(d):
    user = d.users[Role.SCHOOL_ADMIN]
    assert set(scoped(Area, user)) >= {d.district, d.town_a}
    assert not write_scoped(Area, user).exists()
    assert set(write_scoped(School, user)) == {d.school_a, d.point_a}


def test_teacher_writes_only_their_classes(d):
    user = d.users[Role.TEACHER]
    assert set(scoped(School, user)) == {d.school_a}  # reads the school's own record
    assert not write_scoped(School, user).exists()
    assert not write_scoped(Teacher, user).exists()
    assert set(write_scoped(SchoolClass, user)) == {d.class_a1}


def test_leader_reads_the_district_and_writes_nothing(d):
    user = d.users[Role.LEADER]
    assert scoped(School, user).count() == 3
    for model in (Area, School, SchoolClass, Teacher):
        assert not write_scoped(model, user).exists()


def test_inspector_covering_two_towns_by_grant(d):
    admin = d.users[Role.DISTRICT_ADMIN]
    inspector = d.users[Role.INSPECTOR]
    assert set(scoped(School, inspector)) == {d.school_a, d.point_a}
    grant = grant_add(actor=admin, user=inspector, kind="area", object_id=d.town_b.pk)
    inspector = fresh(inspector)
    assert inspector.has_grants
    assert set(scoped(School, inspector)) == {d.school_a, d.point_a, d.school_b}
    assert set(write_scoped(School, inspector)) == {d.school_a, d.point_a, d.school_b}
    event = AuditEvent.objects.get(model="accounts.ScopeGrant", action="create")
    assert event.actor == admin and event.area_path == d.town_b.path

    grant_remove(actor=admin, grant=grant)
    inspector = fresh(inspector)
    assert not inspector.has_grants
    assert set(scoped(School, inspector)) == {d.school_a, d.point_a}
    assert AuditEvent.objects.filter(model="accounts.ScopeGrant", action="delete").count() == 1


def test_school_grant_for_a_school_admin_covers_a_second_school(d):
    admin = d.users[Role.DISTRICT_ADMIN]
    school_admin = d.users[Role.SCHOOL_ADMIN]
    grant_add(actor=admin, user=school_admin, kind="school", object_id=d.school_b.pk)
    assert set(write_scoped(School, fresh(school_admin))) == {d.school_a, d.point_a, d.school_b}


def test_grants_are_refused_outside_rules(d):
    admin = d.users[Role.DISTRICT_ADMIN]
    town_officer = d.users["town_officer"]
    inspector = d.users[Role.INSPECTOR]
    with pytest.raises(DomainError, match="未知的数据范围类型"):
        grant_add(actor=admin, user=inspector, kind="galaxy", object_id=1)
    with pytest.raises(DomainError, match="不能授予"):  # a teacher's scope is their classes
        grant_add(actor=admin, user=d.users[Role.TEACHER], kind="area", object_id=d.town_b.pk)
    with pytest.raises(DomainError, match="不存在或不在您的管理范围内"):  # the city is above the admin
        grant_add(actor=admin, user=inspector, kind="area", object_id=d.city.pk)
    with pytest.raises(PermissionDenied):  # only district administrators grant
        grant_add(actor=town_officer, user=inspector, kind="area", object_id=d.town_a.pk)
    with pytest.raises(PermissionDenied):  # nor may the read-only leader
        grant_add(actor=d.users[Role.LEADER], user=inspector, kind="area", object_id=d.town_b.pk)
    grant_add(actor=admin, user=inspector, kind="area", object_id=d.town_b.pk)
    with pytest.raises(DomainError, match="已拥有"):
        grant_add(actor=admin, user=inspector, kind="area", object_id=d.town_b.pk)
    assert ScopeGrant.objects.count() == 1


def test_an_administrator_of_another_district_cannot_grant_here(d):
    other = registry_services.area_create(
        code="310102", name="另一区", level=AreaLevel.DISTRICT, parent=d.city
    )
    other_admin = make_user(Role.DISTRICT_ADMIN, area=other)
    with pytest.raises(PermissionDenied, match="不在您的管理范围内"):
        grant_add(actor=other_admin, user=d.users[Role.INSPECTOR], kind="area", object_id=other.pk)


def test_school_admin_cannot_move_its_school_out_of_reach(d):
    """The probe's hole: the school's area set to the province above it."""
    user = d.users[Role.SCHOOL_ADMIN]
    province = Area.objects.get(level=AreaLevel.PROVINCE)
    with pytest.raises(PermissionDenied, match="所在"):
        registry_services.school_update(school=d.school_a, actor=user, data={"area": province})
    d.school_a.refresh_from_db()
    assert d.school_a.area == d.town_a
    # Unchanged references pass: the school keeps the area it has.
    registry_services.school_update(
        school=d.school_a, actor=user, data={"area": d.town_a, "address": "新地址"}
    )
    d.school_a.refresh_from_db()
    assert d.school_a.address == "新地址"


def test_references_to_another_town_are_refused_for_a_town_officer(d):
    officer = d.users["town_officer"]
    other = make_school(town=d.town_b, name="乙镇另一小学")
    point = School(name="某教学点", area=d.town_a, is_teaching_point=True, central_school=other)
    with pytest.raises(PermissionDenied, match="所属中心校"):
        ensure_references_writable(officer, point)
    point.central_school = d.school_a
    ensure_references_writable(officer, point)  # inside the town: accepted


def test_grants_page_gives_and_withdraws(d, client):
    from edugov.testing import login

    admin = d.users[Role.DISTRICT_ADMIN]
    inspector = d.users[Role.INSPECTOR]
    login(client, admin)
    page = client.get("/accounts/grants/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "数据范围授权" in text and f"area:{d.town_b.pk}" in text and "乙镇中心小学" in text
    response = client.post("/accounts/grants/", {"user": inspector.pk, "target": f"area:{d.town_b.pk}"})
    assert response.status_code == 302
    grant = ScopeGrant.objects.get(user=inspector)
    assert "乙镇" in client.get("/accounts/grants/").content.decode()
    # A bad target is a Chinese form error, not a 500, and nothing is granted.
    response = client.post("/accounts/grants/", {"user": inspector.pk, "target": "area:999999"})
    assert response.status_code == 200 and ScopeGrant.objects.count() == 1
    assert client.post(f"/accounts/grants/{grant.pk}/remove/").status_code == 302
    assert not ScopeGrant.objects.exists()


@pytest.mark.parametrize("role", [Role.LEADER, Role.SCHOOL_ADMIN, Role.INSPECTOR, Role.TEACHER])
def test_grants_page_is_for_administrators_only(d, client, role):
    from edugov.testing import login

    login(client, d.users[role])
    assert client.get("/accounts/grants/").status_code == 403
    assert client.post("/accounts/grants/", {"user": d.users[role].pk, "target": "area:1"}).status_code == 403
    assert not ScopeGrant.objects.exists()
