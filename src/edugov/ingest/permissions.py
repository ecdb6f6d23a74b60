"""Permission policy of the import pages: who opens them (which kinds a user may import is each
kind's own policy action, ImportSpec.action)."""

from __future__ import annotations

from edugov.accounts.models import Module, Role
from edugov.accounts.policy import SYSTEM_MODULE, Policy, Rule, register_policy

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
            # Personal identifiers of an error report in clear (besides its uploader): those who
            # administer the batch's rows (its write scope); the selector adds the batch's module.
            "report_in_clear": Rule(
                "查看导入报告中的完整身份信息",
                frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.SCHOOL_ADMIN}),
                module=SYSTEM_MODULE,
            ),
        },
    )
)
