"""A mini district with one basic-education officer and a group set up through the service: school
A leads, town B's school and a third primary school (town B, rural) are members; school A's
administrator is the group head (a `group` grant)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from edugov.accounts.models import Role, User
from edugov.accounts.services import grant_add
from edugov.groups import services
from edugov.groups.models import SchoolGroup
from edugov.registry.models import School
from edugov.testing import MiniDistrict, make_mini_district, make_school, make_user

START = dt.date(2025, 9, 1)


@dataclass
class World:
    md: MiniDistrict
    officer: User
    school_c: School
    group: SchoolGroup
    head: User
    member_admin: User

    @property
    def users(self) -> dict[str, User]:
        return {**self.md.users, "member_admin": self.member_admin}


@pytest.fixture
def world(db) -> World:
    md = make_mini_district()
    officer = md.users[Role.DEPARTMENT_OFFICER]
    school_c = make_school(town=md.town_b, name="乙镇丙村小学", urban_rural_code="220")
    group = services.group_create(
        actor=officer,
        name="甲街道第一小学教育集团",
        kind="close",
        lead_school=md.school_a,
        members=[md.school_b, school_c],
        start_date=START,
    )
    head = md.users[Role.SCHOOL_ADMIN]
    # through the grant page's service, as a district administrator gives it
    grant_add(actor=md.users[Role.DISTRICT_ADMIN], user=head, kind="group", object_id=group.pk)
    member_admin = make_user(Role.SCHOOL_ADMIN, username="school_c_admin", school=school_c)
    return World(md, officer, school_c, group, head, member_admin)
