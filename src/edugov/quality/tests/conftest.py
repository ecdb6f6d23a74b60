"""Quality tests run on the mini district (edugov.testing) with assessments imported through the
import kinds."""

from __future__ import annotations

import pytest

from edugov.accounts.models import Role
from edugov.testing import make_mini_district

from .rows import build_pair


@pytest.fixture
def district(db):
    return make_mini_district()


@pytest.fixture
def paired(district, tmp_path):
    """The mini district with two tests of the same pupils (school B adds 6 points)."""
    build_pair(district, tmp_path, district.users[Role.DISTRICT_ADMIN], boost={district.school_b.code: 6.0})
    return district
