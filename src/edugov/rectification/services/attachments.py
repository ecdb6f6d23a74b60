"""Evidence attachments: size, count, type and leading bytes checked before anything is written."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile

from edugov.accounts.models import User
from edugov.common.errors import DomainError

from ..errors import RectificationError as E
from ..models import (
    Attachment,
    ItemEvent,
    RectificationItem,
)

MAX_ATTACHMENT_MB = 20
MAX_ATTACHMENTS = 10
# Extension → accepted leading bytes (the file must be what its name says).
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
}
_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
}


def attachment_check(upload: UploadedFile) -> str:
    """The file's extension after checking its size, type and leading bytes (Chinese errors)."""
    name = (upload.name or "附件")[-100:]
    if upload.size is None or upload.size == 0:
        raise DomainError(E.FILE_EMPTY, name=name)
    if upload.size > MAX_ATTACHMENT_MB * 1024 * 1024:
        raise DomainError(E.FILE_TOO_LARGE, name=name, limit=MAX_ATTACHMENT_MB)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _SIGNATURES:
        raise DomainError(E.FILE_TYPE, name=name)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in _SIGNATURES[ext]):
        raise DomainError(E.FILE_CONTENT, name=name)
    return ext


def _save_attachments(
    *,
    item: RectificationItem,
    event: ItemEvent | None,
    files: Sequence[UploadedFile],
    actor: User | None,
    now: dt.datetime,
) -> list[Attachment]:
    saved = []
    for upload in files:
        ext = attachment_check(upload)
        att = Attachment(
            item=item,
            event=event,
            token=secrets.token_hex(4),
            original_name=(upload.name or "附件")[-200:],
            size=upload.size or 0,
            content_type=_CONTENT_TYPES[ext],
            uploaded_by=actor if getattr(actor, "pk", None) else None,
            uploaded_at=now,
        )
        att.file.save(upload.name or f"file.{ext}", upload, save=False)
        att.save()
        saved.append(att)
    return saved


def _check_files(files: Sequence[UploadedFile]) -> None:
    if len(files) > MAX_ATTACHMENTS:
        raise DomainError(E.TOO_MANY_FILES, limit=MAX_ATTACHMENTS)
    for f in files:
        attachment_check(f)  # all checked before anything is written
