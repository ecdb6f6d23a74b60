"""The audit trail in plain Chinese: field names, choice labels, foreign keys by the row's name,
local times, no ids, no dicts, no internal keys."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from edugov.accounts.models import Role
from edugov.audit.models import AuditAction, AuditEvent, AuditSource
from edugov.audit.views import describe_events, model_verbose_name
from edugov.testing import make_mini_district

pytestmark = pytest.mark.django_db

CODE_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[._:][A-Za-z0-9]+)+|#\d+|\{'|\b[a-z]{3,}\b")


def _event(d, changes, model="registry.SchoolClass", action=AuditAction.CREATE):
    return AuditEvent.objects.create(
        source=AuditSource.WEB,
        action=action,
        model=model,
        object_id="7",
        object_repr="三年级(1)班",
        changes=changes,
        area_path=d.district.path,
    )


def test_a_created_row_reads_in_chinese_with_names_for_its_foreign_keys():
    d = make_mini_district()
    event = _event(
        d,
        {
            "after": {
                "id": 7,
                "school": d.school_a.pk,
                "grade": 3,
                "number": 1,
                "name": "三年级(1)班",
                "cause_key": "registry.oversized_class:93:2026",
                "head_teacher": None,
            }
        },
    )
    [rows] = describe_events([event])
    by_field = {r["field"]: r["after"] for r in rows}
    assert by_field["学校"] == "甲街道第一小学"  # the school's name, not "#12"
    assert by_field["班级名称"] == "三年级(1)班"
    assert "ID" not in by_field and "cause_key" not in by_field  # bookkeeping left out
    assert not any(CODE_LIKE.search(r["field"] + r["before"] + r["after"]) for r in rows)


def test_updates_show_choice_labels_local_times_and_no_dicts():
    d = make_mini_district()
    event = _event(
        d,
        {
            "school_type": ["primary", "junior"],
            "archived_at": ["2026-09-22 01:00:00+00:00", "2026-12-01T09:00:00+08:00"],
            "rules": {"base": 40.0, "meta": {"id": "rectification.ranking.default", "title": "评分规则"}},
            "counts": {"学校": 3, "班级": 12},
            "action": "assign",
            "comment": "请按期整改",
        },
        model="registry.School",
        action=AuditAction.UPDATE,
    )
    [rows] = describe_events([event])
    by_field = {r["field"]: (r["before"], r["after"]) for r in rows}
    assert by_field["办学类型"] == ("小学", "初级中学")
    # stored in UTC, read in Beijing time, to the minute
    assert by_field["归档时间"] == ("2026-09-22 09:00", "2026-12-01 09:00")
    assert by_field["办理意见"] == ("", "请按期整改")
    assert by_field["生成行数"] == ("", "2项明细")
    text = "".join(b + a for b, a in by_field.values())
    assert "{" not in text and "assign" not in text and "rectification" not in text


def test_a_deleted_foreign_row_and_a_pseudo_model_still_read_in_chinese():
    d = make_mini_district()
    event = _event(d, {"after": {"school": 999999}})
    assert describe_events([event]) == [[{"field": "学校", "before": "", "after": "（已删除）"}]]
    assert model_verbose_name("demo.DemoDistrict") == "演示数据"
    assert model_verbose_name("nope.Nope") == "其他数据"


def test_the_page_names_objects_without_ids(client):
    d = make_mini_district()
    _event(d, {"after": {"school": d.school_a.pk, "grade": 3}})
    client.force_login(d.users[Role.DISTRICT_ADMIN])
    body = client.get(reverse("audit:event_list")).content.decode()
    assert "三年级(1)班" in body and "甲街道第一小学" in body
    assert not re.search(r">#\d+<|#\d+</small>", body)


def test_an_import_reads_its_file_size_and_hash_in_words():
    """The import's summary: a Latin file name and a hash starting with a letter are no internal
    codes (both were once dropped), the size is in KB; the kind's code stays out (named in 对象)."""
    event = AuditEvent(
        action=AuditAction.IMPORT,
        model="registry.SchoolClass",
        object_repr="导入班级与学生数：classes-2026.xlsx",
        changes={
            "file": "classes-2026.xlsx",
            "size": 5047,
            "sha256": "ab" * 32,
            "kind": "classes",
            "rows": 3,
            "created": 2,
            "updated": 1,
            "unchanged": 0,
        },
    )
    [rows] = describe_events([event])
    assert {r["field"]: r["after"] for r in rows} == {
        "文件": "classes-2026.xlsx",
        "文件大小": "4.9 KB",
        "文件哈希": "ab" * 32,
        "行数": "3",
        "新增": "2",
        "修改": "1",
        "未变化": "0",
    }
