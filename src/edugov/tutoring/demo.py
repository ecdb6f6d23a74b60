"""Demo data for tutoring supervision: about 300 institutions in the demo district (40 in each further
district of a --scale above 1) with staff, courses, timetables, a year of prepaid orders (~85,000),
lesson consumption (~900,000 rows, written by executemany on SQLite and COPY on PostgreSQL),
refunds and daily custody statements (~100,000); some
institutions sliding toward collapse (coverage falling, refunds piling up, lessons stopping), some
unlicensed sites, a black-listed institution, an in-service public-school teacher tutoring for pay,
complaints, inspections and enforcement. The first institution becomes `institution1`'s.
Everything is dated back from the day the demo is built for (ctx.today): the year of orders ends
there and the collapsing institutions are collapsing now.

Long because: it is one seeded story (institutions, staff and courses, a year of money, supervision)
drawn in order from one random stream; it is still on mypy's ignore list, and splitting it into
step classes like demo/generators/registry/ waits for it to be typed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from edugov.accounts.models import User
from edugov.common.dates import cn_date
from edugov.demo.base import DemoContext, register_generator
from edugov.demo.generators.people import IdentityFactory, person_name
from edugov.registry.models import Area, AreaLevel, School, Teacher

from . import rules
from .codes import credit_check_char
from .models import (
    Alert,
    Complaint,
    ComplaintEvent,
    Consumption,
    Course,
    CustodyStatement,
    EnforcementAction,
    Inspection,
    Institution,
    Order,
    Refund,
    RiskSnapshot,
    Session,
    Staff,
    StatusChange,
    UnlicensedSite,
)

PER_DISTRICT = 300  # the demo district, as the issue asks
PER_OTHER_DISTRICT = 40  # each further district of a --scale above 1 (keeps province demos fast)
ORDERS_PER_INSTITUTION = (240, 380)  # a year at the demo district's size
ORDERS_PER_INSTITUTION_OTHER = (40, 90)
STORY_EVERY = 40  # one falling, one refunds and one stopped institution in every 40
# Positions of the model institutions in the first district (clear of the positions that carry a
# deliberate violation or an inspection with findings).
EXEMPLARY = (2, 6, 10, 13, 15)
YEAR_DAYS = 365
CENT = Decimal("0.01")

NAME_PARTS = (
    "启航",
    "新星",
    "博雅",
    "智慧树",
    "童画",
    "跃动",
    "知行",
    "晨曦",
    "彩虹",
    "小天鹅",
    "墨香",
    "思维",
    "未来",
    "星辰",
    "青禾",
    "向阳",
    "阳光",
    "乐学",
    "优培",
    "飞鸿",
    "金话筒",
    "翰墨",
    "弈林",
    "绿茵",
    "蓝天",
)
KIND_WORDS = {
    "subject": ("学科培训中心", ["数学", "语文", "英语", "物理"]),
    "arts": ("艺术培训学校", ["美术", "书法", "钢琴", "舞蹈"]),
    "sports": ("体育培训中心", ["篮球", "足球", "游泳", "跆拳道"]),
    "science": ("科技培训中心", ["编程", "机器人", "科学实验"]),
    "mixed": ("教育培训学校", ["数学", "美术", "英语"]),
}
STREETS = ("人民路", "建设路", "解放路", "文化路", "新华街")
BANKS = ("中国工商银行", "中国农业银行", "中国建设银行", "中国银行", "本地农商银行")


@dataclass
class Plan:
    inst: Institution
    story: str = "healthy"  # healthy / falling / refunds / stopped
    price: int = 100
    orders: tuple[int, int] = ORDERS_PER_INSTITUTION_OTHER
    courses: list[Course] = field(default_factory=list)
    tutors: list[Staff] = field(default_factory=list)
    # A model institution: its fees within every limit, so the white list (whose rules ask for no
    # violation on record) has members; the others break a limit now and then, as in life.
    exemplary: bool = False


def fast_insert(model: type[Model], fields: list[str], rows: list[tuple[object, ...]]) -> None:
    """Plain rows straight into the table, skipping model instances (a million of them cost more than
    the inserts): COPY on PostgreSQL, executemany in chunks elsewhere. Demo data only."""
    columns = [model._meta.get_field(f).column for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        chunk = 20_000
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.executemany(sql, [tuple(_plain(v) for v in row) for row in part])


def _plain(value: object) -> object:
    # What Django itself would store on SQLite: decimals and dates as text.
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return value


def _credit(rng: random.Random, serial: int) -> str:
    first17 = f"52310101MJ{serial:05d}{rng.randrange(10):1d}{rng.randrange(10):1d}"[:17]
    return first17 + credit_check_char(first17)


def _coord(x: float) -> Decimal:
    return Decimal(f"{x:.6f}")


class TutoringDemo:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng = ctx.rng("tutoring")
        self.ids = IdentityFactory(ctx.rng("tutoring.identity"))
        self.today = ctx.today
        self.start = self.today - dt.timedelta(days=YEAR_DAYS)
        self.serial = 0

    # Institutions -------------------------------------------------------------------------------

    def build(self) -> None:
        reg = self.ctx.state["registry"]
        plans: list[Plan] = []
        sites: list[UnlicensedSite] = []
        for index, district in enumerate(reg.districts):
            towns = [t for t in reg.towns if t.path.startswith(district.path) and t.level == AreaLevel.TOWN]
            if not towns:
                continue
            share = min(1.0, self.ctx.scale)
            n = max(8, round((PER_DISTRICT if index == 0 else PER_OTHER_DISTRICT) * share))
            low, high = ORDERS_PER_INSTITUTION if index == 0 else ORDERS_PER_INSTITUTION_OTHER
            orders = (max(30, round(low * share)), max(60, round(high * share)))
            for plan in self.institutions(district, towns, n, first=(index == 0)):
                plan.orders = orders
                plans.append(plan)
            sites.extend(self.unlicensed(towns))
        Institution.objects.bulk_create([p.inst for p in plans], batch_size=500)
        UnlicensedSite.objects.bulk_create(sites)
        if plans:
            User.objects.filter(username="institution1").update(institution_id=plans[0].inst.pk)
        self.history(plans)
        self.staff(plans)
        self.courses(plans)
        self.money(plans)
        self.supervision(plans, sites)
        self.white_list(plans)
        from .services import risk_compute

        for back in range(6, -1, -1):
            risk_compute(on=self.today - dt.timedelta(days=back))
        self.ctx.count("校外培训机构", len(plans))
        self.ctx.count("无证无照培训点", len(sites))

    def _town_anchor(self, town: Area) -> tuple[float, float]:
        row = (
            School.objects.filter(area=town)
            .exclude(longitude=None)
            .values_list("longitude", "latitude")
            .first()
        )
        if row is None:
            return (112.9, 28.2)
        return (float(row[0]), float(row[1]))

    def institutions(self, district: Area, towns: list[Area], n: int, *, first: bool) -> list[Plan]:
        rng = self.rng
        categories = ["subject"] * 7 + ["mixed"] * 2 + ["arts"] * 13 + ["sports"] * 10 + ["science"] * 8
        plans: list[Plan] = []
        anchors = {t.pk: self._town_anchor(t) for t in towns}
        for i in range(n):
            self.serial += 1
            # urban streets get most institutions
            town = towns[i % min(len(towns), 6)] if rng.random() < 0.7 else rng.choice(towns)
            category = categories[i % len(categories)] if i else "arts"
            word, _ = KIND_WORDS[category]
            name = f"{town.name[:2]}{NAME_PARTS[(self.serial * 7) % len(NAME_PARTS)]}{word}"
            if any(p.inst.name == name for p in plans):
                name = f"{name[:-2]}{self.serial}部"
            lon, lat = anchors[town.pk]
            status = "licensed"
            story = "healthy"
            if i % STORY_EVERY in (3, 11, 19):
                story = ("falling", "refunds", "stopped")[((i % STORY_EVERY) // 8) % 3]
            # The last institution collapsed (revoked, black-listed); a few near the end are still
            # applying or closed, so every demo size shows each status.
            if i == n - 1:
                status = "revoked"
            elif i in (n - 10, n - 9):
                status = "applying"
            elif i == n - 7:
                status = "closed"
            mode = "online" if i in (5, 14, 23) else "offline"
            valid_from, valid_to = self.licence_term()
            inst = Institution(
                name=name,
                credit_code=_credit(rng, self.serial),
                licence_number="" if status == "applying" else f"教民{district.code}{self.serial:05d}",
                licence_valid_from=valid_from if status != "applying" else None,
                licence_valid_to=valid_to if status != "applying" else None,
                category=category,
                nonprofit_registered=category in ("subject", "mixed"),
                mode=mode,
                area=town,
                address=f"{town.name}{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
                longitude=_coord(lon + rng.uniform(-0.03, 0.03)),
                latitude=_coord(lat + rng.uniform(-0.025, 0.025)),
                floor_area=Decimal(rng.randrange(120, 1500)),
                legal_representative=person_name(rng, rng.choice("MF")),
                contact_phone=self.ids.phone(),
                status=status,
                custody_mode="reserve" if i % 9 == 8 else "custody",
                custody_bank=rng.choice(BANKS),
                custody_account=f"6222{district.code[-4:]}{self.serial:08d}",
                risk_reserve=Decimal(rng.choice([50000, 80000, 100000])) if i % 9 == 8 else Decimal(0),
            )
            if i == n - 1:
                inst.list_status, inst.list_reason = "black", "卷款停业，拒不退费，已吊销办学许可证"
            exemplary = first and i in EXEMPLARY and story == "healthy" and status == "licensed"
            plans.append(
                Plan(inst=inst, story=story, price=rng.choice([60, 80, 100, 120, 150]), exemplary=exemplary)
            )
        return plans

    def licence_term(self) -> tuple[dt.date, dt.date]:
        """Three-year licences issued in a March, running to the end of the next February to come,
        so they are valid today and the renewals fall due within the year."""
        expires = self.today.year + 1 if self.today.month >= 3 else self.today.year
        return dt.date(expires - 3, 3, 1), dt.date(expires, 3, 1) - dt.timedelta(days=1)

    def unlicensed(self, towns: list[Area]) -> list[UnlicensedSite]:
        rng = self.rng
        out = []
        for k in range(6):
            town = rng.choice(towns)
            lon, lat = self._town_anchor(town)
            out.append(
                UnlicensedSite(
                    name=rng.choice(["某小区家庭补习班", "托管辅导点", "无牌英语辅导班", "居民楼作文班"])
                    + f"（{k + 1}）",
                    area=town,
                    address=f"{town.name}某小区{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元",
                    longitude=_coord(lon + rng.uniform(-0.02, 0.02)),
                    latitude=_coord(lat + rng.uniform(-0.02, 0.02)),
                    found_on=self.today - dt.timedelta(days=rng.randrange(10, 200)),
                    description="群众举报，现场发现在居民楼内开展学科类培训，无办学许可证和营业执照",
                )
            )
        return out

    def history(self, plans: list[Plan]) -> None:
        rows = []
        for p in plans:
            registered = self.start - dt.timedelta(days=self.rng.randrange(30, 700))
            first = "applying"
            rows.append(
                StatusChange(
                    institution=p.inst, from_status="", to_status=first, reason="登记", changed_on=registered
                )
            )
            if p.inst.status != "applying":
                rows.append(
                    StatusChange(
                        institution=p.inst,
                        from_status="applying",
                        to_status="licensed",
                        reason="审批通过，颁发办学许可证",
                        changed_on=registered + dt.timedelta(days=30),
                    )
                )
            if p.inst.status in ("revoked", "closed"):
                rows.append(
                    StatusChange(
                        institution=p.inst,
                        from_status="licensed",
                        to_status=p.inst.status,
                        reason="停业跑路，吊销办学许可证" if p.inst.status == "revoked" else "机构申请注销",
                        changed_on=self.today - dt.timedelta(days=40),
                    )
                )
        StatusChange.objects.bulk_create(rows)

    # Staff and courses ------------------------------------------------------------------------------

    def staff(self, plans: list[Plan]) -> None:
        rng = self.rng
        reg = self.ctx.state["registry"]
        teacher = Teacher.objects.filter(school__in=reg.schools[:5]).exclude(id_number="").first()
        rows = []
        for k, p in enumerate(plans):
            subject = p.inst.is_subject
            for j in range(rng.randrange(3, 7)):
                sex = rng.choice("MF")
                born = dt.date(
                    rng.randrange(self.today.year - 55, self.today.year - 25),
                    rng.randrange(1, 13),
                    rng.randrange(1, 28),
                )
                qualified = subject and not (k == 7 and j == 0)  # one unqualified subject tutor
                s = Staff(
                    institution=p.inst,
                    name=person_name(rng, sex),
                    id_number=self.ids.id_number(region="430102", birth_date=born, sex=sex),
                    phone=self.ids.phone(),
                    is_tutor=j > 0 or subject,
                    teaches_subject=subject and qualified,
                    subject=KIND_WORDS[p.inst.category][1][j % len(KIND_WORDS[p.inst.category][1])],
                    qualification_number=f"{born.year + 22}4301{rng.randrange(10**8):08d}"
                    if qualified
                    else "",
                    background_checked=rng.random() < 0.9,
                    employed_from=self.start - dt.timedelta(days=rng.randrange(0, 900)),
                )
                if k == 4 and j == 1 and teacher is not None:  # an in-service public-school teacher
                    s.name, s.id_number, s.in_service_teacher = teacher.name, teacher.id_number, teacher
                rows.append(s)
                if s.is_tutor:
                    p.tutors.append(s)
        Staff.objects.bulk_create(rows, batch_size=1000)

    def courses(self, plans: list[Plan]) -> None:
        from .services import DayKinds

        rng = self.rng
        day_kind = DayKinds()
        courses: list[Course] = []
        for k, p in enumerate(plans):
            _, subjects = KIND_WORDS[p.inst.category]
            for j in range(rng.randrange(2, 5)):
                subj = subjects[j % len(subjects)]
                is_subject = p.inst.category == "subject" or (
                    p.inst.category == "mixed" and subj in ("数学", "英语")
                )
                guidance = Decimal(p.price) if is_subject else None
                price = Decimal(p.price)
                if k == 9 and j == 0:
                    guidance, price = Decimal(100), Decimal(125)  # 25 % over the guidance price
                grade_min = 1 if j else rng.choice([1, 3, 4, 7])
                if k == 1 and j == 0:
                    grade_min = 0  # a pre-school (大班) subject class
                tutor = next((t for t in p.tutors if t.teaches_subject == is_subject or not is_subject), None)
                if k == 7 and is_subject:
                    tutor = next((t for t in p.tutors if not t.qualification_number), tutor)
                c = Course(
                    institution=p.inst,
                    name=f"{subj}{['基础班', '提高班', '兴趣班', '精品班'][j % 4]}",
                    is_subject=is_subject,
                    subject=subj,
                    grade_min=grade_min,
                    grade_max=min(grade_min + 3, 9),
                    mode=p.inst.mode,
                    within_syllabus=not (k == 2 and j == 0),
                    class_size_band="medium",
                    lessons=rng.choice([16, 20, 24, 30]),
                    lesson_minutes=30 if p.inst.mode == "online" else 45,
                    price_per_lesson=price,
                    guidance_price=guidance,
                    tutor=tutor,
                )
                courses.append(c)
                p.courses.append(c)
        limits = rules.limits_for()
        from .services import course_check

        for c in courses:
            c.violations = course_check(c, limits)
        Course.objects.bulk_create(courses, batch_size=1000)
        sessions: list[Session] = []
        week = [self.today + dt.timedelta(days=d) for d in range(7)]  # the coming week
        for k, p in enumerate(plans):
            for c in p.courses:
                online = c.mode == "online"
                slots = (
                    [(dt.time(19, 0), dt.time(19, 30)), (dt.time(19, 40), dt.time(20, 10))]
                    if online
                    else [(dt.time(18, 30), dt.time(20, 0))]
                )
                if online and k == 14:
                    slots = [(dt.time(20, 20), dt.time(21, 5))]  # too long and too late
                if not online and k == 22:
                    slots = [(dt.time(19, 15), dt.time(21, 0))]  # past 20:30
                days = [d for d in week if d.weekday() < 5]
                if c.is_subject and k in (0, 8):
                    days = [d for d in week if d.weekday() >= 5]  # subject lessons at the weekend
                elif not c.is_subject:
                    days = week[5:7] + days[:1]
                for day in days[:3]:
                    prior: list[rules.Slot] = []
                    for s, e in slots:
                        found = rules.session_violations(
                            limits=limits,
                            is_subject=c.is_subject,
                            mode=c.mode,
                            day_kind=day_kind(day),
                            start=s,
                            end=e,
                            same_day_online=prior if online else [],
                        )
                        sessions.append(
                            Session(
                                course=c, date=day, start_time=s, end_time=e, violations=rules.as_json(found)
                            )
                        )
                        prior.append(rules.Slot(rules.minutes(s), rules.minutes(e)))
        Session.objects.bulk_create(sessions, batch_size=2000)
        self.ctx.count("培训课程", len(courses))

    # Money --------------------------------------------------------------------------------------

    def money(self, plans: list[Plan]) -> None:
        rng = self.rng
        limits = rules.limits_for()
        n_days = YEAR_DAYS + 1
        orders: list[Order] = []
        consumption_plan: list[tuple[Order, list[tuple[int, int]]]] = []
        refunds: list[Refund] = []
        statements: list[tuple[object, ...]] = []
        for k, p in enumerate(plans):
            if p.inst.status == "applying" or not p.courses:
                continue
            active_until = n_days
            if p.inst.status in ("revoked", "closed"):
                active_until = n_days - 40
            sales = [Decimal(0)] * n_days
            consumed = [Decimal(0)] * n_days
            refunded = [Decimal(0)] * n_days
            n_orders = rng.randrange(*p.orders)
            if p.story in ("falling", "refunds"):
                n_orders += n_orders // 2
            for _ in range(n_orders):
                day = rng.randrange(0, active_until - 1)
                if p.story in ("falling", "refunds") and rng.random() < 0.45:
                    day = rng.randrange(n_days - 50, n_days - 1)  # selling hard before the end
                course = rng.choice(p.courses)
                lessons = rng.choice([10, 16, 20, 24, 30, 40])
                lessons = min(lessons, int(5000 // course.price_per_lesson))
                if rng.random() < 0.02 and not p.exemplary:
                    lessons = 72  # over the 60-lesson limit (and usually the 5000 yuan limit)
                amount = Decimal(lessons) * course.price_per_lesson
                paid_on = self.start + dt.timedelta(days=day)
                o = Order(
                    institution=p.inst,
                    course=course,
                    pupil_name=person_name(rng, rng.choice("MF")),
                    parent_phone=self.ids.phone(),
                    lessons=lessons,
                    amount=amount,
                    paid_on=paid_on,
                    covers_until=paid_on
                    + dt.timedelta(days=rng.choice([56, 70] + [84] * 15 + ([] if p.exemplary else [120]))),
                )
                o.violations = rules.as_json(
                    rules.order_violations(
                        limits=limits,
                        lessons=lessons,
                        amount=amount,
                        paid_on=paid_on,
                        covers_until=o.covers_until,
                    )
                )
                orders.append(o)
                sales[day] += amount
                stop = active_until
                if p.story in ("stopped", "falling"):
                    stop = n_days - 28  # lessons stopped four weeks ago
                chunks: list[tuple[int, int]] = []
                left, d = lessons, day + 3
                per_lesson = amount / lessons
                while left > 0 and d < min(stop, n_days):
                    take = min(left, 2)
                    chunks.append((d, take))
                    consumed[d] += (per_lesson * take).quantize(CENT)
                    left -= take
                    d += 7
                consumption_plan.append((o, chunks))
                if p.story == "refunds" and day > n_days - 60 and rng.random() < 0.5:
                    refunds.append(
                        Refund(
                            institution=p.inst,
                            order=o,
                            amount=(amount / 2).quantize(CENT),
                            requested_on=self.today - dt.timedelta(days=rng.randrange(1, 30)),
                        )
                    )
                elif rng.random() < 0.04 and day < n_days - 30:
                    r_day = min(day + 20, n_days - 1)
                    amt = (amount / 4).quantize(CENT)
                    refunds.append(
                        Refund(
                            institution=p.inst,
                            order=o,
                            amount=amt,
                            status="paid",
                            requested_on=self.start + dt.timedelta(days=day + 10),
                            paid_on=self.start + dt.timedelta(days=r_day),
                        )
                    )
                    refunded[r_day] += amt
            if p.inst.custody_mode != "custody":
                continue
            balance_owed = Decimal(0)
            prev = Decimal(0)
            for day in range(n_days):
                balance_owed += sales[day] - consumed[day] - refunded[day]
                factor = 1.0 + 0.05 * rng.random()
                if p.story == "falling":
                    factor = 1.0 if day < n_days - 90 else max(0.35, 1.0 - (day - (n_days - 90)) * 0.009)
                elif p.story == "refunds":
                    factor = 0.95 if day < n_days - 45 else 0.7
                elif k % 10 == 5:
                    factor = 0.9  # a little short, not alarming
                if p.inst.status in ("revoked", "closed") and day >= active_until:
                    factor = 0.1
                if day >= active_until and p.inst.status in ("revoked", "closed") and day > active_until + 5:
                    break  # the bank stopped reporting
                balance = max(Decimal(0), balance_owed * Decimal(str(round(factor, 3)))).quantize(CENT)
                statements.append(
                    (
                        p.inst.pk,
                        p.inst.custody_account,
                        self.start + dt.timedelta(days=day),
                        sales[day],
                        max(Decimal(0), prev + sales[day] - balance),
                        balance,
                    )
                )
                prev = balance
        Order.objects.bulk_create(orders, batch_size=2000)
        days = [self.start + dt.timedelta(days=d) for d in range(n_days + 1)]
        rows = [
            (o.institution_id, o.pk, days[d], n, (o.amount * n / o.lessons).quantize(CENT))
            for o, chunks in consumption_plan
            for d, n in chunks
        ]
        fast_insert(Consumption, ["institution", "order", "date", "lessons", "amount"], rows)
        Refund.objects.bulk_create(refunds, batch_size=2000)
        fast_insert(
            CustodyStatement, ["institution", "account", "date", "inflow", "outflow", "balance"], statements
        )
        self.ctx.count("预收费订单", len(orders))
        self.ctx.count("课消记录", len(rows))
        self.ctx.count("托管对账单", len(statements))

    # Supervision ----------------------------------------------------------------------------------

    def supervision(self, plans: list[Plan], sites: list[UnlicensedSite]) -> None:
        rng = self.rng
        at_risk = [p.inst for p in plans if p.story != "healthy"]
        complaints, steps = self.complaints(plans, at_risk)
        inspections = []
        for n, p in enumerate(plans[: max(20, len(plans) // 5)]):
            inspections.append(
                Inspection(
                    institution=p.inst,
                    area=p.inst.area,
                    inspected_on=self.today - dt.timedelta(days=rng.randrange(5, 200)),
                    findings="证照齐全，收费公示规范"
                    if p.story == "healthy" and n % 4
                    else "预收费未全额进入监管账户；课表公示不全",
                    compliant=p.story == "healthy" and bool(n % 4),
                )
            )
        for s in sites:
            inspections.append(
                Inspection(
                    unlicensed_site=s,
                    area=s.area,
                    inspected_on=s.found_on,
                    findings="无证无照开展学科类培训",
                    compliant=False,
                )
            )
        Inspection.objects.bulk_create(inspections)
        officers = [u for u in self._officers() if u.area_id is not None][:3]
        if len(officers) >= 2:
            Through = Inspection.inspectors.through
            Through.objects.bulk_create(
                [
                    Through(inspection_id=insp.pk, user_id=officers[(n + k) % len(officers)].pk)
                    for n, insp in enumerate(inspections)
                    if insp.inspected_on is not None
                    for k in range(2)
                ]
            )
        actions = []
        for insp in inspections:
            if insp.compliant:
                continue
            if insp.institution_id:
                actions.append(
                    EnforcementAction(
                        institution=insp.institution,
                        inspection=insp,
                        area=insp.area,
                        kind="rectify",
                        decided_on=insp.inspected_on,
                        deadline=insp.inspected_on + dt.timedelta(days=30),
                        note="限期将预收费全额存入监管账户",
                    )
                )
        for s in sites[:3]:
            actions.append(
                EnforcementAction(
                    unlicensed_site=s,
                    area=s.area,
                    kind="close_unlicensed",
                    decided_on=s.found_on + dt.timedelta(days=7),
                    note="联合市场监管部门取缔",
                )
            )
            s.status, s.closed_on = "closed", s.found_on + dt.timedelta(days=7)
        UnlicensedSite.objects.bulk_update(sites[:3], ["status", "closed_on"])
        revoked = [p.inst for p in plans if p.inst.status == "revoked"]
        for inst in revoked:
            actions.append(
                EnforcementAction(
                    institution=inst,
                    area=inst.area,
                    kind="revoke",
                    decided_on=self.today - dt.timedelta(days=40),
                    note="停业跑路",
                )
            )
            actions.append(
                EnforcementAction(
                    institution=inst,
                    area=inst.area,
                    kind="refer",
                    referred_to="公安机关",
                    decided_on=self.today - dt.timedelta(days=38),
                    note="涉嫌卷款",
                )
            )
        EnforcementAction.objects.bulk_create(actions)
        # Rectification still running: the institution is "under rectification" until the deadline.
        running = {a.institution_id: a for a in actions if a.kind == "rectify" and a.deadline >= self.today}
        changes = []
        for p in plans:
            action = running.get(p.inst.pk)
            if action is not None and p.inst.status == "licensed":
                p.inst.status = "rectifying"
                changes.append(
                    StatusChange(
                        institution=p.inst,
                        from_status="licensed",
                        to_status="rectifying",
                        reason=f"责令整改：{action.note}",
                        changed_on=action.decided_on,
                    )
                )
        Institution.objects.bulk_update([p.inst for p in plans if p.inst.pk in running], ["status"])
        StatusChange.objects.bulk_create(changes)
        self.ctx.count("投诉", len(complaints))
        self.ctx.count("投诉办理记录", steps)
        self.ctx.count("检查记录", len(inspections))

    def _officers(self) -> list[User]:
        """The demo's tutoring officers and district administrator (who handle complaints and sign
        inspections), by the policy."""
        from edugov.accounts.policy import role_may

        users = User.objects.filter(username__in=["officer_px", "admin", "inspector"]).select_related("area")
        # the tutoring office first: it handles complaints; the others sign inspections with it
        ordered = sorted(users, key=lambda u: (u.username != "officer_px", u.username))
        return [u for u in ordered if role_may(u, "tutoring.inspection_record")]

    def complaints(self, plans: list[Plan], at_risk: list[Institution]) -> tuple[list[Complaint], int]:
        """Complaints at every step (待受理, 办理中, 已转办, 已答复, 已办结), some past their
        acceptance or reply deadline, each with the steps that brought it there."""
        rng = self.rng
        officers = self._officers()
        actor = officers[0] if officers else None
        complaints: list[Complaint] = []
        stories: list[str] = []
        n_complaints = 18 + len(plans) // 10
        for n in range(n_complaints):
            inst = at_risk[n % len(at_risk)] if at_risk and n < 12 + len(at_risk) else rng.choice(plans).inst
            story = COMPLAINT_STORIES[n % len(COMPLAINT_STORIES)]
            # overdue stories are old enough to be late; waiting ones are recent
            if story == "new":
                day = self.today - dt.timedelta(days=rng.randrange(0, 3))
            elif story == "assigned":
                day = self.today - dt.timedelta(days=rng.randrange(3, 10))
            else:
                day = self.today - dt.timedelta(days=rng.randrange(20, 40))
            accepted = None if story.startswith("new") else day + dt.timedelta(days=rng.randrange(1, 3))
            status = {"new_overdue": "new", "assigned_overdue": "assigned"}.get(story, story)
            replied = story in ("replied", "closed")
            complaints.append(
                Complaint(
                    institution=inst,
                    institution_text=inst.name,
                    area=inst.area,
                    topic=rng.choice(["退费纠纷", "机构跑路", "退费纠纷", "违规培训"]),
                    content=rng.choice(
                        [
                            "申请退费一个多月仍未退还，客服电话无人接听。",
                            "机构突然通知暂停上课，预交的学费不知道怎么办。",
                            "周末还在上学科类课程，老师说是“托管”。",
                        ]
                    ),
                    contact_name=person_name(rng, "F")[0] + "女士",
                    contact_phone=self.ids.phone(),
                    submitted_on=day,
                    accept_deadline=day + dt.timedelta(days=3),
                    accepted_on=accepted,
                    deadline=(accepted or day + dt.timedelta(days=3)) + dt.timedelta(days=15),
                    status=status,
                    assignee=actor if accepted else None,
                    referred_to=f"{inst.area.name}教育办" if story == "referred" else "",
                    referred_area=inst.area if story == "referred" else None,
                    reply="已约谈机构负责人，责令限期退费。" if replied else "",
                    replied_on=accepted + dt.timedelta(days=5) if replied and accepted else None,
                    rating=rng.choice([3, 4, 5]) if story == "closed" else None,
                    tracking_code=f"DEMO{n:06d}",
                )
            )
            stories.append(story)
        Complaint.objects.bulk_create(complaints)
        events: list[ComplaintEvent] = []
        for c, story in zip(complaints, stories, strict=True):
            events.append(ComplaintEvent(complaint=c, step="submit", at=_at(c.submitted_on, 9)))
            if c.accepted_on is None:
                continue
            events.append(ComplaintEvent(complaint=c, step="accept", actor=actor, at=_at(c.accepted_on, 10),
                                         note=f"办理期限：{cn_date(c.deadline)}"))  # fmt: skip
            if story == "referred":
                events.append(
                    ComplaintEvent(complaint=c, step="refer", actor=actor, at=_at(c.accepted_on, 11),
                                   referred_to=c.referred_to, note="请属地核查处理")
                )  # fmt: skip
            if story in ("referred", "replied", "closed"):
                seen = c.accepted_on + dt.timedelta(days=2)
                events.append(
                    ComplaintEvent(complaint=c, step="investigate", actor=actor, at=_at(seen, 15),
                                   investigators="刘明、陈静", investigated_on=seen,
                                   findings="现场核查，机构确有拖延退费情况", evidence="收费凭证、询问笔录")
                )  # fmt: skip
            if c.replied_on is not None:
                events.append(ComplaintEvent(complaint=c, step="reply", actor=actor, at=_at(c.replied_on, 16),
                                             note=c.reply))  # fmt: skip
            if c.rating is not None and c.replied_on is not None:
                rated = c.replied_on + dt.timedelta(days=1)
                events.append(
                    ComplaintEvent(complaint=c, step="rate", at=_at(rated, 20), note=f"{c.rating}分")
                )
        ComplaintEvent.objects.bulk_create(events)
        return complaints, len(events)

    def white_list(self, plans: list[Plan]) -> None:
        """The white list by its rules (tutoring.rules.white_list_blockers): licensed, fees under
        custody, no violation on record; up to five institutions, recorded with the reason."""
        from collections import Counter

        found: Counter[int] = Counter()
        for model, key in ((Course, "institution_id"), (Order, "institution_id"),
                           (Session, "course__institution_id")):  # fmt: skip
            for inst_id, violations in model.objects.exclude(violations=[]).values_list(key, "violations"):
                found[inst_id] += len(violations)
        for inst_id in Staff.objects.filter(in_service_teacher__isnull=False).values_list(
            "institution_id", flat=True
        ):
            found[inst_id] += 1
        chosen = []
        for p in plans:
            inst = p.inst
            if inst.list_status or not p.exemplary:
                continue
            if not rules.white_list_blockers(
                status=inst.status, custody_mode=inst.custody_mode, violations=found[inst.pk]
            ):
                inst.list_status, inst.list_reason = "white", "年检合格、资金全额监管、无违规记录"
                chosen.append(inst)
            if len(chosen) == 5:
                break
        Institution.objects.bulk_update(chosen, ["list_status", "list_reason"])
        self.ctx.count("白名单机构", len(chosen))


def _at(day: dt.date, hour: int) -> dt.datetime:
    """A time of day in the bureau's time zone (office hours read as office hours)."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


# The steps a demo complaint has gone through, by its story (the last step names its status).
COMPLAINT_STORIES = ("new", "new_overdue", "assigned", "assigned_overdue", "referred", "replied", "closed")


def build_tutoring(ctx: DemoContext) -> None:
    TutoringDemo(ctx).build()


def reset_tutoring() -> None:
    for model in (
        Alert,
        RiskSnapshot,
        EnforcementAction,
        Inspection,
        Complaint,
        CustodyStatement,
        Refund,
        Consumption,
        Order,
        Session,
        Course,
        Staff,
        StatusChange,
        Institution,
        UnlicensedSite,
    ):
        model.objects.all().delete()


register_generator("tutoring", build_tutoring, order=320, reset=reset_tutoring)
