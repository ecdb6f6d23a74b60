"""The committed corpus of hostile files (made by corpus/make_corpus.py): each is rejected with a
Chinese message and changes nothing in the database (by every import kind under `make soak`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps

from edugov.ingest.models import BatchStatus
from edugov.ingest.services import import_file
from edugov.ingest.spec import KINDS
from edugov.testing import make_mini_district

from .live import SOAK, record

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent / "corpus"
FILES = sorted(p for p in CORPUS.iterdir() if p.suffix in (".csv", ".xlsx", ".xls"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def table_counts() -> dict[str, int]:
    skip = {"ingest.ImportBatch"}
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.label not in skip}


def test_corpus_is_complete():
    names = {p.name for p in FILES}
    for needed in ("zip_bomb.xlsx", "billion_laughs.xlsx", "million_columns.csv", "formula_cells.xlsx"):
        assert needed in names, "run tests/reliability/corpus/make_corpus.py"


def test_every_hostile_file_is_rejected():
    d = make_mini_district()
    admin = d.users["district_admin"]
    before = table_counts()
    seen = 0
    kinds = list(KINDS)
    for i, path in enumerate(FILES):
        # make test: each file against one kind, in turn (all kinds covered); make soak: every pair.
        for kind in kinds if SOAK else [kinds[i % len(kinds)]]:
            batch = import_file(kind=kind, path=path, original_name=path.name, user=admin)
            assert batch.status == BatchStatus.REJECTED, (path.name, kind, batch.status, batch.message)
            assert CJK.search(batch.message), (path.name, kind, batch.message)
            assert "Traceback" not in batch.message and "Error" not in batch.message
            seen += 1
    assert table_counts() == before
    record("corpus", files=len(FILES), kinds=len(KINDS), imports=seen, accepted=0, failed=0)
