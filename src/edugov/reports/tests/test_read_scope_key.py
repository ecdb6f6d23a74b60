"""One reader scope for every cache: `reports.cache.read_scope_key` is what burden's compliance
pages and the report files are keyed on, so both mean the same rows by the same words."""

from __future__ import annotations

import importlib

import pytest
from django.contrib.auth.models import AnonymousUser

from edugov.accounts.models import Department, Role
from edugov.reports.cache import read_actions, read_scope_key, reader_key
from edugov.reports.readers import Reader
from edugov.testing import make_mini_district, make_user

pytestmark = pytest.mark.django_db


def test_burden_keys_its_pages_on_the_reports_reader() -> None:
    # the module, not the function of the same name that burden.selectors re-exports
    page_module = importlib.import_module("edugov.burden.selectors.compliance_page")
    assert page_module.Reader is Reader


def test_the_rows_part_of_the_key() -> None:
    md = make_mini_district()
    officer = make_user(Role.DEPARTMENT_OFFICER, area=md.district, department=Department.BASIC_EDUCATION)
    town = make_user(Role.DEPARTMENT_OFFICER, area=md.town_a, department=Department.BASIC_EDUCATION)
    # The anchor kind and its id, nothing of the person or the role.
    assert read_scope_key(officer) == f"area={md.district.pk}"
    assert read_scope_key(town) == f"area={md.town_a.pk}"
    # a cached page's reader: the rows alone, or the rows and one module's read actions
    assert repr(Reader(officer)) == f"Reader(area={md.district.pk})"
    assert Reader(town, "burden").scope == reader_key(town, "burden") != Reader(town).scope
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
