"""The two worker pools (edugov.ops.pools): every route of the site sent to the right pool by the
proxy configuration, and the client's address read behind the proxy as the request budgets need.

The routes are enumerated from the URL configuration, so a route added tomorrow is checked the day
it is written: exactly the public routes (and the styles) go to the public's pool, every other
route (every page a login protects, the API, the admin) to the staff's; and every route on the
public's pool is one the scope walk probes as public (reachable without an account)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.core.management import call_command
from django.test import RequestFactory, override_settings

from edugov.common.clients import client_address
from edugov.ops import pools
from tests.test_scope_walk import ROUTES

_GROUP = re.compile(r"\(\?P<\w+>([^()]*)\)")
_SAMPLES = ("7", "abc", "a1b2c3d4-0000-4000-8000-000000000000", "x/y")


def _sample(regex: str) -> str | None:
    """A path the route's expression matches: each named group filled with the first sample its
    own pattern accepts (None when no sample fits)."""

    def fill(group: re.Match[str]) -> str:
        for value in _SAMPLES:
            if re.fullmatch(group.group(1), value):
                return value
        raise LookupError(group.group(1))

    try:
        path = _GROUP.sub(fill, regex).removeprefix("^").removesuffix("$")
    except LookupError:
        return None
    return path if re.search(regex, path) else None


def test_every_route_goes_to_its_pool():
    checked = []
    for route in pools.routes():
        path = _sample(route.regex)
        if path is None or "(" in path or "\\" in path:
            continue  # an admin pattern with alternatives: never a public route
        assert pools.is_public(path) == (route.name in pools.PUBLIC_ROUTES), (route, path)
        checked.append(route.name)
    assert set(pools.PUBLIC_ROUTES) <= set(checked)
    assert len(checked) > 300  # the walk reached the whole site, not a corner of it


def test_public_pool_holds_only_pages_the_scope_walk_probes_as_public():
    for name in pools.PUBLIC_ROUTES:
        assert ROUTES[name].kind == "public", name
    # and every public page a member of the public opens is on the public's pool (the login forms,
    # the API's roots and schema and the admin's are the staff's)
    staff_side = ("login", "logout", "api", "admin")
    public_pages = {n for n, p in ROUTES.items() if p.kind == "public" and not n.startswith(staff_side)}
    assert public_pages == set(pools.PUBLIC_ROUTES)


def test_public_paths_and_the_rest():
    assert pools.is_public("/safety/a/Zx9-token/")
    assert pools.is_public("/tutoring/public/12/")
    assert pools.is_public("/static/edugov/app.css")
    assert not pools.is_public("/safety/coverage/")
    assert not pools.is_public("/safety/a/token/extra/")
    assert not pools.is_public("/tutoring/public/12/edit/")
    assert not pools.is_public("/api/v1/safety/lesson-records/")


def test_proxy_config_command_prints_both_pools(capsys):
    call_command("proxy_config", "--staff", "127.0.0.1:9000", "--public", "127.0.0.1:9001")
    out = capsys.readouterr().out
    assert "server 127.0.0.1:9000;" in out and "server 127.0.0.1:9001;" in out
    assert out.count("proxy_pass http://edugov_public;") == len(pools.PUBLIC_ROUTES) + 1
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in out


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx not installed (apt-get install nginx-light)")
def test_nginx_accepts_the_configuration(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\naccess_log off;\nclient_body_temp_path {tmp_path}/body;\n"
        f"proxy_temp_path {tmp_path}/proxy;\n"
        + pools.nginx_config(pools.ProxyOptions(listen="127.0.0.1:18080"))
        + "}\n"
    )
    done = subprocess.run(["nginx", "-t", "-c", str(conf)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "::1"])
@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.9", "", "203.0.113.9"),  # no proxy
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # forged header from outside: ignored
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # the proxy on this machine
        ("127.0.0.1", "10.9.9.9, 198.51.100.7", "198.51.100.7"),  # the client wrote the left hop
        ("127.0.0.1", "198.51.100.7, ::1", "198.51.100.7"),  # two trusted proxies in a row
        ("127.0.0.1", "not-an-address, 198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7, junk", "127.0.0.1"),  # nothing trustworthy: the proxy itself
        ("127.0.0.1", "", "127.0.0.1"),
        ("", "", None),  # a request made in code (a test login): no address
    ],
)
def test_client_address_behind_the_proxy(remote, forwarded, client):
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(RequestFactory().get("/", **meta)) == client
