from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "edugov.common"
    label = "common"

    def ready(self) -> None:
        from . import cache  # noqa: F401  (connects the data-generation bump to the audit trail)
