"""Exports mask personal identifiers for roles without need. Every ID-number and phone field of every
row is set to a full, valid value; every export (found as in test_export_formulas.py) is then
downloaded by the inspector, the leader and district officers outside personnel and tutoring
supervision; no answer may hold a full resident ID number (18 characters with a valid check digit)
or an 11-digit mobile number."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from edugov.accounts.models import Department, Role
from edugov.testing import make_user
from edugov.tutoring import services
from edugov.tutoring.tests.factories import make_institution, officer
from tests import test_scope_walk as walk

from .live import record
from .test_export_formulas import VARIANTS, is_export

pytestmark = pytest.mark.django_db

ID_BODY = "11010120100307002"  # Beijing Dongcheng, born 2010-03-07: a minor's number
PHONE = "13912345678"
ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_char(body: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def full_id(body: str) -> bool:
    return check_char(body[:17]) == body[17].upper()


def identify() -> int:
    """Give every identifier field of every project row a full value; returns fields set."""
    id_number = ID_BODY + check_char(ID_BODY)
    hit = 0
    for model in apps.get_models():
        if not model.__module__.startswith("edugov.") or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.unique or field.choices:
                continue
            if "id_number" in field.name:
                hit += model._default_manager.update(**{field.name: id_number})
            elif "phone" in field.name:
                hit += model._default_manager.update(**{field.name: PHONE})
    return hit


def export_urls(w, user) -> list[str]:  # type: ignore[no-untyped-def]
    """Every route and ?export= variant that answers CSV or XLSX to `user` (the district admin)."""
    client = Client(raise_request_exception=False)
    client.force_login(user)
    table = walk.probe_table()
    urls = []
    for route in walk.all_routes():
        probe = table.get(route.key)
        if probe is None or probe.kind == "skip" or route.pattern.startswith(("admin/", "api/")):
            continue
        bases = set()
        for anyone in (user, None):  # None: detail routes get any row, which a district role may see
            try:
                bases.add(walk.url_for(route, probe, w, anyone))
            except Exception:
                continue
        urls += [base + v for base in sorted(bases) for v in VARIANTS if is_export(client.get(base + v))]
    return urls


def identifiers(client: Client, url: str) -> list[str]:
    response = client.get(url)
    if not is_export(response):
        return []
    text = walk.body_text(response)
    return [m for m in ID_RE.findall(text) if full_id(m)] + PHONE_RE.findall(text)


def add_tutoring_rows(w) -> None:  # type: ignore[no-untyped-def]
    """An institution in each town with a tutor, an order and a complaint (the walk has none)."""
    px = officer(w)
    for town in (w.town_a, w.town_b):
        inst = make_institution(w, px, town=town)
        data = {"name": "赵老师", "id_number": ID_BODY + check_char(ID_BODY), "teaches_subject": False}
        services.staff_create(actor=px, institution=inst, data=data)
        services.order_create(
            actor=px,
            institution=inst,
            data={
                "pupil_name": "小明",
                "lessons": 10,
                "amount": Decimal("900"),
                "paid_on": dt.date(2025, 9, 1),
            },
        )
        services.complaint_submit(
            data={
                "institution": inst,
                "topic": "退费纠纷",
                "content": "不退",
                "contact_name": "王女士",
                "contact_phone": PHONE,
            },
            today=dt.date(2025, 9, 2),
        )


def test_exports_mask_identifiers_for_roles_without_need():
    w = walk.world()
    add_tutoring_rows(w)
    assert identify() > 0
    urls = export_urls(w, w.users[Role.DISTRICT_ADMIN])
    users = {
        "inspector": w.users[Role.INSPECTOR],
        "leader": make_user(Role.LEADER, area=w.district),
        **{
            f"officer_{d.value}": make_user(Role.DEPARTMENT_OFFICER, area=w.district, department=d)
            for d in (Department.BASIC_EDUCATION, Department.SUPERVISION_OFFICE, Department.SAFETY)
        },
    }
    downloads = 0
    leaks: list[tuple[str, str, str]] = []
    for who, user in users.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        for url in urls:
            found = identifiers(client, url)
            downloads += 1
            leaks += [(who, url, m) for m in found]
    # Control: the tutoring supervision officer needs them, so the full values do reach some export.
    control = Client(raise_request_exception=False)
    control.force_login(officer(w))
    shown = sum(bool(identifiers(control, url)) for url in urls)
    record(
        "export_masking",
        exports=len(urls),
        downloads=downloads,
        roles=len(users),
        leaks=len(leaks),
        control=shown,
    )
    print(f"\nexport masking: {len(urls)} exports x {len(users)} roles, {len(leaks)} leaks; control {shown}")
    assert len(urls) >= 5, urls
    assert shown >= 1, "the control role saw no identifier: the rows do not reach the exports"
    assert not leaks, sorted(set(leaks))[:20]
