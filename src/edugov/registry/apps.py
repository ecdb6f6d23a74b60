from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "edugov.registry"
    label = "registry"
    verbose_name = "基础信息"

    def ready(self) -> None:
        from . import scopes  # noqa: F401  (registers the scope rules)
