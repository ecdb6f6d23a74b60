"""Shared pytest fixtures: tasks run inline in tests, uploads land in a temporary directory.
Property tests are reproducible in `make test` and explore under `make soak` (EDUGOV_SOAK=1)."""

from __future__ import annotations

import os

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
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing costs ~100 ms per user; tests build dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
