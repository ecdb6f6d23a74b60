"""How registry rows relate to the anchors of scope (see accounts.scope)."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="pk")(m.Area)
register_scope(area="area", school="pk")(m.School)
register_scope(area="school__area", school="school")(m.Campus)
register_scope(area="school__area", school="school", school_class="pk")(m.SchoolClass)
register_scope(area="school__area", school="school", teacher="pk")(m.Teacher)
register_scope(area="school_class__school__area", school="school_class__school", school_class="school_class")(
    m.TeachingAssignment
)
