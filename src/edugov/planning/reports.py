"""The planning module's registered report: the places forecast — towns short of places first,
then demand against places by town, stage and year, the back-test beside it, the layout list, the
late projects and the standards used. Failures (缺口, 逾期) are marked in the summary and the tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from edugov.rectification.lists import TIES_IN_WORDS
from edugov.reports import Document, Param, Section, Verdict, read_as, register_report
from edugov.reports.registry import integer

from . import selectors

if TYPE_CHECKING:
    from edugov.accounts.models import User


def places_document(*, actor: User | None, horizon: int | None = None) -> Document:
    reader = read_as(actor)
    today = timezone.localdate()
    o = selectors.planning_overview(actor=reader, horizon=horizon or 5)
    data = selectors.inputs(actor=reader)
    short = [r for r in o.rows if r.first_short is not None]
    gaps = Section(
        "一、学位供需（乡镇 × 学段 × 学年）",
        [
            "乡镇（街道）",
            "学段",
            "学年",
            "预测在校生",
            "其中新建住宅",
            "学位",
            "缺口",
            "预计大班额（个）",
            "是否满足",
        ],
        [
            [
                r.town,
                r.stage_label,
                f"{c['year']}学年",
                c["demand"],
                c["housing"],
                c["places"],
                c["gap"],
                c["oversized_classes"],
                "不符合" if c["gap"] < 0 else "满足",
            ]
            for r in o.rows
            for c in r.cells
        ],
        note=(
            "学位 = 普通教室 × 标准班额（小学45人、初中50人）+ 已竣工或计划竣工项目新增学位；"
            "缺口为负数表示学位不足。"
        ),
        key="gaps",
    )
    accuracy = Section(
        "二、预测准确度（回测）",
        ["学段", "乡镇（街道）", "比较次数", "平均绝对百分比误差（%）"],
        [[b["stage"], b["town"], b["n"], b["mape"]] for b in o.backtest],
        note="用往年数据按同一方法预测其后各年，与实际在校生比较。",
        key="backtest",
    )
    layout = Section(
        "三、布局调整需研究的学校",
        ["乡镇（街道）", "学校", "在校生", "原因"],
        [
            [r["town"], r["school"], r["pupils"], "；".join(r["reasons"])]
            for r in selectors.layout_list(actor=reader, data=data)
        ],
        key="layout",
    )
    board = selectors.project_board(actor=reader, today=today)
    late = [r for r in board if r.late or r.overdue]
    projects = Section(
        "四、建设项目",
        ["项目", "学校", "新增学位", "计划竣工", "节点完成", "进度"],
        [
            [
                r.project.name,
                r.project.school.name,
                r.project.places_added,
                r.project.planned_completion,
                f"{r.done}/{r.total}",
                "逾期" if (r.late or r.overdue) else r.project.get_status_display(),
            ]
            for r in board
        ],
        key="projects",
    )
    basis = Section("五、方法与依据", ["内容"], [[o.method], *[[c] for c in o.citations]], key="standards")
    overall = next((b for b in o.backtest if b["town"] == "全区"), None)
    return Document(
        title="学位需求预测报告",
        subtitle=f"以{o.base_year}学年为基年" if o.base_year else "",
        date=today,
        summary=[
            ("基年", f"{o.base_year}学年" if o.base_year else "—"),
            ("预测年份", f"{o.years[0]}～{o.years[-1]}学年" if o.years else "—"),
            ("将缺学位的乡镇学段", f"{len(short)}个"),
            (
                "回测平均误差",
                "；".join(f"{b['stage']}{b['mape']}%" for b in o.backtest if b["town"] == "全区") or "—",
            ),
            ("逾期项目", f"{len(late)}个"),
        ],
        verdicts=[
            Verdict(f"{r.town}{r.stage_label}", "不符合", f"自{r.first_short}学年学位不足") for r in short
        ],
        failures=[f"{r.town}{r.stage_label}自{r.first_short}学年学位不足" for r in short]
        + [f"{r.project.name}逾期" for r in late],
        sections=[gaps, accuracy, layout, projects, basis],
        filename=f"学位需求预测报告_{o.base_year or ''}",
        audit={"overall_mape": overall["mape"] if overall else None},
    )


register_report(
    "planning.places",
    "学位需求预测报告",
    action="planning.report",
    builder=places_document,
    params=(Param("horizon", "预测年数（1～10）", integer),),
    model="planning.ForecastRun",
)


def projects_document(*, actor: User | None, list_id: int | None = None) -> Document:
    """Project progress: the month's red and black list (the latest, or the one asked for) with its
    notice, every project's milestones and lateness, and the monthly progress reported."""
    reader = read_as(actor)
    today = timezone.localdate()
    lists = selectors.project_lists(actor=reader)
    plist = lists.filter(pk=list_id).first() if list_id else lists.first()
    board = selectors.project_board(actor=reader, today=today)
    late = [r for r in board if r.late or r.overdue]
    sections = []
    paragraphs: list[str] = []
    if plist is not None:
        rules = plist.rules.get("projects", {})
        score = rules.get("score", {})
        red, black = rules.get("red", {}), rules.get("black", {})
        paragraphs = [
            f"现将{plist.month:%Y年%m月}全区新改扩建项目建设进度情况通报如下。",
            f"计分方法：基础分{score.get('base')}分，进度每落后计划1个百分点扣"
            f"{score.get('per_point_behind')}分，每个逾期节点扣{score.get('per_overdue_milestone')}分，"
            f"超过计划竣工日期未竣工扣{score.get('late')}分。",
            f"红榜：得分不低于{red.get('min_score')}分且无预警的前{red.get('top')}名；"
            f"黑榜：得分低于{black.get('max_score')}分或逾期未竣工的后{black.get('bottom')}名。"
            f"{TIES_IN_WORDS}本榜单只对项目排名，不涉及个人。",
        ]
        sections.append(
            Section(
                f"一、{plist.title}",
                ["名次", "项目", "学校", "计划进度（%）", "实际进度（%）", "得分", "预警", "榜单"],
                [
                    [
                        e["rank"],
                        e["project"],
                        e["school"],
                        e["planned_pct"],
                        e["actual_pct"],
                        e["score"],
                        "；".join(e["flags"]) or "—",
                        e["list"] or "—",
                    ]
                    for e in plist.entries
                ],
                key="list",
                highlight={"红榜": "#fde8e8", "黑榜": "#eeeeee"},
            )
        )
    sections.append(
        Section(
            "二、项目进度",
            [
                "项目",
                "学校",
                "类型",
                "新增学位",
                "总投资（万元）",
                "开工",
                "计划竣工",
                "实际竣工",
                "节点完成",
                "进度",
            ],
            [
                [
                    r.project.name,
                    r.project.school.name,
                    r.project.get_kind_display(),
                    r.project.places_added,
                    r.project.budget,
                    r.project.start_date,
                    r.project.planned_completion,
                    r.project.completed_on,
                    f"{r.done}/{r.total}",
                    "逾期" if (r.late or r.overdue) else r.project.get_status_display(),
                ]
                for r in board
            ],
            key="projects",
        )
    )
    sections.append(
        Section(
            "三、月度进度报送",
            ["月份", "项目", "学校", "计划累计（%）", "实际累计（%）", "落后（百分点）", "说明"],
            [
                [
                    f"{r['month']:%Y-%m}",
                    r["project"],
                    r["school"],
                    r["planned_pct"],
                    r["actual_pct"],
                    r["behind"],
                    r["note"],
                ]
                for r in selectors.progress_table(actor=reader)
            ],
            key="progress",
        )
    )
    title = "新改扩建项目进度报告"
    return Document(
        title=title,
        subtitle=plist.title if plist else "",
        number=plist.notice_number if plist else "",
        date=today,
        paragraphs=paragraphs,
        summary=[
            ("项目", f"{len(board)}个"),
            ("逾期项目", f"{len(late)}个"),
            ("新增学位", f"{sum(r.project.places_added for r in board)}个"),
            ("红黑榜", f"{plist.title}（{plist.get_status_display()}）" if plist else "—"),
        ],
        failures=[f"{r.project.name}逾期" for r in late],
        sections=sections,
        filename=f"{title}_{plist.month:%Y%m}" if plist else title,
        audit={"list": plist.pk if plist else None},
    )


