"""How tutoring rows relate to the anchors of scope (see accounts.scope): area roles see their
area's institutions, an institution operator only their own institution's rows."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="area", institution="pk")(m.Institution)
for _model in (m.StatusChange, m.Staff, m.Course, m.Order, m.Consumption, m.Refund, m.CustodyStatement,
               m.RiskSnapshot, m.Alert):  # fmt: skip
    register_scope(area="institution__area", institution="institution")(_model)
register_scope(area="course__institution__area", institution="course__institution")(m.Session)
register_scope(area="area")(m.UnlicensedSite)
register_scope(area="area")(m.Inspection)
register_scope(area="area")(m.EnforcementAction)
# Operators do not read complaints (the complainant's contact stays with the bureau).
register_scope(area="area")(m.Complaint)
register_scope(area="complaint__area")(m.ComplaintEvent)
