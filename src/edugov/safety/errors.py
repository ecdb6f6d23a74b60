"""Error codes of the safety app, each with its Chinese message (the API answers "safety.<NAME>")."""

from edugov.common.errors import ErrorCode


class SafetyError(ErrorCode):
    BAD_FIELD = "{field}：{reason}"
    REQUIRED = "请填写{field}"
    CELL_NEEDS_SCHOOL = "校舍和校门网格必须属于一所学校"
    PHOTO_TOO_LARGE = "照片不能超过 {mb} MB"
    PHOTO_NOT_IMAGE = "照片须为 JPG、PNG 或 WEBP 图片"
    FUTURE_DATE = "日期不能晚于今天"
    BAD_LINK = "链接无效或已过期，请向班主任索取本班的确认链接"
    ALREADY_ACKNOWLEDGED = "该学生家长已确认过今天的提醒，无需重复确认"
    NOT_SENT = "该提醒尚未发送，不能确认"
    ALREADY_HANDLED = "该举报已处理"
    CHANNEL_NOT_CONFIGURED = "发送渠道“{channel}”未配置（请设置环境变量 {env}）"
    CHANNEL_FAILED = "发送渠道“{channel}”发送失败：{reason}"
    NOT_CONFIRMED = "只有已核实的举报才能发放奖励"
    ALREADY_PAID = "该举报的奖励已发放"
    NO_TERM = "该日期不在任何学期内"
    COORDINATES_PAIR = "经度和纬度须同时填写，或同时留空"
    COORDINATES_NUMBER = "{field}：请填写数字，如 {example}"
    OUTSIDE_DISTRICT = (
        "坐标不在本区范围内（经度 {west}～{east}，纬度 {south}～{north}），请核对是否填反或少了位数"
    )
    OUTSIDE_CHINA = "坐标不在中国境内（经度 {west}～{east}，纬度 {south}～{north}），请核对是否填反或少了位数"
    RATE_LIMITED = "请求过于频繁，请稍后再试"
