"""How planning rows relate to the anchors of scope (see accounts.scope): town figures, housing and
forecasts over their area; classrooms and projects over their school; milestones over their project."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="area")(m.TownYear)
register_scope(area="area")(m.HousingDevelopment)
register_scope(area="area")(m.ForecastRun)
register_scope(area="school__area", school="school")(m.SchoolCapacity)
register_scope(area="school__area", school="school")(m.Project)
register_scope(area="project__school__area", school="project__school")(m.Milestone)
register_scope(area="project__school__area", school="project__school")(m.ProjectProgress)
register_scope(area="area")(m.ProjectList)
register_scope(area="area")(m.QuotaPlan)
register_scope(area="school__area", school="school")(m.PrivateSchoolYear)
register_scope(area="area")(m.Zone)
register_scope(area="area")(m.Village)
register_scope(area="school__area", school="school")(m.Closure)
register_scope(area="closure__school__area", school="closure__school")(m.ClosureStep)
