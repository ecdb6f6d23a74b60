"""Writes of school appraisal: the bureau's scheme (weights summing to 100%, refused in Chinese
otherwise, nothing written), a school's own "N" items, hand-entered values with evidence, the
computed scorecards, teaching-routine checklists and inspections (shortfalls raised as
rectification items through the findings machinery) and after-school satisfaction counts. Each asks
the policy first and leaves an audit record.

One module per sub-domain: schemes.py (scheme and "N" items), entries.py, results.py,
scheme_edit.py (editing a scheme,
withdrawing results), routine.py (checklists and inspections), surveys.py; every name is re-exported here."""

from __future__ import annotations

from .entries import entry_save, evidence_check
from .results import SCORED_TYPES, results_compute, scheme_schools
from .routine import (
    DATA,
    MarkInput,
    checklist_create,
    checklist_create_default,
    default_checks,
    inspection_record,
)
from .scheme_edit import results_withdraw, scheme_update
from .schemes import (
    MAX_CHECKS,
    MAX_DIMENSIONS,
    MAX_EVIDENCE_MB,
    MAX_INDICATORS,
    MAX_N_ITEMS,
    VALUE_LIMIT,
    DimensionInput,
    IndicatorInput,
    characteristic_dimension,
    characteristic_items_save,
    scheme_create,
)
from .surveys import survey_save

__all__ = [
    "DATA",
    "MAX_CHECKS",
    "MAX_DIMENSIONS",
    "MAX_EVIDENCE_MB",
    "MAX_INDICATORS",
    "MAX_N_ITEMS",
    "SCORED_TYPES",
    "VALUE_LIMIT",
    "DimensionInput",
    "IndicatorInput",
    "MarkInput",
    "characteristic_dimension",
    "characteristic_items_save",
    "checklist_create",
    "checklist_create_default",
    "default_checks",
    "entry_save",
    "evidence_check",
    "inspection_record",
    "results_compute",
    "results_withdraw",
    "scheme_create",
    "scheme_schools",
    "scheme_update",
    "survey_save",
]
