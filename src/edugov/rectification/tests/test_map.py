# ruff: noqa: E501  (GeoJSON cases read best one per line)
"""Battle map payload and page; boundary generation (deterministic) and upload validation."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edugov.accounts.models import Role
from edugov.common.errors import DomainError
from edugov.rectification import geo
from edugov.rectification.views_map import battle_map_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def located(district):  # type: ignore[no-untyped-def]
    for school, lon, lat in ((district.school_a, "121.400000", "31.200000"),
                             (district.point_a, "121.420000", "31.220000"),
                             (district.school_b, "121.600000", "31.100000")):  # fmt: skip
        school.longitude, school.latitude = Decimal(lon), Decimal(lat)
        school.save(update_fields=["longitude", "latitude"])
    return district


def test_voronoi_of_two_sites_splits_the_box_at_the_bisector():
    cells = geo.voronoi_cells([(0.0, 0.0), (2.0, 0.0)], (-1, -1, 3, 1))
    assert sorted(cells[0]) == sorted([(-1, -1), (1.0, -1.0), (1.0, 1.0), (-1, 1)])
    assert sorted(cells[1]) == sorted([(1.0, -1.0), (3, -1), (3, 1), (1.0, 1.0)])


def test_generated_boundary_is_valid_and_deterministic(located):
    first = geo.generate_boundary(located.district)
    assert first == geo.generate_boundary(located.district)
    assert [f["properties"]["name"] for f in first["features"]] == ["甲街道", "乙镇"]
    raw = json.dumps(first, ensure_ascii=False).encode()
    assert geo.validate_boundary(raw, district=located.district)["type"] == "FeatureCollection"


def _fc(features):  # type: ignore[no-untyped-def]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


SQUARE = [[[121.0, 31.0], [121.1, 31.0], [121.1, 31.1], [121.0, 31.0]]]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"\xff\xfe not utf8", "不是合法的JSON"),
        (b"{not json", "不是合法的JSON"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (_fc([]), "没有任何要素"),
        (_fc([{"type": "Feature", "properties": {"name": "火星镇"}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}]), "不是本区县"),
        (_fc([{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}]), "缺少properties.name"),
        (_fc([{"type": "Feature", "properties": {"name": "甲街道"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}]), "Polygon或MultiPolygon"),
        (_fc([{"type": "Feature", "properties": {"name": "甲街道"}, "geometry": {"type": "Polygon", "coordinates": [[[1, 2], [3, 4]]]}}]), "至少需要4个"),
        (_fc([{"type": "Feature", "properties": {"name": "甲街道"}, "geometry": {"type": "Polygon", "coordinates": [[[121, 31], [122, 31], [122, 32], [121, 32.5]]]}}]), "首尾闭合"),
        (_fc([{"type": "Feature", "properties": {"name": "甲街道"}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[500, 31], [122, 31], [122, 32], [500, 31]]]]}}]), "超出经纬度"),
    ],
)  # fmt: skip
def test_boundary_validation(district, raw, message):
    with pytest.raises(DomainError, match=message):
        geo.validate_boundary(raw, district=district.district)


def test_boundary_too_large(district, monkeypatch):
    monkeypatch.setattr(geo, "MAX_BOUNDARY_BYTES", 10)
    with pytest.raises(DomainError, match="超过"):
        geo.validate_boundary(b"{" + b" " * 20 + b"}", district=district.district)


def test_upload_page(client, located):
    admin = located.users[Role.DISTRICT_ADMIN]
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
    resp = client.post("/rectification/map/boundary/", {"file": SimpleUploadedFile("b.geojson", b"[1,2")})
    assert resp.status_code == 400 and "不是合法的JSON" in resp.content.decode()
    good = _fc([{"type": "Feature", "properties": {"name": "甲街道"},
                 "geometry": {"type": "Polygon", "coordinates": SQUARE}}])  # fmt: skip
    resp = client.post("/rectification/map/boundary/", {"file": SimpleUploadedFile("b.geojson", good)})
    assert resp.status_code == 302
    assert (
        client.get("/rectification/map/boundary.geojson").json()["features"][0]["properties"]["name"]
        == "甲街道"
    )
    resp = client.post("/rectification/map/boundary/", {"generate": "1"})
    assert resp.status_code == 302
    assert len(client.get("/rectification/map/boundary.geojson").json()["features"]) == 2
    # Officers may not upload.
    client.force_login(
        located.users[Role.DEPARTMENT_OFFICER], backend="django.contrib.auth.backends.ModelBackend"
    )
    assert client.get("/rectification/map/boundary/").status_code == 404


@pytest.mark.parametrize(
    ("who", "kwargs", "max_bytes", "message"),
    [
        (Role.DISTRICT_ADMIN, {}, 10**6, "请选择边界文件（GeoJSON）"),
        (Role.DISTRICT_ADMIN, {"upload": "file"}, 10, "边界文件超过0MB"),  # checked before reading
        (Role.DISTRICT_ADMIN, {"upload": "bad"}, 10**6, "不是合法的JSON"),
        (Role.DEPARTMENT_OFFICER, {"upload": "file"}, 10**6, "只有区县管理员可以上传边界文件"),
        (Role.DEPARTMENT_OFFICER, {"generate": True}, 10**6, "只有区县管理员可以上传边界文件"),
    ],
)
def test_boundary_replace_refusals_write_nothing(located, monkeypatch, who, kwargs, max_bytes, message):
    from edugov.rectification.models import Boundary

    monkeypatch.setattr(geo, "MAX_BOUNDARY_BYTES", max_bytes)
    good = _fc([{"type": "Feature", "properties": {"name": "甲街道"},
                 "geometry": {"type": "Polygon", "coordinates": SQUARE}}])  # fmt: skip
    files = {"file": SimpleUploadedFile("b.geojson", good), "bad": SimpleUploadedFile("b.geojson", b"[1,2")}
    if "upload" in kwargs:
        kwargs = {"upload": files[kwargs["upload"]]}
    with pytest.raises(DomainError, match=message):
        geo.boundary_replace(actor=located.users[who], district=located.district, **kwargs)
    assert not Boundary.objects.exists()


def test_boundary_replace_generates_or_takes_the_file(located):
    admin = located.users[Role.DISTRICT_ADMIN]
    generated = geo.boundary_replace(actor=admin, district=located.district, generate=True)
    assert generated.generated and generated.original_name == "系统生成"
    assert generated.geojson == geo.generate_boundary(located.district)
    good = _fc([{"type": "Feature", "properties": {"name": "甲街道"},
                 "geometry": {"type": "Polygon", "coordinates": SQUARE}}])  # fmt: skip
    uploaded = geo.boundary_replace(
        actor=admin, district=located.district, upload=SimpleUploadedFile("区界.geojson", good)
    )
    assert (
        not uploaded.generated and uploaded.original_name == "区界.geojson" and uploaded.uploaded_by == admin
    )
    stored = geo.boundary_for(located.district)
    assert stored is not None and stored["features"][0]["properties"]["name"] == "甲街道"


def test_battle_map_payload_and_page(client, located, make_item):
    make_item(title="甲校问题一", severity="high")
    make_item(title="甲校问题二", severity="low")
    make_item(title="乙校问题", school=located.school_b)
    officer = located.users[Role.DEPARTMENT_OFFICER]
    payload = battle_map_payload(user=officer, filters={})
    units = {u["name"]: u for u in payload["units"]}
    assert units["甲街道第一小学"]["value"] == [121.4, 31.2, 2] and units["甲街道第一小学"]["worst"] == "high"
    assert payload["total"] == 3 and payload["columns"][0]["count"] == 3
    town = battle_map_payload(user=located.users["town_officer"], filters={"severity": "high"})
    assert [u["name"] for u in town["units"]] == ["甲街道第一小学"]
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/rectification/map/", {"status": "bogus"}).status_code == 200
    assert client.get("/rectification/map/data/").json()["total"] == 3
    client.force_login(located.users[Role.SCHOOL_ADMIN], backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/rectification/map/").status_code == 404


def _reference_payload(items, today):  # type: ignore[no-untyped-def]
    """The map's figures computed the plain way, item by item in Python."""
    from edugov.rectification.models import OPEN_STATUSES, SEVERITY_RANK, WORKING_STATUSES

    items = sorted((i for i in items if i.status in OPEN_STATUSES), key=lambda i: (i.deadline, i.pk))
    columns: dict[str, dict[str, Any]] = {s: {"count": 0, "overdue": 0, "ids": []} for s in OPEN_STATUSES}
    units: dict = {}
    for i in items:
        late = i.status in WORKING_STATUSES and i.deadline < today
        col = columns[i.status]
        col["count"] += 1
        col["overdue"] += late
        if len(col["ids"]) < 8:
            col["ids"].append(i.pk)
        if i.longitude is None or i.latitude is None:
            continue
        u = units.setdefault(i.unit_name, {"n": 0, "overdue": 0, "worst": 0, "ids": [], "statuses": {}})
        u["n"] += 1
        u["overdue"] += late
        u["worst"] = max(u["worst"], SEVERITY_RANK[i.severity])
        u["statuses"][i.get_status_display()] = u["statuses"].get(i.get_status_display(), 0) + 1
        if len(u["ids"]) < 5:
            u["ids"].append(i.pk)
    return columns, units


