"""Spreadsheet import kinds of quality monitoring: assessments with their band cut-offs, and each
pupil's score. The pupil's student number (学籍号) is turned into the pseudonymous key at import
(pupil_key.py) and never stored; declarative specs run by the ingest engine (all or nothing,
Chinese errors and an error workbook, idempotent on natural keys).

One module per sub-domain: assessments.py, fitness_sheets.py, outcomes.py; importing this package
registers every kind, and every name is re-exported here."""

from __future__ import annotations

from ..outcome_rules import JUNIOR_TYPES
from .assessments import CODE_MESSAGE, CODE_PATTERN, KIND_WORDS, AssessmentImport, ResultImport
from .fitness_sheets import (
    BOUNDS,
    EXAMPLES,
    HEADERS,
    SEX_WORDS,
    TIMED,
    FitnessImport,
    parse_measure,
    parse_sex,
)
from .outcomes import (
    GAOKAO_WORDS,
    LEVEL_WORDS,
    LINE_WORDS,
    RECIPIENT_WORDS,
    AwardImport,
    GaokaoLineImport,
    LineResultImport,
)

__all__ = [
    "BOUNDS",
    "CODE_MESSAGE",
    "CODE_PATTERN",
    "EXAMPLES",
    "GAOKAO_WORDS",
    "HEADERS",
    "JUNIOR_TYPES",
    "KIND_WORDS",
    "LEVEL_WORDS",
    "LINE_WORDS",
    "RECIPIENT_WORDS",
    "SEX_WORDS",
    "TIMED",
    "AssessmentImport",
    "AwardImport",
    "FitnessImport",
    "GaokaoLineImport",
    "LineResultImport",
    "ResultImport",
    "parse_measure",
    "parse_sex",
]
