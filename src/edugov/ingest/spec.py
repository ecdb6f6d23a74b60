"""Import kinds as declarative specs: one class per kind lists its columns (Chinese header, type,
required, choices, note), its model, its natural key and the row rules. The engine in
services.py does the reading, the two passes, the writing and the audit.

    @register
    class ClassImport(ImportSpec):
        kind = "classes"; label = "班级与学生数"; model = SchoolClass
        columns = [Column("学校标识码", "school_code", required=True), ...]
        fields = ("school_id", "school_year_id", "grade", "number", "name", "boys", "girls")
        key_fields = ("school_id", "school_year_id", "grade", "number")
        update_fields = ("name", "boys", "girls")
        def build(self, v, row_number): ... return (school.id, year.id, ...)
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models

from edugov.accounts.policy import role_may, rule_for
from edugov.common.bounds import MAX_INT, MIN_INT
from edugov.common.text import mask_id_number, mask_phone

from .readers import Cell

EXCEL_EPOCH = dt.date(1899, 12, 30)
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "有"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "无"}
_DATE_RE = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
NOT_FINITE = "应为数字，不能是无穷大或非数字（Infinity、NaN）"
TOO_LARGE = "数值过大，超出可保存的范围，请核对"


class CellError(Exception):
    """A cell's value is wrong; `reason` is shown to the user."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class RowError(Exception):
    """A rule across cells failed; `field` names the column to highlight (a Column.field)."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(reason)


class Deferred:
    """A reference to a row created earlier in the same file; its id is known only in pass 2."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __eq__(self, other: object) -> bool:  # never equal to a stored id: the row will change
        return isinstance(other, Deferred) and other.key == self.key

    def __hash__(self) -> int:
        return hash(("deferred", self.key))


# Parsers ---------------------------------------------------------------------------------------


def _db_integer_range(field: Any) -> tuple[int | None, ...]:
    """The bounds the database puts on an integer column (empty for other fields)."""
    if not isinstance(field, models.IntegerField):
        return ()
    lo, hi = connection.ops.integer_field_range(field.get_internal_type())
    return tuple(b for b in (lo, hi, MIN_INT, MAX_INT) if b is not None)


def parse_int(raw: Cell) -> int:
    """An integer a 64-bit column holds: "1,200", "3.0" and "1e3" too; never Infinity or NaN."""
    if isinstance(raw, dt.date):
        raise CellError("应为整数，不能是日期")
    try:
        value = int(raw)
    except ValueError:
        try:
            number = decimal.Decimal(raw.replace(",", ""))
        except decimal.InvalidOperation:
            raise CellError("应为整数") from None
        if not number.is_finite():  # before any comparison: one with a signalling NaN raises
            raise CellError(NOT_FINITE) from None
        # Before to_integral: int(Decimal("1e999999999")) would build a billion-digit integer.
        if number.adjusted() > 18:
            raise CellError(TOO_LARGE) from None
        if number != number.to_integral_value():
            raise CellError("应为整数，不能有小数") from None
        value = int(number)
    if not MIN_INT <= value <= MAX_INT:
        raise CellError(TOO_LARGE)
    return value


def parse_decimal(raw: Cell) -> decimal.Decimal:
    if isinstance(raw, dt.date):
        raise CellError("应为数字，不能是日期")
    try:
        value = decimal.Decimal(raw.replace(",", ""))
    except decimal.InvalidOperation:
        raise CellError("应为数字") from None
    if not value.is_finite():  # before any comparison: one with a signalling NaN raises
        raise CellError(NOT_FINITE)
    return value


def parse_date(raw: Cell) -> dt.date:
    """2025-09-01, 2025/9/1, 2025.9.1, 2025年9月1日, 20250901, or an Excel serial day number."""
    if isinstance(raw, dt.date):
        return raw.date() if isinstance(raw, dt.datetime) else raw
    text = raw.split(" ")[0] if " " in raw and ":" in raw else raw
    m = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise CellError("日期不存在，请检查年月日") from None
    if text.isdigit() and 1 <= int(text) <= 80000:  # Excel stores dates as days since 1899-12-30
        return EXCEL_EPOCH + dt.timedelta(days=int(text))
    raise CellError("日期格式不正确，应如 2025-09-01 或 2025年9月1日")


