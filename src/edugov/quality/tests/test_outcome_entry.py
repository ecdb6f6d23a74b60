"""Entering 中考 and 高考 line counts and award counts on the outcomes page and through the API,
refused exactly as the import refuses them (school without the stage, more reached than sat,
counts out of range), with nothing written; 高考 lines imported, shown and served like 中考's."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from edugov.accounts.models import Role
from edugov.ingest.models import BatchStatus
from edugov.quality.models import Award, LineResult
from edugov.registry.models import SchoolType
from edugov.testing import login

from .rows import run_import, workbook

pytestmark = pytest.mark.django_db
URL = "/api/v1/quality/lines/"


@pytest.fixture
def schools(district):
    """School A stays a primary school; school B becomes a complete secondary (初中 and 高中)."""
    district.school_b.school_type = SchoolType.COMPLETE_SECONDARY
    district.school_b.save(update_fields=["school_type"])
    return district


def _line(d: Any, school: Any, line: str, candidates: Any, reached: Any) -> dict[str, Any]:
    return {
        "form": "line",
        "school": school.pk,
        "school_year": d.year.pk,
        "line": line,
        "candidates": candidates,
        "reached": reached,
    }


def test_the_office_enters_line_counts_on_the_page(schools):
    d = schools
    client = login(Client(), d.users[Role.DEPARTMENT_OFFICER])
    page = client.get(reverse("quality:outcomes")).content.decode()
    assert "登记上线人数" in page and "高考本科线" in page and "中考普高线" in page
    url = reverse("quality:outcomes")
    refusals = [
        (_line(d, d.school_a, "general", 50, 30), "不设初中，不能登记中考上线人数"),
        (_line(d, d.school_a, "undergraduate", 50, 30), "不设高中，不能登记高考上线人数"),
        (_line(d, d.school_b, "undergraduate", 50, 60), "上线人数不能多于参考人数"),
        (_line(d, d.school_b, "undergraduate", 0, 0), "参考人数应在1至100000之间"),
        (_line(d, d.school_b, "undergraduate", "-3", 0), "参考人数：应为非负整数"),
        (_line(d, d.school_b, "top_scorer", 50, 1), "分数线：取值无效"),
    ]
    for post, words in refusals:
        bad = client.post(url, post)
        assert bad.status_code == 400 and words in bad.content.decode(), words
    assert not LineResult.objects.exists()
    assert client.post(url, _line(d, d.school_b, "undergraduate", 400, 248)).status_code == 302
    assert client.post(url, _line(d, d.school_b, "undergraduate", 400, 252)).status_code == 302
    assert client.post(url, _line(d, d.school_b, "general", 300, 190)).status_code == 302
    row = LineResult.objects.get(line="undergraduate")
    assert (row.candidates, row.reached) == (400, 252)  # the second entry corrected the first
    page = client.get(url).content.decode()
    assert "252/400（63.0%）" in page and "190/300（63.3%）" in page
    # a school's account reads nothing here, and writes nothing
    school = login(Client(raise_request_exception=False), d.users[Role.SCHOOL_ADMIN])
    assert school.post(url, _line(d, d.school_a, "general", 5, 1)).status_code == 403
    assert LineResult.objects.count() == 2


def test_the_office_enters_an_award_count(schools):
    d = schools
    client = login(Client(), d.users[Role.DEPARTMENT_OFFICER])
    post = {
        "form": "award",
        "school": d.school_a.pk,
        "school_year": d.year.pk,
        "recipient": "student",
        "level": "city",
        "contest": "青少年科技创新大赛",
        "prize": "一等奖",
        "count": "0",
    }
    bad = client.post(reverse("quality:outcomes"), post)
    assert bad.status_code == 400 and "获奖人次应在1至100000之间" in bad.content.decode()
    assert not Award.objects.exists()
    post["count"] = "3"
    assert client.post(reverse("quality:outcomes"), post).status_code == 302
    post["count"] = "4"
    assert client.post(reverse("quality:outcomes"), post).status_code == 302
    assert Award.objects.get().count == 4


def test_the_api_enters_lines_and_awards_with_the_same_refusals(schools):
    d = schools
    api = APIClient()
    api.force_authenticate(d.users[Role.DEPARTMENT_OFFICER])
    body = {"school": d.school_a.pk, "school_year": d.year.pk, "line": "key", "candidates": 40, "reached": 9}
    bad = api.post(URL, body, format="json")
    assert bad.status_code == 400 and "不设初中" in str(bad.json())
    body.update(school=d.school_b.pk, line="special")
    ok = api.post(URL, body, format="json")
    assert ok.status_code == 201 and ok.json()["exam"] == "gaokao" and ok.json()["rate"] == 22.5
    award = {
        "school": d.school_b.pk,
        "school_year": d.year.pk,
        "recipient": "teacher",
        "level": "provincial",
        "contest": "优质课评比",
        "prize": "二等奖",
        "count": 2,
    }
    assert api.post("/api/v1/quality/awards/", award, format="json").status_code == 201
    school = APIClient()
    school.force_authenticate(d.users[Role.SCHOOL_ADMIN])
    assert school.post(URL, body, format="json").status_code == 403
    assert LineResult.objects.count() == 1 and Award.objects.count() == 1


def test_gaokao_lines_are_imported_and_shown(schools, tmp_path):
    d = schools
    officer = d.users[Role.DEPARTMENT_OFFICER]
    headers = ["学校标识码", "学年", "分数线", "参考人数", "上线人数"]
    primary = run_import(
        "quality_gaokao_lines",
        workbook(tmp_path / "g0.xlsx", headers, [[d.school_a.code, "2025", "本科线", 50, 30]]),
        officer,
    )
    assert primary.status != BatchStatus.SUCCEEDED and "不设高中" in primary.errors[0]["reason"]
    zhongkao = run_import(
        "quality_gaokao_lines",
        workbook(tmp_path / "g1.xlsx", headers, [[d.school_b.code, "2025", "普高线", 50, 30]]),
        officer,
    )
    assert zhongkao.status != BatchStatus.SUCCEEDED  # a 中考 line is not a 高考 line
    assert not LineResult.objects.exists()
    rows = [[d.school_b.code, "2025", "本科线", 420, 268], [d.school_b.code, "2025", "特控线", 420, 63]]
    ok = run_import("quality_gaokao_lines", workbook(tmp_path / "g2.xlsx", headers, rows), officer)
    assert ok.status == BatchStatus.SUCCEEDED, ok.errors
    assert dict(LineResult.objects.values_list("line", "reached")) == {"undergraduate": 268, "special": 63}
    page = login(Client(), d.users[Role.DISTRICT_ADMIN]).get(reverse("quality:outcomes")).content.decode()
    # 268 / 420 = 63.8%, 63 / 420 = 15.0%; no 中考 line was entered
    assert "268/420（63.8%）" in page and "63/420（15.0%）" in page and "暂无中考上线数据" in page
    api = APIClient()
    api.force_authenticate(d.users[Role.DISTRICT_ADMIN])
    got = sorted((r["exam"], r["line_label"], r["rate"]) for r in api.get(URL).json()["results"])
    assert got == [("gaokao", "本科线", 63.8), ("gaokao", "特殊类型招生控制线", 15.0)]
