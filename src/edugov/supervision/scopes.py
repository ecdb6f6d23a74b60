"""How supervision rows relate to the anchors of scope (see accounts.scope): a plan is seen over
its schools, a visit over its school."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="schools__area", school="schools")(m.SupervisionPlan)
register_scope(area="school__area", school="school")(m.SupervisionVisit)
