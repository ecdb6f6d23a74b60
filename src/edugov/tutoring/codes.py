"""Check characters of the identifiers the tutoring app stores: the unified social credit code
(GB 32100-2015) and the resident identity number (GB 11643-1999)."""

from __future__ import annotations

import datetime as dt
import re

# GB 32100-2015 uses the digits and the capital letters without I, O, Z, S, V: 31 characters,
# each standing for its position (A = 10 ... Y = 30).
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Weight of position i (1-based) is 3^(i-1) mod 31.
CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_CREDIT_RE = re.compile(rf"^[{CREDIT_ALPHABET}]{{2}}\d{{6}}[{CREDIT_ALPHABET}]{{10}}$")

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")


def credit_check_char(first17: str) -> str:
    """The 18th character for the first 17 (C18 = 31 - (Σ Ci·Wi mod 31), 31 written as 0)."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(value: str) -> str:
    """The Chinese reason why `value` is not a valid credit code, or "" when it is."""
    code = value.strip().upper()
    if len(code) != 18:
        return "统一社会信用代码应为18位"
    if not _CREDIT_RE.match(code):
        return "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V），第3～8位应为行政区划码数字"
    if credit_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位错误，请核对"
    return ""


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_number_problem(value: str) -> str:
    """The Chinese reason why `value` is not a valid 18-digit resident ID number, or ""."""
    number = value.strip().upper()
    if not _ID_RE.match(number):
        return "身份证号应为18位（最后一位可为X）"
    if id_check_char(number[:17]) != number[17]:
        return "身份证号校验位错误，请核对"
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号中的出生日期不存在"
    if born.year < 1900:
        return "身份证号中的出生日期不合理"
    return ""
