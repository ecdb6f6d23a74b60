"""The scope walk (tests/test_scope_walk.py) over the routes of resources and balanced development (a
part of its own): one file per part of the walk so that `--dist loadfile` spreads it over the workers."""

from __future__ import annotations

import pytest

from tests import test_scope_walk as walk

pytestmark = pytest.mark.django_db


def test_scope_walk_no_leaks():
    walk.walk_no_leaks(walk.PARTS["resources"])
