"""An evidence file as a download, for the page and the API alike: whoever reads its group (the
bureau, the group head, a member school) gets it; anyone else is told it does not exist."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404

from edugov.common.files import stored_file_response

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
    return stored_file_response(
        row.file,
        name=row.original_name,
        content_type=row.content_type,
        as_attachment=True,
        missing="佐证材料文件已丢失",
    )
