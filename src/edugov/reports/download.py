"""The one audited download path: check the report's policy action, build the document with the
actor's scope, render it, write the export audit event in the actor's area, return the file.
Pages, the API and `edugov report` all come through here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError

from .document import Document
from .errors import ReportError
from .registry import report_spec
from .writers import CONTENT_TYPES, render

if TYPE_CHECKING:
    from edugov.accounts.models import User


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    content_type: str
    filename: str  # with extension
    document: Document

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


def report_download(
    actor: User | None, name: str, fmt: str, params: dict[str, str] | None = None
) -> ReportFile:
    spec = report_spec(name)
    if fmt not in spec.formats:
        raise DomainError(ReportError.BAD_FORMAT, fmt=str(fmt)[:10], formats="、".join(spec.formats))
    doc = build_report(actor, name, params)
    content = render(doc, fmt)
    used = {p.name: str(params[p.name])[:60] for p in spec.params if params and params.get(p.name)}
    audit_record(
        action=AuditAction.EXPORT,
        model_label=spec.model or f"reports.{name}",
        object_id=name,
        object_repr=f"{doc.title}（{doc.rows}条，{fmt.upper()}）",
        changes={"report": name, "format": fmt, "params": used, "rows": doc.rows, **doc.audit},
        actor=actor,
        area_path=actor_area_path(actor),
    )
    filename = f"{doc.filename or doc.title}.{fmt}"
    return ReportFile(content=content, content_type=CONTENT_TYPES[fmt], filename=filename, document=doc)


def report_response(
    actor: User | None, name: str, fmt: str, params: dict[str, str] | None = None
) -> HttpResponse:
    """A page's download: `report_download` as an attachment."""
    return report_download(actor, name, fmt, params).response()
