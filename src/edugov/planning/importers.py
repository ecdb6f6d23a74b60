"""Import kinds of planning, run by the ingest engine: each town's population, births and net
migration by year (health and public-security figures), new housing developments, schools'
ordinary classrooms by stage, and private schools' yearly figures. Towns are named by their area
code and must lie in the uploader's area; schools must be in the uploader's write scope."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from edugov.ingest.spec import Column, ImportSpec, RowError, register
from edugov.registry.importers import SchoolLookup, school_code_column
from edugov.registry.models import Area, AreaLevel, School

from .models import HousingDevelopment, PrivateSchoolYear, SchoolCapacity, TownYear


class TownLookup(ImportSpec):
    """The town code resolves to a town (乡镇街道) inside the uploader's area."""

    def prepare(self) -> None:
        self.towns = {
            code: (pk, level, path)
            for pk, code, level, path in Area.objects.values_list("pk", "code", "level", "path")
        }
        self.root = (
            ""
            if self.user is None or self.user.is_superuser
            else (self.user.area.path if self.user.area else "-")
        )

    def town(self, code: str) -> int:
        found = self.towns.get(code)
        if found is None:
            raise RowError("town_code", f"区划代码{code}在系统中不存在")
        pk, level, path = found
        if level != AreaLevel.TOWN:
            raise RowError("town_code", f"区划代码{code}不是乡镇（街道）")
        if not path.startswith(self.root):
            raise RowError("town_code", f"无权导入区划{code}的数据（只能导入本人管辖范围内的乡镇）")
        return pk


town_column = Column("乡镇街道代码", "town_code", required=True, example="310101001", note="9位区划代码")


@register
class TownYearImport(TownLookup):
    kind = "planning_population"
    label = "乡镇人口与出生"
    action = "planning.import"
    description = (
        "每个乡镇（街道）每年一行：总人口、出生人口（卫健部门）、净迁入人口（公安部门，迁出多于迁入填负数）"
    )
    model = TownYear
    columns = [
        town_column,
        Column("年份", "year", "int", required=True, example="2025", min_value=1990, max_value=2100),
        Column("总人口", "population", "int", required=True, example="52000", min_value=1),
        Column("出生人口", "births", "int", required=True, example="480", min_value=0),
        Column("净迁入人口", "net_migration", "int", default=0, example="-300", note="迁出多于迁入填负数"),
        Column("数据来源", "source", example="区卫健委、公安分局", max_length=60),
    ]
    fields = ("area_id", "year", "population", "births", "net_migration", "source")
    key_fields = ("area_id", "year")
    update_fields = ("population", "births", "net_migration", "source")
    key_column = "year"

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        area = self.town(v["town_code"])
        population, births, migration = v["population"], v["births"], v["net_migration"] or 0
        if births > population:
            raise RowError("births", "出生人口不能多于总人口")
        if abs(migration) > population:
            raise RowError("net_migration", "净迁入人口的绝对值不能超过总人口")
        return (area, v["year"], population, births, migration, v["source"] or "")

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"同一乡镇{values[1]}年"


@register
class HousingImport(TownLookup):
    kind = "planning_housing"
    label = "新建住宅"
    action = "planning.import"
    description = "每个新建住宅项目一行：所在乡镇（街道）、户数、交付年份；同一乡镇同名项目再次导入即更新"
    model = HousingDevelopment
    columns = [
        Column("项目名称", "name", required=True, example="滨河新城三期", max_length=100),
        town_column,
        Column("户数", "households", "int", required=True, example="3000", min_value=1),
        Column(
            "交付年份",
            "completion_year",
            "int",
            required=True,
            example="2028",
            min_value=1990,
            max_value=2100,
        ),
    ]
    fields = ("area_id", "name", "households", "completion_year")
    key_fields = ("area_id", "name")
    update_fields = ("households", "completion_year")
    key_column = "name"

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        return (self.town(v["town_code"]), v["name"], v["households"], v["completion_year"])

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"同一乡镇的项目“{values[1]}”"


@register
class CapacityImport(SchoolLookup):
    kind = "planning_classrooms"
    label = "学校普通教室"
    action = "planning.import"
    description = "每所学校每个学段一行：普通教室间数（学位=教室数×标准班额）"
    model = SchoolCapacity
    columns = [
        school_code_column,
        Column(
            "学段",
            "stage",
            "choice",
            required=True,
            choices={"小学": "primary", "初中": "junior"},
            example="小学",
        ),
        Column("普通教室间数", "classrooms", "int", required=True, example="24", min_value=0, max_value=500),
    ]
    fields = ("school_id", "stage", "classrooms")
    key_fields = ("school_id", "stage")
    update_fields = ("classrooms",)
    key_column = "stage"

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        school_id, _type = self.school(v["school_code"])
        return (school_id, v["stage"], v["classrooms"])

    def existing(self) -> models.QuerySet[Any]:
        return SchoolCapacity.objects.all()

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return "同一学校同一学段"


def _money(header: str, field: str, example: str) -> Column:
    return Column(header, field, "decimal", default=0, example=example, min_value=0, note="万元，不填为0")


@register
class PrivateSchoolImport(SchoolLookup):
    kind = "planning_private"
    label = "民办学校年度情况"
    action = "planning.import"
    description = (
        "每所民办学校每年一行：核定办学规模、招生计划、实际招生、在校生和主要财务数据（万元）；"
        "同一学校同一年份再次导入即更新"
    )
    model = PrivateSchoolYear
    columns = [
        school_code_column,
        Column("年份", "year", "int", required=True, example="2026", min_value=2000, max_value=2100),
        Column(
            "核定办学规模", "approved_scale", "int", required=True, example="1800", min_value=1, note="人"
        ),
        Column("招生计划", "plan_enrolment", "int", required=True, example="300", min_value=0, note="人"),
        Column("实际招生", "actual_enrolment", "int", required=True, example="310", min_value=0, note="人"),
        Column("在校生", "pupils", "int", required=True, example="1750", min_value=0, note="人"),
        _money("总收入", "income", "3600"),
        _money("学费收入", "fee_income", "3200"),
        _money("向举办者及关联方支付", "related_party_payments", "0"),
    ]
    fields = (
        "school_id",
        "year",
        "approved_scale",
        "plan_enrolment",
        "actual_enrolment",
        "pupils",
        "income",
        "fee_income",
        "related_party_payments",
    )
    key_fields = ("school_id", "year")
    update_fields = fields[2:]
    key_column = "year"

    def prepare(self) -> None:
        super().prepare()
        self.private = set(School.objects.filter(ownership="private").values_list("pk", flat=True))

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        school_id, _type = self.school(v["school_code"])
        if school_id not in self.private:
            raise RowError("school_code", f"学校{v['school_code']}不是民办学校")
        income, fees, related = (
            v[f] or Decimal(0) for f in ("income", "fee_income", "related_party_payments")
        )
        if fees > income:
            raise RowError("fee_income", "学费收入不能多于总收入")
        counts = (v["approved_scale"], v["plan_enrolment"], v["actual_enrolment"], v["pupils"])
        return (school_id, v["year"], *counts, income, fees, related)

    def existing(self) -> models.QuerySet[Any]:
        return PrivateSchoolYear.objects.all()

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"同一学校{values[1]}年"
