from typing import Any

from django.apps import AppConfig
from django.core import checks


class ReportsConfig(AppConfig):
    name = "edugov.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self) -> None:
        checks.register(fonts_installed)


def fonts_installed(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """The PDF faces come from an npm package: without it PDFs fall back to an unembedded font."""
    from .fonts import PACKAGE, missing_files

    missing = missing_files()
    if not missing:
        return []
    return [
        checks.Warning(
            f"PDF fonts missing: {', '.join(str(p) for p in missing)}",
            hint=f"Run `make assets` (npm ci) for {PACKAGE}; until then PDFs use STSong-Light, unembedded.",
            id="reports.W001",
        )
    ]
