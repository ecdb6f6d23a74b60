"""The report registry's error codes, each with its Chinese message."""

from __future__ import annotations

from edugov.common.errors import ErrorCode


class ReportError(ErrorCode):
    UNKNOWN_REPORT = "报表“{name}”不存在"
    BAD_FORMAT = "不支持的导出格式“{fmt}”，可选 {formats}"
    MISSING_PARAM = "缺少参数：{label}（{name}）"
    BAD_PARAM = "参数“{label}”的值无效：{value}"
    UNKNOWN_AREA = "区划代码不存在或不在您的数据范围内：{code}"
