"""Warehouse export: partitions, manifest, incremental rewrites, and the tables other apps add."""

from __future__ import annotations

import hashlib
import json

import pyarrow.parquet as pq
import pytest

from edugov.registry.models import SchoolClass, Teacher
from edugov.testing import make_class, make_mini_district, make_school_year
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

    cls = SchoolClass.objects.get(school=d.school_a, school_year=d.year, number=1)
    cls.boys += 1
    cls.save()
    before = manifest(tmp_path)["tables"]["school_class"]["partitions"]
    third = warehouse_export(directory=tmp_path)
    assert third.written == [f"school_class/year={d.year.start_year}/district=310101"]
    after = manifest(tmp_path)["tables"]["school_class"]["partitions"]
    old_key = f"year={older.start_year}/district=310101"
    assert after[old_key] == before[old_key]
    new_key = f"year={d.year.start_year}/district=310101"
    assert after[new_key]["checksum"] != before[new_key]["checksum"]
    assert after[new_key]["rows"] == 3


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
    with pytest.raises(ValueError, match="未登记"):
        warehouse_export(directory=tmp_path, tables=["nope"])


def test_another_app_registers_its_table_with_one_call():
    table = register_table("teacher", Teacher, area="school__area")
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
