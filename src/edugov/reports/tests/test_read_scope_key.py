"""One reader scope for every cache: `reports.cache.read_scope_key` is what burden's compliance
pages and the report files are keyed on, so both mean the same rows by the same words."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from edugov.accounts.models import Department, Role
from edugov.burden import selectors as burden_selectors
from edugov.reports.cache import read_actions, read_scope_key, reader_key
from edugov.testing import make_mini_district, make_user

pytestmark = pytest.mark.django_db


def test_burden_keys_its_pages_on_the_reports_function() -> None:
    assert burden_selectors.read_scope_key is read_scope_key


def test_the_rows_part_of_the_key() -> None:
    md = make_mini_district()
    officer = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department=Department.BASIC_EDUCATION)
    town = make_user(Role.DEPARTMENT_OFFICER, area=md.town_a, department=Department.BASIC_EDUCATION)
    # The anchor kind and its id, nothing of the person or the role.
    assert read_scope_key(officer) == f"area={md.district.pk}"
    assert read_scope_key(town) == f"area={md.town_a.pk}"
    # What scope_q refuses reads nothing; the report files' system renderer (no actor) reads all.
    assert read_scope_key(None) == "nothing"
    assert read_scope_key(AnonymousUser()) == "nothing"
    officer.is_active = False
    assert read_scope_key(officer) == "nothing"
    assert reader_key(officer) == "nothing|" + ",".join(read_actions(officer))
    assert reader_key(None) == "system|system"
    officer.is_active, officer.is_superuser = True, True
    assert read_scope_key(officer) == "all"
    assert reader_key(officer, "burden").startswith("all|")
