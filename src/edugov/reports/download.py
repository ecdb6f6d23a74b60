"""The one audited download path: check the report's policy action, build the document with the
actor's scope and render it (or take the file rendered for the same reader under the same data
generation, `cache.py`), write the export audit event in the actor's area, return the file.
Pages, the API and `edugov report` all come through here; every download is audited, cached or not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError

from . import cache
from .document import Document
from .errors import ReportError
from .registry import ReportSpec, report_spec
from .writers import CONTENT_TYPES, render

if TYPE_CHECKING:
    from edugov.accounts.models import User


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    content_type: str
    filename: str  # with extension
    title: str
    rows: int
    document: Document | None = None  # None when the file came from the cache

    def response(self) -> HttpResponse:
        response = HttpResponse(self.content, content_type=self.content_type)
        response["Content-Disposition"] = content_disposition_header(True, self.filename)
        return response


def actor_area_path(actor: User | None) -> str:
    """Where the actor sits in the area tree, so that their export shows in the audit trail of
    whoever oversees it: an area's officer at the area, a school's (or a teacher's) account at the
    school's area, an institution's operator at the institution's area. Empty for the system."""
    if actor is None:
        return ""
    for chain in (("area",), ("school", "area"), ("institution", "area")):
        obj: Any = actor
        for part in chain:
            obj = getattr(obj, part, None) if obj is not None else None
        path = getattr(obj, "path", None)
        if isinstance(path, str) and path:
            return path
    return ""


def read_as(actor: User | None) -> User:
    """Whom a builder reads as: the actor, or for the system (None) an unsaved superuser that
    every scope lets through, so selectors keep one signature."""
    if actor is not None:
        return actor
    from edugov.accounts.models import User

    return User(username="system", is_superuser=True, is_active=True)


def build_report(actor: User | None, name: str, params: dict[str, str] | None = None) -> Document:
    """The document of a registered report, built with `actor`'s scope after the policy said yes.
    `actor` None is the system (the command line without --user): no policy, every row."""
    spec = report_spec(name)
    if actor is not None:
        ensure_can(actor, spec.action)
    return spec.builder(actor=actor, **spec.read_params(params or {}))


def rendered(
    spec: ReportSpec, actor: User | None, fmt: str, params: dict[str, str] | None
) -> tuple[cache.Rendered, Document | None]:
    """The report's file for this reader, from the cache when the same reader (rows and read
    actions) had it under the current data generation; else built, rendered and kept."""
    values = spec.read_params(params or {})
    key = cache.file_key(spec, fmt, values, actor) if cache.cacheable() else None
    if key is not None:
        hit = cache.cached(key)
        if hit is not None:
            return hit, None
    doc = spec.builder(actor=actor, **values)
    file = cache.Rendered.of(doc, render(doc, fmt))
    if key is not None:
        cache.keep(key, file)
    return file, doc


def report_download(
    actor: User | None, name: str, fmt: str, params: dict[str, str] | None = None
) -> ReportFile:
    spec = report_spec(name)
    if fmt not in spec.formats:
        raise DomainError(ReportError.BAD_FORMAT, fmt=str(fmt)[:10], formats="、".join(spec.formats))
    if actor is not None:
        ensure_can(actor, spec.action)
    file, doc = rendered(spec, actor, fmt, params)
    used = {p.name: str(params[p.name])[:60] for p in spec.params if params and params.get(p.name)}
    audit_record(
        action=AuditAction.EXPORT,
        model_label=spec.model or f"reports.{name}",
        object_id=name,
        object_repr=f"{file.title}（{file.rows}条，{fmt.upper()}）",
        changes={"report": name, "format": fmt, "params": used, "rows": file.rows, **file.audit},
        actor=actor,
        area_path=actor_area_path(actor),
    )
    return ReportFile(
        content=file.content,
        content_type=CONTENT_TYPES[fmt],
        filename=f"{file.filename}.{fmt}",
        title=file.title,
        rows=file.rows,
        document=doc,
    )


def report_response(
    actor: User | None, name: str, fmt: str, params: dict[str, str] | None = None
) -> HttpResponse:
    """A page's download: `report_download` as an attachment."""
    return report_download(actor, name, fmt, params).response()
