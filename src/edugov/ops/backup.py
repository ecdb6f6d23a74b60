"""Backup and restore of the whole database: SQLite through its online backup API (consistent
while the application runs), PostgreSQL through pg_dump/pg_restore in custom format. Used by
`edugov backup FILE` and `edugov restore FILE`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection, connections


class BackupError(Exception):
    """Shown to the operator as it is (Chinese)."""


def _pg_env(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ)
    args = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])  # never on the command line
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}，请安装与数据库版本一致的 PostgreSQL 客户端工具")
    return path


def backup(path: Path, *, alias: str = "default") -> Path:
    conn = connections[alias]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if conn.vendor == "sqlite":
        conn.ensure_connection()
        tmp = path.with_suffix(path.suffix + ".part")
        target = sqlite3.connect(tmp)
        try:
            conn.connection.backup(target)
        finally:
            target.close()
        tmp.replace(path)
        return path
    if conn.vendor == "postgresql":
        args, env = _pg_env(conn.settings_dict)
        proc = subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if proc.returncode != 0:
            raise BackupError(f"备份失败：{proc.stderr.strip()[:500]}")
        return path
    raise BackupError(f"不支持的数据库类型：{conn.vendor}")


def restore(path: Path, *, alias: str = "default") -> None:
    """Replace the database's contents with the backup's."""
    conn = connections[alias]
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"找不到备份文件：{path}")
    if conn.vendor == "sqlite":
        try:
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            source.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError:
            raise BackupError("备份文件不是有效的 SQLite 数据库") from None
        conn.ensure_connection()
        try:
            source.backup(conn.connection)
        finally:
            source.close()
        return
    if conn.vendor == "postgresql":
        args, env = _pg_env(conn.settings_dict)
        conn.close()
        proc = subprocess.run(
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
             str(path)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if proc.returncode != 0:
            raise BackupError(f"恢复失败（数据库未改变）：{proc.stderr.strip()[:500]}")
        return
    raise BackupError(f"不支持的数据库类型：{connection.vendor}")
