"""`services.batch_upload`: the staging and the inline-or-queued decision the upload page used to
make itself (checked first, staged file never left behind, queued only on commit)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from edugov.accounts.models import Role
from edugov.common.errors import DomainError, PermissionDenied
from edugov.ingest import services
from edugov.ingest.models import BatchStatus, ImportBatch
from edugov.registry.models import SchoolClass
from edugov.testing import make_mini_district

from .helpers import CLASS_HEADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def d() -> Any:
    return make_mini_district()


def _csv(d: Any, classes: int) -> SimpleUploadedFile:
    header = ",".join(CLASS_HEADERS) + "\n"
    rows = "".join(f"{d.school_a.code},2025,一年级,{n},,20,21\n" for n in range(1, classes + 1))
    return SimpleUploadedFile("班级.csv", (header + rows).encode(), content_type="text/csv")


def _staged() -> list[Path]:
    incoming = services.imports_dir() / "incoming"
    return sorted(incoming.iterdir()) if incoming.exists() else []


def test_a_small_file_is_imported_inline(d: Any) -> None:
    started = services.batch_upload(actor=d.users[Role.SCHOOL_ADMIN], kind="classes", upload=_csv(d, 2))
    assert started.queued is False
    assert started.batch.status == BatchStatus.SUCCEEDED and started.batch.created_count == 2
    assert SchoolClass.objects.filter(school=d.school_a, grade=1).count() == 2
    assert _staged() == []


def test_a_large_file_is_queued_on_commit(
    d: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EDUGOV_IMPORT_INLINE_ROWS = 3
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        started = services.batch_upload(actor=d.users[Role.SCHOOL_ADMIN], kind="classes", upload=_csv(d, 4))
        assert started.queued is True
        assert ImportBatch.objects.get().status == BatchStatus.PENDING  # nothing imported yet
    assert len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs (ImmediateBackend in tests)
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.SUCCEEDED and batch.created_count == 4
    assert _staged() == []


@pytest.mark.parametrize(
    ("who", "kind", "max_bytes", "error"),
    [
        (Role.SCHOOL_ADMIN, "classes", 10, DomainError),  # too large: 10 bytes allowed
        (Role.LEADER, "classes", 10**6, PermissionDenied),  # leaders read only
        (Role.SCHOOL_ADMIN, "nonsense", 10**6, DomainError),  # no such import
    ],
)
def test_refused_before_anything_is_staged(
    d: Any, settings: Any, who: str, kind: str, max_bytes: int, error: Any
) -> None:
    settings.EDUGOV_IMPORT_MAX_BYTES = max_bytes
    with pytest.raises(error):
        services.batch_upload(actor=d.users[who], kind=kind, upload=_csv(d, 1))
    assert not ImportBatch.objects.exists() and _staged() == []
