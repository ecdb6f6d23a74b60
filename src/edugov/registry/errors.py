from edugov.common.errors import ErrorCode


class RegistryError(ErrorCode):
    PARENT_LEVEL = "上级区划层级不正确：{child}的上级应为{expected}"
    TEACHING_POINT_CENTRAL = "教学点的所属中心校不能是另一个教学点"
    ALREADY_ARCHIVED = "该记录已归档"
    NOT_ARCHIVED = "该记录未归档"
    SCHOOL_HAS_ACTIVE_POINTS = "该校仍有未归档的教学点，请先处理教学点"
    HEAD_TEACHER_OTHER_SCHOOL = "班主任必须是本校教师"
    ROLE_CANNOT_EDIT = "您的角色不能修改学校基础信息"
    GRADE_NOT_OFFERED = "{school_type}不设{grade}"
