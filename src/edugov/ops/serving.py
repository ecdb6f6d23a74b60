"""How the web application is served: the gunicorn command line that `edugov serve` (production)
and `edugov serve_demo` (the demo) both run."""

from __future__ import annotations

import sys
from dataclasses import dataclass

WSGI_APP = "edugov.wsgi:application"


@dataclass(frozen=True)
class ServeOptions:
    """Defaults fit a two-core machine: two processes of four threads each (the work is mostly
    waiting on the database), so a slow request does not hold up the others."""

    bind: str = "127.0.0.1:8000"
    workers: int = 2
    threads: int = 4
    timeout: int = 60  # seconds a request may take before its worker is restarted
    access_log: bool = True

    def __post_init__(self) -> None:
        if self.workers < 1 or self.threads < 1 or self.timeout < 1:
            raise ValueError("workers, threads and timeout must be at least 1")


def bind_with_port(bind: str, port: int | None) -> str:
    """`--port` replaces the port of the bind address (host kept)."""
    if port is None:
        return bind
    host = bind.rsplit(":", 1)[0] if ":" in bind and not bind.startswith("unix:") else "127.0.0.1"
    return f"{host}:{port}"


def gunicorn_argv(options: ServeOptions) -> list[str]:
    argv = [
        sys.executable, "-m", "gunicorn", WSGI_APP,
        "--bind", options.bind,
        "--workers", str(options.workers),
        "--worker-class", "gthread",
        "--threads", str(options.threads),
        "--timeout", str(options.timeout),
        "--graceful-timeout", "30",
        # Load the application (and run its start-up warming, edugov.indicators.warm) once in the
        # master before forking: the workers start with the warmed figures and faces in memory,
        # instead of each computing them while the other already takes requests.
        "--preload",
        # Recycle workers now and then so a slow leak never grows; jitter keeps them from
        # restarting together.
        "--max-requests", "2000",
        "--max-requests-jitter", "200",
        # Behind a reverse proxy on the same machine, trust its X-Forwarded-* headers only.
        "--forwarded-allow-ips", "127.0.0.1,::1",
        # One control socket per user by default: two servers on one machine would fight over it.
        "--no-control-socket",
        "--error-logfile", "-",
    ]  # fmt: skip
    if options.access_log:
        argv += ["--access-logfile", "-"]
    return argv
