"""The resources policy as a role x action matrix generated from its declaration: every action is
called through its entry point (selector, page, importer check) as every identity of the mini
district; what the declaration allows passes the permission check and the rest is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.accounts.policy import can
from edugov.common.errors import DomainError, PermissionDenied
from edugov.ingest.services import check_can_import
from edugov.resources import selectors
from edugov.resources.permissions import POLICY
from edugov.resources.tests.test_balanced import district  # noqa: F401  (the shared fixture)
from edugov.testing import MINI_DISTRICT_USERS, login, policy_expects

pytestmark = pytest.mark.django_db


class Refused(Exception):
    """A page's 403."""


def _page(url_name: str, query: str) -> Callable[[Any, Any], Any]:
    def call(d: Any, user: Any) -> None:
        response = login(Client(), user).get(reverse(url_name) + query)
        if response.status_code == 403:
            raise Refused(response.content.decode()[:200])
        assert response.status_code == 200

    return call


def _import(kind: str) -> Callable[[Any, Any], Any]:
    def call(d: Any, user: Any) -> None:
        check_can_import(kind=kind, user=user)

    return call


def _school_card(d: Any, user: Any) -> None:
    selectors.school_card(user=user, school_id=d.school_a.pk, school_year=d.year)


def _kindergarten_card(d: Any, user: Any) -> None:
    selectors.kindergarten_card(user=user, school_id=d.school_a.pk, school_year=d.year)


# Each action: its entry point, the row it acts on, and the actions that entry point serves (a
# card is open to the bureau's roles and to the school's own administrator).
ENTRY: dict[str, tuple[Callable[[Any, Any], Any], Callable[[Any], Any], tuple[str, ...]]] = {
    "view": (
        lambda d, user: selectors.balanced_page(user=user, school_year=d.year, area=d.district),
        lambda d: None,
        ("view",),
    ),
    "whatif": (
        lambda d, user: selectors.what_if(user=user, school_year=d.year, area=d.district, adjustments=[]),
        lambda d: None,
        ("whatif",),
    ),
    "export": (_page("resources:export", "?fmt=xlsx&year=2025"), lambda d: None, ("export",)),
    "school_card": (_school_card, lambda d: d.school_a, ("school_card", "own_school_card")),
    "own_school_card": (_school_card, lambda d: d.school_a, ("school_card", "own_school_card")),
    "preschool_view": (
        lambda d, user: selectors.preschool_page(user=user, school_year=d.year, area=d.district),
        lambda d: None,
        ("preschool_view",),
    ),
    "preschool_export": (
        _page("resources:preschool_export", "?fmt=xlsx&year=2025"),
        lambda d: None,
        ("preschool_export",),
    ),
    "kindergarten_card": (
        _kindergarten_card,
        lambda d: d.school_a,
        ("kindergarten_card", "own_kindergarten_card"),
    ),
    "own_kindergarten_card": (
        _kindergarten_card,
        lambda d: d.school_a,
        ("kindergarten_card", "own_kindergarten_card"),
    ),
    "import_facilities": (_import("facilities"), lambda d: None, ("import_facilities",)),
    "import_teacher_years": (_import("teacher_years"), lambda d: None, ("import_teacher_years",)),
    "import_preschool_population": (
        _import("preschool_population"),
        lambda d: None,
        ("import_preschool_population",),
    ),
    "import_inclusive_kindergartens": (
        _import("inclusive_kindergartens"),
        lambda d: None,
        ("import_inclusive_kindergartens",),
    ),
}


def test_every_declared_action_has_an_entry_point():
    assert set(ENTRY) == set(POLICY.rules)


@pytest.mark.parametrize("key", MINI_DISTRICT_USERS)
@pytest.mark.parametrize("name", list(POLICY.rules))
def test_role_action_matrix(district, name, key):  # noqa: F811
    d = district
    user = d.users[key]
    call, target, served = ENTRY[name]
    row = target(d)
    assert can(user, f"resources.{name}", row) == policy_expects(user, f"resources.{name}", row)
    expected = any(policy_expects(user, f"resources.{a}", row) for a in served)
    if expected:
        try:
            call(d, user)
        except PermissionDenied:
            raise
        except DomainError:
            pass  # past the permission check (not a kindergarten, say)
    else:
        with pytest.raises((PermissionDenied, Refused)):
            call(d, user)


def test_school_admin_sees_no_other_card(district):  # noqa: F811
    admin = district.users[Role.SCHOOL_ADMIN]
    for school in (district.school_b, district.point_a):
        with pytest.raises(PermissionDenied) as exc:
            selectors.school_card(user=admin, school_id=school.pk, school_year=district.year)
        assert exc.value.message == "学校管理员只能查看本校的评估卡片"


def test_school_admin_imports_only_within_its_write_scope(district):  # noqa: F811
    from edugov.resources.importers import FacilitiesImport

    spec = FacilitiesImport(district.users[Role.SCHOOL_ADMIN])
    spec.prepare()
    assert spec.writable == {district.school_a.pk, district.point_a.pk}


@pytest.mark.parametrize(("key", "linked"), [(Role.SCHOOL_ADMIN, False), (Role.DISTRICT_ADMIN, True)])
def test_card_links_the_district_page_only_for_who_may_open_it(district, key, linked):  # noqa: F811
    client = login(Client(), district.users[key])
    body = client.get(reverse("resources:school_card", args=[district.school_a.pk])).content.decode()
    assert (f'href="{reverse("resources:balanced")}?year=' in body) == linked
