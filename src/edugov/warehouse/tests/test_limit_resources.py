"""The limit line of 优质均衡 and 普及普惠 gives edugov's numbers over a tiny warehouse (the hand-worked
districts of resources' tests), with figures checked by hand; and the warehouse workspace asks
a known question again without building it, until the warehouse is exported anew."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from edugov.indicators import warehouse_duckdb
from edugov.indicators.backends import Workspace, use_warehouse
from edugov.indicators.warehouse_duckdb import question_key
from edugov.registry.models import School, SchoolClass, Teacher
from edugov.resources import evaluation, preschool
from edugov.resources.indicators import PRESCHOOL_TABLES, WORKSPACE_TABLES
from edugov.resources.models import TeacherYearRecord
from edugov.resources.tests.test_balanced import district  # noqa: F401
from edugov.resources.tests.test_preschool import pre  # noqa: F401
from edugov.testing import make_school
from edugov.warehouse import limit
from edugov.warehouse.export import warehouse_export

pytestmark = pytest.mark.django_db


def _asked(call):
    """Every (builder, arguments) a module's evaluation gives `Workspace.query` or `query_arrow`."""
    asked = {}
    originals = {name: getattr(Workspace, name) for name in ("query", "query_arrow")}

    def spy(original):
        def asking(self, builder, /, **params):
            asked[builder.__qualname__] = (builder, params)
            return original(self, builder, **params)

        return asking

    for name, original in originals.items():
        setattr(Workspace, name, spy(original))
    try:
        call()
    finally:
        for name, original in originals.items():
            setattr(Workspace, name, original)
    return asked


def _compare(module, tables, warehouse, asked, parts):
    frames = {}
    for part, name in parts.items():
        builder, params = asked[name]
        ours = Workspace.from_warehouse("duckdb", warehouse, tables).query(builder, **params)
        theirs, _ = limit.limit_frame(dict(limit.limit_parts(module, warehouse, **params))[part])
        rows, differ = limit.same_frames(f"{module}.{part}", ours, theirs)
        assert differ == [] and rows == len(theirs) > 0
        frames[part] = theirs
    return frames


def test_balanced_limit_sql_equals_the_evaluation(district, tmp_path):  # noqa: F811
    # A teacher of the nine-year school's stage without classes (senior): in its guarantee facts,
    # not in its units; the teaching point's teacher: in the facts, though the point is not counted.
    extra_teachers: tuple[tuple[School, str, dict[str, bool]], ...] = (
        (district.nine, "senior", {}),
        (district.point_a, "primary", {"rotated": True}),
    )
    for school, stage, extra in extra_teachers:
        teacher = Teacher.objects.create(school=school, staff_number=f"x{stage}", name="教师", sex="F")
        TeacherYearRecord.objects.create(
            teacher=teacher, school_year=district.year, stage=stage, qualification="bachelor",
            has_certificate=False, training_hours=Decimal("80"), **extra,
        )  # fmt: skip
    warehouse_export(directory=tmp_path)
    with use_warehouse(tmp_path):
        asked = _asked(
            lambda: evaluation.evaluate_balanced(
                school_year=district.year, area=district.district, engine="duckdb"
            )
        )
    parts = {"units": "_unit_values", "cvs": "_cvs", "facts": "_facts"}
    frames = _compare("balanced", WORKSPACE_TABLES, tmp_path, asked, parts)
    facts = {int(r["school_id"]): r for r in frames["facts"].to_dict("records")}
    # Every counted school with primary or junior classes, the teaching point included.
    assert sorted(facts) == sorted(
        s.pk for s in (district.school_a, district.p2, district.school_b, district.nine, district.point_a)
    )
    nine = facts[district.nine.pk]
    # 10 classes of 50: the six primary ones over 45, the junior ones at their limit of 50; 27
    # teachers of primary and junior and the senior one, who alone has no certificate and is
    # trained (80 hours of 72); no facilities' rooms reported.
    assert (nine["compulsory_students"], nine["compulsory_classes"], nine["max_class_size"]) == (500, 10, 50)
    assert (nine["classes_over"], nine["teachers"], nine["certified"], nine["trained"]) == (6, 28, 27, 1)
    point = facts[district.point_a.pk]
    assert (point["compulsory_students"], point["teachers"], point["rotated"], point["has_facilities"]) == (
        30, 1, 1, 0
    )  # fmt: skip
    units = {(int(r["school_id"]), r["stage"]): r for r in frames["units"].to_dict("records")}
    # Five units: three primaries and the nine-year school's two parts; the 30-pupil teaching point
    # and the special-education school are not counted.
    assert sorted(units) == sorted(
        [(district.school_a.pk, "primary"), (district.p2.pk, "primary"), (district.school_b.pk, "primary"),
         (district.nine.pk, "primary"), (district.nine.pk, "junior")]
    )  # fmt: skip
    a = units[(district.school_a.pk, "primary")]
    assert (a["students"], a["balanced.R1"], a["balanced.R4"]) == (400, 18 * 100 / 400, 2000 / 400)
    # The nine-year school's 2,500 m² apportioned by pupils: 300 of 500 in primary.
    n = units[(district.nine.pk, "primary")]
    assert (n["students"], n["teaching_aux_area"]) == (300, pytest.approx(1500.0))
    cvs = {(r.stage, r.indicator): r for r in frames["cvs"].itertuples()}
    junior = cvs[("junior", "balanced.R4")]
    assert (junior.schools, junior.cv, junior.mean) == (1, 0.0, pytest.approx(1000 / 200))
    # R4 of the primaries by hand: X̄ = ΣA/ΣP, CV = √(Σ(P/ΣP)(A/P − X̄)²)/X̄.
    aux = {400: 2000, 200: 800, 100: 300, 300: 1500}
    xbar = sum(aux.values()) / sum(aux)
    cv = math.sqrt(sum(p / sum(aux) * (a / p - xbar) ** 2 for p, a in aux.items())) / xbar
    assert cvs[("primary", "balanced.R4")].cv == pytest.approx(cv, rel=1e-12)


