"""How safety rows hang on the anchors of scope: cells, waters and reports over their town (and
school); inspections and hazards over their school; reminders over their class."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="area", school="school")(m.GridCell)
register_scope(area="school__area", school="school")(m.Inspection)
register_scope(area="inspection__school__area", school="inspection__school")(m.Hazard)
register_scope(area="area")(m.Holiday)
register_scope(area="holiday__area")(m.HolidayDay)
register_scope(area="school_class__school__area", school="school_class__school", school_class="school_class")(
    m.ClassReminder
)
register_scope(
    area="reminder__school_class__school__area",
    school="reminder__school_class__school",
    school_class="reminder__school_class",
)(m.Acknowledgement)
register_scope(area="area", school="school")(m.DangerousWater)
register_scope(area="area")(m.WaterReport)
register_scope(area="report__area")(m.WaterReportPayment)
register_scope(area="water__area", school="water__school")(m.Patrol)
register_scope(area="area", school="school")(m.Incident)
register_scope(area="school__area", school="school")(m.Drill)
register_scope(area="school__area", school="school")(m.SafetyLesson)
