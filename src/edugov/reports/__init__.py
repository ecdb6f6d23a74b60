"""One report registry (DESIGN.md, "Reports: one registry"): the document model, the XLSX, PDF
and JSON writers and the one audited download path. A module registers its official outputs in
its own `reports.py`; this package names none of them."""

from typing import TYPE_CHECKING, Any

from .document import ColumnKind, Document, Figure, LineChart, Section, Signature, Verdict, is_failure
from .registry import Param, ReportSpec, register_report, report_spec, report_specs
from .writers import FORMATS, neutralise, render, render_json, render_pdf, render_xlsx

if TYPE_CHECKING:
    from .download import ReportFile, actor_area_path, build_report, read_as, report_download, report_response

_DOWNLOAD = {"ReportFile", "actor_area_path", "build_report", "read_as", "report_download", "report_response"}


def __getattr__(name: str) -> Any:
    # The download path needs the models (policy, audit): imported when first asked for, because
    # Django imports this package before the app registry is ready.
    if name in _DOWNLOAD:
        from . import download

        return getattr(download, name)
    raise AttributeError(name)


__all__ = [
    "FORMATS",
    "ColumnKind",
    "Document",
    "Figure",
    "LineChart",
    "Param",
    "ReportFile",
    "ReportSpec",
    "Section",
    "Signature",
    "Verdict",
    "actor_area_path",
    "build_report",
    "is_failure",
    "neutralise",
    "read_as",
    "register_report",
    "render",
    "render_json",
    "render_pdf",
    "render_xlsx",
    "report_download",
    "report_response",
    "report_spec",
    "report_specs",
]
