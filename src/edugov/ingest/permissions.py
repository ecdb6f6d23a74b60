"""Permission policy of the import pages: who opens them (which kinds a user may import is each
kind's own policy action, ImportSpec.action)."""

from __future__ import annotations

from edugov.accounts.models import Module, Role
from edugov.accounts.policy import Policy, Rule, register_policy

POLICY = register_policy(
    Policy(
        "ingest",
        {
            # The leader follows the imports (batches and masked reports) without importing.
            "upload_page": Rule(
                "打开数据导入",
                frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.SCHOOL_ADMIN, Role.LEADER}),
                scope="read",
                module=Module.REGISTRY,
            ),
        },
    )
)
