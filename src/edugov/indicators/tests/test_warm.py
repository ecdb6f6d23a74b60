"""The start-up warming compiles the project's templates into the engine's cache, so a fresh
worker's first visit of a page does not pay for compiling it."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps

from edugov.indicators.warm import warm_web


def test_warm_web_compiles_every_template_of_the_apps():
    expected = sum(
        len(list((Path(c.path) / "templates").rglob("*.html")))
        for c in apps.get_app_configs()
        if c.name.startswith("edugov")
    )
    assert expected > 50
    assert warm_web() == expected  # every one compiles (a broken template would be logged, not counted)
