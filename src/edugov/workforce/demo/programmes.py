"""Demo mentoring, recruitment, exchanges, studios and research communities."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from edugov.registry.models import Locale, School, SchoolYear

from ..models import Exchange, TeacherYear
from ..selectors import STAFFED_TYPES

MENTORING_GOALS = (
    "一年内独立完成单元教学设计，公开课达到校级合格",
    "掌握班级管理常规，第二学期独立担任班主任",
    "形成个人教学风格，参加区级优质课评比",
)


def _mentoring(rng: random.Random, records: list[TeacherYear], *, pairs: int = 20) -> int:
    """Twenty mentoring pairs: in a school with at least two teachers, its youngest teacher guided
    by its oldest titled one (二级 or above)."""
    from ..mentoring import pair_create
    from ..models import MentoringOutcome

    by_school: dict[int, list[TeacherYear]] = {}
    for r in records:
        by_school.setdefault(r.school_id, []).append(r)
    made = 0
    for _sid, staff in sorted(by_school.items()):
        if made >= pairs:
            break
        titled = [r for r in staff if r.title in ("senior_professor", "senior", "first", "second")]
        if len(staff) < 2 or not titled:
            continue
        mentee = max(staff, key=lambda r: (r.birth_year, r.birth_month, r.pk))
        mentor = min(titled, key=lambda r: (r.birth_year, r.birth_month, r.pk))
        if mentor.pk == mentee.pk:
            continue
        pair_create(
            actor=None,
            school=mentee.school,
            school_year=mentee.school_year,
            mentor=mentor.teacher,
            mentee=mentee.teacher,
            goals=rng.choice(MENTORING_GOALS),
            observed_lessons=rng.randint(4, 40),
            outcome=rng.choice(
                [MentoringOutcome.ONGOING, MentoringOutcome.ONGOING, MentoringOutcome.QUALIFIED]
            ),
        )
        made += 1
    return made


def _recruitment_plan(year: SchoolYear) -> int:
    """The current year's plan as proposed from the five-year gaps, with the officer's first edit:
    the largest music line cut by one, covered by the group's shared teacher (a note says so)."""
    from ..recruitment import plan_build

    plan = plan_build(actor=None, year=year)
    music = plan.lines.filter(subject="音乐", quantity__gt=1).order_by("-quantity", "pk").first()
    if music is not None:
        music.quantity -= 1
        music.note = "集团内共享音乐教师一名，少招一人"
        music.save(update_fields=["quantity", "note", "updated_at"])
    return plan.lines.count()


def _exchanges(rng: random.Random, year: SchoolYear, records: list[TeacherYear]) -> int:
    """A year of exchanges: most urban and town schools send about a tenth of their eligible
    teachers (six years or more at the school) to rural schools, a few send fewer than the rule."""
    rural = list(
        School.objects.filter(locale=Locale.RURAL, school_type__in=STAFFED_TYPES).values_list("pk", flat=True)
    )
    senders = dict(
        School.objects.filter(
            locale__in=[Locale.URBAN, Locale.TOWN], school_type__in=STAFFED_TYPES
        ).values_list("pk", "locale")
    )
    if not rural:
        return 0
    eligible: dict[int, list[TeacherYear]] = defaultdict(list)
    for r in records:
        if r.school_id in senders and r.school_since is not None and year.start_year - r.school_since >= 6:
            eligible[r.school_id].append(r)
    rows = []
    for school_id, staff in eligible.items():
        share = 0.12 if rng.random() < 0.75 else 0.04
        count = round(len(staff) * share)
        staff.sort(key=lambda r: (r.backbone_level == "none", r.teacher_id))  # backbone first, some
        chosen = staff[:1] + rng.sample(staff[1:], max(0, min(len(staff) - 1, count - 1))) if count else []
        for r in chosen:
            rows.append(
                Exchange(
                    teacher_id=r.teacher_id,
                    kind=rng.choice(["rotation", "rotation", "rural_placement"]),
                    from_school_id=school_id,
                    to_school_id=rng.choice(rural),
                    start_date=year.start_date,
                    end_date=dt.date(year.start_year + 1, 7, 15),
                    evaluation="",
                )
            )
    Exchange.objects.bulk_create(rows)
    return len(rows)


STUDIOS = (
    ("famous_teacher", "monthly", "名师工作室", "围绕新课标开展大单元教学研究，每月一次示范课和集体备课"),
    ("head_teacher", "quarterly", "名班主任工作室", "班级管理与家校共育专题研修，每季度一次案例分享"),
    ("principal", "half_yearly", "名校长工作室", "乡村学校管理诊断与集团化办学经验交流，每半年一次现场会"),
)


