"""The teachers import kind."""

from __future__ import annotations

from typing import Any

from django.db import models

from edugov.ingest.spec import Column, RowError, check_id_number, register

from ..models import Teacher
from .common import SchoolLookup, school_code_column


@register
class TeacherImport(SchoolLookup):
    kind = "teachers"
    label = "教师"
    action = "registry.import_teachers"
    description = "教职工基本信息；身份证号按国家标准校验"
    model = Teacher
    columns = [
        school_code_column,
        Column("教职工号", "staff_number", required=True, example="T0001"),
        Column("姓名", "name", required=True, example="王芳"),
        Column("性别", "sex", "choice", required=True, example="女"),
        Column("出生日期", "birth_date", "date", example="1985-03-12"),
        Column(
            "身份证号",
            "id_number",
            parser=lambda value: check_id_number(str(value)),
            example="",
            note="18位，末位可为X；请设为文本格式",
            width=22,
        ),
        Column(
            "手机号",
            "phone",
            pattern=r"^1\d{10}$",
            pattern_message="手机号应为1开头的11位数字",
            example="13800001234",
        ),
        Column("任教学科", "subject", example="语文"),
        Column("专任教师", "is_full_time", "bool", default=True, example="是"),
    ]
    fields = (
        "school_id",
        "staff_number",
        "name",
        "sex",
        "birth_date",
        "id_number",
        "phone",
        "subject",
        "is_full_time",
    )
    key_fields = ("school_id", "staff_number")
    update_fields = fields[2:]
    key_column = "staff_number"

    def prepare(self) -> None:
        super().prepare()
        self.id_rows: dict[str, int] = {}

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        school_id, _ = self.school(v["school_code"])
        id_number = v["id_number"] or ""
        if id_number:
            born = f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}"
            if v["birth_date"] is not None and v["birth_date"].isoformat() != born:
                raise RowError("birth_date", f"出生日期与身份证号不一致（身份证号中为{born}）")
            sex = "M" if int(id_number[16]) % 2 else "F"
            if v["sex"] != sex:
                raise RowError("sex", "性别与身份证号不一致")
            first = self.id_rows.setdefault(id_number, row_number)
            if first != row_number:
                raise RowError("id_number", f"身份证号与第{first}行重复")
        return (
            school_id,
            v["staff_number"],
            v["name"],
            v["sex"],
            v["birth_date"],
            id_number,
            v["phone"] or "",
            v["subject"] or "",
            v["is_full_time"] if v["is_full_time"] is not None else True,
        )

    def existing(self) -> models.QuerySet[Any]:
        return Teacher.objects.all()

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"同一学校的教职工号{values[1]}"
