"""Error codes of the party app, each with its Chinese message (the API answers "party.<NAME>")."""

from edugov.common.errors import ErrorCode


class PartyError(ErrorCode):
    BAD_FIELD = "{field}：{reason}"
    NEGATIVE = "{field}不能小于0"
    ATTACHED_NEEDS_SCHOOL = "联合或挂靠其他党组织时，请选择所联合或挂靠的学校"
    ATTACHED_SELF = "不能挂靠本校"
    SHARE = "覆盖目标应在0至100之间"
    BAD_TERM = "学期格式应为“2026-2027-1”"
    TUTORING_PARTS = "单独建立和联合建立（挂靠）党组织的机构合计{covered}家，不能多于机构总数{total}家"
