"""Demo story of school safety: a grid for every school (buildings, gate) and town (surroundings,
waters, route), a few cells still without a person; hazards found by schools and the bureau, each
a rectification item; a holiday around today whose reminders went to every class, acknowledged at
rates that differ by school (rural schools lower); thirty dangerous waters with their patrols (a few
lapsed) and a dozen reports from the public, four confirmed, rewarded and paid; a few incidents;
this term's drills with two schools behind, and safety lessons. Seeded by ctx.rng; bulk-written."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal

from django.utils import timezone

from edugov.demo.base import DemoContext, register_generator
from edugov.rectification import services as rectification
from edugov.registry.models import Area, AreaLevel, School, SchoolClass, Term

from . import rules
from .models import (
    Acknowledgement,
    CellKind,
    ClassReminder,
    DangerousWater,
    Drill,
    GridCell,
    Hazard,
    HazardKind,
    HazardSeverity,
    Holiday,
    HolidayDay,
    Incident,
    IncidentKind,
    IncidentOutcome,
    Inspection,
    LessonKind,
    Patrol,
    ReportStatus,
    SafetyLesson,
    WaterKind,
    WaterReport,
    WaterReportPayment,
)
from .services import _hazard_finding

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
HAZARDS = {
    HazardKind.FIRE: ["灭火器过期", "消防通道堆放杂物", "应急照明损坏"],
    HazardKind.BUILDINGS: ["教学楼栏杆松动", "围墙局部倾斜", "屋面渗漏"],
    HazardKind.FOOD: ["食堂留样不足48小时", "从业人员健康证过期"],
    HazardKind.TRAFFIC: ["校门口缺少减速带", "护学岗未按时到岗"],
    HazardKind.WATER: ["校外鱼塘缺少警示标志", "河道护栏破损"],
    HazardKind.EQUIPMENT: ["篮球架底座松动", "实验室电线老化"],
    HazardKind.SURROUNDINGS: ["校门口流动摊贩占道", "周边施工围挡缺失"],
}
HAZARD_COUNT = 200
WATER_NAMES = ["鱼塘", "河段", "水库", "沟渠"]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(["老师", "主任", "网格员"])


def build_safety(ctx: DemoContext) -> None:
    rng = ctx.rng("safety")
    schools = list(School.objects.filter(archived_at__isnull=True).select_related("area").order_by("pk"))
    towns = list(Area.objects.filter(level=AreaLevel.TOWN, archived_at__isnull=True).order_by("path"))
    if not schools:
        return
    cells = []
    for s in schools:
        for kind, name in ((CellKind.BUILDING, "校舍"), (CellKind.GATE, "校门")):
            has = rng.random() > 0.06
            cells.append(
                GridCell(
                    area=s.area,
                    school=s,
                    kind=kind,
                    name=f"{s.name}{name}",
                    person_name=_person(rng) if has else "",
                    contact=f"139{rng.randrange(10**8):08d}" if has else "",
                )
            )
    for t in towns:
        for kind in (CellKind.SURROUNDINGS, CellKind.WATER, CellKind.ROUTE):
            has = rng.random() > 0.1
            cells.append(
                GridCell(
                    area=t,
                    kind=kind,
                    name=f"{t.name}{CellKind(kind).label}",
                    person_name=_person(rng) if has else "",
                    contact=f"137{rng.randrange(10**8):08d}" if has else "",
                )
            )
    GridCell.objects.bulk_create(cells)
    ctx.count("安全网格", len(cells))

    # hazards: each an inspection of its own, each a rectification item
    now = timezone.now()
    today = ctx.today
    for i in range(HAZARD_COUNT):
        school = rng.choice(schools)
        hazard_kind = rng.choice(list(HAZARDS))
        severity = rng.choices(list(HazardSeverity), weights=[70, 25, 5])[0]
        found = today - dt.timedelta(days=rng.randrange(0, 90))
        inspection = Inspection.objects.create(
            school=school,
            kind=hazard_kind,
            inspected_on=found,
            by_bureau=i % 4 == 0,
            checked=rules.checklist(hazard_kind)[:2],
        )
        hazard = Hazard.objects.create(
            inspection=inspection,
            description=rng.choice(HAZARDS[hazard_kind]),
            severity=severity,
            deadline=rules.deadline(severity, found),
        )
        item = rectification.item_create_system(finding=_hazard_finding(hazard, school, now), now=now)
        hazard.item_id = item.pk
        hazard.save(update_fields=["item_id"])
    ctx.count("安全隐患", HAZARD_COUNT)

    # a holiday around today: days up to today sent, acknowledged at each school's own rate
    district = (towns[0].parent if towns else None) or schools[0].area
    holiday = Holiday.objects.create(
        area=district,
        name="寒假",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=3),
    )
    topics = rules.topics()
    classes = list(
        SchoolClass.objects.filter(archived_at__isnull=True, school_year__is_current=True).values_list(
            "pk", "school_id", "school__urban_rural_code"
        )
    )
    rate = {
        s.pk: rng.uniform(0.55, 0.8) if s.urban_rural_code.startswith("2") else rng.uniform(0.8, 0.99)
        for s in schools
    }
    sent_at = timezone.now()
    reminders = []
    for i in range(7):
        date = holiday.starts_on + dt.timedelta(days=i)
        topic = topics[i % len(topics)]
        day = HolidayDay.objects.create(holiday=holiday, date=date, topic=topic.label, text=topic.text)
        for pk, school_id, _ in classes:
            past = date <= today
            acked = past and rng.random() < rate.get(school_id, 0.9)
            reminders.append(
                ClassReminder(
                    day=day,
                    school_class_id=pk,
                    token=secrets.token_urlsafe(16),
                    sent_at=sent_at if past else None,
                    channel="stub" if past else "",
                    confirmed_at=sent_at if past and rng.random() < 0.95 else None,
                    acks=rng.randint(20, 45)
                    if acked and date < today
                    else (rng.randint(1, 12) if acked else 0),
                )
            )
    ClassReminder.objects.bulk_create(reminders, batch_size=2000)
    ctx.count("班级假期提醒", len(reminders))

    waters = []
    for i in range(30):
        s = rng.choice(schools)
        waters.append(
            DangerousWater(
                area=s.area,
                school=s,
                name=f"{s.area.name}{rng.choice('东西南北')}{rng.choice(WATER_NAMES)}{i + 1}号",
                kind=rng.choice(list(WaterKind)),
                location=f"{s.name}周边{rng.randrange(200, 1500)}米",
                warning_signs=rng.random() < 0.8,
                patrol_duty=_person(rng),
                # within about a kilometre of the school (0.01 degree), for the map
                longitude=_near(s.longitude, rng),
                latitude=_near(s.latitude, rng),
            )
        )
    DangerousWater.objects.bulk_create(waters)
    patrols = []
    for i, w in enumerate(waters):
        # most waters patrolled weekly; every sixth one's duty has lapsed (last patrol 9-20 days ago)
        last = today - dt.timedelta(days=rng.randint(9, 20) if i % 6 == 5 else rng.randint(0, 6))
        for k in range(rng.randint(4, 8)):
            issue = rng.random() < 0.15
            patrols.append(
                Patrol(
                    water=w,
                    patrolled_on=last - dt.timedelta(days=7 * k),
                    patroller=w.patrol_duty or _person(rng),
                    observed=rng.choice(["发现学生在岸边玩耍，已劝离", "警示牌倒伏，已扶正"])
                    if issue
                    else rng.choice(["警示标志完好，无人员靠近", "护栏完好，水位正常", "无异常"]),
                    issue_found=issue,
                )
            )
    Patrol.objects.bulk_create(patrols)
    ctx.count("水域巡查", len(patrols))
    for i in range(12):
        w = waters[i]
        status = ReportStatus.CONFIRMED if i < 4 else (ReportStatus.REJECTED if i < 6 else ReportStatus.NEW)
        report = WaterReport.objects.create(
            area=w.area,
            place=w.location,
            description=rng.choice(["有学生在水边玩耍", "警示牌倒了", "护栏破损", "水塘没有任何警示标志"]),
            status=status,
            handled_at=now if status != ReportStatus.NEW else None,
            reward=Decimal(rng.choice([200, 300, 500])) if status == ReportStatus.CONFIRMED else None,
        )
        if report.reward:  # the four confirmed reports' rewards are paid
            WaterReportPayment.objects.create(
                report=report,
                paid_on=today - dt.timedelta(days=rng.randint(1, 10)),
                amount=report.reward,
                voucher=f"FNS-{today:%Y}-{i + 1:03d}",
            )
    ctx.count("危险水域", len(waters))
    ctx.count("溺水隐患举报", 12)
    _incidents(rng, schools, today)
    _drills_and_lessons(ctx, rng, schools, today)


def _incidents(rng: random.Random, schools: list[School], today: dt.date) -> None:
    """A few incidents of the year, kept by the safety office (no pupil named)."""
    rows = []
    for kind, outcome in (
        (IncidentKind.DROWNING, IncidentOutcome.RESCUED),
        (IncidentKind.DROWNING, IncidentOutcome.RESCUED),
        (IncidentKind.TRAFFIC, IncidentOutcome.INJURED),
        (IncidentKind.INJURY, IncidentOutcome.INJURED),
    ):
        s = rng.choice(schools)
        rows.append(
            Incident(
                area=s.area,
                school=s,
                kind=kind,
                outcome=outcome,
                occurred_on=today - dt.timedelta(days=rng.randint(1, 120)),
                pupils=rng.randint(1, 2),
                circumstances="课余时间发生，已及时处置并告知家长（演示数据）",
            )
        )
    for r in rows:  # the encrypted field is written one by one
        r.save()


def _drills_and_lessons(ctx: DemoContext, rng: random.Random, schools: list[School], today: dt.date) -> None:
    """This term's drills: every school on track with the data's frequency except the two schools
    picked to be behind (no evacuation drill at all); first lessons at the start of term."""
    term = Term.objects.filter(start_date__lte=today).order_by("-start_date").first()
    if term is None:
        return
    end = min(today, term.end_date)
    span = max((end - term.start_date).days, 1)
    behind = {s.pk for s in rng.sample(schools, min(2, len(schools)))}
    drills, lessons = [], []
    for s in schools:
        for kind in rules.drills_per_term():
            due = rules.drills_due(kind, term_start=term.start_date, term_end=term.end_date, on=end)
            n = 0 if s.pk in behind and kind == "evacuation" else max(due, 1 if kind == "evacuation" else 0)
            for k in range(n):
                offset = (
                    min(span, 5 + k * 30 + rng.randint(0, 10))
                    if kind == "evacuation"
                    else rng.randint(0, span)
                )
                drills.append(
                    Drill(
                        school=s,
                        term=term,
                        kind=kind,
                        held_on=term.start_date + dt.timedelta(days=offset),
                        participants=rng.randint(150, 1800),
                        evaluation=rng.choice(
                            [
                                "疏散有序，用时符合要求",
                                "个别班级集合较慢，已讲评",
                                "楼梯口拥堵，已调整疏散路线",
                            ]
                        ),
                    )
                )
        lessons.append(
            SafetyLesson(
                school=s,
                term=term,
                kind=LessonKind.FIRST,
                topic="防溺水",
                held_on=term.start_date,
                classes=rng.randint(6, 36),
            )
        )
        for topic in rng.sample(rules.lesson_topics(), 3):
            lessons.append(
                SafetyLesson(
                    school=s,
                    term=term,
                    kind=LessonKind.LESSON,
                    topic=topic,
                    held_on=term.start_date + dt.timedelta(days=rng.randint(0, span)),
                    classes=rng.randint(6, 36),
                )
            )
    Drill.objects.bulk_create(drills)
    SafetyLesson.objects.bulk_create(lessons)
    ctx.count("应急演练", len(drills))
    ctx.count("安全教育课", len(lessons))


def reset_safety() -> None:
    Drill.objects.all().delete()
    SafetyLesson.objects.all().delete()
    Incident.objects.all().delete()
    Patrol.objects.all().delete()
    WaterReportPayment.objects.all().delete()
    Acknowledgement.objects.all().delete()
    ClassReminder.objects.all().delete()
    HolidayDay.objects.all().delete()
    Holiday.objects.all().delete()
    Hazard.objects.all().delete()
    Inspection.objects.all().delete()
    GridCell.objects.all().delete()
    WaterReport.objects.all().delete()
    DangerousWater.objects.all().delete()


def _near(degrees: Decimal | None, rng: random.Random) -> Decimal | None:
    if degrees is None:
        return None
    return degrees + Decimal(str(round(rng.uniform(-0.01, 0.01), 6)))


def register() -> None:
    # After rectification (900): hazards become its items; reset before it.
    register_generator("safety", build_safety, order=950, reset=reset_safety)
