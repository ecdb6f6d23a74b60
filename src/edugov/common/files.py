"""A stored upload (an attachment, a piece of evidence) answered as a download, in one place: its
original name in the header and a Chinese 404 when the file has gone from storage."""

from __future__ import annotations

from django.core.files import File
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header


def stored_file_response(
    stored: File, *, name: str, content_type: str, as_attachment: bool, missing: str
) -> FileResponse:
    """`stored` (a model's file field) as a response named `name` (any script: the header carries
    it encoded, RFC 6266), shown in the browser or saved as the caller says; `missing` is the 404's
    message when storage no longer has the file. Who may read the row is the caller's check."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
    response = FileResponse(handle, content_type=content_type)
    disposition = content_disposition_header(as_attachment, name)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
