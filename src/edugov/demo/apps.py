from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "edugov.demo"
    label = "demo"
    verbose_name = "演示数据"

    def ready(self) -> None:
        # Importing a generator module registers it; other apps register theirs in their ready().
        from .generators import accounts, registry  # noqa: F401