def quota_document(*, actor: User | None, year: int | None = None) -> Document:
    """The official allocation table of a year (指标到校分配表): each junior school's places from each
    quality senior high school, by its graduating cohort with the rural tilt, exact totals."""
    reader = read_as(actor)
    t = selectors.quota_table(actor=reader, year=year)
    year = t.plans[0].year if t.plans else year
    plans = Section(
        "一、招生学校与分配比例",
        ["优质普通高中", "招生计划", "分配比例（%）", "分配到校名额", "农村学校加权系数", "依据", "状态"],
        [
            [
                p.school.name,
                p.places,
                float(p.share_pct),
                t.allocated[p.pk],
                float(p.rural_weight),
                p.source,
                p.get_status_display(),
            ]
            for p in t.plans
        ],
        key="plans",
    )
    table = Section(
        "二、分配表",
        ["乡镇（街道）", "初中学校", "城乡", "毕业年级人数", *[p.school.name for p in t.plans], "合计"],
        [
            [
                j.town,
                j.name,
                "农村" if j.rural else "城镇",
                j.cohort,
                *[t.cells.get((p.pk, j.school_id), 0) for p in t.plans],
                t.totals.get(j.school_id, 0),
            ]
            for j in t.schools
        ]
        + [
            [
                "合计",
                "",
                "",
                sum(j.cohort for j in t.schools),
                *[t.allocated[p.pk] for p in t.plans],
                sum(t.allocated.values()),
            ]
        ],
        note=(
            "分配到校名额 = 招生计划 × 分配比例（四舍五入）；各初中按毕业年级（九年级）在校生数分配，"
            "农村学校人数乘以加权系数；按最大余额法取整，合计与分配到校名额一致。"
        ),
        key="allocation",
    )
    draft = any(p.status != "confirmed" for p in t.plans)
    title = f"{year or ''}年优质普通高中指标到校分配表"
    return Document(
        title=title,
        subtitle="（草稿）" if draft else "",
        date=timezone.localdate(),
        summary=[
            ("招生学校", f"{len(t.plans)}所"),
            ("分配到校名额", f"{sum(t.allocated.values())}个"),
            ("初中学校", f"{len(t.schools)}所"),
        ],
        sections=[plans, table],
        filename=f"{title}{'（草稿）' if draft else ''}",
        audit={"year": year},
    )


