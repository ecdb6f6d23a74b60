"""Production hardening: `check --deploy` is clean for production settings (HSTS, secure cookies,
SSL redirect, secret from the environment), every page carries a content security policy and
runs no script without its nonce, and the login is throttled."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.test import Client

from edugov.accounts.models import Role
from edugov.testing import PASSWORD
from tests import test_scope_walk as walk

from .live import ROOT, record

SCRIPT_RE = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER_RE = re.compile(r"<[a-z][^>]*\s(on[a-z]+)=", re.I)


def test_check_deploy_is_clean_in_production():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DATABASE_URL"))}
    env.update(
        EDUGOV_ENV="production",
        EDUGOV_SECRET_KEY=secrets.token_urlsafe(64),
        EDUGOV_FIELD_KEYS=Fernet.generate_key().decode(),
        EDUGOV_ALLOWED_HOSTS="edu.example.cn",
        DJANGO_SETTINGS_MODULE="edugov.settings",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "edugov", "check", "--deploy", "--fail-level", "ERROR"],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    security = re.findall(r"\(security\.[WE]\d+\)", out)
    warnings = re.findall(r"\(\w+\.W\d+\)", out)
    record("check_deploy", security_warnings=len(security), other_warnings=len(warnings) - len(security))
    assert not security, out
    # drf-spectacular's schema warnings count too: each is an operation documented wrongly. (Not
    # every warning: staticfiles.W004 only says `npm ci` has not been run in this checkout.)
    assert not re.findall(r"\(drf_spectacular\.[WE]\d+\)", out), out


def test_production_refuses_to_start_without_a_secret():
    env = {k: v for k, v in os.environ.items() if k != "EDUGOV_SECRET_KEY"}
    env.update(EDUGOV_ENV="production", DJANGO_SETTINGS_MODULE="edugov.settings")
    proc = subprocess.run(
        [sys.executable, "-m", "edugov", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert proc.returncode != 0 and "EDUGOV_SECRET_KEY" in proc.stderr


def test_production_refuses_to_start_without_field_keys():
    env = {k: v for k, v in os.environ.items() if k != "EDUGOV_FIELD_KEYS"}
    env.update(EDUGOV_ENV="production", EDUGOV_SECRET_KEY="x" * 60, DJANGO_SETTINGS_MODULE="edugov.settings")
    cmd = [sys.executable, "-m", "edugov", "check"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode != 0 and "EDUGOV_FIELD_KEYS must be set in production" in proc.stderr


@pytest.mark.django_db
def test_every_page_has_a_csp_and_no_script_without_its_nonce():
    w = walk.world()
    admin = w.users[Role.DISTRICT_ADMIN]
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    table = walk.probe_table()
    pages, problems = 0, []
    for route in walk.all_routes():
        probe = table.get(route.key)
        if probe is None or probe.kind == "skip" or route.pattern.startswith("api/"):
            continue
        try:
            url = walk.url_for(route, probe, w, admin)
        except Exception:
            continue
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        policy = response.get("Content-Security-Policy", "")
        assert (
            "script-src 'self'" in policy
            and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        )
        found = re.search(r"'nonce-([^']+)'", policy)  # present when the page used it
        nonce = found.group(1) if found else "-"
        html = response.content.decode("utf-8", "replace")
        for attrs in SCRIPT_RE.findall(html):
            if "src=" in attrs or "application/json" in attrs or "application/ld+json" in attrs:
                continue
            if f'nonce="{nonce}"' not in attrs:
                problems.append((url, f"<script{attrs}>"))
        problems += [(url, m) for m in HANDLER_RE.findall(html)]
    record("csp_pages", pages=pages, inline_script_problems=len(problems))
    assert pages >= 20
    assert not problems, problems[:10]


@pytest.mark.django_db
def test_login_is_throttled():
    from edugov.testing import make_mini_district

    d = make_mini_district()
    user = d.users[Role.SCHOOL_ADMIN]
    client = Client(REMOTE_ADDR="10.0.0.9")
    wrong = {"username": user.username, "password": "wrong-Pa55!"}
    codes = [client.post("/accounts/login/", wrong).status_code for _ in range(6)]
    locked = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert locked.status_code in (403, 429), codes
    assert re.search(r"[\u4e00-\u9fff]", locked.content.decode())
