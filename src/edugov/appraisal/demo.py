"""Demo story of school appraisal: the first district runs a "1+4+N" scheme for the current school
year (the template: party leadership entered, teaching routine, value-added, homework, after-school
coverage and satisfaction, safety and rectification from data, a staff item entered, 15% for each
school's own items). Every school had a teaching-routine inspection (a few items failed at about
one school in four, raised as rectification items), after-school satisfaction counts from parents
and pupils; two schools in three entered their hand items with evidence notes, a few set their
"N" items; the results are computed from the data as of the demo's day. Schools only, no pupils."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from edugov.demo.base import DemoContext, register_generator
from edugov.registry.models import SchoolYear

from . import services
from .models import (
    Entry,
    Indicator,
    ResultLine,
    RoutineChecklist,
    RoutineInspection,
    SatisfactionSurvey,
    Scheme,
    SchoolResult,
)
from .template import CHARACTERISTIC_WEIGHT, one_four_n

N_ITEMS = [
    ("书香校园建设", "阅读活动与图书借阅"),
    ("足球特色学校", "校园足球联赛参与"),
    ("科技创新教育", "科创竞赛与社团"),
    ("非遗进校园", "传统文化课程开设"),
    ("劳动教育基地", "劳动实践课时落实"),
]


def build_appraisal(ctx: DemoContext) -> None:
    from edugov.accounts.models import Role, User

    reg = ctx.state.get("registry")
    if reg is None or not reg.districts:
        return
    district = reg.districts[0]
    year = SchoolYear.objects.filter(start_year=ctx.current_year).first()
    admin = (
        User.objects.filter(role=Role.DISTRICT_ADMIN, area=district, is_active=True).order_by("pk").first()
    )
    if year is None or admin is None:
        return
    rng = ctx.rng("appraisal")
    scheme = services.scheme_create(
        actor=admin,
        area=district,
        school_year=year,
        name=f"{district.name}{year}中小学校考核方案（1+4+N）",
        characteristic_weight=CHARACTERISTIC_WEIGHT,
        dimensions=one_four_n(),
    )
    checklist = services.checklist_create_default(actor=admin, area=district)
    checks = list(checklist.checks.order_by("order"))
    schools = services.scheme_schools(scheme)
    now = dt.datetime.combine(ctx.today, dt.time(18), tzinfo=ctx.reference_datetime.tzinfo)
    day = max(year.start_date + dt.timedelta(days=30), ctx.today - dt.timedelta(days=40))
    day = min(day, ctx.today)
    manual = list(Indicator.objects.filter(dimension__scheme=scheme, source="", school__isnull=True))
    surveys = []
    n_dimension = services.characteristic_dimension(scheme)
    assert n_dimension is not None  # the template gives "N" a weight
    for i, school in enumerate(schools):
        weak = rng.random() < 0.25
        marks = []
        for c in checks:
            passed = not (weak and rng.random() < 0.3)
            marks.append(services.MarkInput(c.pk, passed, "" if passed else "抽查记录不全"))
        services.inspection_record(
            actor=admin,
            school=school,
            checklist=checklist,
            inspected_on=day - dt.timedelta(days=rng.randint(0, 20)),
            marks=marks,
            now=now,
        )
        for respondent in ("parents", "pupils"):
            n = rng.randint(80, 400)
            surveys.append(
                SatisfactionSurvey(
                    school=school,
                    school_year=year,
                    respondent=respondent,
                    respondents=n,
                    satisfied=min(n, round(n * (0.86 + rng.random() * 0.13 - (0.08 if weak else 0)))),
                )
            )
        if rng.random() < 2 / 3:
            for ind in manual:
                Entry.objects.create(
                    indicator=ind,
                    school=school,
                    value=Decimal(rng.randint(70, 100)),
                    note="据学校年度工作总结",
                    evidence_name="年度工作总结.pdf",
                    entered_by=admin,
                )
        if i % 4 == 0:
            name, detail = N_ITEMS[i // 4 % len(N_ITEMS)]
            first = Indicator.objects.create(
                dimension=n_dimension,
                school=school,
                name=name,
                rule="entered",
                weight=Decimal(10),
            )
            second = Indicator.objects.create(
                dimension=n_dimension,
                school=school,
                name=detail,
                rule="entered",
                weight=CHARACTERISTIC_WEIGHT - Decimal(10),
                order=1,
            )
            for ind in (first, second):
                Entry.objects.create(
                    indicator=ind,
                    school=school,
                    value=Decimal(rng.randint(75, 98)),
                    note="特色项目自评",
                    evidence_name="特色项目材料.pdf",
                    entered_by=admin,
                )
    SatisfactionSurvey.objects.bulk_create(surveys)
    services.results_compute(actor=admin, scheme=scheme, now=now)
    ctx.count("学校考核方案", 1)
    ctx.count("教学常规检查", len(schools))
    ctx.count("学校考核结果", len(schools))


def reset_appraisal() -> None:
    ResultLine.objects.all().delete()
    SchoolResult.objects.all().delete()
    Entry.objects.all().delete()
    RoutineInspection.objects.all().delete()
    RoutineChecklist.objects.all().delete()
    SatisfactionSurvey.objects.all().delete()
    Scheme.objects.all().delete()


def register() -> None:
    # After safety (950), rectification (900), quality (500) and burden (400): the data sources exist.
    register_generator("appraisal", build_appraisal, order=960, reset=reset_appraisal)
