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
