"""The "1+4+N" template the scheme form starts from (and the demo uses): one basic item on party
leadership, four core dimensions with indicators mostly drawn from data (fitness among them), and
15% for each school's own characteristic items. A district edits it before saving; weights make
100%."""

from __future__ import annotations

from decimal import Decimal

from .models import DimensionKind, ScoringRule
from .services import DimensionInput, IndicatorInput

D = Decimal


def one_four_n() -> list[DimensionInput]:
    lin, thr, ent = ScoringRule.LINEAR, ScoringRule.THRESHOLD, ScoringRule.ENTERED
    return [
        DimensionInput(
            DimensionKind.BASIC,
            "党建引领",
            [
                IndicatorInput("党组织领导的校长负责制落实情况", D(10), ent),
            ],
        ),
        DimensionInput(
            DimensionKind.CORE,
            "立德树人与课程教学",
            [
                IndicatorInput("教学常规检查达标率", D(15), lin, "routine_inspection", D(60), D(100)),
                IndicatorInput("增值评价", D(10), lin, "value_added", D(-5), D(5)),
            ],
        ),
        DimensionInput(
            DimensionKind.CORE,
            "减负提质（双减）",
            [
                IndicatorInput("书面作业时长达标率", D(10), lin, "homework_compliance", D(60), D(100)),
                IndicatorInput("课后服务参与率", D(5), lin, "after_school_coverage", D(50), D(90)),
                IndicatorInput(
                    "课后服务满意率",
                    D(10),
                    thr,
                    "after_school_satisfaction",
                    thresholds=[[95, 100], [90, 90], [80, 75], [60, 50]],
                ),
            ],
        ),
        DimensionInput(
            DimensionKind.CORE,
            "健康安全与治理",
            [
                IndicatorInput("体质健康测试及格率", D(5), lin, "fitness_pass_rate", D(80), D(95)),
                IndicatorInput("未整改安全隐患", D(5), lin, "safety_hazards_open", D(5), D(0)),
                IndicatorInput("问题按期整改率", D(10), lin, "rectification_on_time", D(50), D(100)),
            ],
        ),
        DimensionInput(
            DimensionKind.CORE,
            "队伍建设",
            [
                IndicatorInput("教师培训与教研获奖", D(5), ent),
            ],
        ),
        DimensionInput(DimensionKind.CHARACTERISTIC, "特色发展"),
    ]


CHARACTERISTIC_WEIGHT = D(15)