def _studios(rng: random.Random, records: list[TeacherYear], *, today: dt.date) -> int:
    """Three studios (名师, 名班主任, 名校长), each founded about a year and a half ago with a lead
    from an urban school and members from elsewhere; every past report filed, except the 名班主任
    studio's last quarter: overdue (a rectification item)."""
    from ..models import StudioReport
    from ..studios import schedule, studio_create

    if not records:
        return 0
    locale = dict(School.objects.values_list("pk", "locale"))
    urban = sorted(
        (
            r
            for r in records
            if locale.get(r.school_id) == Locale.URBAN and r.title in ("senior", "senior_professor")
        ),
        key=lambda r: (r.school_id, r.teacher_id),
    ) or sorted(records, key=lambda r: (r.school_id, r.teacher_id))
    started = dt.date(today.year - 1, 3, 1)
    made = 0
    used: set[int] = set()
    for i, (kind, cadence, suffix, plan) in enumerate(STUDIOS):
        lead = next((r for r in urban[i * 7 :] if r.teacher_id not in used), None)
        if lead is None:
            break
        used.add(lead.teacher_id)
        members = [
            r.teacher for r in rng.sample(records, min(8, len(records))) if r.teacher_id != lead.teacher_id
        ]
        studio = studio_create(
            actor=None,
            name=f"{lead.teacher.name}{suffix}",
            kind=kind,
            lead=lead.teacher,
            members=members,
            plan=plan,
            cadence=cadence,
            started_on=started,
        )
        schedule(studio, today)
        reports = list(StudioReport.objects.filter(studio=studio, due_on__lt=today).order_by("period_end"))
        late = reports[-1:] if kind == "head_teacher" else []
        for r in reports:
            if r in late:
                continue
            r.submitted_on = min(r.due_on - dt.timedelta(days=rng.randint(0, 8)), today)
            r.summary = f"{r.period_label}：完成{plan.split('，')[0]}，开展研修活动{rng.randint(1, 4)}次。"
            r.save(update_fields=["submitted_on", "summary"])
        made += 1
    return made


COMMUNITIES = (
    ("subject", "音乐", "全区音乐学科研修共同体"),
    ("subject", "科学", "全区科学学科研修共同体"),
    ("head_teacher", "", "乡村学校班主任研修共同体"),
    ("principal", "", "小规模学校校长研修共同体"),
)


def _communities(rng: random.Random, records: list[TeacherYear], *, today: dt.date) -> int:
    from ..models import CommunityActivity
    from ..studios import community_create

    if len(records) < 2:
        return 0
    pool = sorted(records, key=lambda r: (r.school_id, r.teacher_id))
    made = 0
    for kind, subject, name in COMMUNITIES:
        lead = rng.choice(pool)
        community = community_create(
            actor=None,
            name=name,
            kind=kind,
            subject=subject,
            lead=lead.teacher,
            members=[r.teacher for r in rng.sample(pool, min(12, len(pool)))],
        )
        CommunityActivity.objects.bulk_create(
            CommunityActivity(
                community=community,
                held_on=today - dt.timedelta(days=30 * k + rng.randint(0, 20)),
                title=rng.choice(["同课异构", "专题讲座", "课例研讨", "送教下乡", "读书分享"]),
                participants=rng.randint(8, 40),
                summary="",
            )
            for k in range(rng.randint(2, 6))
        )
        made += 1
    return made


def _shadowing(rng: random.Random, year: SchoolYear, records: list[TeacherYear], *, today: dt.date) -> int:
    """New teachers' shadowing placements (跟岗学习): the eight youngest teachers of rural schools
    spend two months in an urban school of the same type, with its most senior teacher as mentor;
    those already back have an outcome, except one (已结束未评定), the rest are under way."""
    from ..models import ShadowingPlacement

    school = dict(School.objects.filter(school_type__in=STAFFED_TYPES).values_list("pk", "locale"))
    kind = dict(School.objects.filter(school_type__in=STAFFED_TYPES).values_list("pk", "school_type"))
    urban: dict[str, list[TeacherYear]] = defaultdict(list)
    for r in records:
        if school.get(r.school_id) == Locale.URBAN:
            urban[kind[r.school_id]].append(r)
    young = sorted(
        (r for r in records if school.get(r.school_id) == Locale.RURAL and urban.get(kind[r.school_id])),
        key=lambda r: (-r.birth_year, -r.birth_month, r.teacher_id),
    )[:8]
    rows = []
    for n, r in enumerate(young):
        by_school: dict[int, list[TeacherYear]] = defaultdict(list)
        for h in urban[kind[r.school_id]]:
            by_school[h.school_id].append(h)
        host = rng.choice(sorted(by_school))
        mentor = min(by_school[host], key=lambda h: (h.birth_year, h.birth_month, h.teacher_id))
        # Two months each, one after another up to today: the last two are under way.
        start = today - dt.timedelta(days=40 * (len(young) - 1 - n) + 20)
        end = start + dt.timedelta(days=61)
        done = end <= today and n != 0
        rows.append(
            ShadowingPlacement(
                teacher_id=r.teacher_id,
                home_school_id=r.school_id,
                host_school_id=mentor.school_id,
                mentor_id=mentor.teacher_id,
                start_date=start,
                end_date=end,
                goals=rng.choice(["学习大单元教学设计", "班级管理与家校沟通", "课堂观察与听评课"]),
                outcome=rng.choice(["qualified", "qualified", "excellent"]) if done else "ongoing",
                evaluation="按计划完成跟岗，汇报课评价良好" if done else "",
            )
        )
    ShadowingPlacement.objects.bulk_create(rows)
    return len(rows)
