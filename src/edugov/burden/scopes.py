"""How burden rows relate to the anchors of scope (see accounts.scope): teachers see their own
classes' homework and questionnaires, school administrators their school, area roles their area."""

from edugov.accounts.scope import register_scope

from . import models as m

_CLASS = {
    "area": "school_class__school__area",
    "school": "school_class__school",
    "school_class": "school_class",
}

register_scope(**_CLASS)(m.Homework)
register_scope(**_CLASS)(m.ClassBoard)
register_scope(**_CLASS)(m.SurveyResponse)
register_scope(area="school__area", school="school")(m.Exam)
register_scope(area="school__area", school="school")(m.AfterSchoolService)