def test_preschool_limit_sql_equals_the_evaluation(pre, tmp_path):  # noqa: F811
    warehouse_export(directory=tmp_path)
    with use_warehouse(tmp_path):
        asked = _asked(
            lambda: preschool.evaluate_preschool(school_year=pre.year, area=pre.district, engine="duckdb")
        )
    frames = _compare(
        "preschool", PRESCHOOL_TABLES, tmp_path, asked, {"units": "_kindergartens", "towns": "_towns"}
    )
    kg = {int(r.school_id): r for r in frames["units"].itertuples()}
    k1, k3, k4 = kg[pre.k1.pk], kg[pre.k3.pk], kg[pre.k4.pk]
    # K1: 25 + 32 + 35 children, the middle class over 30; six full-time teachers, all certified.
    assert (k1.children, k1.classes, k1.classes_over, k1.over_middle, k1.max_class_size) == (92, 3, 1, 1, 35)
    assert (k1.is_public, k1.is_inclusive, k1.fulltime_teachers, k1.certified_teachers) == (1, 1, 6, 6)
    # K3: a large class of 40 (over 35) and a mixed one of 30 (at its limit); not inclusive.
    assert (k3.classes_large, k3.classes_mixed, k3.classes_over, k3.is_inclusive) == (1, 1, 1, 0)
    assert (k4.children, k4.classes, k4.has_record, k4.teachers) == (0, 0, 0, 0)
    towns = {int(r.town_id): r for r in frames["towns"].itertuples()}
    assert (towns[pre.town_a.pk].kindergartens, towns[pre.town_a.pk].children) == (2, 140)
    assert (towns[pre.town_b.pk].population, towns[pre.town_b.pk].has_population) == (100, 1)


def test_a_known_question_is_not_built_again_until_the_warehouse_changes(district, tmp_path):  # noqa: F811
    warehouse_export(directory=tmp_path)
    built = []

    def schools(ws, *, school_type):
        built.append(school_type)
        t = ws.table("school")
        return t.filter(t.school_type == school_type).select("id")

    def ask():
        return Workspace.from_warehouse("duckdb", tmp_path, WORKSPACE_TABLES).query(
            schools, school_type="primary"
        )

    first, second = ask(), ask()
    assert built == ["primary"] and sorted(first.id) == sorted(second.id)
    assert sorted(first.id) == sorted(
        School.objects.filter(school_type="primary").values_list("pk", flat=True)
    )
    # Another question is built; a new export (a new manifest) builds the question again.
    Workspace.from_warehouse("duckdb", tmp_path, WORKSPACE_TABLES).query(schools, school_type="junior")
    make_school(town=district.town_a, name="甲街道第三小学")
    warehouse_export(directory=tmp_path)
    third = ask()
    assert built == ["primary", "junior", "primary"] and len(third) == len(first) + 1


def _class_pupils(ws, *, school_year_id):
    c = ws.table("school_class", school_year_id=school_year_id)
    c = c.filter(c.archived_at.isnull())
    return c.select("school_id", pupils=(c.boys + c.girls).cast("int64"))


def _pupils(ws, *, school_year_id):
    classes = ws.shared(_class_pupils, school_year_id=school_year_id)
    return classes.aggregate(pupils=classes.pupils.sum())


