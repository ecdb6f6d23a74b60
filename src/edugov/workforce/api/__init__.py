"""REST API of workforce, one module per sub-domain: teachers' yearly records (read; create or replace
one with its subject loads), each school's staffing against the norms, correction requests (a teacher
files one, the school decides) and the programmes. Same selectors and services as the pages."""

from __future__ import annotations

from .appraisal import AppraisalEntryInput, AppraisalInput, AppraisalOutput, AppraisalViewSet
from .ethics import EthicsDecisionInput, EthicsIncidentInput, EthicsIncidentOutput, EthicsIncidentViewSet
from .exchanges import ExchangeInput, ExchangeOutput, ExchangeViewSet
from .records import (
    TAGS,
    CorrectionInput,
    CorrectionOutput,
    CorrectionViewSet,
    DecisionInput,
    LoadOutput,
    RecordInput,
    RecordOutput,
    RecordViewSet,
    StaffingOutput,
    StaffingViewSet,
    SubjectOutput,
)
from .rounds import (
    PostRoundOutput,
    PostRoundViewSet,
    RoundChoiceInput,
    RoundPostOutput,
    RoundPostViewSet,
    RoundResultOutput,
    RoundResultViewSet,
)
from .shadowing import ShadowingInput, ShadowingOutcomeInput, ShadowingOutput, ShadowingViewSet
from .studios import (
    CommunityActivityOutput,
    CommunityOutput,
    CommunityViewSet,
    StudioInput,
    StudioOutput,
    StudioReportOutput,
    StudioReportSubmitInput,
    StudioReportViewSet,
    StudioViewSet,
)

__all__ = [
    "TAGS",
    "AppraisalEntryInput",
    "AppraisalInput",
    "AppraisalOutput",
    "AppraisalViewSet",
    "CommunityActivityOutput",
    "CommunityOutput",
    "CommunityViewSet",
    "CorrectionInput",
    "CorrectionOutput",
    "CorrectionViewSet",
    "DecisionInput",
    "EthicsDecisionInput",
    "EthicsIncidentInput",
    "EthicsIncidentOutput",
    "EthicsIncidentViewSet",
    "ExchangeInput",
    "ExchangeOutput",
    "ExchangeViewSet",
    "LoadOutput",
    "PostRoundOutput",
    "PostRoundViewSet",
    "RecordInput",
    "RecordOutput",
    "RecordViewSet",
    "RoundChoiceInput",
    "RoundPostOutput",
    "RoundPostViewSet",
    "RoundResultOutput",
    "RoundResultViewSet",
    "ShadowingInput",
    "ShadowingOutcomeInput",
    "ShadowingOutput",
    "ShadowingViewSet",
    "StaffingOutput",
    "StaffingViewSet",
    "StudioInput",
    "StudioOutput",
    "StudioReportOutput",
    "StudioReportSubmitInput",
    "StudioReportViewSet",
    "StudioViewSet",
    "SubjectOutput",
]
