"""The fitness and outcomes pages, API, report and findings on the hand-scored mini district
(rows.fitness_rows: school A 4 pupils, 75% pass, 50% good; school B 2 pupils; district 83.3%).
The national upload export is the school administrator's own, ordered by class and key."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from edugov.accounts.models import Role
from edugov.ingest.models import BatchStatus
from edugov.quality import findings
from edugov.quality.fitness_selectors import UPLOAD_HEADERS
from edugov.quality.models import Award, LineResult
from edugov.quality.pupil_key import pupil_key
from edugov.rectification.findings import FindingContext
from edugov.testing import MINI_DISTRICT_USERS, login

from .rows import fitness_rows, grade1_classes, grade1_row, import_fitness, run_import, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def tested(district, tmp_path):
    grade1_classes(district)
    batch = import_fitness(tmp_path, district.users[Role.DEPARTMENT_OFFICER], fitness_rows(district))
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    return district


def _get(d: Any, who: Any, url: str) -> Any:
    return login(Client(), d.users[who]).get(url)


def test_the_district_page_shows_rates_without_pupils(tested):
    d = tested
    response = _get(d, Role.DISTRICT_ADMIN, reverse("quality:fitness"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "83.3" in text and "33.3" in text  # district pass and good rates
    assert "城区" in text and "镇区" in text and d.school_b.name in text
    assert pupil_key("G0000000001") not in text


def test_the_school_page_and_who_may_download_the_national_upload(tested):
    d = tested
    page = reverse("quality:fitness_school", kwargs={"pk": d.school_a.pk})
    response = _get(d, Role.SCHOOL_ADMIN, page)
    assert response.status_code == 200 and "1年级1班" in response.content.decode()
    assert "下载国家数据上报表" in response.content.decode()
    url = reverse("quality:fitness_export", kwargs={"pk": d.school_a.pk}) + "?year=2025"
    for who in MINI_DISTRICT_USERS:
        if who != Role.SCHOOL_ADMIN:
            assert _get(d, who, url).status_code in (403, 404), who
    response = _get(d, Role.SCHOOL_ADMIN, url)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == UPLOAD_HEADERS
    body = rows[1:]
    assert len(body) == 4  # school A's pupils only
    keys = [r[3] for r in body]
    assert keys == sorted(keys)  # one class: ordered by key, never by score
    first = next(r for r in body if r[3] == pupil_key("G0000000001"))
    assert first[:3] == ("11", "01", "1年级1班") and first[6] == "1"
    assert first[9:12] == (120, 22, 1300)  # height, weight, vital capacity
    assert first[19] == 129  # rope skipping, in the upload's column
    other = reverse("quality:fitness_export", kwargs={"pk": d.school_b.pk})
    assert _get(d, Role.SCHOOL_ADMIN, other).status_code == 404


def test_the_api_answers_rates_only(tested):
    d = tested
    response = _get(d, Role.DISTRICT_ADMIN, reverse("api:quality:fitness-list"))
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == 2025 and data["total"]["pass_rate"] == 83.3 and data["total"]["n"] == 6
    assert {s["name"]: s["pass_rate"] for s in data["schools"]} == {
        d.school_a.name: 75.0,
        d.school_b.name: 100.0,
    }
    town = _get(d, "town_officer", reverse("api:quality:fitness-list")).json()
    assert [s["name"] for s in town["schools"]] == [d.school_a.name]
    bad = _get(d, Role.DISTRICT_ADMIN, reverse("api:quality:fitness-list") + "?year=abc")
    assert bad.status_code == 400 and "学年" in bad.content.decode()


def test_the_fitness_report(tested):
    d = tested
    url = reverse("reports:download", kwargs={"name": "quality.fitness", "fmt": "json"})
    response = _get(d, Role.DISTRICT_ADMIN, url)
    assert response.status_code == 200
    doc = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    text = json.dumps(doc, ensure_ascii=False)
    assert "学生体质健康报告" in text and "83.3" in text and "未达到" in text
    xlsx = _get(
        d, Role.DISTRICT_ADMIN, reverse("reports:download", kwargs={"name": "quality.fitness", "fmt": "xlsx"})
    )
    assert xlsx.status_code == 200


def test_fitness_pass_rate_under_target_becomes_a_finding(tested, tmp_path):
    d = tested
    extra = grade1_row("G0000000007", d.school_a, "男", 120, 22, 1300, 10.8, 11.0, 87)
    batch = import_fitness(tmp_path, d.users[Role.DEPARTMENT_OFFICER], [extra], "more.xlsx")
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    ctx = FindingContext(now=timezone.now(), area=d.district)
    found = list(findings.fitness_pass_low(ctx))
    # School A: 5 pupils, 4 pass = 80% < 95%; school B has 2 pupils, too few to judge.
    assert [f.unit.id for f in found] == [d.school_a.pk]
    assert "及格率80.0%" in found[0].evidence and found[0].cause_key.endswith(f":{d.school_a.pk}:2025")


def test_value_added_below_two_years_running(district, monkeypatch):
    d = district

    def fake(school_ids: list[int], **_: Any) -> dict[int, list[dict[str, Any]]]:
        row = {"subject": "数学", "effect": -4.0, "low": -6.0, "high": -2.0, "verdict": "below"}
        ok = {**row, "verdict": "as_expected", "high": 1.0}
        return {
            d.school_a.pk: [{**row, "year": 2024}, {**row, "year": 2025}],
            d.school_b.pk: [{**row, "year": 2023}, {**ok, "year": 2024}, {**row, "year": 2025}],
        }

    monkeypatch.setattr(findings.selectors, "school_value_added", fake)
    found = list(findings.value_added_below(FindingContext(now=timezone.now(), area=d.district)))
    assert [(f.unit.id, f.data["years"]) for f in found] == [(d.school_a.pk, [2024, 2025])]
    assert "连续2年低于预期" in found[0].title


def test_outcomes_import_page_and_api(district, tmp_path):
    d = district
    from edugov.registry.models import SchoolType

    d.school_b.school_type = SchoolType.NINE_YEAR
    d.school_b.save(update_fields=["school_type"])
    officer = d.users[Role.DEPARTMENT_OFFICER]
    headers = ["学校标识码", "学年", "分数线", "参考人数", "上线人数"]
    bad = run_import(
        "quality_lines",
        workbook(tmp_path / "l0.xlsx", headers, [[d.school_a.code, "2025", "普高线", 50, 30]]),
        officer,
    )
    assert bad.status != BatchStatus.SUCCEEDED and "不设初中" in bad.errors[0]["reason"]
    over = run_import(
        "quality_lines",
        workbook(tmp_path / "l1.xlsx", headers, [[d.school_b.code, "2025", "普高线", 50, 60]]),
        officer,
    )
    assert over.status != BatchStatus.SUCCEEDED and "上线人数不能多于参考人数" in over.errors[0]["reason"]
    assert not LineResult.objects.exists()
    rows = [[d.school_b.code, "2025", "普高线", 80, 52], [d.school_b.code, "2025", "重点线", 80, 20]]
    ok = run_import("quality_lines", workbook(tmp_path / "l2.xlsx", headers, rows), officer)
    assert ok.status == BatchStatus.SUCCEEDED, ok.errors
    award_headers = ["学校标识码", "学年", "获奖对象", "级别", "赛事或评比", "奖项", "获奖人次"]
    awards = [[d.school_b.code, "2025", "学生", "市级", "青少年科技创新大赛", "一等奖", 3]]
    ok = run_import("quality_awards", workbook(tmp_path / "a.xlsx", award_headers, awards), officer)
    assert ok.status == BatchStatus.SUCCEEDED, ok.errors
    assert Award.objects.get().count == 3
    page = _get(d, Role.DISTRICT_ADMIN, reverse("quality:outcomes")).content.decode()
    assert "52/80（65.0%）" in page and "20/80（25.0%）" in page and "青少年科技创新大赛" in page
    lines = _get(d, Role.DISTRICT_ADMIN, reverse("api:quality:line-list")).json()
    rates = sorted((r["line_label"], r["rate"]) for r in lines["results"])
    assert rates == [("普高线", 65.0), ("重点线", 25.0)]
    assert _get(d, "town_officer", reverse("api:quality:line-list")).json()["results"] == []


def test_the_cockpit_shows_bands_by_town_value_added_and_fitness(paired, tmp_path):
    d = paired
    grade1_classes(d)
    batch = import_fitness(tmp_path, d.users[Role.DEPARTMENT_OFFICER], fitness_rows(d))
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    text = _get(d, Role.DISTRICT_ADMIN, reverse("quality:overview")).content.decode()
    assert "各学科等级分布（按乡镇" in text and d.town_b.name in text
    assert "符合预期" in text or "高于预期" in text  # the value-added counts of the default pair
    assert "83.3" in text  # the district's fitness pass rate
    town = _get(d, "town_officer", reverse("quality:overview")).content.decode()
    assert "75.0" in town  # town A sees its own school's pass rate


def test_the_school_page_shows_each_pairs_value_added(paired):
    d = paired
    from edugov.quality import selectors

    history = selectors.school_value_added([d.school_b.pk, d.school_a.pk])
    assert set(history) == {d.school_a.pk, d.school_b.pk}
    row = history[d.school_b.pk][0]
    assert row["year"] == 2025 and row["subject"] == "数学" and row["low"] <= row["effect"] <= row["high"]
    assert row["effect"] > 0  # school B's pupils gained 6 points more (rows.build_pair)
    text = _get(
        d, Role.SCHOOL_ADMIN, reverse("quality:school", kwargs={"pk": d.school_a.pk})
    ).content.decode()
    assert "历次增值" in text
