"""Permission policy of the pages that belong to no business module: the audit trail."""

from __future__ import annotations

from edugov.accounts.models import Role
from edugov.accounts.policy import SYSTEM_MODULE, Policy, Rule, register_policy

POLICY = register_policy(
    Policy(
        "web",
        {
            # Rows are scoped by area; the page itself is the district administrator's.
            "audit_trail": Rule(
                "查看审计日志", frozenset({Role.DISTRICT_ADMIN}), scope="read", module=SYSTEM_MODULE
            ),
        },
    )
)