def test_battle_map_counts_match_an_item_by_item_count(located, make_item):
    from edugov.rectification import selectors
    from edugov.rectification.models import OPEN_STATUSES, SEVERITY_RANK, ItemStatus, RectificationItem

    today = selectors.today()
    schools = [located.school_a, located.point_a, located.school_b]
    statuses = [*OPEN_STATUSES, ItemStatus.CLOSED]
    for n in range(36):
        item = make_item(
            title=f"问题{n}",
            school=schools[n % 3],
            severity=["low", "medium", "high"][n % 3 if n % 4 else 0],
            deadline=today + dt.timedelta(days=(n % 9) - 4),  # about half overdue
        )
        RectificationItem.objects.filter(pk=item.pk).update(status=statuses[(n * 5) % len(statuses)])
    RectificationItem.objects.filter(title="问题7").update(longitude=None)  # a unit not on the map

    payload = battle_map_payload(user=located.users[Role.DEPARTMENT_OFFICER], filters={})
    columns, units = _reference_payload(RectificationItem.objects.all(), today)
    got_columns = {c["status"]: c for c in payload["columns"]}
    for status, expected in columns.items():
        col = got_columns[status]
        assert (col["count"], col["overdue"]) == (expected["count"], expected["overdue"]), status
        assert [i["id"] for i in col["items"]] == expected["ids"], status
    assert payload["total"] == sum(c["count"] for c in columns.values()) > 0
    assert payload["overdue"] == sum(c["overdue"] for c in columns.values()) > 0
    got_units = {u["name"]: u for u in payload["units"]}
    assert set(got_units) == set(units)
    for name, expected in units.items():
        u = got_units[name]
        assert u["value"][2] == expected["n"] and u["overdue"] == expected["overdue"], name
        assert SEVERITY_RANK[u["worst"]] == expected["worst"], name
        assert u["statuses"] == expected["statuses"], name
        assert [i["id"] for i in u["items"]] == expected["ids"], name
