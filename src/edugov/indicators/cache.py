"""Indicator results cached per data generation (common.cache): building and compiling an Ibis
expression costs far more than running it, so a page computes a district's rows once per committed
change and every later visit, of any user, reads them. Only plain rows are cached (records of
the operational data, keyed by every argument); scope filtering happens after, per user."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from edugov.common.cache import cached_figure

from .backends import warehouse_in_use

P = ParamSpec("P")
R = TypeVar("R")


def cached_rows(
    name: str, *, depends: Callable[[], str] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache a function of plain arguments that returns rows computed from the operational
    database; `depends` names a setting the rows also follow. Inside `use_warehouse(...)` the rows
    come from Parquet files the data generation does not follow, so they are computed every time."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        cached = cached_figure(f"indicators.{name}", depends=depends)(func)

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if warehouse_in_use():
                return func(*args, **kwargs)
            return cached(*args, **kwargs)

        wrapper.uncached = func  # type: ignore[attr-defined]
        return wrapper

    return decorate
