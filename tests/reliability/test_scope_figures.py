"""Figures of the scope-leak probe (tests/test_scope_walk.py, which prints none): routes known,
routes probed by kind, identities and requests. Under `make soak` the walk itself is run again
here with its requests counted, so the recorded request count is measured, not derived."""

from __future__ import annotations

from collections import Counter
from unittest import mock

import pytest
from django.test import Client

from tests import test_scope_walk as walk

from .live import SOAK, record

pytestmark = pytest.mark.django_db


def test_scope_walk_figures():
    table = walk.probe_table()
    routes = walk.all_routes()
    kinds = Counter(table[r.key].kind for r in routes if r.key in table)
    unprobed = sorted(r.key for r in routes if r.key not in table)
    walked = [r for r in routes if r.key in table and table[r.key].kind != "skip"]
    identities = 1 + 7  # anonymous and the seven roles of walk.probing_users()
    per_identity = sum(
        1 + (len(walk.QUERIES) if table[r.key].kind == "list" and table[r.key].queries else 0) for r in walked
    )
    figures = {
        "routes": len(routes),
        "by_kind": dict(sorted(kinds.items())),
        "unprobed": unprobed,
        "identities": identities,
        "requests": identities * per_identity,
    }
    if SOAK:  # run the walk and count what it really sends; it raises on any leak
        sent = 0
        real_get = Client.get

        def counting_get(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal sent
            sent += 1
            return real_get(self, *args, **kwargs)

        with mock.patch.object(Client, "get", counting_get):
            walk.test_scope_walk_no_leaks(Client())
        figures.update(requests_sent=sent, leaks=0)
    record("scope_walk", **figures)
    print(f"\nscope walk: {figures}")
    assert len(walked) >= 50
