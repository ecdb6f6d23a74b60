"""Error codes of the quality app, each with its Chinese message (the API answers "quality.<NAME>")."""

from edugov.common.errors import ErrorCode


class QualityError(ErrorCode):
    UNKNOWN_ASSESSMENT = "测评不存在，或不在您的数据范围内"
    SAME_ASSESSMENT = "前测与后测不能是同一次测评"
    DIFFERENT_SUBJECT = "前测与后测应为同一学科（前测：{prior}，后测：{post}）"
    POST_BEFORE_PRIOR = "后测日期（{post}）应晚于前测日期（{prior}）"
    TOO_FEW_PUPILS = "两次测评共同参加的学生不足{minimum}人（现有{n}人），无法计算增值"
    TOO_FEW_GROUPS = "两次测评共同参加的学生分布在不足{minimum}个{unit}中，无法计算增值"
    BAD_PARAM = "{field}：{reason}"
