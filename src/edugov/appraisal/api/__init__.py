"""REST API of school appraisal: schemes (the bureau defines one per district and school year,
weights summing to 100%), indicators, a school's own "N" items, hand-entered values, computed
results with their evidence trail, routine checklists and inspections, and after-school
satisfaction counts. Same selectors and services as the pages; schools only, never pupils.

An indicator and a checklist are named by id and resolved through the school's district (they are
district data, which a school's account does not read as rows); the school is write-scoped.

One module per resource group (schemes.py, entries.py, results.py, routine.py, surveys.py; shared
pieces in common.py); every view set and serializer is re-exported here for api_urls.py."""

from __future__ import annotations

from .common import TAGS
from .entries import EntryInput, EntryOutput, EntryViewSet
from .results import ComputeInput, ResultLineOutput, ResultViewSet, SchoolResultOutput
from .routine import (
    CheckInput,
    ChecklistInput,
    ChecklistOutput,
    ChecklistViewSet,
    InspectionInput,
    InspectionOutput,
    InspectionViewSet,
    MarkInputSerializer,
    RoutineMarkOutput,
)
from .schemes import (
    AppraisalDimensionInput,
    AppraisalIndicatorInput,
    AppraisalIndicatorOutput,
    CharacteristicInput,
    IndicatorViewSet,
    SchemeInput,
    SchemeOutput,
    SchemeViewSet,
)
from .surveys import SurveyInput, SurveyOutput, SurveyViewSet

__all__ = [
    "TAGS",
    "AppraisalDimensionInput",
    "AppraisalIndicatorInput",
    "AppraisalIndicatorOutput",
    "CharacteristicInput",
    "CheckInput",
    "ChecklistInput",
    "ChecklistOutput",
    "ChecklistViewSet",
    "ComputeInput",
    "EntryInput",
    "EntryOutput",
    "EntryViewSet",
    "IndicatorViewSet",
    "InspectionInput",
    "InspectionOutput",
    "InspectionViewSet",
    "MarkInputSerializer",
    "ResultLineOutput",
    "ResultViewSet",
    "RoutineMarkOutput",
    "SchemeInput",
    "SchemeOutput",
    "SchemeViewSet",
    "SchoolResultOutput",
    "SurveyInput",
    "SurveyOutput",
    "SurveyViewSet",
]
