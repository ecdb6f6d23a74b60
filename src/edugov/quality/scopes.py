"""How quality rows relate to the anchors of scope (see accounts.scope): a result is seen over its
school and class, an assessment over the results it holds (a town's officer sees the district's
test through the town's schools; selectors add the assessments the reader's own area organised,
which have no results yet)."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="results__school__area", school="results__school", school_class="results__school_class")(
    m.Assessment
)
register_scope(area="school__area", school="school", school_class="school_class")(m.Result)
register_scope(area="school__area", school="school", school_class="school_class")(m.FitnessResult)
register_scope(area="school__area", school="school")(m.LineResult)
register_scope(area="school__area", school="school")(m.Award)
