"""`edugov backup FILE` / `edugov restore FILE` round-trip exactly, on SQLite (online backup API)
and PostgreSQL (pg_dump/pg_restore, custom format): back up, change data, restore, and compare
every table's rows."""

from __future__ import annotations

import pytest

from edugov.ingest.samples import sample_school_codes, write_classes_csv

from .live import VENDORS, LiveDb, live_db, record


def snapshot(db: LiveDb) -> dict[str, list[tuple]]:
    with db.connect() as conn:
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in db.tables()}


@pytest.mark.parametrize("vendor", VENDORS)
def test_backup_restore_round_trip(vendor, tmp_path):
    with live_db(vendor, tmp_path / "db") as db:
        db.run(
            "shell", "-c", "from edugov.ingest.samples import ensure_sample_schools; ensure_sample_schools(2)"
        )
        codes = sample_school_codes(2)
        first = write_classes_csv(tmp_path / "a.csv", 500, seed=1, create_schools=False, school_codes=codes)
        db.run("import", "classes", str(first), "--no-progress")
        before = snapshot(db)
        backup = tmp_path / ("backup.sqlite3" if vendor == "sqlite" else "backup.dump")
        out = db.run("backup", str(backup))
        assert "备份完成" in out.stdout and backup.stat().st_size > 0
        # Change the data: more rows, changed rows, deleted rows.
        second = write_classes_csv(tmp_path / "b.csv", 900, seed=2, create_schools=False, school_codes=codes)
        db.run("import", "classes", str(second), "--no-progress")
        with db.connect() as conn:
            conn.execute("DELETE FROM registry_schoolclass WHERE number = 1")
            conn.commit()
        assert snapshot(db) != before
        out = db.run("restore", str(backup))
        assert "恢复完成" in out.stdout
        after = snapshot(db)
        assert after.keys() == before.keys()
        differing = [t for t in before if before[t] != after[t]]
        assert not differing
        rows = sum(len(v) for v in before.values())
        record("backup_restore", vendor=vendor, tables=len(before), rows=rows, differing_tables=0)
        # A file that is not a backup is refused with a Chinese message and changes nothing.
        bogus = tmp_path / "bogus.bin"
        bogus.write_bytes(b"not a backup" * 100)
        bad = db.run("restore", str(bogus), check=False)
        assert bad.returncode != 0 and ("备份文件" in bad.stderr or "恢复失败" in bad.stderr)
        assert snapshot(db) == before