def test_a_question_is_prepared_once_and_reads_its_shared_table_made_again(district, tmp_path, monkeypatch):  # noqa: F811
    warehouse_export(directory=tmp_path)
    year = {"school_year_id": district.year.pk}

    def ask():
        ws = Workspace.from_warehouse("duckdb", tmp_path, WORKSPACE_TABLES)
        return ws._duck, int(ws.query(_pupils, **year).pupils[0])

    state, first = ask()
    classes = SchoolClass.objects.filter(school_year=district.year, archived_at=None)
    assert first == sum(c.boys + c.girls for c in classes) > 0
    assert len(state.prepared) == 1
    # Another evaluation would make the shared table again; made with other rows, the prepared
    # question reads those rows, not the ones it was planned over.
    shared = state.shared_name(question_key(_class_pupils, year))
    state.con.execute(f'CREATE OR REPLACE TEMPORARY TABLE "{shared}" AS SELECT 1 AS school_id, 7 AS pupils')
    sql = state.known(question_key(_pupils, year))[0]
    assert state.run(sql).column("pupils").to_pylist() == [7]
    again_state, again = ask()  # a new workspace makes the table from the files again
    assert again_state is state and again == first and len(state.prepared) == 1
    # A question that scans the files runs as it is; past the bound the statements are let go.
    Workspace.from_warehouse("duckdb", tmp_path, WORKSPACE_TABLES).query(_class_pupils, **year)
    assert len(state.prepared) == 1
    monkeypatch.setattr(warehouse_duckdb, "PREPARED_MAX", 1)
    other = {"school_year_id": district.year.pk + 1000}  # no such year: no rows
    ws = Workspace.from_warehouse("duckdb", tmp_path, WORKSPACE_TABLES)
    assert ws.query(_pupils, **other).pupils.isna().all()
    assert list(state.prepared) == [state.known(question_key(_pupils, other))[0]]
    assert ask()[1] == first


def test_a_known_question_runs_in_a_fresh_process_without_ibis_duckdb(district, tmp_path, monkeypatch):  # noqa: F811
    """The SQL kept beside the manifest serves a later process (here: the thread's state dropped)
    without building the question or making Ibis's DuckDB backend; the 优质均衡 unit table is
    computed once for the evaluation's four questions and read by each."""
    from edugov.indicators import backends, warehouse_duckdb

    warehouse_export(directory=tmp_path)
    with use_warehouse(tmp_path):
        first = evaluation.evaluate_balanced(
            school_year=district.year, area=district.district, engine="duckdb"
        )
    stored = list((tmp_path / warehouse_duckdb.SQL_DIR).glob("*/*.json"))
    # Five questions (the guarantee facts among them) and the school·stage table they share: one
    # file each.
    assert len(stored) == 6
    warehouse_duckdb._LOCAL.__dict__.clear()  # as a fresh process: no connection, views or SQL in memory
    made = []
    original = warehouse_duckdb._warehouse_duckdb_class

    def refuse():
        made.append("ibis")
        return original()

    monkeypatch.setattr(warehouse_duckdb, "_warehouse_duckdb_class", refuse)
    shared = []
    original_make = backends.Workspace._make

    def make(self, duck, key, sql):
        shared.append(key)
        return original_make(self, duck, key, sql)

    monkeypatch.setattr(backends.Workspace, "_make", make)
    with use_warehouse(tmp_path):
        again = evaluation.evaluate_balanced(
            school_year=district.year, area=district.district, engine="duckdb"
        )
    assert made == [] and len(shared) == 1 and "school_stages" in shared[0]
    assert [(s.school_id, s.stage, [r.value for r in s.indicators]) for s in again.schools] == [
        (s.school_id, s.stage, [r.value for r in s.indicators]) for s in first.schools
    ]
    assert [(c.stage, c.code, c.cv) for c in again.cvs] == [(c.stage, c.code, c.cv) for c in first.cvs]
    assert [(t.area_name, t.values) for t in again.towns] == [(t.area_name, t.values) for t in first.towns]
    # A new export (a new manifest): the earlier manifest's SQL is removed when the new one's is kept.
    make_school(town=district.town_a, name="甲街道第三小学")
    warehouse_export(directory=tmp_path)
    warehouse_duckdb._LOCAL.__dict__.clear()
    monkeypatch.setattr(warehouse_duckdb, "_warehouse_duckdb_class", original)
    with use_warehouse(tmp_path):
        evaluation.evaluate_balanced(school_year=district.year, area=district.district, engine="duckdb")
    assert len(list((tmp_path / warehouse_duckdb.SQL_DIR).iterdir())) == 1
    assert not any(p.exists() for p in stored)


def test_a_kindergarten_retyped_after_the_export_keeps_its_row(pre, tmp_path):  # noqa: F811
    """The evaluation reads the area's kindergartens by type, and by id those of the engine's rows
    (a snapshot) that are of another type now: a kindergarten the database has since made a
    primary school keeps its row, its name and its figures."""
    warehouse_export(directory=tmp_path)
    with use_warehouse(tmp_path):
        before = preschool.evaluate_preschool(school_year=pre.year, area=pre.district, engine="duckdb")
    School.objects.filter(pk=pre.k1.pk).update(school_type="primary")
    with use_warehouse(tmp_path):
        after = preschool.evaluate_preschool(school_year=pre.year, area=pre.district, engine="duckdb")
    k1 = [k for k in after.kindergartens if k.school_id == pre.k1.pk]
    assert [(k.school_name, k.children, k.classes_over) for k in k1] == [("甲街道第一幼儿园", 92, 1)]
    assert after.kindergartens == before.kindergartens
