"""Error codes of the planning app, each with its Chinese message (the API answers "planning.<NAME>")."""

from edugov.common.errors import ErrorCode


class PlanningError(ErrorCode):
    BAD_FIELD = "{field}：{reason}"
    NOT_A_TOWN = "“{name}”不是乡镇（街道），人口与住宅须落在乡镇（街道）"
    NO_SCHOOL = "“{name}”没有可预测的学校（无在校生记录），无法预测"
    NO_HISTORY = "没有{year}学年及以前的在校生记录，无法预测"
    HORIZON = "预测年数应在1～10年之间"
    PROJECT_DATES = "计划竣工日期应晚于开工日期"
    MILESTONE_DONE_BEFORE_START = "节点完成日期不能早于项目开工日期"
    COMPLETED_BEFORE_START = "竣工日期不能早于开工日期"
    PROGRESS_MONTH = "进度月份不能早于项目开工月份"
    PROGRESS_PCT = "{field}应在0～100之间"
    PROGRESS_BACKWARDS = "实际累计进度不能低于上月（上月为{previous}%）"
    LIST_STATUS = "该红黑榜已发布，不能重新生成"
    NOT_SENIOR = "“{name}”不是普通高中，不能作为指标到校的招生学校"
    QUOTA_SHARE = "指标到校比例应在{low}%～100%之间（{source}）"
    QUOTA_WEIGHT = "农村学校加权系数应在1～3之间"
    NOT_PRIVATE = "“{name}”不是民办学校"
    PRIVATE_MONEY = "{field}不能为负数"
    PRIVATE_FEES = "学费收入不能多于总收入"