register_report(
    "planning.projects",
    "新改扩建项目进度报告",
    action="planning.report",
    builder=projects_document,
    params=(Param("list_id", "红黑榜编号", integer),),
    model="planning.Project",
)

register_report(
    "planning.quota",
    "优质普通高中指标到校分配表",
    action="planning.report",
    builder=quota_document,
    params=(Param("year", "招生年份", integer),),
    model="planning.QuotaPlan",
)


ACTION_LABELS = {"build": "宜建", "close": "宜撤", "merge": "宜并", "keep": "宜留"}


def layout_document(*, actor: User | None) -> Document:
    """Layout proposals: keep / merge / close / build with their reasons and distances, the closures
    under way with their steps, the attendance zones, the hollowing list and the rules used."""
    reader = read_as(actor)
    rules = selectors.layout_rules()
    proposals = selectors.layout_proposals(actor=reader)
    closures = list(selectors.closures(actor=reader))
    counts = {k: sum(1 for c in proposals if c["action"] == k) for k in ACTION_LABELS}
    r = rules["radius_km"]
    return Document(
        title="中小学布局调整报告",
        date=timezone.localdate(),
        summary=[(label, f"{counts[k]}条") for k, label in ACTION_LABELS.items()]
        + [("撤并程序", f"{len(closures)}项")],
        sections=[
            Section(
                "一、调整建议",
                ["建议", "乡镇（街道）", "学校或村", "学段", "人数", "接收学校", "距离（公里）", "原因"],
                [
                    [
                        ACTION_LABELS[c["action"]],
                        c["town"],
                        c["school"],
                        selectors.STAGE_LABELS[c["stage"]],
                        c["pupils"],
                        c["target"] or "—",
                        c["km"],
                        "；".join(c["reasons"]),
                    ]
                    for c in proposals
                ],
                note=(
                    f"服务半径（直线距离）：小学城镇{r['primary']['urban']}公里、农村{r['primary']['rural']}公里；"
                    f"初中城镇{r['junior']['urban']}公里、农村{r['junior']['rural']}公里；"
                    f"可接收学校在{rules['merge_max_km']}公里以内。以上为研究建议，不构成撤并决定。"
                ),
                key="proposals",
            ),
            Section(
                "二、撤并程序",
                ["拟撤并学校", "接收学校", "理由", "状态", "已完成步骤"],
                [
                    [
                        c.school.name,
                        c.target.name,
                        c.reason,
                        c.get_status_display(),
                        "；".join(f"{s.done_on:%Y-%m-%d} {s.get_kind_display()}" for s in c.steps.all())
                        or "—",
                    ]
                    for c in closures
                ],
                key="closures",
            ),
            Section(
                "三、施教区",
                ["乡镇（街道）", "施教区", "学段", "学校"],
                [
                    [z.area.name, z.name, z.get_stage_display(), "、".join(s.name for s in z.schools.all())]
                    for z in selectors.zones(actor=reader)
                ],
                key="zones",
            ),
            Section(
                "四、生源下降与小规模学校",
                ["乡镇（街道）", "学校", "在校生", "原因"],
                [
                    [x["town"], x["school"], x["pupils"], "；".join(x["reasons"])]
                    for x in selectors.layout_list(actor=reader)
                ],
                key="hollowing",
            ),
        ],
        filename="中小学布局调整报告",
    )


register_report(
    "planning.layout",
    "中小学布局调整报告",
    action="planning.report",
    builder=layout_document,
    model="planning.Closure",
)
