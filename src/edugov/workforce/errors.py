"""Error codes of the workforce app, each with its Chinese message (the API answers
"workforce.<NAME>")."""

from edugov.common.errors import ErrorCode


class WorkforceError(ErrorCode):
    BAD_FIELD = "{field}：{reason}"
    UNKNOWN_SUBJECT = "未知学科“{subject}”，可选：{choices}"
    BIRTH_MONTH_FUTURE = "出生年月不能晚于当前月份"
    NOT_CORRECTABLE = "“{field}”不能申请更正，请联系学校管理员"
    SAME_VALUE = "申请更正的值与现有值相同"
    NOT_PENDING = "该申请已审核，不能再次处理"
    REASON_REQUIRED = "请填写{what}"
    NO_RECORD = "尚无您本学年的师资档案，请联系学校管理员导入"
    EXCHANGE_SAME_SCHOOL = "派出学校和接收学校不能相同"
    EXCHANGE_DATES = "结束日期应晚于开始日期"
    EXCHANGE_OVERLAP = "该教师在{start}至{end}已有交流记录，时间不能重叠"
    EXCHANGE_NOT_STAFF = "该教师不在派出学校任职"
    RECRUIT_QUANTITY = "计划招聘人数应为0～{maximum}之间的整数，您填写的是“{value}”"
    RECRUIT_NOTE = "备注不能超过{maximum}个字"
    RECRUIT_NO_YEAR = "尚无学年，不能编制招聘计划"
    RECRUIT_NO_PLAN = "{year}尚未生成招聘计划"
    RECRUIT_LINE_UNKNOWN = "找不到要修改的招聘计划明细，请刷新页面后重试"
    MENTOR_IS_MENTEE = "指导教师和新教师不能是同一人"
    MENTOR_NOT_STAFF = "{name}不是本校教师"
    MENTEE_TAKEN = "{name}本学年已有指导教师"
