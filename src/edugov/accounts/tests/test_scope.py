"""The one scoping point: each role sees its own rows and nothing of the other town."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from edugov.accounts.models import Role
from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import ensure_in_scope, scoped
from edugov.common.errors import PermissionDenied
from edugov.registry.models import Area, School, SchoolClass, Teacher
from edugov.testing import make_mini_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def d():
    return make_mini_district()


def names(qs):
    return sorted(str(x) for x in qs)


def test_district_roles_see_whole_district(d):
    for role in (Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.LEADER):
        user = d.users[role]
        assert set(scoped(School, user)) == {d.school_a, d.school_b, d.point_a}
        assert scoped(SchoolClass, user).count() == 3


def test_town_officer_and_inspector_see_only_their_town(d):
    for key in ("town_officer", Role.INSPECTOR):
        user = d.users[key]
        assert set(scoped(School, user)) == {d.school_a, d.point_a}
        assert set(scoped(SchoolClass, user)) == {d.class_a1, d.class_a2}
        assert list(scoped(Area, user)) == [d.town_a]


def test_school_admin_sees_own_school_and_its_teaching_points(d):
    user = d.users[Role.SCHOOL_ADMIN]
    assert set(scoped(School, user)) == {d.school_a, d.point_a}
    assert set(scoped(SchoolClass, user)) == {d.class_a1, d.class_a2}
    # Areas above the school for navigation, not the sibling town.
    assert d.town_b not in set(scoped(Area, user))
    assert d.town_a in set(scoped(Area, user))


def test_teacher_sees_only_own_classes_and_record(d):
    user = d.users[Role.TEACHER]
    assert list(scoped(SchoolClass, user)) == [d.class_a1]
    assert list(scoped(Teacher, user)) == [d.teacher_a]
    assert list(scoped(School, user)) == [d.school_a]


def test_institution_operator_sees_no_registry_rows(d):
    user = d.users[Role.INSTITUTION_OPERATOR]
    for model in (School, SchoolClass, Teacher, Area):
        assert scoped(model, user).count() == 0


def test_anonymous_sees_nothing(d):
    from django.contrib.auth.models import AnonymousUser

    assert scoped(School, AnonymousUser()).count() == 0
    assert scoped(School, None).count() == 0


def test_out_of_scope_object_is_refused(d):
    with pytest.raises(PermissionDenied):
        ensure_in_scope(d.school_b, d.users[Role.SCHOOL_ADMIN])
    ensure_in_scope(d.school_a, d.users[Role.SCHOOL_ADMIN])


def test_leader_is_read_only(d):
    with pytest.raises(PermissionDenied) as exc:
        ensure_can(d.users[Role.LEADER], "registry.school_edit", d.school_a)
    assert "只读" in exc.value.message


def test_unregistered_model_fails_closed(d):
    # Term declares no scope rule (nobody reads terms through a scoped list): refused, not shown whole.
    from edugov.registry.models import Term

    with pytest.raises(ImproperlyConfigured):
        scoped(Term, d.users[Role.DISTRICT_ADMIN])
