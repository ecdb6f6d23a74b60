from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "edugov.ingest"
    label = "ingest"
    verbose_name = "数据导入"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from edugov.accounts.models import Module
        from edugov.accounts.scope import register_scope
        from edugov.web.navigation import NavItem, add_nav

        from .models import ImportBatch

        # Batches carry their uploader's anchors: area roles see their area's batches, a school
        # administrator those of their school.
        register_scope(area_path="area_path", school="school")(ImportBatch)
        # Every app declares its import kinds in <app>/importers.py.
        from . import permissions  # noqa: F401  (the policy of the import pages)

        autodiscover_modules("importers")
        add_nav(
            NavItem(
                "数据导入",
                "ingest:upload",
                Module.REGISTRY,
                action="ingest.upload_page",
            )
        )