def parse_bool(raw: Cell) -> bool:
    text = str(raw).lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError("应填“是”或“否”")


def check_id_number(value: str) -> str:
    """GB 11643 resident identity number: 17 digits and an ISO 7064 MOD 11-2 check character."""
    value = value.upper()
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise CellError("身份证号应为18位（最后一位可为X）；若在Excel中显示为科学计数，请把该列设为文本格式")
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(value[:17], weights, strict=True))
    if "10X98765432"[total % 11] != value[17]:
        raise CellError("身份证号校验位错误，请核对")
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise CellError("身份证号中的出生日期不存在") from None
    return value


Mask = Callable[[str | None], str]


def personal_mask(field: str) -> Mask | None:
    """The mask of a column holding a personal identifier, by its field name (id_number, phone,
    parent_phone, ...); a spec may also pass `personal=` to a Column."""
    if field == "id_number" or field.endswith("_id_number"):
        return mask_id_number
    if field == "phone" or field.endswith("_phone"):
        return mask_phone
    return None


class Column:
    """One column of a kind's sheet. `field` is the key in the parsed row given to build();
    `model_field` (defaults to field) lends max_length, ranges, pattern and choices."""

    def __init__(
        self,
        header: str,
        field: str,
        type: str = "str",
        *,
        required: bool = False,
        choices: dict[str, Any] | None = None,
        note: str = "",
        example: str = "",
        model_field: str | None = None,
        max_length: int | None = None,
        min_value: Any = None,
        max_value: Any = None,
        pattern: str | None = None,
        pattern_message: str = "",
        aliases: Iterable[str] = (),
        parser: Callable[[Cell], Any] | None = None,
        default: Any = None,
        width: int = 14,
        personal: Mask | None = None,
    ) -> None:
        self.header = header
        self.field = field
        self.type = type
        self.required = required
        self.choices = choices
        self.note = note
        self.example = example
        self.model_field = model_field
        self.max_length = max_length
        self.min_value = min_value
        self.max_value = max_value
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_message = pattern_message
        self.max_digits: int | None = None  # of a decimal model field, set by bind()
        self.decimal_places: int | None = None
        self.aliases = tuple(aliases)
        self.custom_parser = parser
        self.default = default
        self.width = width
        # Personal identifiers are masked in batch pages and error reports for readers other than
        # the uploader and the batch's administrators (ingest/selectors.py).
        self.personal = personal or personal_mask(model_field or field)
        self.parse: Callable[[Cell], Any] = self._compile()

    def bind(self, model: type[models.Model] | None) -> None:
        """Borrow the model field's rules for what the spec did not say."""
        if model is None:
            return
        name = self.model_field or self.field
        try:
            f = model._meta.get_field(name)
        except Exception:
            self.parse = self._compile()
            return
        if self.max_length is None and (field_max := getattr(f, "max_length", None)) and self.type == "str":
            self.max_length = field_max
        # Django adds the database column's range (int64 on SQLite) as validators: an overflow
        # guard, not a rule of the data, so it is neither borrowed nor shown as the allowed range.
        db_range = _db_integer_range(f)
        for v in getattr(f, "validators", []):
            if isinstance(v, MinValueValidator | MaxValueValidator) and v.limit_value in db_range:
                continue
            if isinstance(v, MinValueValidator) and self.min_value is None:
                self.min_value = v.limit_value
            elif isinstance(v, MaxValueValidator) and self.max_value is None:
                self.max_value = v.limit_value
            elif isinstance(v, MaxLengthValidator) and self.max_length is None:
                self.max_length = v.limit_value
            elif isinstance(v, RegexValidator) and self.pattern is None and self.type == "str":
                self.pattern = re.compile(v.regex)  # already compiled: returned as it is
                self.pattern_message = self.pattern_message or str(v.message)
        if (
            isinstance(f, models.PositiveIntegerField | models.PositiveSmallIntegerField)
            and self.min_value is None
        ):
            self.min_value = 0
        if isinstance(f, models.DecimalField):
            self.max_digits, self.decimal_places = f.max_digits, f.decimal_places
        field_choices = getattr(f, "choices", None)
        if self.choices is None and field_choices and self.type in ("str", "choice"):
            self.type = "choice"
            self.choices = {str(label): value for value, label in field_choices}
        self.parse = self._compile()

    @property
    def choice_labels(self) -> list[str]:
        if not self.choices:
            return []
        seen: dict[Any, str] = {}
        for label, value in self.choices.items():
            seen.setdefault(value, label)
        return list(seen.values())

    def describe(self) -> str:
        """The note shown on the template's header comment and in the instructions sheet."""
        parts = ["必填" if self.required else "选填"]
        if self.type == "choice" and self.choices:
            parts.append("可选值：" + "、".join(self.choice_labels))
        elif self.type == "bool":
            parts.append("填“是”或“否”")
        elif self.type == "date":
            parts.append("日期，如 2025-09-01 或 2025年9月1日")
        elif self.type == "int":
            parts.append("整数")
        elif self.type == "decimal":
            parts.append("数字")
        if self.type in ("int", "decimal"):
            lo, hi = self.min_value, self.max_value
            if lo is not None and hi is not None:
                parts.append(f"范围{lo}～{hi}")
            elif lo is not None:
                parts.append(f"不小于{lo}")
            elif hi is not None:
                parts.append(f"不大于{hi}")
        if self.max_length and self.type == "str":
            parts.append(f"不超过{self.max_length}个字")
        if self.note:
            parts.append(self.note)
        return "；".join(parts)

    def _compile(self) -> Callable[[Cell], Any]:
        if self.custom_parser is not None:
            base = self.custom_parser
        elif self.type == "int":
            base = parse_int
        elif self.type == "decimal":
            base = parse_decimal
        elif self.type == "date":
            base = parse_date
        elif self.type == "bool":
            base = parse_bool
        elif self.type == "choice":
            base = self._parse_choice
        else:
            base = self._parse_str
        storable = self._storable(base)
        lo, hi = self.min_value, self.max_value
        if lo is None and hi is None:
            return storable

        def ranged(raw: Cell) -> Any:
            value = storable(raw)
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                if lo is not None and hi is not None:
                    raise CellError(f"超出范围，应在{lo}～{hi}之间")
                raise CellError(f"应不小于{lo}" if lo is not None else f"应不大于{hi}")
            return value

        return ranged

    def _storable(self, base: Callable[[Cell], Any]) -> Callable[[Cell], Any]:
        """`base`, refusing a number the column cannot store, whichever parser produced it: a
        non-finite decimal, an integer beyond 64 bits, or a decimal the model field's digits
        cannot hold (quantized as the database adapter does, which would raise at write time)."""
        if self.type not in ("int", "decimal"):
            return base
        places = self.decimal_places
        quantum = decimal.Decimal(1).scaleb(-places) if places is not None else None
        context = decimal.Context(prec=self.max_digits or 28, traps=[decimal.InvalidOperation])

        def storable(raw: Cell) -> Any:
            value = base(raw)
            if isinstance(value, decimal.Decimal):
                if not value.is_finite():
                    raise CellError(NOT_FINITE)
                if value.adjusted() > 18:
                    raise CellError(TOO_LARGE)
                if quantum is not None:
                    try:
                        value.quantize(quantum, context=context)
                    except decimal.InvalidOperation:
                        digits = (self.max_digits or 0) - (places or 0)
                        raise CellError(f"数值过大，整数部分最多{digits}位") from None
            elif isinstance(value, int) and not isinstance(value, bool) and not MIN_INT <= value <= MAX_INT:
                raise CellError(TOO_LARGE)
            return value

        return storable

    def _parse_str(self, raw: Cell) -> str:
        text = raw.isoformat() if isinstance(raw, dt.date) else raw
        if not text.isprintable() and _CONTROL_RE.search(text):
            raise CellError("含有不可见的控制字符，请删除后重新填写")
        if self.max_length and len(text) > self.max_length:
            raise CellError(f"内容过长，最多{self.max_length}个字")
        if self.pattern is not None and not self.pattern.search(text):
            raise CellError(self.pattern_message or "格式不正确")
        return text

    def _parse_choice(self, raw: Cell) -> Any:
        assert self.choices is not None
        text = str(raw)
        if text in self.choices:
            return self.choices[text]
        if text in self.choices.values():  # the stored value itself (e.g. "111") is fine too
            return text
        raise CellError("不在可选值中，可选：" + "、".join(self.choice_labels))


