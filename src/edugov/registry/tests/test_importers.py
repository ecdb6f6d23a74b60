"""Registry imports name only rows in the uploader's write scope (issue 12: imports alike)."""

from __future__ import annotations

import pytest

from edugov.ingest.models import BatchStatus
from edugov.ingest.services import import_file
from edugov.ingest.tests.helpers import write_csv
from edugov.registry.models import School
from edugov.testing import make_mini_district

pytestmark = pytest.mark.django_db

HEADERS = [
    "学校标识码", "学校名称", "办学类型", "举办者", "城乡分类代码", "所在乡镇街道代码",
    "地址", "经度", "纬度", "寄宿制", "是否教学点", "所属中心校标识码",
]  # fmt: skip


def _point(code: str, town: str, central: str) -> list[str]:
    return [code, "某村教学点", "小学", "公办", "220", town, "", "", "", "否", "是", central]


@pytest.fixture
def d():
    return make_mini_district()


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            lambda d: _point("3101010091", d.town_b.code, d.school_a.code),
            "所在乡镇街道代码",
            "不在您的管辖范围内",
        ),
        (
            lambda d: _point("3101010092", d.town_a.code, d.school_b.code),
            "所属中心校标识码",
            "不在您可修改的范围内",
        ),
    ],
)
def test_town_officer_cannot_name_the_other_towns_rows(tmp_path, d, row, column, reason):
    path = write_csv(tmp_path / "schools.csv", [row(d)], headers=HEADERS)
    batch = import_file(kind="schools", path=path, original_name=path.name, user=d.users["town_officer"])
    assert batch.status == BatchStatus.REJECTED
    assert batch.errors[0]["column"] == column and reason in batch.errors[0]["reason"]
    assert not School.objects.filter(code__in=["3101010091", "3101010092"]).exists()


def test_town_officer_imports_within_its_town(tmp_path, d):
    path = write_csv(
        tmp_path / "schools.csv", [_point("3101010093", d.town_a.code, d.school_a.code)], headers=HEADERS
    )
    batch = import_file(kind="schools", path=path, original_name=path.name, user=d.users["town_officer"])
    assert batch.status == BatchStatus.SUCCEEDED, batch.errors
    assert School.objects.get(code="3101010093").central_school == d.school_a
