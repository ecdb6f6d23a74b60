"""Spreadsheet import kinds of the registry: areas, schools, classes with enrolment, teachers.
Each is a declarative spec run by the ingest engine (see edugov.ingest.spec)."""

from __future__ import annotations

import re
from decimal import Decimal
from sys import intern
from typing import Any

from django.db import models

from edugov.accounts.scope import write_scoped
from edugov.common.errors import DomainError
from edugov.ingest.spec import (
    CellError,
    Column,
    Deferred,
    ImportSpec,
    RowError,
    check_id_number,
    register,
)

from . import permissions  # noqa: F401  (the import kinds' actions are the registry policy's)
from .models import (
    Area,
    AreaLevel,
    Grade,
    School,
    SchoolClass,
    SchoolType,
    SchoolYear,
    Teacher,
    locale_for_code,
)
from .services import check_grade_offered

SCHOOL_CODE_PATTERN = r"^\d{10}$"
SCHOOL_CODE_MESSAGE = "学校标识码应为10位数字"
AREA_CODE_MESSAGE = "区划代码应为2～12位数字"
_SIX = Decimal("0.000001")

GRADE_WORDS: dict[str, int] = {str(label): int(value) for value, label in Grade.choices}
GRADE_WORDS.update(
    {
        "初一": 7,
        "初二": 8,
        "初三": 9,
        "七年级": 7,
        "八年级": 8,
        "九年级": 9,
        "高一": 10,
        "高二": 11,
        "高三": 12,
        "十年级": 10,
        "十一年级": 11,
        "十二年级": 12,
        "幼儿园小班": -2,
        "幼儿园中班": -1,
        "幼儿园大班": 0,
    }
)
_CN_DIGITS = "一二三四五六七八九"
for _i, _d in enumerate(_CN_DIGITS, start=1):
    GRADE_WORDS.setdefault(f"{_d}年级", _i)
for _i in range(1, 13):
    GRADE_WORDS[f"{_i}年级"] = _i
    GRADE_WORDS[str(_i)] = _i

SCHOOL_TYPE_WORDS: dict[str, str] = {str(label): str(value) for value, label in SchoolType.choices}
SCHOOL_TYPE_WORDS.update(
    {
        "初中": SchoolType.JUNIOR,
        "高中": SchoolType.SENIOR,
        "九年一贯制": SchoolType.NINE_YEAR,
        "十二年一贯制": SchoolType.TWELVE_YEAR,
        "中职": SchoolType.VOCATIONAL,
        "职业高中": SchoolType.VOCATIONAL,
        "特殊教育": SchoolType.SPECIAL,
        "特教学校": SchoolType.SPECIAL,
        "完中": SchoolType.COMPLETE_SECONDARY,
    }
)


def parse_grade(raw: Any) -> int:
    text = str(raw).replace(" ", "")
    if text in GRADE_WORDS:
        return GRADE_WORDS[text]
    raise CellError("年级不正确，应如“一年级”“初一”“高一”“小班”或数字1～12")


_YEAR_RE = re.compile(r"^(\d{4})(?:\s*[-—–~～至/]\s*(\d{4}))?\s*(?:学年(?:度)?)?$")


def parse_school_year(raw: Any) -> int:
    m = _YEAR_RE.match(str(raw))
    if not m:
        raise CellError("学年格式不正确，应如“2025”或“2025-2026”")
    start = int(m.group(1))
    if m.group(2) and int(m.group(2)) != start + 1:
        raise CellError("学年起止年份应相差一年，如“2025-2026”")
    return start


def parse_class_number(raw: Any) -> int:
    text = str(raw).strip("()（）班")
    try:
        return int(text)
    except ValueError:
        raise CellError("班号应为数字，如“3”或“3班”") from None


