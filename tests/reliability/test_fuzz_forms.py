"""Property-based fuzzing of every form of the web UI. Routes come from the URL resolver (via the
scope walk's route table, so pages added later are fuzzed too); a route is fuzzed when its view
has a POST handler or its page shows a POST form. Each gets random values (huge, empty, unicode,
control characters, negative, formulas, random files) for the fields its form shows, posted as
the district administrator (anonymously for public pages). Never a 500; an error page is Chinese."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edugov.accounts.models import Role
from edugov.tutoring.tests.factories import make_institution, officer
from tests import test_scope_walk as walk

from .live import SOAK, record, soak

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_ERRORS = ("This field is required", "Enter a valid", "Server Error", "Traceback")
FORM_RE = re.compile(r"<form\b[^>]*>.*?</form>", re.S | re.I)
FIELD_RE = re.compile(r"<(input|select|textarea)\b[^>]*\bname=\"([^\"]+)\"[^>]*>", re.I)
EXAMPLES = soak(4, 100)
FILENAMES = ["a.xlsx", "a.csv", "a.pdf", "a.png", "../../x.txt", "无.txt"]
TALLY: dict[str, int] = {"routes": 0, "inputs": 0, "5xx": 0}

values = st.one_of(
    st.text(max_size=30),
    st.text(min_size=500, max_size=5000),
    st.sampled_from(["", "0", "-1", "99999999999999999999", "1.5", "=1+1", "@x", "2025-13-45", "null", "是"]),
    st.integers().map(str),
    st.dates().map(str),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), max_size=10),
)


def _skipped(route: walk.Route, probe: walk.Probe) -> bool:
    return (
        probe.kind == "skip"
        or route.pattern.startswith(("api/", "admin/"))  # API: schemathesis; admin: Django's own forms
        or (route.name or "").endswith(("logout", "set_language"))
        or "api-" in (route.name or "")
    )


def candidate_routes() -> list[str]:
    table = walk.probe_table()
    return sorted(r.key for r in walk.all_routes() if r.key in table and not _skipped(r, table[r.key]))


def post_forms(html: str) -> list[tuple[str | None, list[tuple[str, str]]]]:
    """(action, [(tag, name)]) of each POST form on the page."""
    forms = []
    for form in FORM_RE.findall(html):
        head = form[: form.find(">") + 1]
        if 'method="post"' not in head.lower():
            continue
        action = re.search(r'action="([^"]*)"', head)
        fields = [
            (tag.lower(), name) for tag, name in FIELD_RE.findall(form) if name != "csrfmiddlewaretoken"
        ]
        html_types = dict(re.findall(r'name="([^"]+)"[^>]*type="([^"]+)"', form))
        fields = [("file" if html_types.get(n) == "file" else t, n) for t, n in fields]
        forms.append(((action.group(1) or None) if action else None, fields))
    return forms


def test_fuzzed_forms_never_500():
    """One world for all routes (building it per route would dominate the run time)."""
    w = walk.world()
    table = walk.probe_table()
    routes = {r.key: r for r in walk.all_routes()}
    fuzzed = []
    for key in candidate_routes():
        if _fuzz_route(routes[key], table[key], w):
            fuzzed.append(key)
    TALLY["routes"] = len(fuzzed)
    record("fuzz_forms", candidates=len(candidate_routes()), **TALLY)
    assert "registry:school_edit" in fuzzed and "ingest:upload" in fuzzed


def _fuzz_route(route: walk.Route, probe: walk.Probe, w) -> bool:  # type: ignore[no-untyped-def]
    client = Client(raise_request_exception=False)
    user = None
    if probe.kind != "public":
        user = w.users[Role.DISTRICT_ADMIN]
        client.force_login(user)
    url = walk.url_for(route, probe, w, user)
    view = resolve(url).func
    has_post = hasattr(getattr(view, "view_class", None), "post")
    page = client.get(url)
    assert page.status_code < 500, (url, page.status_code)
    html = page.content.decode("utf-8", "replace") if "html" in page.get("Content-Type", "") else ""
    forms = post_forms(html)
    if not forms and has_post:
        forms = [(None, [])]
    if not forms:
        return False

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not SOAK,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def run(data):  # type: ignore[no-untyped-def]
        action, fields = data.draw(st.sampled_from(forms))
        target = action if action and action.startswith("/") else url
        payload: dict[str, object] = {}
        for tag, name in fields:
            if data.draw(st.integers(0, 9)) == 0:
                continue  # leave some fields out
            if tag == "file":
                content = data.draw(st.binary(max_size=2000))
                filename = data.draw(
                    st.sampled_from(["a.xlsx", "a.csv", "a.pdf", "a.png", "../../x.txt", "无.txt"])
                )
                payload[name] = SimpleUploadedFile(filename, content)
            else:
                payload[name] = data.draw(values)
        for _ in range(data.draw(st.integers(0, 2))):
            payload[data.draw(st.text(min_size=1, max_size=10))] = data.draw(values)
        response = client.post(target, payload)
        TALLY["inputs"] += 1
        if response.status_code >= 500:
            TALLY["5xx"] += 1
        assert response.status_code < 500, (target, payload, response.status_code)
        text = (
            response.content.decode("utf-8", "replace") if "html" in response.get("Content-Type", "") else ""
        )
        for english in ENGLISH_ERRORS:
            assert english not in text, (target, english)
        if response.status_code >= 400 and text:
            assert CJK.search(text), (target, response.status_code)

    run()
    return True


# --- each required field omitted in turn --------------------------------------------------------

TAG_RE = re.compile(
    r"<(input|select|textarea)\b([^>]*)>(.*?)(?=<(?:input|select|textarea)\b|</form>)", re.S | re.I
)
ATTR_RE = re.compile(r'([\w-]+)(?:="([^"]*)")?')
OPTION_RE = re.compile(r'<option\b[^>]*value="([^"]*)"[^>]*>', re.I)
SELECTED_RE = re.compile(r'<option\b[^>]*value="([^"]*)"[^>]*\bselected\b', re.I)
FILLER = {
    "number": "1",
    "date": "2025-09-01",
    "time": "09:00",
    "email": "a@example.com",
    "tel": "13800000000",
}


def required_forms(html: str) -> list[tuple[str | None, dict[str, object], list[str]]]:
    """(action, a filled-in body, its required fields) of each POST form with a required field.
    The body is what the page shows (values, selected options), filler where a field is empty."""
    found = []
    for form in FORM_RE.findall(html):
        head = form[: form.find(">") + 1]
        if 'method="post"' not in head.lower():
            continue
        action = re.search(r'action="([^"]*)"', head)
        body: dict[str, object] = {}
        required: list[str] = []
        for tag, raw_attrs, rest in TAG_RE.findall(form):
            attrs = {k.lower(): v for k, v in ATTR_RE.findall(raw_attrs)}
            name = attrs.get("name")
            kind = attrs.get("type", "text").lower()
            if not name or kind in ("submit", "button", "reset"):
                continue
            if tag.lower() == "select":
                options = rest[: rest.lower().find("</select>")]
                chosen = SELECTED_RE.findall(options) or [v for v in OPTION_RE.findall(options) if v]
                value: object = chosen[0] if chosen else ""
            elif tag.lower() == "textarea":
                value = rest[: rest.lower().find("</textarea>")].strip() or "测试内容"
            elif kind == "file":
                value = SimpleUploadedFile("a.csv", "学校标识码\n".encode())
            elif kind in ("checkbox", "radio"):
                if "checked" not in attrs and name in body:
                    continue
                value = attrs.get("value") or "on"
            else:
                value = attrs.get("value") or FILLER.get(kind, "测试")
            body.setdefault(name, value)
            if "required" in attrs and name != "csrfmiddlewaretoken" and name not in required:
                required.append(name)
        if required:
            found.append(((action.group(1) or None) if action else None, body, required))
    return found


def test_each_required_field_omitted_in_turn_never_500():
    """Every POST form of every page (routes from the URL resolver), as the page fills it, posted
    once per required field with that field left out: a Chinese answer, never a 500. The course
    form without its grades raised TypeError in the model's clean()."""
    w = walk.world()
    # A licensed institution, so the pages of its staff, courses and orders have a row to open.
    make_institution(w, officer(w))
    table = walk.probe_table()
    routes = {r.key: r for r in walk.all_routes()}
    tally = {"routes": 0, "forms": 0, "fields": 0, "5xx": 0}
    failures = []
    for key in candidate_routes():
        route, probe = routes[key], table[key]
        client = Client(raise_request_exception=False)
        user = None
        if probe.kind != "public":
            user = w.users[Role.DISTRICT_ADMIN]
            client.force_login(user)
        # The scope walk's probes name a row the user may not see; without a user, the last row
        # of the model, which the district administrator sees (and may edit).
        url = walk.url_for(route, probe, w, None)
        page = client.get(url)
        if "html" not in page.get("Content-Type", ""):
            continue
        forms = required_forms(page.content.decode("utf-8", "replace"))
        if not forms:
            continue
        tally["routes"] += 1
        for action, body, required in forms:
            tally["forms"] += 1
            target = action if action and action.startswith("/") else url
            for name in required:
                tally["fields"] += 1
                payload = {k: v for k, v in body.items() if k != name}
                for value in payload.values():
                    if isinstance(value, SimpleUploadedFile):
                        value.seek(0)
                response = client.post(target, payload)
                text = response.content.decode("utf-8", "replace")
                if response.status_code >= 500:
                    tally["5xx"] += 1
                    failures.append(f"{target} without {name}: {response.status_code}")
                elif "html" in response.get("Content-Type", "") and any(e in text for e in ENGLISH_ERRORS):
                    failures.append(f"{target} without {name}: English error text")
    record("fuzz_forms_required", **tally)
    assert not failures, "\n".join(failures)
    assert tally["forms"] >= 20 and tally["fields"] >= 60, tally
