"""The areas import kind: the administrative divisions down to towns."""

from __future__ import annotations

from typing import Any

from django.db import models

from edugov.ingest.spec import Column, Deferred, ImportSpec, RowError, register

from ..models import Area, AreaLevel
from .common import AREA_CODE_MESSAGE


@register
class AreaImport(ImportSpec):
    kind = "areas"
    label = "行政区划"
    action = "registry.import_areas"
    description = "省、市、区县、乡镇街道；上级须已在系统中或在文件中排在前面"
    model = Area
    self_references = True
    columns = [
        Column(
            "区划代码",
            "code",
            required=True,
            example="310101001",
            note="2～12位数字",
            pattern_message=AREA_CODE_MESSAGE,
        ),
        Column("名称", "name", required=True, example="甲街道", aliases=("区划名称",)),
        Column(
            "层级",
            "level",
            "choice",
            required=True,
            choices={"省": 1, "市": 2, "区县": 3, "区": 3, "县": 3, "乡镇街道": 4, "乡镇": 4, "街道": 4},
            example="乡镇街道",
        ),
        Column(
            "上级区划代码",
            "parent_code",
            model_field="code",
            example="310101",
            note="省级留空",
            pattern_message=AREA_CODE_MESSAGE,
        ),
    ]
    fields = ("code", "name", "level", "parent_id", "path")
    key_fields = ("code",)
    update_fields = ("name",)
    key_column = "code"

    def prepare(self) -> None:
        self.areas = {
            code: (pk, level, parent_id, path)
            for pk, code, level, parent_id, path in Area.objects.values_list(
                "pk", "code", "level", "parent_id", "path"
            )
        }
        self.in_file: dict[str, tuple[int, str]] = {}  # code -> (level, path)
        self.root = (
            ""
            if self.user is None or self.user.is_superuser
            else (self.user.area.path if self.user.area else "-")
        )

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        code, level, parent_code = v["code"], v["level"], v["parent_code"]
        parent_id: int | Deferred | None = None
        if parent_code:
            if parent_code in self.areas:
                parent_id, parent_level, _, parent_path = self.areas[parent_code]
            elif parent_code in self.in_file:
                parent_level, parent_path = self.in_file[parent_code]
                parent_id = Deferred(parent_code)
            else:
                raise RowError(
                    "parent_code", f"上级区划代码{parent_code}不存在（系统中没有，文件中此行之前也没有）"
                )
            if parent_level != level - 1:
                expected = AreaLevel(level - 1).label if level > 1 else "（无）"
                raise RowError(
                    "level",
                    f"{AreaLevel(level).label}的上级应为{expected}，但{parent_code}是{AreaLevel(parent_level).label}",
                )
            path = f"{parent_path}{code}/"
        else:
            if level != AreaLevel.PROVINCE:
                raise RowError("parent_code", "只有省级区划可以不填上级区划代码")
            path = f"/{code}/"
        if self.root and not path.startswith(self.root):
            raise RowError("code", "只能导入本人管辖区域内的下级区划")
        existing = self.areas.get(code)
        if existing is not None:
            _, old_level, old_parent, old_path = existing
            if old_level != level or old_path != path:
                raise RowError("parent_code", f"区划{code}已存在，不能通过导入修改其层级或上级区划")
            parent_id = old_parent
        self.in_file[code] = (level, path)
        return (code, v["name"], level, parent_id, path)

    def existing(self) -> models.QuerySet[Any]:
        return Area.objects.all()

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"区划代码{values[0]}"
