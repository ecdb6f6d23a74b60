"""How appraisal rows relate to the anchors of scope (see accounts.scope): a scheme and a checklist
hang on their district (schools read them as district data through the selectors); a "N" item
also on its school, so a school reads and keeps its own; the rest on their school."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="area")(m.Scheme)
register_scope(area="scheme__area")(m.Dimension)
register_scope(area="dimension__scheme__area", school="school")(m.Indicator)
register_scope(area="school__area", school="school")(m.Entry)
register_scope(area="school__area", school="school")(m.SchoolResult)
register_scope(area="result__school__area", school="result__school")(m.ResultLine)
register_scope(area="area")(m.RoutineChecklist)
register_scope(area="checklist__area")(m.RoutineCheck)
register_scope(area="school__area", school="school")(m.RoutineInspection)
register_scope(area="inspection__school__area", school="inspection__school")(m.RoutineMark)
register_scope(area="school__area", school="school")(m.SatisfactionSurvey)
