"""How rectification rows relate to the anchors of scope (see accounts.scope): area roles see the
items under their area, a school its own (and its teaching points'), an institution its own."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="area", school="school", institution="institution_id")(m.RectificationItem)
for _model in (m.ItemEvent, m.Attachment, m.Notification):
    register_scope(area="item__area", school="item__school", institution="item__institution_id")(_model)
register_scope(area="area")(m.Ranking)
register_scope(area="ranking__area")(m.RankingEntry)
register_scope(area="area")(m.Boundary)
register_scope(area="area", school="school")(m.KeyTask)
register_scope(area="area")(m.TaskGoal)
register_scope(area="task__area", school="task__school")(m.Milestone)
register_scope(area="school__area", school="school")(m.LiaisonLink)
register_scope(area="schools__area", school="schools")(m.LeaderVisit)
register_scope(area="school__area", school="school")(m.VisitProblem)
