"""Error codes of the groups app, each with its Chinese message (the API answers "groups.<NAME>")."""

from edugov.common.errors import ErrorCode


class GroupsError(ErrorCode):
    BAD_FIELD = "{field}：{reason}"
    NO_LEAD = "请选择牵头学校"
    NAME_TAKEN = "已有名为“{name}”的集团"
    DATES = "结束日期应晚于开始日期"
    TWO_CLOSE_GROUPS = "{school}已是紧密型教育集团“{group}”的成员，一所学校不能同时加入两个紧密型集团"
    ALREADY_MEMBER = "{school}已是本集团成员"
    NOT_MEMBER = "{school}不是本集团成员"
    OTHER_STAGE = "{school}（{school_type}）没有{grade}年级，不能与承办学校联合办班"
    SAME_SCHOOL = "承办学校和合作学校不能相同"
    TRANSPORT = "接送学生数不能多于学位数"
    BAD_TERM = "学期格式应为“2026-2027-1”"
