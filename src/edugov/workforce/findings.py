"""The workforce app's finding sources for the rectification loop: a school short of music, art, PE,
science or IT teachers by at least the threshold (standards data), and a school whose teachers teach
outside their certificate. One item per school, subject and school year; the cause keys are stable,
so a rerun refreshes the same items."""

from __future__ import annotations

from collections.abc import Iterator

from edugov.accounts.models import Department
from edugov.rectification.findings import Finding, FindingContext, Unit, register_finding_source

from . import selectors
from .norms import KEY_SUBJECTS

SHORTAGE = "workforce.subject_shortage"
UNCERTIFIED = "workforce.uncertified"
ROTATION = "workforce.rotation_below_rule"
STUDIO_OVERDUE = "workforce.studio_report_overdue"


def subject_shortages(ctx: FindingContext) -> Iterator[Finding]:
    year = selectors.current_year()
    st = selectors.staffing(actor=ctx.reader(), year=year)
    if year is None:
        return
    threshold = st.norms.gap_threshold
    for s in st.schools:
        for subject in KEY_SUBJECTS:
            row = s.subject(subject)
            if row is None or row.gap < threshold:
                continue
            yield Finding(
                cause_key=f"{SHORTAGE}:{s.school_id}:{subject}:{year.start_year}",
                source=SHORTAGE,
                unit=Unit.school(s.school_id),
                title=f"{s.school_name}{subject}教师缺口{row.gap:g}人",
                evidence=(
                    f"{year}：按课程方案课时，{s.classes}个班需{subject}专任教师{row.need:g}人，"
                    f"现任教{subject}的教师按课时折合{row.have:g}人，其中资格证相符的{row.qualified:g}人，"
                    f"缺口{row.gap:g}人（列入问题清单的缺口标准：{threshold:g}人）；"
                    f"五年内退休后缺口{row.gap_in_five_years:g}人。"
                ),
                severity="high" if row.gap >= 2 * threshold else "medium",
                required_action=(
                    f"通过招聘、区管校聘调配、走教或银龄讲学补足{subject}教师，"
                    "在下一学期开学前使缺口低于标准，并报送配置方案。"
                ),
                department=Department.PERSONNEL,
                deadline_days=90,
                data={
                    "subject": subject,
                    "need": row.need,
                    "have": row.have,
                    "qualified": row.qualified,
                    "gap": row.gap,
                },
            )


def uncertified_teachers(ctx: FindingContext) -> Iterator[Finding]:
    year = selectors.current_year()
    if year is None:
        return
    st = selectors.staffing(actor=ctx.reader(), year=year)
    for s in st.schools:
        if not s.uncertified:
            continue
        yield Finding(
            cause_key=f"{UNCERTIFIED}:{s.school_id}:{year.start_year}",
            source=UNCERTIFIED,
            unit=Unit.school(s.school_id),
            title=f"{s.school_name}有{s.uncertified}名教师未取得教师资格证",
            evidence=(
                f"{year}：{s.teachers}名教师中{s.uncertified}名无教师资格证，"
                f"{s.outside_certificate}名任教学科或学段与资格证不符。"
            ),
            severity="medium",
            required_action="组织未持证教师限期取得相应教师资格证，调整与资格证不符的任课安排。",
            department=Department.PERSONNEL,
            deadline_days=180,
            data={"uncertified": s.uncertified, "outside": s.outside_certificate},
        )


def rotation_below_rule(ctx: FindingContext) -> Iterator[Finding]:
    """One item per urban or town school and school year whose rotation misses the rule."""
    from .exchanges import rotation_shares

    year = selectors.current_year()
    if year is None:
        return
    for r in rotation_shares(actor=ctx.reader(), year=year):
        if r.met or not r.eligible:
            continue
        share = f"{r.share:g}%" if r.share is not None else "0%"
        backbone = f"，其中骨干教师占{r.backbone_share:g}%" if r.backbone_share is not None else ""
        yield Finding(
            cause_key=f"{ROTATION}:{r.school_id}:{year.start_year}",
            source=ROTATION,
            unit=Unit.school(r.school_id),
            title=f"{r.school_name}教师交流轮岗未达到规定比例",
            evidence=(
                f"{year}：符合交流条件的教师{r.eligible}人，已交流{r.rotated}人（{share}{backbone}）；"
                f"规定不低于{r.share_min:g}%，骨干教师不低于交流人数的{r.backbone_min:g}%。"
            ),
            severity="medium",
            required_action="制定本学年交流轮岗计划，优先安排骨干教师到乡村学校和薄弱学校交流，报人事科备案。",
            department=Department.PERSONNEL,
            deadline_days=60,
            data={"eligible": r.eligible, "rotated": r.rotated, "backbone": r.backbone},
        )


def studio_reports_overdue(ctx: FindingContext) -> Iterator[Finding]:
    """One item per studio report whose due date has passed with nothing filed; the item stays
    the same across reruns (the report's key), and clears once the report is filed."""
    from django.utils import timezone

    from .studios import overdue_reports

    today = timezone.localdate(ctx.now)
    for r in overdue_reports(actor=ctx.reader(), today=today):
        studio = r.studio
        late = (today - r.due_on).days
        yield Finding(
            cause_key=f"{STUDIO_OVERDUE}:{studio.pk}:{r.period_end.isoformat()}",
            source=STUDIO_OVERDUE,
            unit=Unit.school(studio.lead_school_id),
            title=f"{studio.name}{r.period_label}报告逾期未报",
            evidence=(
                f"{studio.get_kind_display()}“{studio.name}”（领衔人{studio.lead.name}，"
                f"依托{studio.lead_school.name}）实行{studio.get_cadence_display()}，"
                f"{r.period_label}报告应于{r.due_on.year}年{r.due_on.month}月{r.due_on.day}日前报送，"
                f"已逾期{late}天。"
            ),
            severity="high" if late > 60 else "medium",
            required_action="工作室领衔人补报阶段报告，说明逾期原因；依托学校督促工作室按周期报送。",
            department=Department.PERSONNEL,
            deadline_days=15,
            data={"studio": studio.pk, "period": r.period_label, "days_late": late},
        )


def register() -> None:
    register_finding_source(SHORTAGE, subject_shortages, label="学科教师结构性缺编")
    register_finding_source(UNCERTIFIED, uncertified_teachers, label="教师未持证上岗")
    register_finding_source(ROTATION, rotation_below_rule, label="交流轮岗未达规定比例")
    register_finding_source(STUDIO_OVERDUE, studio_reports_overdue, label="名师工作室报告逾期")
