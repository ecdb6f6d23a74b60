"""Words, not codes: every page reachable from the navigation, for each demo role, on a small demo
district, shows no code-like token in its visible text (rule and indicator codes such as
`balanced.school_pass_min_met`, bare R1/P1 indicator codes, "#12" row ids, Python dicts, English
identifiers). Scripts, styles, `<code>` literals (a file format's key the uploader must type) and
attributes other than titles are not read; usernames, school codes, file names, URLs and e-mail
addresses are allowed."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from edugov.accounts.models import User
from edugov.demo.generators.accounts import DEMO_USERNAMES
from edugov.demo.services import demo_build

pytestmark = pytest.mark.django_db

ROLES = ("admin", "officer_jc", "officer_px", "school1", "leader", "inspector", "teacher1", "institution1")
TODAY = dt.date(2026, 11, 18)  # a Wednesday in term: every module has current data

# A dotted or snake_case identifier, a bare letter+digit code, a row id, a dict, a lowercase word.
CODE = re.compile(
    r"\b[A-Za-z][A-Za-z0-9]*(?:[._][A-Za-z0-9]+)+\b|\b[A-Z]\d{1,2}\b|#\d+|\{'|'\}|\b[a-z]{3,}\b"
)
ALLOWED = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|[\w\-\u4e00-\u9fff（）()]+\.(?:xlsx|csv|pdf|docx?|jpe?g|png)\b"
)
# Words a Chinese page legitimately carries in Latin letters.
ALLOWED_WORDS = {*DEMO_USERNAMES, "Edugov", "edugov", "admin", "Excel", "CSV", "PDF", "XLSX", "English"}
SKIP_PATHS = ("/accounts/logout", "/admin/", "/api/", "/static/", "/media/", "/i18n/")
SKIP_SUFFIXES = (".xlsx", ".csv", ".pdf", ".zip")


class _Page(HTMLParser):
    """Visible text (plus titles and labels a reader sees) and the links of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.nav = 0
        self.text: list[str] = []
        self.nav_links: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "template", "code"):
            self.hidden += 1
        if tag == "nav":
            self.nav += 1
        if tag == "a" and a.get("href"):
            (self.nav_links if self.nav else self.links).append(a["href"] or "")
        for name in ("title", "placeholder", "aria-label", "alt"):
            if a.get(name):
                self.text.append(a[name] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "code"):
            self.hidden -= 1
        if tag == "nav":
            self.nav -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.text.append(data.strip())


def findings_in(text: str, school_codes: set[str]) -> set[str]:
    text = ALLOWED.sub(" ", text)
    return {t for t in CODE.findall(text) if t not in ALLOWED_WORDS and t not in school_codes}


def _internal(base: str, href: str) -> str | None:
    url = urlsplit(urljoin(base, href))
    if url.scheme not in ("", "http") or url.netloc not in ("", "testserver"):
        return None
    if url.path.startswith(SKIP_PATHS) or url.path.endswith(SKIP_SUFFIXES) or "export" in url.path:
        return None
    return url.path + (f"?{url.query}" if url.query else "")


def crawl(client: Client, school_codes: set[str]) -> tuple[list[str], dict[str, set[str]]]:
    """The navigation's pages, and from each the first link of every distinct page shape (one
    school card, one item, one institution), so detail pages are read too without reading all."""
    seen: list[str] = []
    found: dict[str, set[str]] = {}
    shapes: set[str] = set()
    queue: list[tuple[str, int]] = [("/", 0)]
    while queue:
        path, depth = queue.pop(0)
        if path in seen:
            continue
        seen.append(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        bad = findings_in("\n".join(page.text), school_codes)
        if bad:
            found[path] = bad
        hrefs = page.nav_links + page.links if depth == 0 else page.links if depth == 1 else []
        for href in hrefs:
            nxt = _internal(path, href)
            if nxt is None or nxt in seen:
                continue
            shape = re.sub(r"\d+", "N", nxt.split("?")[0])
            if depth == 0 or shape not in shapes:
                shapes.add(shape)
                queue.append((nxt, depth + 1))
    return seen, found


def test_the_allow_list_lets_names_through_and_catches_codes():
    codes = {"1390010001"}
    assert findings_in("学校 1390010001 school1 整改情况报告.pdf https://x.cn/a_b", codes) == set()
    assert findings_in("balanced.school_pass_min_met R1 对象 #12 {'a': 1} classes", codes) == {
        "balanced.school_pass_min_met", "R1", "#12", "{'", "classes",
    }  # fmt: skip


def test_no_code_on_any_page_of_any_role():
    demo_build(seed=1, scale=0.05, today=TODAY)
    from edugov.registry.models import School

    school_codes = set(School.objects.values_list("code", flat=True))
    everything: dict[str, dict[str, set[str]]] = {}
    for username in ROLES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        seen, found = crawl(client, school_codes)
        assert len(seen) > 3, username  # the navigation was there to follow
        if found:
            everything[username] = found
    assert everything == {}
