from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "edugov.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        from . import anchors, permissions, signals  # noqa: F401  (built-in anchor kinds, the policy)
        from .models import ScopeGrant
        from .scope import register_scope

        # A grant is seen by whoever administers the account it belongs to.
        register_scope(area="user__area", school="user__school")(ScopeGrant)
        signals.connect()
