"""How the resources rows relate to the anchors of scope (see accounts.scope)."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="school__area", school="school")(m.SchoolFacilities)
register_scope(area="teacher__school__area", school="teacher__school", teacher="teacher")(m.TeacherYearRecord)
register_scope(area="area")(m.PreschoolPopulation)
register_scope(area="school__area", school="school")(m.InclusiveKindergarten)