def header_key(text: str) -> str:
    """Headers match ignoring spaces, line breaks, a leading '*' and a bracketed note."""
    text = re.sub(r"\s+", "", text).lstrip("*＊")
    return re.sub(r"[（(].*?[)）]$", "", text)


class ImportSpec:
    """Base of every import kind. Subclasses declare columns and implement build()."""

    kind: ClassVar[str]
    label: ClassVar[str]
    model: ClassVar[type[models.Model]]
    module: ClassVar[str] = "registry"
    columns: ClassVar[list[Column]]
    fields: ClassVar[tuple[str, ...]]  # model attnames of the values build() returns, in order
    key_fields: ClassVar[tuple[str, ...]]
    update_fields: ClassVar[tuple[str, ...]]
    key_column: ClassVar[str] = ""  # Column.field blamed for a duplicate key
    _bound: ClassVar[bool] = False  # columns bound to the model (per subclass: read from __dict__)
    # The permission policy action that imports this kind ("registry.import_schools"); a kind
    # without one is refused to every signed-in user (fail closed).
    action: ClassVar[str | None] = None
    description: ClassVar[str] = ""
    self_references: ClassVar[bool] = False  # build() may return Deferred for rows of this file

    def __init__(self, user: Any) -> None:
        self.user = user
        self.file_keys: set[Any] = set()

    @classmethod
    def bound_columns(cls) -> list[Column]:
        if not cls.__dict__.get("_bound"):
            for column in cls.columns:
                column.bind(cls.model)
            cls._bound = True
        return cls.columns

    @classmethod
    def module_code(cls) -> str:
        """The module the kind belongs to: that of the rule that imports it (resolved when asked:
        the kinds load before the modules register their policies)."""
        if cls.action is None:
            return cls.module
        return rule_for(cls.action).module or cls.action.partition(".")[0]

    @classmethod
    def allows(cls, user: Any) -> bool:
        """Whether `user` may import this kind at all (None: the command line); which rows they
        may write is their write scope, checked row by row in `prepare`/`build`."""
        if user is None:
            return True
        return cls.action is not None and role_may(user, cls.action)

    # Hooks -------------------------------------------------------------------------------------

    def prepare(self) -> None:
        """Load lookups once (codes -> ids, the user's scope) before the first row."""

    def build(self, v: dict[str, Any], row_number: int) -> tuple[Any, ...]:
        """Turn a parsed row into the model values (in `fields` order) or raise RowError."""
        raise NotImplementedError

    def existing(self) -> models.QuerySet[Any]:
        """Rows that may match the file's keys; streamed once in pass 2."""
        return self.model._default_manager.all()

    def key_of(self, values: tuple[Any, ...]) -> Any:
        idx = self._key_idx
        return values[idx[0]] if len(idx) == 1 else tuple(values[i] for i in idx)

    def describe_key(self, values: tuple[Any, ...]) -> str:
        return ""

    @property
    def _key_idx(self) -> tuple[int, ...]:
        cached = self.__dict__.get("_key_idx_cache")
        if cached is None:
            cached = tuple(self.fields.index(f) for f in self.key_fields)
            self.__dict__["_key_idx_cache"] = cached
        return cached

    def created(self, key: Any, values: tuple[Any, ...]) -> None:
        """Called in pass 1 for each accepted row, so later rows may refer to it (Deferred)."""
        self.file_keys.add(key)


KINDS: dict[str, type[ImportSpec]] = {}


def register(spec: type[ImportSpec]) -> type[ImportSpec]:
    KINDS[spec.kind] = spec
    return spec


def get_spec(kind: str) -> type[ImportSpec] | None:
    return KINDS.get(kind)


def kinds_for(user: Any) -> list[type[ImportSpec]]:
    return [spec for spec in KINDS.values() if spec.allows(user)]
