"""Login, logout and failed logins go into the audit trail, whichever door they came through
(login page, admin, API token endpoint). Connected from AccountsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out, user_login_failed

from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record


def on_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action=AuditAction.LOGIN, instance=user, actor=user)


def on_logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        audit_record(action=AuditAction.LOGOUT, instance=user, actor=user)


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Django has already masked the password in `credentials`; the username is what was typed.
    username = str(credentials.get("username") or "")[:150]
    target = get_user_model()._default_manager.filter(username=username).select_related("area").first()
    if target is not None:
        # Recorded against the account, so the account's district administrator sees the attempt.
        audit_record(action=AuditAction.LOGIN_FAILED, instance=target, changes={"username": username})
    else:
        audit_record(
            action=AuditAction.LOGIN_FAILED,
            model_label="accounts.User",
            object_repr=username,
            changes={"username": username},
        )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="edugov.accounts.audit_login")
    user_logged_out.connect(on_logged_out, dispatch_uid="edugov.accounts.audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="edugov.accounts.audit_login_failed")
