"""The import engine: a file is checked, every row validated (pass 1), and only when no row has
an error is everything written in one transaction (pass 2), upserting by natural key, logging
what each row did and one audit event for the batch. Otherwise nothing is written and the batch
is rejected with an error report.

`batches` holds the batch's life (staging an upload, creating, running, sweeping dead workers),
`engine` the two passes over one file; every public name is re-exported here."""

from .batches import (
    PENDING_GRACE,
    STALE_MESSAGE,
    IngestError,
    Upload,
    batch_create,
    batch_run,
    batch_sweep_stale,
    batch_upload,
    check_can_import,
    file_sha256,
    import_file,
    imports_dir,
)
from .engine import (
    MAX_KEPT_ERRORS,
    PAGE_ERRORS,
    PROGRESS_EVERY,
    Engine,
    ProgressCallback,
    RowProblem,
)

__all__ = [
    "MAX_KEPT_ERRORS",
    "PAGE_ERRORS",
    "PENDING_GRACE",
    "PROGRESS_EVERY",
    "STALE_MESSAGE",
    "Engine",
    "IngestError",
    "ProgressCallback",
    "RowProblem",
    "Upload",
    "batch_create",
    "batch_run",
    "batch_sweep_stale",
    "batch_upload",
    "check_can_import",
    "file_sha256",
    "import_file",
    "imports_dir",
]
