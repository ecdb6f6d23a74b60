"""`edugov serve`: the gunicorn command line production and the demo both run."""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from edugov.ops.management.commands import serve
from edugov.ops.serving import ServeOptions, bind_with_port, gunicorn_argv


def _opt(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_defaults_fit_two_cores_on_loopback():
    argv = gunicorn_argv(ServeOptions())
    assert argv[:4] == [sys.executable, "-m", "gunicorn", "edugov.wsgi:application"]
    assert _opt(argv, "--bind") == "127.0.0.1:8000"
    assert (_opt(argv, "--workers"), _opt(argv, "--worker-class"), _opt(argv, "--threads")) == (
        "2",
        "gthread",
        "4",
    )
    assert "--no-control-socket" in argv and _opt(argv, "--access-logfile") == "-"
    assert "--preload" in argv  # warmed once, in the master, before the workers fork


@pytest.mark.parametrize(
    ("bind", "port", "expected"),
    [
        ("127.0.0.1:8000", None, "127.0.0.1:8000"),
        ("0.0.0.0:8000", 9000, "0.0.0.0:9000"),
        ("[::1]:8000", 9001, "[::1]:9001"),
        ("unix:/run/edugov.sock", 9002, "127.0.0.1:9002"),
    ],
)
def test_port_replaces_the_port_of_the_bind_address(bind, port, expected):
    assert bind_with_port(bind, port) == expected


def test_serve_print_shows_the_command_with_the_options(monkeypatch):
    out = io.StringIO()
    call_command(
        "serve",
        bind="0.0.0.0:8080",
        workers=3,
        threads=2,
        timeout=30,
        no_access_log=True,
        print=True,
        stdout=out,
    )
    argv = out.getvalue().split()
    assert _opt(argv, "--bind") == "0.0.0.0:8080"
    assert (_opt(argv, "--workers"), _opt(argv, "--threads"), _opt(argv, "--timeout")) == ("3", "2", "30")
    assert "--access-logfile" not in argv


def test_serve_replaces_itself_with_gunicorn(monkeypatch):
    execs: list[tuple[str, list[str]]] = []
    monkeypatch.setattr(serve.os, "execv", lambda path, argv: execs.append((path, argv)))
    call_command("serve", port=8123, stdout=io.StringIO())
    [(path, argv)] = execs
    assert path == sys.executable and _opt(argv, "--bind") == "127.0.0.1:8123"


def test_serve_refuses_zero_workers():
    with pytest.raises(CommandError, match="至少为 1"):
        call_command("serve", workers=0, print=True, stdout=io.StringIO())
