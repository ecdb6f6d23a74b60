"""What the indicator commands share (`edugov evaluate`, `edugov homework_compliance`,
`edugov tutoring_risk_report`): the `--engine` and `--warehouse` options, and the context in which
DuckDB and Spark read the warehouse's Parquet files instead of the operational database."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from .backends import ENGINES, use_warehouse


def add_engine_arguments(parser: CommandParser) -> None:
    parser.add_argument("--engine", choices=ENGINES, help="计算引擎（默认当前数据库）")
    parser.add_argument(
        "--warehouse", type=Path, help="在数据仓库目录（Parquet）上计算，配合 --engine duckdb 或 spark"
    )


def warehouse_context(directory: Path | None, engine: str | None) -> Any:
    """DuckDB/Spark read the warehouse's Parquet files instead of the database (--warehouse)."""
    if directory is None:
        return contextlib.nullcontext()
    if engine not in ("duckdb", "spark"):
        raise CommandError("--warehouse 须配合 --engine duckdb 或 --engine spark 使用")
    return use_warehouse(directory)
