"""Start-up warming of the indicator pages: a web process computes each district's heavy figures
(and so imports and compiles Ibis, sqlglot and the engines) before it takes its first request, so
the first visit after a restart is as fast as the next. Each app's `warmup.py` holds a `warm()`;
`edugov.wsgi` runs them when the setting EDUGOV_WARM_ON_START (environment, default on) allows.

The server loads the application once in the gunicorn master (`--preload`, edugov.ops.serving)
and forks its workers after: the warming runs once per server, not once per worker, and every
worker starts with the warmed figures (the local-memory cache) and PDF faces already in memory."""

from __future__ import annotations

import gc
import logging
import os
import time
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections

log = logging.getLogger(__name__)


def warm_enabled() -> bool:
    value = getattr(settings, "EDUGOV_WARM_ON_START", None)
    if value is None:
        value = os.environ.get("EDUGOV_WARM_ON_START", "1") == "1"
    return bool(value)


def warm_up() -> dict[str, float]:
    """Run every installed app's `warmup.warm()`; seconds per app. A failure is logged and
    skipped: warming only saves time, it never keeps the server from starting."""
    timings: dict[str, float] = {}
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.warmup")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.warmup":
                log.warning("warm-up of %s could not be imported: %s", config.name, exc)
            continue
        started = time.perf_counter()
        try:
            module.warm()
        except Exception:
            log.warning("warm-up of %s failed", config.name, exc_info=True)
        timings[config.label] = time.perf_counter() - started
    started = time.perf_counter()
    try:
        warm_web()
    except Exception:
        log.warning("warm-up of the views and templates failed", exc_info=True)
    timings["web"] = time.perf_counter() - started
    # The warm-up ran on this (the main) thread's connection; requests use their own.
    connections.close_all()
    return timings


def freeze_start_up() -> int:
    """Move every object the start-up left alive (modules, settings, the warmed figures) into the
    cyclic collector's permanent generation (`gc.freeze`), after collecting what is already
    garbage; the number frozen.

    A full collection traverses every tracked object. After Django, Ibis, DuckDB and pandas are
    imported that is some 200,000 objects that live as long as the process: a province evaluation,
    which makes tens of thousands of result tuples, set one off in most calls, 85-100 ms each
    (a fifth of the call). Frozen, they are no longer traversed, and collections of the requests'
    own objects take a few ms. Called in the gunicorn master after the warming, before it forks
    the workers (`--preload`), as the Python documentation advises for a forking server: the
    collector then never writes to the shared pages either."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def warm_web() -> int:
    """Import the URLconf (so every view module) and compile every template of the project's
    apps into the template engine's cache: 5-8 s under load that the first visits of a fresh
    process would otherwise pay page by page. The number of templates compiled."""
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (importing the views is the point)
    count = 0
    for engine in engines.all():
        for config in apps.get_app_configs():
            if not config.name.startswith("edugov"):
                continue
            root = Path(config.path) / "templates"
            for path in sorted(root.rglob("*.html")):
                try:
                    engine.get_template(path.relative_to(root).as_posix())
                    count += 1
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    log.warning("template %s does not compile", path, exc_info=True)
    return count
