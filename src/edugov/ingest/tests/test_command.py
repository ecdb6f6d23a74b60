"""`edugov import KIND FILE`: counts in Chinese, errors listed, non-zero exit on rejection."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from edugov.audit.models import AuditEvent
from edugov.registry.models import SchoolClass
from edugov.testing import make_mini_district

from .helpers import write_csv

pytestmark = pytest.mark.django_db


def test_good_file(tmp_path, capsys):
    d = make_mini_district()
    path = write_csv(tmp_path / "c.csv", [[d.school_a.code, "2025", "一年级", "1", "", "20", "20"]])
    call_command("import_file", "classes", str(path), "--user", d.users["school_admin"].username)
    out = capsys.readouterr().out
    assert "导入成功" in out and "新增 1 行" in out
    assert SchoolClass.objects.filter(grade=1).count() == 1
    event = AuditEvent.objects.get(action="import")
    assert event.source == "command" and event.actor == d.users["school_admin"]


def test_rejected_file_exits_non_zero(tmp_path, capsys):
    d = make_mini_district()
    path = write_csv(tmp_path / "c.csv", [[d.school_b.code, "2025", "一年级", "1", "", "x", "20"]])
    with pytest.raises(CommandError) as exc:
        call_command("import_file", "classes", str(path), "--no-progress")
    assert exc.value.returncode == 2
    out = capsys.readouterr().out
    assert "第2行 男生数「x」：应为整数" in out and "错误报告" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nonsense", "x.csv"], "不支持的数据类型"),
        (["classes", "/nonexistent.csv"], "找不到文件"),
        (["classes", "{path}", "--user", "nobody"], "用户不存在"),
    ],
)
def test_bad_arguments(tmp_path, args, message):
    path = write_csv(tmp_path / "c.csv", [])
    with pytest.raises(CommandError, match=message):
        call_command("import_file", *[a.format(path=path) for a in args])


def test_permission_error_is_a_command_error(tmp_path):
    d = make_mini_district()
    path = write_csv(tmp_path / "c.csv", [])
    with pytest.raises(CommandError, match="只读"):
        call_command("import_file", "classes", str(path), "--user", d.users["leader"].username)
