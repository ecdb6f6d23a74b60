"""How group rows relate to the anchors of scope (see accounts.scope): a group and its plans hang on
the lead school, a membership and an activity on their school, a joint class on its host school.
The `group` anchor (apps.py) stands for a group's member schools."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="lead_school__area", school="lead_school")(m.SchoolGroup)
register_scope(area="school__area", school="school")(m.Membership)
register_scope(area="group__lead_school__area", school="group__lead_school")(m.UnificationPlan)
register_scope(area="school__area", school="school")(m.Activity)
register_scope(area="host_school__area", school="host_school")(m.JointClass)
register_scope(area="joint_class__host_school__area", school="joint_class__host_school")(m.Rotation)
register_scope(area="school__area", school="school")(m.Evidence)
register_scope(area="group__lead_school__area", school="group__lead_school")(m.EffectSnapshot)
