"""The scope walk (tests/test_scope_walk.py) over the routes of school safety, school groups, party
leadership status and school appraisal: one file per part of the walk so that `--dist loadfile` spreads
it over the workers."""

from __future__ import annotations

import pytest

from tests import test_scope_walk as walk

pytestmark = pytest.mark.django_db


def test_scope_walk_no_leaks():
    walk.walk_no_leaks(walk.PARTS["safety_groups_party_appraisal"])
