"""Evidence files of a group's unification: checked by name and leading bytes, then stored."""

from __future__ import annotations

import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from edugov.accounts.models import User
from edugov.accounts.policy import ensure_can
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record
from edugov.common.errors import DomainError
from edugov.registry.models import School

from ..errors import GroupsError as E
from ..models import (
    Activity,
    Evidence,
    SchoolGroup,
    Unification,
)
from ..permissions import action
from .activities import _member_ids
from .terms import check_term

MAX_EVIDENCE_MB = 10


MAX_EVIDENCE_FILES = 10  # per group, term and unification


# Extension → accepted leading bytes (the file must be what its name says), and its content type.
_SIGNATURES: dict[str, tuple[tuple[bytes, ...], str]] = {
    "pdf": ((b"%PDF",), "application/pdf"),
    "jpg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "jpeg": ((b"\xff\xd8\xff",), "image/jpeg"),
    "png": ((b"\x89PNG\r\n\x1a\n",), "image/png"),
    "docx": ((b"PK\x03\x04",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((b"PK\x03\x04",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "doc": ((b"\xd0\xcf\x11\xe0",), "application/msword"),
    "xls": ((b"\xd0\xcf\x11\xe0",), "application/vnd.ms-excel"),
}


def evidence_check(upload: UploadedFile) -> str:
    """The file's extension after checking its size, type and leading bytes (Chinese refusals)."""
    name = (upload.name or "附件")[-100:]
    if not upload.size:
        raise DomainError(E.FILE_EMPTY, name=name)
    if upload.size > MAX_EVIDENCE_MB * 1024 * 1024:
        raise DomainError(E.FILE_TOO_LARGE, name=name, limit=MAX_EVIDENCE_MB)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _SIGNATURES:
        raise DomainError(E.FILE_TYPE, name=name)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in _SIGNATURES[ext][0]):
        raise DomainError(E.FILE_CONTENT, name=name)
    return ext


@transaction.atomic
def evidence_upload(
    *,
    actor: User,
    group: SchoolGroup,
    school: School,
    term: str,
    unification: str,
    upload: UploadedFile,
    activity: Activity | None = None,
) -> Evidence:
    """Store one evidence file of a unification in a term (or of an activity), uploaded by a member
    school. Checked first (size, type, leading bytes, at most MAX_EVIDENCE_FILES per unification and
    term): nothing is written when refused."""
    ensure_can(actor, action("activity_edit"), school)
    if school.pk not in _member_ids(group):
        raise DomainError(E.NOT_MEMBER, school=school.name)
    if activity is not None:
        if activity.group_id != group.pk:
            raise DomainError(E.BAD_FIELD, field="活动", reason="不是本集团的活动")
        term, unification = activity.term, activity.unification
    term = check_term(term)
    if unification not in Unification.values:
        raise DomainError(E.BAD_UNIFICATION)
    SchoolGroup.objects.select_for_update().filter(pk=group.pk).first()
    if Evidence.objects.filter(group=group, term=term, unification=unification).count() >= MAX_EVIDENCE_FILES:
        raise DomainError(E.TOO_MANY_FILES, limit=MAX_EVIDENCE_FILES)
    ext = evidence_check(upload)
    row = Evidence(
        group=group,
        term=term,
        unification=unification,
        activity=activity,
        school=school,
        token=secrets.token_hex(4),
        original_name=(upload.name or "附件")[-200:],
        size=upload.size or 0,
        content_type=_SIGNATURES[ext][1],
        uploaded_at=timezone.now(),
    )
    row.file.save(f"evidence.{ext}", upload, save=False)
    row.save()
    audit_record(
        action=AuditAction.CREATE,
        instance=row,
        actor=actor,
        changes={"group": group.pk, "term": term, "unification": unification, "size": row.size},
    )
    return row
