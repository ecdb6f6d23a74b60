"""An evidence file as a download, for the page and the API alike: whoever reads its group (the
bureau, the group head, a member school) gets it; anyone else is told it does not exist."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

from .models import Evidence
from .selectors import may_read


def evidence_response(actor: Any, pk: Any) -> FileResponse:
    try:
        key = int(str(pk)[:12])
    except (TypeError, ValueError):
        raise Http404("佐证材料不存在或不在您的数据范围内") from None
    row = Evidence.objects.select_related("group").filter(pk=key).first()
    if row is None or not may_read(actor, row.group):
        raise Http404("佐证材料不存在或不在您的数据范围内")
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404("佐证材料文件已丢失") from None
    response = FileResponse(handle, content_type=row.content_type)
    disposition = content_disposition_header(True, row.original_name)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
