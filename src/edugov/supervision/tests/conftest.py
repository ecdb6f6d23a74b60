"""Supervision's tests run on rectification's mini district (its users include the supervision
office's officer and a second school's administrator): the fixtures are shared, not copied."""

from edugov.rectification.tests.conftest import NOW, district, pdf

__all__ = ["NOW", "district", "pdf"]
