"""Error codes of the appraisal app, each with its Chinese message (the API answers "appraisal.<NAME>")."""

from edugov.common.errors import ErrorCode


class AppraisalError(ErrorCode):
    BAD_FIELD = "{field}：{reason}"
    WEIGHTS = "权重合计应为100%，现为{total}%（共性指标{common}%，特色项目{n}%）"
    N_WEIGHTS = "本校特色项目权重合计应为{expected}%，现为{total}%"
    NO_INDICATORS = "方案至少应有一项共性指标"
    UNKNOWN_SOURCE = "数据来源“{source}”不存在"
    RULE_NEEDS_RANGE = "“{name}”按线性计分，须填写下限和目标，且两者不能相等"
    RULE_NEEDS_THRESHOLDS = "“{name}”按分档计分，须填写分档（至少值与得分，得分0-100）"
    ENTERED_RULE = "“{name}”为学校填报项，计分规则应为直接评分、线性或分档"
    SCHEME_EXISTS = "{area}{year}学年已有考核方案"
    NOT_ENTERED_ITEM = "“{name}”由数据生成，无需填报"
    NOT_OWN_ITEM = "该指标不属于本校"
    NO_SCHEME = "该学年尚无考核方案"
    FILE_TOO_LARGE = "佐证材料不能超过{limit}MB"
    VALUE_RANGE = "填报值应在{low}至{high}之间"
    NO_CHECKS = "检查表至少应有一项检查内容"
    MARKS_INCOMPLETE = "请对检查表的每一项给出是否达标（缺{n}项）"
    FAIL_NEEDS_NOTE = "未达标的项目请说明问题：{text}"
    FUTURE_DATE = "检查日期不能晚于今天"
    SURVEY_COUNTS = "满意数不能大于答卷数"
    TOO_MANY = "{field}最多{limit}项"
    SCHEME_HAS_RESULTS = (
        "该方案已有{n}所学校的考核结果，不能直接修改；请先撤销考核结果（撤销留有记录），修改后重新计算"
    )
    INDICATOR_HAS_ENTRIES = "“{name}”已有{n}所学校填报，不能删除或改为数据生成"
    N_ITEMS_SET = "已有{n}所学校按{old}%设定了特色项目，特色项目权重不能改为{new}%；请各校先调整特色项目"
    NOT_THIS_SCHEME = "指标不属于本方案"
    NO_RESULTS = "该方案尚无考核结果"
