"""Shared pytest fixtures: tasks run inline in tests, uploads land in a temporary directory.
Property tests are reproducible in `make test` and explore under `make soak` (EDUGOV_SOAK=1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# `make test` (CI): the same examples on every run and machine, so a run passes or fails by the code
# and not by luck. A failure found while soaking becomes an @example on its test.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, max_examples=40)
# `make soak`: a fresh random search, longer, with the failing example printed to pin.
hypothesis_settings.register_profile("soak", derandomize=False, max_examples=500, print_blob=True)
hypothesis_settings.load_profile("soak" if os.environ.get("EDUGOV_SOAK") == "1" else "ci")


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    # The values are edugov.testing.settings_for_tests (shared with rows_shared_by_tests).
    from edugov.testing import settings_for_tests

    for name, value in settings_for_tests(tmp_path / "media").items():
        if name != "PASSWORD_HASHERS":
            setattr(settings, name, value)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing costs ~100 ms per user; tests build dozens of users.
    from edugov.testing import settings_for_tests

    settings.PASSWORD_HASHERS = settings_for_tests(Path())["PASSWORD_HASHERS"]
