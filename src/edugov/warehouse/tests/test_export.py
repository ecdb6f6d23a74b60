"""Warehouse export: partitions, manifest, incremental rewrites, and the tables other apps add."""

from __future__ import annotations

import hashlib
import json
from datetime import date as D
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from django.db.models import F

from edugov.audit.services import audit_update
from edugov.burden.models import Homework
from edugov.registry.models import SchoolClass, Teacher
from edugov.testing import make_class, make_mini_district, make_school_year
from edugov.tutoring import services as tutoring
from edugov.tutoring.models import Complaint
from edugov.tutoring.tests.factories import make_institution, officer
from edugov.warehouse import export
from edugov.warehouse.export import MANIFEST, SCHEMA_VERSION, warehouse_export
from edugov.warehouse.registry import register_table, warehouse_tables

pytestmark = pytest.mark.django_db


def manifest(directory):
    return json.loads((directory / MANIFEST).read_text(encoding="utf-8"))


def test_first_export_writes_every_table_partitioned_with_manifest(tmp_path):
    d = make_mini_district()
    result = warehouse_export(directory=tmp_path)
    m = manifest(tmp_path)
    assert m["schema_version"] == SCHEMA_VERSION and m["exported_at"]
    tables = m["tables"]
    assert {"area", "school", "school_class", "teacher", "teacher_year", "facilities"} <= set(tables)
    # Three classes of the mini district, all in its school year and district 310101.
    classes = tables["school_class"]
    key = f"year={d.year.start_year}/district=310101"
    assert list(classes["partitions"]) == [key]
    assert classes["rows"] == 3 == result.rows["school_class"]
    part = classes["partitions"][key]
    path = tmp_path / part["file"]
    assert path.exists() and part["file"] == f"school_class/{key}/part-0.parquet"
    assert part["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    table = pq.read_table(path)
    assert table.num_rows == 3
    assert table.column_names == [f.column for f in SchoolClass._meta.concrete_fields]
    assert sorted(table.column("boys").to_pylist()) == sorted(
        SchoolClass.objects.values_list("boys", flat=True)
    )
    # Areas are not partitioned; the province and city lie above any district.
    assert tables["area"]["rows"] == 5 and tables["area"]["files"] == ["area/part-0.parquet"]
    # Empty tables still have a file with their columns.
    assert tables["facilities"]["rows"] == 0
    assert pq.read_table(tmp_path / tables["facilities"]["files"][0]).num_rows == 0


def test_second_export_rewrites_only_changed_partitions(tmp_path):
    d = make_mini_district()
    older = make_school_year(start_year=d.year.start_year - 1, current=False)
    make_class(school=d.school_a, year=older, number=1)
    first = warehouse_export(directory=tmp_path)
    assert first.written and not first.unchanged

    again = warehouse_export(directory=tmp_path)
    assert again.written == [] and not again.removed
    assert len(again.unchanged) == len(first.written)
    assert again.bytes_written == 0 and 0 < first.bytes_written <= first.bytes

    cls = SchoolClass.objects.get(school=d.school_a, school_year=d.year, number=1)
    cls.boys += 1
    cls.save()
    audit_update(instance=cls, changes={"boys": (cls.boys - 1, cls.boys)})  # as a service would
    before = manifest(tmp_path)["tables"]["school_class"]["partitions"]
    third = warehouse_export(directory=tmp_path)
    assert third.written == [f"school_class/year={d.year.start_year}/district=310101"]
    after = manifest(tmp_path)["tables"]["school_class"]["partitions"]
    old_key = f"year={older.start_year}/district=310101"
    assert after[old_key] == before[old_key]
    new_key = f"year={d.year.start_year}/district=310101"
    assert after[new_key]["checksum"] != before[new_key]["checksum"]
    assert after[new_key]["rows"] == 3
    assert third.bytes_written == after[new_key]["bytes"]  # one partition's file, nothing else


@pytest.fixture
def two_years(tmp_path, monkeypatch):
    """The mini district with a class in an earlier school year too (two school_class partitions
    in district 310101), exported once; `reads` lists the partitions whose rows are read after."""
    d = make_mini_district()
    older = make_school_year(start_year=d.year.start_year - 1, current=False)
    make_class(school=d.school_a, year=older, number=1)
    warehouse_export(directory=tmp_path)
    reads: list[str] = []
    original = export._partition_queryset

    def spy(table, key, dmap):
        reads.append(f"{table.name}/{key}")
        return original(table, key, dmap)

    monkeypatch.setattr(export, "_partition_queryset", spy)
    now, old = (f"school_class/year={y.start_year}/district=310101" for y in (d.year, older))
    return d, now, old, reads


def test_an_added_row_reads_its_partition_only(tmp_path, two_years):
    d, now, old, reads = two_years
    # Written past the audit trail (bulk, no event): the partition's signature gives it away.
    SchoolClass.objects.bulk_create([SchoolClass(school=d.school_a, school_year=d.year, grade=2, number=9)])
    result = warehouse_export(directory=tmp_path)
    assert reads == result.read == result.written == [now]
    assert old in result.unchanged and result.removed == []
    part = manifest(tmp_path)["tables"]["school_class"]["partitions"][now.split("/", 1)[1]]
    assert part["rows"] == 4 and part["signature"].split(":")[1:3] == [
        "4",
        str(SchoolClass.objects.latest("pk").pk),
    ]
    # Nothing changed since: no partition of any table is read.
    again = warehouse_export(directory=tmp_path)
    assert again.read == again.written == [] and reads == [now]


def test_an_audited_edit_reads_its_district_and_rewrites_what_changed(tmp_path, two_years):
    d, now, old, reads = two_years
    cls = SchoolClass.objects.get(school=d.school_a, school_year=d.year, number=1)
    SchoolClass.objects.filter(pk=cls.pk).update(boys=cls.boys + 2)  # same rows, same keys
    audit_update(instance=cls, changes={"boys": (cls.boys, cls.boys + 2)})
    result = warehouse_export(directory=tmp_path)
    # The edit's district is read in that table only; the older year's rows hash the same.
    assert sorted(reads) == sorted(result.read) == sorted([now, old])
    assert result.written == [now] and old in result.unchanged
    table = pq.read_table(
        tmp_path / manifest(tmp_path)["tables"]["school_class"]["partitions"][now.split("/", 1)[1]]["file"]
    )
    assert cls.boys + 2 in table.column("boys").to_pylist()


def test_an_unaudited_edit_in_place_is_found_by_verify(tmp_path, two_years):
    d, now, _old, reads = two_years
    SchoolClass.objects.filter(school=d.school_a, school_year=d.year, number=1).update(girls=F("girls") + 1)
    assert warehouse_export(directory=tmp_path).written == []  # no event, same signature: not seen
    assert reads == []
    checked = warehouse_export(directory=tmp_path, verify=True)
    assert checked.written == reads == [now]


def test_partition_whose_rows_are_gone_is_removed(tmp_path):
    d = make_mini_district()
    older = make_school_year(start_year=d.year.start_year - 1, current=False)
    old_class = make_class(school=d.school_a, year=older, number=1)
    warehouse_export(directory=tmp_path)
    old_file = tmp_path / f"school_class/year={older.start_year}/district=310101/part-0.parquet"
    assert old_file.exists()
    old_class.delete()
    result = warehouse_export(directory=tmp_path)
    assert result.removed == [f"school_class/year={older.start_year}/district=310101"]
    assert not old_file.exists()
    assert manifest(tmp_path)["tables"]["school_class"]["rows"] == 3


def test_only_named_tables_and_unknown_names(tmp_path):
    make_mini_district()
    result = warehouse_export(directory=tmp_path, tables=["teacher"])
    assert set(result.rows) == {"teacher"}
    assert result.rows["teacher"] == Teacher.objects.count()
    # Teachers are counted, not named: no name, birth date, ID number or phone in the files.
    columns = {c for c, _ in manifest(tmp_path)["tables"]["teacher"]["columns"]}
    assert not columns & {"name", "birth_date", "id_number", "phone"}
    assert {"id", "school_id", "archived_at"} <= columns
    names = set(Teacher.objects.values_list("name", flat=True))
    for f in manifest(tmp_path)["tables"]["teacher"]["files"]:
        assert not names & {str(v) for row in pq.read_table(tmp_path / f).to_pylist() for v in row.values()}
    with pytest.raises(ValueError, match="未登记"):
        warehouse_export(directory=tmp_path, tables=["nope"])


def test_another_app_registers_its_table_with_one_call():
    from edugov.warehouse.tables import TEACHER_PERSONAL

    table = register_table("teacher", Teacher, area="school__area", exclude=TEACHER_PERSONAL)
    assert warehouse_tables()["teacher"] == table
    with pytest.raises(ValueError):
        register_table("teacher", SchoolClass)


def test_command_prints_summary(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    make_mini_district()
    out = StringIO()
    call_command("warehouse", "export", str(tmp_path), stdout=out)
    assert "school_class：3 行" in out.getvalue()


def test_module_tables_by_year_and_district_without_personal_data(tmp_path):
    d = make_mini_district()
    older = make_school_year(start_year=d.year.start_year - 1, current=False)
    for cls, day in ((d.class_a1, D(2025, 9, 1)), (make_class(school=d.school_b, year=older), D(2025, 5, 6))):
        Homework.objects.create(
            school_class=cls,
            date=day,
            subject="数学",
            homework_type="written",
            content="练习",
            estimated_minutes=30,
        )
    px = officer(d)
    inst = make_institution(d, px)
    pupil = {"pupil_name": "李小明", "parent_phone": "13912340000", "lessons": 10, "amount": Decimal("800")}
    for paid_on in (D(2024, 12, 30), D(2025, 1, 2)):
        tutoring.order_create(actor=px, institution=inst, data={**pupil, "paid_on": paid_on})
    Complaint.objects.create(
        institution=inst,
        area=d.town_b,
        topic="退费",
        content="李小明家长反映",
        contact_name="李某",
        contact_phone="13700000000",
        submitted_on=D(2025, 3, 1),
        deadline=D(2025, 4, 1),
        tracking_code="Q7X2",
    )

    warehouse_export(directory=tmp_path)
    tables = manifest(tmp_path)["tables"]
    assert list(tables["homework"]["partitions"]) == [
        f"year={older.start_year}/district=310101",
        f"year={d.year.start_year}/district=310101",
    ]
    orders = tables["tutoring_order"]
    assert list(orders["partitions"]) == ["year=2024/district=310101", "year=2025/district=310101"]
    assert orders["year_of"] == "paid_on (calendar year)" and orders["rows"] == 2
    assert tables["homework"]["year_of"] == "school_year.start_year"
    assert tables["tutoring_institution"]["partition_by"] == ["district"]
    left_out = {
        "tutoring_order": {"pupil_name", "parent_phone"},
        "tutoring_complaint": {"contact_name", "contact_phone", "content", "reply", "tracking_code"},
        "tutoring_institution": {"legal_representative", "contact_phone", "custody_account"},
        "tutoring_statement": {"account"},
    }
    for name, columns in left_out.items():
        assert not columns & {c for c, _ in tables[name]["columns"]}, name
    # Nothing personal anywhere in the files, whatever the column.
    values: set[str] = set()
    for table in tables.values():
        for f in table["files"]:
            for column in pq.read_table(tmp_path / f).to_pylist():
                values.update(str(v) for v in column.values())
    assert not {v for v in values if "李" in v or "139123" in v or "Q7X2" in v}


def test_registration_refuses_unknown_columns_and_two_kinds_of_year():
    with pytest.raises(ValueError, match="no field"):
        register_table("homework_x", Homework, exclude=("pupil",))
    with pytest.raises(ValueError, match="not both"):
        register_table("homework_y", Homework, school_year="school_class__school_year", day="date")
    assert "homework_x" not in warehouse_tables() and "homework_y" not in warehouse_tables()


def test_command_reports_progress_per_table_in_a_log(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    make_mini_district()
    out, err = StringIO(), StringIO()  # not a terminal: one plain line per table, no bar
    call_command("warehouse", "export", str(tmp_path), stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    total = len(warehouse_tables())
    assert lines[0] == f"导出：已完成 0/{total} 张表，正在处理 {sorted(warehouse_tables())[0]}"
    assert lines[-1] == f"导出：已完成 {total}/{total} 张表"
    assert len(lines) == total + 1 and "\r" not in err.getvalue()
    quiet = StringIO()
    call_command("warehouse", "export", str(tmp_path), "--no-progress", stdout=out, stderr=quiet)
    assert quiet.getvalue() == ""
