"""Error codes of the burden app, each with its Chinese message."""

from edugov.common.errors import ErrorCode


class BurdenError(ErrorCode):
    NOT_OWN_CLASS = "只能为本人任教的班级发布作业"
    NOT_TEACHER = "只有教师账号可以发布作业"
    CLASS_ARCHIVED = "该班级已归档，不能发布作业"
    NOT_SCHOOL_DAY = "{date}不是上课日（{kind}），不能发布作业"
    OUTSIDE_YEAR = "{date}不在该班级所属学年内"
    TOO_FAR_AHEAD = "只能发布今天及之前、或未来{days}天内的作业"
    MINUTES_RANGE = "预计用时应在1～{max}分钟之间"
    WRITTEN_LOWER_GRADES = "一、二年级不布置家庭书面作业，请选择口头/阅读、实践等类型"
    DUPLICATE = "该班级{subject}学科{date}已发布过{kind}，请勿重复提交"
    CONTENT_REQUIRED = "请填写作业内容"
    SUBJECT_REQUIRED = "请填写学科"
    NOT_PUBLISHER = "只能撤回本人发布的作业"
    BAD_TYPE = "作业类型不正确"
    EXAM_GRADE_NOT_OFFERED = "该校不设{grade}年级"
    EXAM_DATE_OUTSIDE_TERM = "考试日期{date}不在所选学期内（{start}至{end}）"
    EXAM_DUPLICATE = "该校{grade}年级{subject}{date}已登记过{kind}"
    SERVICE_TIMES = "结束时间应晚于开始时间"
    SERVICE_COUNTS = "人数不合理：参加人数不能多于在校生数，日均出勤不能多于参加人数"
    SERVICE_DUPLICATE = "该校本学期已登记课后服务，请修改原记录"
    BAD_PROGRAMME = "服务项目不正确：{value}"
    PAGE_DENIED = "该页面供教育局科室与学校管理人员使用"
    NO_TERM = "尚未设置学期，请先在基础信息中建立学年与学期"
