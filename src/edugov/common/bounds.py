"""The integers a database column can hold: a number from outside (a query string, a form, a sheet)
beyond them names no row and is refused in Chinese before it reaches a query, where SQLite's driver
raises OverflowError and PostgreSQL an out-of-range error."""

from __future__ import annotations

MAX_INT = 2**63 - 1
MIN_INT = -(2**63)
OUT_OF_RANGE = f"数值超出范围，应在{MIN_INT}～{MAX_INT}之间"


class BoundError(ValueError):
    """The text is not an integer, or not one a 64-bit column holds; `message` is Chinese."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def parse_bounded_int(raw: str, *, minimum: int = MIN_INT, maximum: int = MAX_INT) -> int:
    """`raw` as an integer within [minimum, maximum] (a 64-bit column by default).

    Over 20 digits cannot be in range: refused before int(), which is quadratic in the length."""
    text = raw.strip()
    digits = text.removeprefix("-").removeprefix("+")
    if not digits.isascii() or not digits.isdigit():
        raise BoundError("应为整数")
    if len(digits.lstrip("0")) > 20 or not minimum <= (value := int(text)) <= maximum:
        raise BoundError(f"数值超出范围，应在{minimum}～{maximum}之间")
    return value
