"""How workforce rows relate to the anchors of scope (see accounts.scope): a record is seen over its
school and by its own teacher; a subject load and a correction request over their record."""

from edugov.accounts.scope import register_scope

from . import models as m

register_scope(area="school__area", school="school", teacher="teacher")(m.TeacherYear)
register_scope(
    area="teacher_year__school__area", school="teacher_year__school", teacher="teacher_year__teacher"
)(m.SubjectLoad)
register_scope(
    area="teacher_year__school__area", school="teacher_year__school", teacher="teacher_year__teacher"
)(m.CorrectionRequest)
# An exchange belongs to the sending school (its rotation share counts it).
register_scope(area="from_school__area", school="from_school", teacher="teacher")(m.Exchange)
# A recruitment line belongs to its school; the plan itself is the district's (read through its lines).
register_scope(area="school__area", school="school")(m.RecruitmentLine)
register_scope(area="school__area", school="school", teacher="mentee")(m.MentorPair)
# A shadowing placement belongs to the sending school (like an exchange) and its teacher.
register_scope(area="home_school__area", school="home_school", teacher="teacher")(m.ShadowingPlacement)
# Studios and research communities belong to their lead school; their reports and activities follow.
register_scope(area="lead_school__area", school="lead_school", teacher="lead")(m.Studio)
register_scope(area="studio__lead_school__area", school="studio__lead_school", teacher="studio__lead")(
    m.StudioReport
)
register_scope(area="lead_school__area", school="lead_school", teacher="lead")(m.ResearchCommunity)
register_scope(
    area="community__lead_school__area", school="community__lead_school", teacher="community__lead"
)(m.CommunityActivity)
# Ethics incidents and appraisals belong to the teacher's school of that year.
register_scope(area="school__area", school="school", teacher="teacher")(m.EthicsIncident)
register_scope(area="school__area", school="school", teacher="teacher")(m.Appraisal)
register_scope(area="school__area", school="school")(m.RemotenessTier)
# 区管校聘: a round is its district's; posts belong to their school, choices and results to the
# teacher's school and the teacher, appeals to their result.
register_scope(area="district")(m.PostRound)
register_scope(area="school__area", school="school")(m.RoundPost)
register_scope(area="post__school__area", school="post__school", teacher="teacher")(m.RoundChoice)
register_scope(area="school__area", school="school", teacher="teacher")(m.RoundResult)
register_scope(area="result__school__area", school="result__school", teacher="result__teacher")(m.RoundAppeal)
