"""How party rows relate to the anchors of scope (see accounts.scope): a status and a meeting count
hang on their school, a target on its district."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="school__area", school="school")(m.PartyStatus)
register_scope(area="school__area", school="school")(m.MeetingCount)
register_scope(area="area")(m.CoverageTarget)
register_scope(area="area")(m.TutoringPartyCount)
