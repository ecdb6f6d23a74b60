"""The start-up warming compiles the project's templates into the engine's cache, so a fresh
worker's first visit of a page does not pay for compiling it."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

from django.apps import apps

from edugov.indicators.warm import freeze_start_up, warm_web


def test_warm_web_compiles_every_template_of_the_apps():
    expected = sum(
        len(list((Path(c.path) / "templates").rglob("*.html")))
        for c in apps.get_app_configs()
        if c.name.startswith("edugov")
    )
    assert expected > 50
    assert warm_web() == expected  # every one compiles (a broken template would be logged, not counted)


def test_the_start_up_is_frozen_after_its_garbage_is_collected():
    """What is alive at the end of the start-up leaves the collector's generations; a reference
    cycle already dropped is collected first, not frozen for the life of the process."""

    class Cycle:
        me: object

    kept, dropped = Cycle(), Cycle()
    kept.me, dropped.me = kept, dropped
    gone = weakref.ref(dropped)
    del dropped
    try:
        assert freeze_start_up() > 1000  # the interpreter's, pytest's and Django's objects at least
        assert gone() is None  # collected, not frozen
        assert any(o is kept for o in gc.get_objects()) is False  # frozen: out of the generations
    finally:
        gc.unfreeze()
    assert any(o is kept for o in gc.get_objects())  # back in the oldest generation
