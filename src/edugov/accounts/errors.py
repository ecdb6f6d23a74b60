"""Error codes of the accounts app, each with its Chinese message."""

from edugov.common.errors import ErrorCode


class AccountError(ErrorCode):
    NOT_ADMINISTRATOR = "只有区县管理员可以创建账号"
    USERNAME_REQUIRED = "用户名不能为空"
    USERNAME_INVALID = "用户名只能包含字母、数字和 @ . + - _，且不超过150个字符"
    USERNAME_TAKEN = "用户名“{username}”已被使用"
    ROLE_INVALID = "未知的角色“{role}”"
    AREA_REQUIRED = "{role}账号必须指定管辖区域"
    SCHOOL_REQUIRED = "学校管理员账号必须指定所属学校"
    TEACHER_REQUIRED = "教师账号必须指定对应的教师"
    INSTITUTION_REQUIRED = "培训机构人员账号必须指定所属培训机构"
    DEPARTMENT_REQUIRED = "科室人员账号必须指定科室"
    DEPARTMENT_INVALID = "未知的科室“{department}”"
    UNEXPECTED_ANCHOR = "{role}账号不应指定{anchor}"
    PASSWORD_INVALID = "密码不符合要求：{reasons}"
    NOT_FOUND = "未找到{what}“{value}”"
    GRANT_KIND_INVALID = "未知的数据范围类型“{kind}”"
    GRANT_ROLE_MISMATCH = "{role}账号不能授予“{kind}”类数据范围"
    GRANT_TARGET_MISSING = "要授权的{kind}（编号 {object_id}）不存在或不在您的管理范围内"
    GRANT_DUPLICATE = "该账号已拥有这项数据范围"
    USER_OUT_OF_SCOPE = "该账号不在您的管理范围内"
