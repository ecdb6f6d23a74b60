"""Workforce models, one module per sub-domain; every model stays importable from
`edugov.workforce.models`. Teacher records in depth, one per teacher and school year (the registry
keeps who the teacher is; this keeps what the year's staffing needs), and the programmes around them."""

from __future__ import annotations

from .appraisal import Appraisal, AppraisalGrade
from .ethics import EthicsCategory, EthicsHandling, EthicsIncident, EthicsSource, EthicsStatus
from .exchanges import ROTATING_KINDS, Exchange, ExchangeKind
from .mentoring import MentoringOutcome, MentorPair, ShadowingPlacement
from .records import (
    BackboneLevel,
    CertificateStage,
    CorrectionRequest,
    CorrectionStatus,
    EmploymentType,
    Qualification,
    SubjectLoad,
    TeacherYear,
    Title,
    record_field_label,
)
from .recruitment import RECRUIT_MAX, RecruitmentLine, RecruitmentPlan
from .rounds import (
    AppealStatus,
    PostRound,
    RemotenessTier,
    RoundAppeal,
    RoundChoice,
    RoundPost,
    RoundResult,
    RoundStatus,
)
from .studios import (
    CommunityActivity,
    CommunityKind,
    ReportCadence,
    ResearchCommunity,
    Studio,
    StudioKind,
    StudioReport,
)

__all__ = [
    "RECRUIT_MAX",
    "ROTATING_KINDS",
    "AppealStatus",
    "Appraisal",
    "AppraisalGrade",
    "BackboneLevel",
    "CertificateStage",
    "CommunityActivity",
    "CommunityKind",
    "CorrectionRequest",
    "CorrectionStatus",
    "EmploymentType",
    "EthicsCategory",
    "EthicsHandling",
    "EthicsIncident",
    "EthicsSource",
    "EthicsStatus",
    "Exchange",
    "ExchangeKind",
    "MentorPair",
    "MentoringOutcome",
    "PostRound",
    "Qualification",
    "RecruitmentLine",
    "RecruitmentPlan",
    "RemotenessTier",
    "ReportCadence",
    "ResearchCommunity",
    "RoundAppeal",
    "RoundChoice",
    "RoundPost",
    "RoundResult",
    "RoundStatus",
    "ShadowingPlacement",
    "Studio",
    "StudioKind",
    "StudioReport",
    "SubjectLoad",
    "TeacherYear",
    "Title",
    "record_field_label",
]
