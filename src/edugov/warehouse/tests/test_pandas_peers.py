"""The bench's plain-pandas peers of 优质均衡 and 普及普惠 (bench.pandas_peer_balanced,
bench.pandas_peer_preschool) give edugov's figures over a tiny warehouse (resources' hand-worked
districts), so the province bench compares like with like; a few figures by hand."""

from __future__ import annotations

import importlib
import json

import pytest

from edugov.indicators.backends import use_warehouse
from edugov.resources import evaluation, preschool
from edugov.resources.models import PreschoolPopulation
from edugov.resources.tests.test_balanced import district  # noqa: F401
from edugov.resources.tests.test_preschool import pre  # noqa: F401
from edugov.standards.loader import library
from edugov.warehouse.export import warehouse_export

pytestmark = pytest.mark.django_db

# The bench lies outside the package mypy checks (scripts, typed loosely): imported by name.
pandas_peer_balanced = importlib.import_module("bench.pandas_peer_balanced")
pandas_peer_preschool = importlib.import_module("bench.pandas_peer_preschool")
province = importlib.import_module("bench.province")


def _same(tmp_path, ours, theirs):
    (tmp_path / "ours.json").write_text(json.dumps(ours, default=str), encoding="utf-8")
    (tmp_path / "peer.json").write_text(json.dumps(theirs, default=str), encoding="utf-8")
    return province.same_as_peer(tmp_path / "ours.json", tmp_path / "peer.json")


def test_preschool_peer_gives_the_evaluations_figures(pre, tmp_path):  # noqa: F811
    PreschoolPopulation.objects.filter(area=pre.town_b).delete()  # a town without population data
    wh = tmp_path / "wh"
    warehouse_export(directory=wh)
    with use_warehouse(wh):
        ev = preschool.evaluate_preschool(school_year=pre.year, area=pre.district, engine="duckdb")
    limits, size = pandas_peer_preschool.class_limits_of(
        library(), area_path=pre.district.path, year=pre.year.start_year
    )
    theirs = pandas_peer_preschool.evaluate(
        wh, school_year_id=pre.year.pk, area_path=pre.district.path, class_limits=limits, size_limit=size
    )
    ours, _ = province._preschool_digest(ev)
    keys, differ = _same(tmp_path, ours, theirs)
    assert differ == [] and keys == len(ours)
    # K1: 25 + 32 + 35 children in 3 classes, the middle one over 30; 6 full-time teachers, all
    # certified: P4 = 2/3, P5 = 92/6, P6 = 1.
    k1 = theirs[f"kg|{pre.k1.pk}"]
    assert k1[:7] == [92, 3, 1, 35, 7, 6, 6]
    assert k1[8] == [[round(2 / 3, 9), 2.0, 3.0], [round(92 / 6, 9), 92.0, 6.0], [1.0, 6.0, 6.0]]
    # Town B supplied no population: no gross enrolment there, and the district's counts town A only.
    assert theirs[f"town|{pre.town_b.pk}"][2] is None
    assert theirs[f"town|{pre.town_b.pk}"][3][0][0] is None
    assert theirs["district|preschool.P1"][0][1:] == [140.0, 160.0]


def test_balanced_peer_gives_the_evaluations_figures(district, tmp_path):  # noqa: F811
    wh = tmp_path / "wh"
    warehouse_export(directory=wh)
    with use_warehouse(wh):
        ev = evaluation.evaluate_balanced(school_year=district.year, area=district.district, engine="duckdb")
    rules, min_points = pandas_peer_balanced.rules_of(
        library(), area_path=district.district.path, year=district.year.start_year
    )
    theirs = pandas_peer_balanced.evaluate(
        wh,
        school_year_id=district.year.pk,
        area_path=district.district.path,
        rules=rules,
        min_points=min_points,
    )
    ours, _ = province._balanced_digest(ev)
    keys, differ = _same(tmp_path, ours, theirs)
    # Five units' values and verdicts, two stages × seven CVs, the six guarantee items, and the
    # towns, the district and the findings as the evaluation has them.
    assert differ == [] and keys == len(ours)
    assert sum(k.startswith(("unit|", "verdict|")) for k in theirs) == 10
    assert sum(k.startswith(("cv|", "guarantee|")) for k in theirs) == 14 + 6
    # School A's primary part: 18 teachers above the qualification for 400 pupils, 2,000 m²; it
    # meets all seven.
    a = theirs[f"unit|{district.school_a.pk}|primary"]
    assert (a[0], a[3]) == (18 * 100 / 400, 2000 / 400)
    assert theirs[f"verdict|{district.school_a.pk}|primary"] == [True, 7]
    # Classes over the limit: P3's two of 50 and the nine-year school's six primary ones of 50 (45
    # allowed); its junior ones of 50 are at the limit. Five schools checked, the teaching point too.
    checked, failing, failures = theirs["guarantee|balanced.G5.class_size"]
    assert (checked, failing, failures) == (5, sorted([district.school_b.pk, district.nine.pk]), 2)
