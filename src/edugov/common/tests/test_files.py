"""A stored upload answered as a download (common.files): the bytes, the original name in the
header for inline and saved files alike, and a Chinese 404 when storage has lost the file."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import Http404

from edugov.common.files import stored_file_response


@pytest.fixture
def stored(tmp_path):
    """A model's file field on storage in a folder of its own, as an upload is kept."""
    path = tmp_path / "upload.bin"
    path.write_bytes(b"%PDF-1.4 evidence")
    field = models.FileField(storage=FileSystemStorage(location=tmp_path))
    # No model instance: the response reads only the file's name and storage.
    return FieldFile(cast(Any, None), field, "upload.bin"), path


@pytest.mark.parametrize(("as_attachment", "kind"), [(False, "inline"), (True, "attachment")])
def test_the_bytes_under_the_original_name(stored, as_attachment, kind):
    file, _ = stored
    response = stored_file_response(
        file, name="整改报告.pdf", content_type="application/pdf", as_attachment=as_attachment, missing="丢失"
    )
    assert b"".join(cast(Any, response.streaming_content)) == b"%PDF-1.4 evidence"
    assert response["Content-Type"] == "application/pdf"
    # The Chinese name travels encoded (RFC 5987): 整 is E6 95 B4 in UTF-8.
    assert response["Content-Disposition"].startswith(f"{kind}; filename*=utf-8''%E6%95%B4")
    # response.close() would signal request_finished (the database)
    cast(Any, response.file_to_stream).close()


def test_a_file_gone_from_storage_is_a_chinese_404(stored):
    file, path = stored
    path.unlink()
    with pytest.raises(Http404, match="附件文件已丢失"):
        stored_file_response(
            file, name="a.pdf", content_type="application/pdf", as_attachment=False, missing="附件文件已丢失"
        )