class SchoolLookup(ImportSpec):
    """Shared by the kinds whose rows belong to a school: the school code resolves to a school
    the uploader may write to (its write scope: a school administrator's own school and its
    teaching points)."""

    def prepare(self) -> None:
        self.schools: dict[str, tuple[int, str, bool]] = {
            code: (pk, school_type, archived is not None)
            for pk, code, school_type, archived in School.objects.values_list(
                "pk", "code", "school_type", "archived_at"
            ).iterator(chunk_size=5000)
        }
        self.writable: set[int] | None = None
        if self.user is not None and not self.user.is_superuser:
            self.writable = set(write_scoped(School, self.user).values_list("pk", flat=True))

    def school(self, code: str, field: str = "school_code") -> tuple[int, str]:
        found = self.schools.get(code)
        if found is None:
            raise RowError(field, f"学校标识码{code}在系统中不存在，请先导入或登记该学校")
        pk, school_type, archived = found
        if archived:
            raise RowError(field, f"学校{code}已归档，不能导入其数据")
        if self.writable is not None and pk not in self.writable:
            raise RowError(field, f"无权导入学校{code}的数据（只能导入本人管辖范围内的学校）")
        return pk, school_type


school_code_column = Column(
    "学校标识码",
    "school_code",
    required=True,
    pattern=SCHOOL_CODE_PATTERN,
    pattern_message=SCHOOL_CODE_MESSAGE,
    note="10位数字，见全国学校标识码",
    example="3101010001",
)


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


@register
class ClassImport(SchoolLookup):
    kind = "classes"
    label = "班级与学生数"
    action = "registry.import_classes"
    description = "每行一个班级：学年、年级、班号与男女生人数"
    model = SchoolClass
    columns = [
        school_code_column,
        Column(
            "学年",
            "school_year",
            required=True,
            parser=parse_school_year,
            example="2025-2026",
            note="填起始年份或“2025-2026”",
        ),
        Column(
            "年级",
            "grade",
            "choice",
            required=True,
            parser=parse_grade,
            example="三年级",
            choices={str(label): int(value) for value, label in Grade.choices},
        ),
        Column("班号", "number", "int", required=True, parser=parse_class_number, example="1"),
        Column("班级名称", "name", example="三年级1班"),
        Column("男生数", "boys", "int", required=True, example="22"),
        Column("女生数", "girls", "int", required=True, example="21"),
    ]
    fields = ("school_id", "school_year_id", "grade", "number", "name", "boys", "girls")
    key_fields = ("school_id", "school_year_id", "grade", "number")
    update_fields = ("name", "boys", "girls")
    key_column = "number"

    def prepare(self) -> None:
        super().prepare()
        self.years = dict(SchoolYear.objects.values_list("start_year", "pk"))
        self.years_used: set[int] = set()
        self.grade_ok: dict[tuple[str, int], str] = {}
        self.school_cache: dict[str, tuple[int, str]] = {}

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        code = v["school_code"]
        found = self.school_cache.get(code)
        if found is None:
            found = self.school(code)
            self.school_cache[code] = found
        school_id, school_type = found
        year_id = self.years.get(v["school_year"])
        if year_id is None:
            start = v["school_year"]
            raise RowError("school_year", f"{start}-{start + 1}学年在系统中不存在，请先建立该学年")
        grade = v["grade"]
        problem = self.grade_ok.get((school_type, grade))
        if problem is None:
            try:
                check_grade_offered(school=School(school_type=school_type), grade=grade)
                problem = ""
            except DomainError as exc:
                problem = exc.message
            self.grade_ok[(school_type, grade)] = problem
        if problem:
            raise RowError("grade", problem)
        number = v["number"]
        if not 1 <= number <= 99:
            raise RowError("number", "班号应在1～99之间")
        self.years_used.add(year_id)
        # Class names repeat across schools ("三年级1班"): one string object each saves memory.
        return (school_id, year_id, grade, number, intern(v["name"] or ""), v["boys"], v["girls"])

    def key_of(self, values: tuple[Any, ...]) -> Any:
        # One int instead of a 4-tuple: a million keys in a third of the memory.
        return (((values[0] << 16) + values[1]) << 16) + ((values[2] + 2) << 8) + values[3]

    def existing(self) -> models.QuerySet[Any]:
        return SchoolClass.objects.filter(school_year_id__in=self.years_used)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return f"同一学校、学年、年级的{values[3]}班"


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
