"""The web policy (the audit trail page) as a role x action matrix from its declaration."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from edugov.testing import MINI_DISTRICT_USERS, login, make_mini_district, policy_expects
from edugov.web.permissions import POLICY

pytestmark = pytest.mark.django_db

PAGES = {"audit_trail": "audit:event_list"}


def test_every_action_has_a_page():
    assert set(PAGES) == set(POLICY.rules)


@pytest.mark.parametrize("key", MINI_DISTRICT_USERS)
@pytest.mark.parametrize("name", list(POLICY.rules))
def test_role_action_matrix(name, key):
    user = make_mini_district().users[key]
    client = login(Client(), user)
    response = client.get(reverse(PAGES[name]))
    assert response.status_code == (200 if policy_expects(user, f"web.{name}") else 403)
    shown = reverse(PAGES[name]) in client.get("/").content.decode()
    assert shown == policy_expects(user, f"web.{name}")
