"""A question asked on the operational database (`Workspace.query`) is built once per process and
arguments: asked again, its kept SQL runs on the rows of the moment, with no expression built."""

from __future__ import annotations

import pytest

from edugov.indicators.backends import Workspace, database_engine
from edugov.registry.models import School
from edugov.testing import make_mini_district, make_school

pytestmark = pytest.mark.django_db

built: list[str] = []


def schools_of_kind(ws: Workspace, *, kind: str) -> object:
    built.append(kind)
    t = ws.table("schools")
    return t.filter((t.school_type == kind) & t.name.startswith("问")).select("id", "name").order_by("id")


def test_a_question_is_built_once_and_reads_the_rows_of_the_moment():
    built.clear()
    town = make_mini_district().town_a
    ws = Workspace(database_engine(), {"schools": School})
    first = make_school(town=town, name="问一小", school_type="primary")
    asked = ws.query(schools_of_kind, kind="primary")
    assert asked.to_dict("records") == [{"id": first.pk, "name": "问一小"}]
    second = make_school(town=town, name="问二小", school_type="primary")
    make_school(town=town, name="问一中", school_type="junior")
    # a new workspace, the same question: the kept SQL, over the rows as they are now
    again = Workspace(database_engine(), {"schools": School}).query(schools_of_kind, kind="primary")
    assert list(again["name"]) == ["问一小", "问二小"] and list(again["id"]) == [first.pk, second.pk]
    assert built == ["primary"]
    # other arguments are another question
    assert list(ws.query(schools_of_kind, kind="junior")["name"]) == ["问一中"]
    assert built == ["primary", "junior"]
    # the kept SQL gives what building and executing the expression gives
    fresh = ws.execute(schools_of_kind(ws, kind="primary"))
    assert fresh.to_dict("records") == again.to_dict("records")
