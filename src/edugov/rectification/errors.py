"""Error codes of the rectification app, each with its Chinese message."""

from edugov.common.errors import ErrorCode


class RectificationError(ErrorCode):
    TRANSITION_REFUSED = "当前状态为“{status}”，不能执行“{action}”"
    ROLE_REFUSED = "您的角色不能执行“{action}”"
    NOT_OWN_UNIT = "只能处理本单位的整改事项"
    DEPARTMENT_REFUSED = "该事项由{department}主管，您不能执行“{action}”"
    EVIDENCE_REQUIRED = "提交整改材料须填写整改说明并上传至少一个佐证附件"
    NOTHING_SUBMITTED = "该事项尚无整改材料，不能核验销号"
    COMMENT_REQUIRED = "请填写“{action}”的说明"
    DEADLINE_PAST = "整改期限不能早于今天（{today}）"
    UNKNOWN_UNIT = "责任单位不存在或不在您的数据范围内"
    UNKNOWN_PERSON = "责任人不存在，或不属于责任单位/主管科室"
    UNKNOWN_SOURCE = "未登记的问题发现规则：{source}"
    FILE_TOO_LARGE = "附件“{name}”超过{limit}MB"
    FILE_EMPTY = "附件“{name}”是空文件"
    FILE_TYPE = "附件“{name}”的类型不支持，只能上传 PDF、图片（JPG/PNG）、Word、Excel 文件"
    FILE_CONTENT = "附件“{name}”的内容与扩展名不符"
    TOO_MANY_FILES = "一次最多上传{limit}个附件"
    BAD_FIELD = "{field}：{reason}"
    READ_ONLY = "您的账号为只读账号"
