"""No page, export or API of quality monitoring lets a pupil's row leave the server: every route of
the module (found in the URLconf, so a route added later is walked too) and its report in every
format are asked by every reader, and no answer holds a pupil key, a student number or a field
naming one pupil's score. Lists are of schools and classes only, so no list can order pupils."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from edugov.quality.models import Assessment, FitnessResult, Result
from edugov.testing import MINI_DISTRICT_USERS, login

from .rows import fitness_rows, grade1_classes, import_fitness

pytestmark = pytest.mark.django_db

PUPIL_FIELDS = {"pupil_key", "pupil", "student_number", "score", "scores"}
# The one download of pupil rows: the national fitness upload of a school's own pupils, to its own
# administrator only, ordered by grade, class and key (test_fitness_pages.py walks who may have it).
UPLOAD_EXPORTS = {"quality:fitness_export"}


def _quality_routes(patterns: list[Any], prefix: str = "") -> list[tuple[str, tuple[str, ...]]]:
    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            space = f"{prefix}{p.namespace}:" if p.namespace else prefix
            found += _quality_routes(p.url_patterns, space)
        elif isinstance(p, URLPattern) and p.name:
            name = f"{prefix}{p.name}"
            if name.startswith(("quality:", "api:quality:")):
                found.append((name, tuple(p.pattern.regex.groupindex)))
    return found


def body_text(response: Any) -> str:
    raw = bytes(response.content)
    if raw[:2] == b"PK":  # XLSX: every XML part
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return raw.decode("utf-8", "replace")


def _keys(data: Any) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for v in data.values() for k in _keys(v)}
    if isinstance(data, list):
        return {k for v in data for k in _keys(v)}
    return set()


def _urls(d: Any) -> list[str]:
    pre, post = Assessment.objects.get(code="T-PRE"), Assessment.objects.get(code="T-POST")
    pk_for = {"quality:school": d.school_a.pk, "quality:fitness_school": d.school_a.pk}
    urls = []
    for name, params in _quality_routes(get_resolver().url_patterns):
        if name in UPLOAD_EXPORTS:
            continue
        kwargs = {"pk": pk_for.get(name, post.pk)} if "pk" in params else {}
        url = reverse(name, kwargs=kwargs)
        urls.append(url)
        urls.append(f"{url}?prior={pre.pk}&post={post.pk}&level=class&sort=effect&assessment={post.pk}")
    for fmt in ("json", "xlsx"):
        urls.append(reverse("reports:download", kwargs={"name": "quality.report", "fmt": fmt}))
        urls.append(reverse("reports:download", kwargs={"name": "quality.fitness", "fmt": fmt}))
    return urls


def test_no_answer_holds_a_pupil_row(paired, tmp_path):
    d = paired
    grade1_classes(d)
    batch = import_fitness(tmp_path, d.users["district_admin"], fitness_rows(d))
    assert batch.status == "succeeded", batch.errors
    keys = list(Result.objects.values_list("pupil_key", flat=True))
    assert len(keys) == 96
    keys += list(FitnessResult.objects.values_list("pupil_key", flat=True))
    urls = _urls(d)
    assert any("/api/v1/quality/value-added/" in u for u in urls) and any(
        "/quality/schools/" in u for u in urls
    )
    pdf = reverse("reports:download", kwargs={"name": "quality.report", "fmt": "pdf"})
    seen = 0
    for identity in MINI_DISTRICT_USERS:
        client = login(Client(), d.users[identity])
        # The PDF is the JSON's document drawn (slow to draw): read once, as the district.
        for url in [*urls, pdf] if identity == "district_admin" else urls:
            response = client.get(url, follow=True)
            if response.status_code != 200:
                continue
            seen += 1
            text = body_text(response)
            assert not any(k in text for k in keys), (identity, url)
            assert "G3101" not in text, (identity, url)  # the student numbers of build_pair
            if response.get("Content-Type", "").startswith("application/json"):
                assert not _keys(json.loads(text)) & PUPIL_FIELDS, (identity, url)
    assert seen >= 30  # the bureau's and the school's answers were read, not only refusals
