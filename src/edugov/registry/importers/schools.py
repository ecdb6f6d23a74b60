"""The schools import kind."""

from __future__ import annotations

from typing import Any

from django.db import models

from edugov.accounts.scope import write_scoped
from edugov.ingest.spec import Column, Deferred, RowError, register

from ..models import Area, AreaLevel, School, locale_for_code
from .common import (
    _SIX,
    AREA_CODE_MESSAGE,
    SCHOOL_CODE_MESSAGE,
    SCHOOL_CODE_PATTERN,
    SCHOOL_TYPE_WORDS,
    SchoolLookup,
)


@register
class SchoolImport(SchoolLookup):
    kind = "schools"
    label = "学校"
    action = "registry.import_schools"
    description = "学校基本信息；教学点须填写所属中心校"
    model = School
    self_references = True
    columns = [
        Column(
            "学校标识码",
            "code",
            required=True,
            pattern=SCHOOL_CODE_PATTERN,
            pattern_message=SCHOOL_CODE_MESSAGE,
            example="3101010001",
            note="10位数字",
        ),
        Column("学校名称", "name", required=True, aliases=("名称",), example="甲街道第一小学", width=24),
        Column("办学类型", "school_type", "choice", required=True, choices=SCHOOL_TYPE_WORDS, example="小学"),
        Column(
            "举办者",
            "ownership",
            "choice",
            required=True,
            aliases=("举办者类型",),
            choices={"公办": "public", "民办": "private"},
            example="公办",
        ),
        Column(
            "城乡分类代码",
            "urban_rural_code",
            "choice",
            required=True,
            example="111",
            note="统计用城乡分类代码：111、112、121、122、123、210、220",
        ),
        Column(
            "所在乡镇街道代码",
            "area_code",
            required=True,
            pattern=r"^\d{2,12}$",
            example="310101001",
            pattern_message=AREA_CODE_MESSAGE,
        ),
        Column("地址", "address", example="某路1号", width=30),
        Column("经度", "longitude", "decimal", example="121.473700"),
        Column("纬度", "latitude", "decimal", example="31.230400"),
        Column("寄宿制", "boarding", "bool", default=False, example="否"),
        Column("是否教学点", "is_teaching_point", "bool", default=False, example="否"),
        Column(
            "所属中心校标识码",
            "central_code",
            pattern=SCHOOL_CODE_PATTERN,
            pattern_message=SCHOOL_CODE_MESSAGE,
            note="教学点必填",
        ),
    ]
    fields = (
        "code",
        "name",
        "school_type",
        "ownership",
        "urban_rural_code",
        "locale",
        "area_id",
        "address",
        "longitude",
        "latitude",
        "boarding",
        "is_teaching_point",
        "central_school_id",
    )
    key_fields = ("code",)
    update_fields = fields[1:]
    key_column = "code"

    def prepare(self) -> None:
        super().prepare()
        self.points = set(School.objects.filter(is_teaching_point=True).values_list("code", flat=True))
        self.towns = {
            code: (pk, level, path)
            for pk, code, level, path in Area.objects.values_list("pk", "code", "level", "path")
        }
        # Every row a school names (its town, its central school) lies in the writer's write scope.
        self.writable_areas: set[int] | None = None
        if self.user is not None and not self.user.is_superuser:
            self.writable_areas = set(write_scoped(Area, self.user).values_list("pk", flat=True))
        self.in_file: dict[str, bool] = {}  # code -> is teaching point

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        code = v["code"]
        town = self.towns.get(v["area_code"])
        if town is None:
            raise RowError("area_code", f"区划代码{v['area_code']}在系统中不存在")
        area_id, level, _path = town
        if level != AreaLevel.TOWN:
            raise RowError("area_code", "所在乡镇街道代码应为乡镇（街道）级区划")
        if self.writable_areas is not None and area_id not in self.writable_areas:
            raise RowError("area_code", "该乡镇街道不在您的管辖范围内")
        if code in self.schools and self.writable is not None and self.schools[code][0] not in self.writable:
            raise RowError("code", f"无权修改学校{code}（不在您的管辖范围内）")
        central: int | Deferred | None = None
        if v["central_code"]:
            central_code = v["central_code"]
            if central_code == code:
                raise RowError("central_code", "所属中心校不能是本校")
            if central_code in self.schools:
                central = self.schools[central_code][0]
                is_point = central_code in self.points
                if self.writable is not None and central not in self.writable:
                    raise RowError("central_code", f"所属中心校{central_code}不在您可修改的范围内")
            elif central_code in self.in_file:
                central = Deferred(central_code)
                is_point = self.in_file[central_code]
            else:
                raise RowError(
                    "central_code", f"所属中心校{central_code}不存在（系统中没有，文件中此行之前也没有）"
                )
            if is_point:
                raise RowError("central_code", "教学点的所属中心校不能是另一个教学点")
        if v["is_teaching_point"] and central is None:
            raise RowError("central_code", "教学点必须填写所属中心校标识码")
        lon, lat = v["longitude"], v["latitude"]
        if lon is not None:
            if not 73 <= lon <= 136:
                raise RowError("longitude", "经度应在73～136之间（中国境内）")
            lon = lon.quantize(_SIX)
        if lat is not None:
            if not 3 <= lat <= 54:
                raise RowError("latitude", "纬度应在3～54之间（中国境内）")
            lat = lat.quantize(_SIX)
        self.in_file[code] = bool(v["is_teaching_point"])
        return (
            code,
            v["name"],
            v["school_type"],
            v["ownership"],
            v["urban_rural_code"],
            str(locale_for_code(v["urban_rural_code"])),
            area_id,
            v["address"] or "",
            lon,
            lat,
            bool(v["boarding"]),
            bool(v["is_teaching_point"]),
            central,
        )

    def existing(self) -> models.QuerySet[Any]:
        return School.objects.all()

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"学校标识码{values[0]}"
