"""What the indicator commands share (`edugov evaluate`, `edugov homework_compliance`,
`edugov tutoring_risk_report`): the `--engine` and `--warehouse` options, and the context in which
DuckDB and Spark read the warehouse's Parquet files instead of the operational database."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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


def write_report(
    command: BaseCommand,
    data: dict[str, Any],
    *,
    options: dict[str, Any],
    render_text: Callable[[dict[str, Any]], str],
    elapsed: float,
    engine: str,
) -> None:
    """The report as text or JSON (--format) to --output or standard output; the time to stderr."""
    text = (
        json.dumps(data, ensure_ascii=False, indent=1) if options["format"] == "json" else render_text(data)
    )
    if options["output"]:
        options["output"].write_text(text, encoding="utf-8")
    else:
        command.stdout.write(text, ending="")
    command.stderr.write(f"计算用时 {elapsed:.2f} 秒（{engine}）")
