"""The workforce module's registered report (DESIGN.md, "Reports: one registry"): the staffing
report a leader downloads — posts needed, held and vacant per school, the key subjects' gaps by town
and school, teachers outside their certificate, the age structure, and the standards used."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone

from edugov.registry.models import SchoolYear
from edugov.reports import Document, Figure, Param, Section, read_as, register_report
from edugov.reports.registry import integer

from . import selectors
from .exchanges import rotation_shares

if TYPE_CHECKING:
    from edugov.accounts.models import User


def staffing_document(*, actor: User | None, year: int | None = None) -> Document:
    reader = read_as(actor)
    school_year = SchoolYear.objects.filter(start_year=year).first() if year else selectors.current_year()
    today = timezone.localdate()
    o = selectors.overview(actor=reader, year=school_year, today=today)
    st = o.staffing
    t = o.totals
    schools = Section(
        "一、各校编制配备",
        [
            "乡镇（街道）",
            "学校",
            "村小或教学点",
            "学生数",
            "班级数",
            "教师数",
            "生师比",
            "应配编制",
            "在编",
            "缺编（负数为超编）",
            "聘用",
            "银龄",
            "支教",
            "跨学科或跨学段任教",
            "未持证",
        ],
        [
            [
                s.town_name,
                s.school_name,
                "是" if s.village else "否",
                s.students,
                s.classes,
                s.teachers,
                s.ratio if s.ratio is not None else "",
                s.posts_needed,
                s.posts_held,
                s.vacancies,
                s.other_staff.get("聘用", 0),
                s.other_staff.get("银龄", 0),
                s.other_staff.get("支教", 0),
                s.outside_certificate,
                s.uncertified,
            ]
            for s in st.schools
        ],
        note="应配编制按生师比核定；村小和教学点按生师比与班师比结合核定（取大者），不足1人按1人计。",
        key="schools",
    )
    gaps = Section(
        "二、紧缺学科缺口（乡镇）",
        ["乡镇（街道）", *[f"{s}缺口（人）" for s in o.subjects], *[f"{s}缺口学校数" for s in o.subjects]],
        [
            [row.town_name, *[c.gap for _s, c in row.cells], *[c.schools_short for _s, c in row.cells]]
            for row in o.heat_rows
        ],
        note=(
            "应配 = 各年级班数 × 周课时 ÷ 标准课时量；缺口 = 应配 − 持证任教教师（按课时折算）；"
            f"缺口达到{st.norms.gap_threshold:g}人的学校计入缺口学校数。"
        ),
        key="gaps",
        figures=[
            Figure(
                "紧缺学科缺口（人）",
                [r.town_name for r in o.heat_rows],
                {s: [r.cells[i][1].gap for r in o.heat_rows] for i, s in enumerate(o.subjects)},
            )
        ],
    )
    subject_rows = [
        [s.town_name, s.school_name, r.subject, r.need, r.have, r.qualified, r.gap, r.gap_in_five_years]
        for s in st.schools
        for r in s.subjects
        if r.subject in o.subjects and r.gap > 0
    ]
    by_school = Section(
        "三、学校学科缺口明细",
        [
            "乡镇（街道）",
            "学校",
            "学科",
            "应配（人）",
            "任教（人）",
            "其中持证（人）",
            "缺口（人）",
            "五年后缺口（人）",
        ],
        subject_rows,
        note=st.projection.note,
        key="school_gaps",
    )
    ages = Section(
        "四、年龄结构",
        ["年龄段", *o.locales],
        [[a.label, *a.values] for a in o.ages],
        key="ages",
    )
    retire = Section(
        "五、未来五年达到退休年龄",
        ["年份", *o.locales, "合计"],
        [[f"{r.year}年", *r.values, r.total] for r in o.retirements],
        note="按出生年月和渐进式延迟法定退休年龄规定逐月计算（教师按专业技术岗位）。",
        key="retirements",
    )
    rotation = Section(
        "六、交流轮岗",
        ["学校", "符合交流条件（人）", "已交流（人）", "交流比例（%）", "骨干占比（%）", "是否达标"],
        [
            [
                r.school_name,
                r.eligible,
                r.rotated,
                r.share if r.share is not None else "",
                r.backbone_share if r.backbone_share is not None else "",
                "达标" if r.met else "未达标",
            ]
            for r in (rotation_shares(actor=reader, year=school_year) if school_year else [])
        ],
        note=(
            "城区、镇区学校；交流比例 = 本学年开始的轮岗交流和下派支教人数 ÷ 在本校任教满规定年限的教师人数。"
        ),
        key="rotation",
    )
    basis = Section("七、依据的标准", ["标准"], [[c] for c in st.norms.citations()], key="standards")
    return Document(
        title="师资配置报告",
        subtitle=str(school_year) if school_year else "",
        date=today,
        summary=[
            ("学年", str(school_year) if school_year else "—"),
            ("中小学", f"{t['schools']}所"),
            ("专任教师", f"{t['teachers']}人"),
            ("生师比", f"{t['ratio']}∶1" if t["ratio"] else "—"),
            ("应配编制 / 在编", f"{t['posts_needed']} / {t['posts_held']}"),
            ("缺编", f"{t['vacancies']}人（{t['schools_with_vacancies']}所学校）"),
            ("跨学科或跨学段任教", f"{t['outside_certificate']}人"),
            ("未持教师资格证", f"{t['uncertified']}人"),
            ("55岁及以上", f"{t['over_55']}人"),
            ("五年内达到退休年龄", f"{t['retiring']}人"),
        ],
        sections=[schools, gaps, by_school, ages, retire, rotation, basis],
        filename=f"师资配置报告_{school_year.start_year if school_year else ''}",
    )


register_report(
    "workforce.staffing",
    "师资配置报告",
    action="workforce.report",
    builder=staffing_document,
    params=(Param("year", "学年（起始年份，如2025）", integer),),
    model="workforce.TeacherYear",
)


def recruitment_document(*, actor: User | None, year: int | None = None) -> Document:
    """The recruitment plan of a year: totals first, then by subject, then each school's lines."""
    from .recruitment import plan_for, plan_lines

    reader = read_as(actor)
    school_year = SchoolYear.objects.filter(start_year=year).first() if year else selectors.current_year()
    plan = plan_for(school_year)
    lines = list(plan_lines(actor=reader, plan=plan))
    by_subject: dict[str, list[int]] = {}
    for line in lines:
        row = by_subject.setdefault(line.subject, [0, 0, 0])
        row[0] += 1 if line.quantity else 0
        row[1] += line.proposed
        row[2] += line.quantity
    subjects = Section(
        "一、按学科汇总",
        ["学科", "计划招聘学校数", "建议招聘（人）", "计划招聘（人）"],
        [[s, *v] for s, v in sorted(by_subject.items(), key=lambda kv: (-kv[1][2], kv[0]))],
        key="subjects",
        figures=[
            Figure(
                "各学科计划招聘（人）",
                [s for s, _v in sorted(by_subject.items())],
                {"计划招聘": [v[2] for _s, v in sorted(by_subject.items())]},
            )
        ]
        if by_subject
        else [],
    )
    detail = Section(
        "二、学校学科明细",
        ["乡镇（街道）", "学校", "学科", "五年后缺口（人）", "建议招聘（人）", "计划招聘（人）", "备注"],
        [
            [
                line.school.area.name,
                line.school.name,
                line.subject,
                float(line.gap_in_five_years),
                line.proposed,
                line.quantity,
                line.note,
            ]
            for line in lines
        ],
        note=(
            "五年后缺口 = 五年后应配（各年级班数 × 周课时 ÷ 标准课时量；有入学预测的学校按学位规划模块"
            "预测的班数，其余按现有班数）− 持证任教教师（按课时折算）+ 五年内达到退休年龄的持证教师；"
            "建议招聘为缺口四舍五入取整，计划招聘由人事科核定。"
        ),
        key="lines",
    )
    summary = [
        ("学年", str(school_year) if school_year else "—"),
        ("计划状态", "已编制" if plan else "尚未编制"),
        ("涉及学校", f"{len({line.school_id for line in lines if line.quantity})}所"),
        ("涉及学科", f"{sum(1 for v in by_subject.values() if v[2])}个"),
        ("建议招聘", f"{sum(line.proposed for line in lines)}人"),
        ("计划招聘", f"{sum(line.quantity for line in lines)}人"),
    ]
    return Document(
        title="教师招聘计划",
        subtitle=str(school_year) if school_year else "",
        date=timezone.localdate(),
        summary=summary,
        sections=[subjects, detail],
        filename=f"教师招聘计划_{school_year.start_year if school_year else ''}",
    )


