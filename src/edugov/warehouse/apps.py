from django.apps import AppConfig


class WarehouseConfig(AppConfig):
    name = "edugov.warehouse"
    label = "warehouse"
    verbose_name = "数据仓库"

    def ready(self) -> None:
        from . import tables  # noqa: F401  (registers the registry tables)
