"""Error codes of the supervision app, each with its Chinese message (the API answers
"supervision.<NAME>")."""

from edugov.common.errors import ErrorCode


class SupervisionError(ErrorCode):
    BAD_FIELD = "{field}：{reason}"
    DATE_ORDER = "{field}不能早于开始日期"
    DATE_PAST = "{field}不能早于今天（{today}）"
    NO_SCHOOLS = "请至少选择一所学校"
    UNKNOWN_UNIT = "责任单位不存在或不在您的数据范围内"
    UNKNOWN_CHECKLIST = "未配置的督导清单：{code}"
    UNKNOWN_CHECK_ITEM = "督导清单中没有编号为“{code}”的检查项"
    SCORE_RANGE = "检查项“{code}”的得分应在0～{max}之间"
    SCORE_MISSING = "提交前须为全部检查项评分，尚未评分：{codes}"
    NOT_IN_PLAN = "该学校不在本督导计划中"
    NOT_PLAN_INSPECTOR = "您不是本督导计划的督学"
    VISIT_SUBMITTED = "该督导记录已提交，不能再修改"
    VISIT_DATE_RANGE = "督导日期应在计划期内（{start}至{end}）且不晚于今天"
    PLAN_DONE = "该督导计划的学校已全部完成督导，不能再修改"
    PLAN_OUTSIDE_SCOPE = "该督导计划包含您数据范围以外的学校，不能修改"
    PLAN_CHECKLIST_LOCKED = "该督导计划已有督导记录，不能更换督导清单"
    PLAN_SCHOOL_VISITED = "学校“{school}”已有督导记录，不能移出计划"
    PLAN_DATES_VISITS = "计划期须包含已有督导记录的日期（{first}至{last}）"