register_report(
    "workforce.recruitment",
    "教师招聘计划",
    action="workforce.recruitment_view",
    builder=recruitment_document,
    params=(Param("year", "学年（起始年份，如2025）", integer),),
    model="workforce.RecruitmentLine",
)


def rotation_document(*, actor: User | None, year: int | None = None) -> Document:
    """The rotation report of a year: each urban and town school's share against the rule, the
    exchanges that started in the year, and the 区管校聘 round's results by school."""
    from .exchanges import exchange_list
    from .models import RoundResult

    reader = read_as(actor)
    school_year = SchoolYear.objects.filter(start_year=year).first() if year else selectors.current_year()
    shares = rotation_shares(actor=reader, year=school_year) if school_year else []
    rule = shares[0] if shares else None
    exchanges = (
        list(
            exchange_list(actor=reader)
            .filter(start_date__gte=school_year.start_date, start_date__lte=school_year.end_date)
            .select_related("teacher", "from_school", "to_school")
            .order_by("from_school__name", "start_date", "pk")
        )
        if school_year
        else []
    )
    results = (
        list(
            RoundResult.objects.filter(round__school_year=school_year, pk__in=_scoped_results(reader))
            .select_related("school", "post__school")
            .order_by("school__name", "pk")
        )
        if school_year
        else []
    )
    by_school: dict[str, list[int]] = {}
    for r in results:
        row = by_school.setdefault(r.school.name, [0, 0, 0, 0])
        row[0] += 1
        if r.post is None:
            row[3] += 1
        elif r.post.school_id == r.school_id:
            row[1] += 1
        else:
            row[2] += 1
    share_section = Section(
        "一、各校交流轮岗比例",
        ["学校", "符合交流条件", "已交流", "交流比例（%）", "其中骨干", "骨干占比（%）", "是否达标"],
        [
            [
                r.school_name,
                r.eligible,
                r.rotated,
                r.share if r.share is not None else "",
                r.backbone,
                r.backbone_share if r.backbone_share is not None else "",
                "达标" if r.met else "未达标",
            ]
            for r in shares
        ],
        note=(
            f"城区、镇区学校每学年交流轮岗教师不低于符合交流条件教师的{rule.share_min:g}%，"
            f"其中骨干教师不低于交流人数的{rule.backbone_min:g}%（教师〔2014〕4号）。"
            if rule
            else "本学年无城区、镇区学校交流数据。"
        ),
        key="shares",
    )
    exchange_section = Section(
        "二、本学年交流记录",
        ["教师", "交流类型", "派出学校", "接收学校", "开始日期", "结束日期", "考核评价"],
        [
            [
                e.teacher.name,
                e.get_kind_display(),
                e.from_school.name,
                e.to_school.name,
                e.start_date,
                e.end_date,
                e.evaluation,
            ]
            for e in exchanges
        ],
        key="exchanges",
    )
    round_section = Section(
        "三、区管校聘聘用结果（按原学校）",
        ["原学校", "选岗教师", "留任本校", "跨校聘用", "待岗"],
        [[name, *v] for name, v in sorted(by_school.items())],
        note="按教师志愿和任职先后（参加工作时间、调入本校时间）依次聘用；所填志愿岗位均已满的教师待岗，由区统筹安排。",
        key="round",
    )
    met = sum(1 for r in shares if r.met)
    return Document(
        title="教师交流轮岗报告",
        subtitle=str(school_year) if school_year else "",
        date=timezone.localdate(),
        summary=[
            ("学年", str(school_year) if school_year else "—"),
            ("城区、镇区学校", f"{len(shares)}所，达标{met}所"),
            ("符合交流条件教师", f"{sum(r.eligible for r in shares)}人"),
            ("已交流", f"{sum(r.rotated for r in shares)}人，其中骨干{sum(r.backbone for r in shares)}人"),
            ("本学年交流记录", f"{len(exchanges)}条"),
            ("区管校聘", f"选岗{len(results)}人，待岗{sum(v[3] for v in by_school.values())}人"),
        ],
        sections=[share_section, exchange_section, round_section],
        filename=f"教师交流轮岗报告_{school_year.start_year if school_year else ''}",
    )


def _scoped_results(reader: object) -> QuerySet[Any]:
    from edugov.accounts.scope import scoped

    from .models import RoundResult

    return scoped(RoundResult, reader).values("pk")


register_report(
    "workforce.rotation",
    "教师交流轮岗报告",
    action="workforce.report",
    builder=rotation_document,
    params=(Param("year", "学年（起始年份，如2025）", integer),),
    model="workforce.Exchange",
)
