"""Exports neutralise formula injection. Every text field of every row is overwritten with a
formula (= + - @), then every route (from the resolver, via the scope walk's table) is asked for
its downloads: the route itself and its ?export= / ?format= / ?fmt= variants. Any CSV or XLSX
answer is an export; none of its cells may be a formula or start with one of those characters."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from openpyxl import load_workbook

from edugov.accounts.models import Role
from tests import test_scope_walk as walk

from .live import record

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x.invalid")', "+1+1+cmd", "-1+1+cmd", "@SUM(1)+cmd"]
MARKERS = ("HYPERLINK", "cmd", "SUM(1)")
KEEP = {"code", "path", "username", "password", "token", "sha256", "stored_path", "kind", "status", "role"}
VARIANTS = ["", "?export=xlsx", "?export=csv", "?format=xlsx", "?format=csv", "?fmt=xlsx", "?fmt=csv"]


def poison() -> int:
    """Overwrite free-text fields of every project row with formula payloads; returns fields hit."""
    hit = 0
    cycle = itertools.cycle(PAYLOADS)
    for model in apps.get_models():
        if not model.__module__.startswith("edugov.") or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if (
                not isinstance(field, models.CharField | models.TextField)
                or field.choices
                or field.unique
                or field.primary_key
                or field.name in KEEP
                or field.name.endswith(("_code", "_path", "_token", "_hash", "_key"))
            ):
                continue
            value = next(cycle)
            if field.max_length:
                value = value[: field.max_length]
            if len(value) < 4:
                continue
            hit += model._default_manager.update(**{field.name: value})
    return hit


def cells(response) -> list[str]:  # type: ignore[no-untyped-def]
    raw = b"".join(response.streaming_content) if response.streaming else bytes(response.content)
    if raw[:2] == b"PK":
        wb = load_workbook(io.BytesIO(raw))
        out = []
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "f":
                        out.append(f"FORMULA:{c.value}")
                    elif isinstance(c.value, str):
                        out.append(c.value)
        return out
    text = raw.decode("utf-8-sig", "replace")
    return [v for row in csv.reader(io.StringIO(text)) for v in row]


def is_export(response) -> bool:  # type: ignore[no-untyped-def]
    ctype = response.get("Content-Type", "")
    return response.status_code == 200 and ("spreadsheetml" in ctype or "text/csv" in ctype)


def test_exports_neutralise_formulas():
    w = walk.world()
    poisoned = poison()
    assert poisoned > 0
    admin = w.users[Role.DISTRICT_ADMIN]
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    table = walk.probe_table()
    exports: dict[str, int] = {}
    bad: list[tuple[str, str]] = []
    for route in walk.all_routes():
        probe = table.get(route.key)
        if probe is None or probe.kind == "skip" or route.pattern.startswith(("admin/", "api/")):
            continue
        try:
            base = walk.url_for(route, probe, w, admin)
        except Exception:
            continue
        for variant in VARIANTS:
            response = client.get(base + variant)
            if not is_export(response):
                continue
            values = cells(response)
            exports[base + variant] = len(values)
            for v in values:
                if v.startswith("FORMULA:") or (v[:1] in "=+-@" and any(m in v for m in MARKERS)):
                    bad.append((base + variant, v))
    record("export_formulas", exports=len(exports), cells=sum(exports.values()), formulas=len(bad))
    assert len(exports) >= 5, exports
    assert not bad, bad[:10]
