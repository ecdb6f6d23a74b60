"""The tutoring module's official outputs as documents of the report registry
(`tutoring/reports.py` registers them): the supervision report (校外培训监管报表: headline figures,
enforcement statistics and the risk ranking of a period) and the list exports (institutions,
an institution's staff, violations, the risk ranking). Built from selectors, so a document shows
exactly what the actor may see; masking and the choice of columns live here, not in the views."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.utils import timezone

from edugov.accounts.policy import ensure_can
from edugov.accounts.scope import scoped
from edugov.common.dates import cn_date, cn_period
from edugov.common.text import mask_phone, normalize_cell
from edugov.reports import ColumnKind, Document, Section, read_as

from . import selectors
from .forms import InstitutionFilterForm
from .models import Institution

if TYPE_CHECKING:
    from edugov.accounts.models import User

RANK_ROWS = 300  # the whole demo district; a province-level officer gets the 300 worst
RANKING_HEADERS = [
    "序号",
    "机构",
    "乡镇街道",
    "风险分",
    "等级",
    "覆盖率",
    "未消课余额（元）",
    "监管资金（元）",
    "风险原因",
]

INSPECTION_HEADERS = ["检查日期", "检查对象", "检查人员", "结论", "检查发现"]

RANKING_KINDS: list[ColumnKind] = [
    "int",
    "text",
    "text",
    "number",
    "text",
    "percent",
    "money",
    "money",
    "text",
]


def _yuan(v: Any) -> str:
    return f"{float(v):,.0f}"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.0f}%"


def supervision_report(*, actor: User | None, today: dt.date, start: dt.date, end: dt.date) -> Document:
    reader = read_as(actor)
    data = selectors.dashboard(user=reader, today=today)
    stats = selectors.enforcement_stats(user=reader, start=start, end=end)
    risk = list(selectors.latest_risk(user=reader)[:RANK_ROWS])
    levels = data["levels"]
    summary = [
        ("机构总数", f"{data['total']}家（白名单{data['white']}家，黑名单{data['black']}家）"),
        ("风险等级", f"高{levels['high']}家，中{levels['medium']}家，低{levels['low']}家"),
        ("未消课预收费余额", f"{_yuan(data['unconsumed'])}元"),
        ("监管资金", f"{_yuan(data['custody'])}元（覆盖率{_pct(data['coverage'])}）"),
        ("待处置无证无照培训点", f"{data['unlicensed_open']}个"),
        ("近7天未处理预警", f"{data['alerts']}条"),
        ("办理中的投诉", f"{data['complaints_open']}件"),
        (
            "超期投诉",
            f"受理超期{data['complaints_overdue_accept']}件，办理超期{data['complaints_overdue_handle']}件",
        ),
    ]
    inspections = selectors.inspection_rows(user=reader, start=start, end=end)
    ranking = [
        [
            n,
            r.institution.name,
            r.institution.area.name,
            float(r.score),
            r.get_level_display(),
            None if r.coverage is None else round(float(r.coverage), 4),
            float(r.unconsumed),
            float(r.custody_balance),
            "；".join(r.reasons) or "无",
        ]
        for n, r in enumerate(risk, start=1)
    ]
    as_of = cn_date(risk[0].date) if risk else "尚未计算"
    enforcement = [[stats["labels"][k], v] for k, v in stats["counts"].items()]
    enforcement.append(["检查（次）", stats["inspections"]])
    return Document(
        title="校外培训机构监管报表",
        subtitle=f"风险评估日期：{as_of}；执法统计期间：{cn_period(start, end)}；制表日期：{cn_date(today)}",
        date=today,
        summary=summary,
        sections=[
            Section("一、执法统计", ["处理措施", "数量"], enforcement, key="enforcement",
                    paragraphs=[stats["sentence"]], pdf_widths=[0.3, 0.15]),
            Section("（一）各乡镇（街道）执法处理", ["乡镇街道", "执法处理（件）"],
                    [[name or "—", n] for name, n in stats["by_area"]], key="by_area",
                    pdf_widths=[0.3, 0.15], level=2, sheet="乡镇街道执法处理"),
            Section("（二）现场检查记录", INSPECTION_HEADERS, inspections, key="inspections",
                    pdf_widths=[0.1, 0.22, 0.22, 0.08, 0.38], level=2, sheet="现场检查记录"),
            Section("二、预收费风险排名", RANKING_HEADERS, ranking, key="ranking", kinds=RANKING_KINDS,
                    pdf_widths=[0.04, 0.16, 0.08, 0.05, 0.04, 0.06, 0.08, 0.08, 0.41]),
        ],
        filename=f"校外培训监管报表_{today:%Y%m%d}",
        audit={"start": start.isoformat(), "end": end.isoformat(), "ranking": len(ranking)},
    )  # fmt: skip


def supervision_document(
    *, actor: User | None, start: dt.date | None = None, end: dt.date | None = None
) -> Document:
    """The report of a period (default: this year to today)."""
    today = timezone.localdate()
    return supervision_report(
        actor=actor, today=today, start=start or dt.date(today.year, 1, 1), end=end or today
    )


def institutions_document(
    *, actor: User | None, q: str = "", status: str = "", category: str = "", list_status: str = ""
) -> Document:
    """The institution list as filtered on its page; contact phones masked for the roles that do
    not need them."""
    reader = read_as(actor)
    form = InstitutionFilterForm({"q": q, "status": status, "category": category, "list_status": list_status})
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "search": normalize_cell(form.cleaned_data["q"]),
            "status": form.cleaned_data["status"],
            "category": form.cleaned_data["category"],
            "list_status": form.cleaned_data["list_status"] or None,
        }
    full = selectors.can_see_identity(reader)
    rows = [
        [
            i.name,
            i.credit_code,
            i.licence_number,
            i.get_category_display(),
            i.get_mode_display(),
            i.area.name,
            i.address,
            i.legal_representative,
            i.contact_phone if full else mask_phone(i.contact_phone),
            i.get_status_display(),
            i.get_list_status_display(),
            i.get_custody_mode_display(),
        ]
        for i in selectors.institution_list(user=reader, **filters).iterator()
    ]
    headers = ["机构名称", "统一社会信用代码", "办学许可证号", "类别", "方式", "乡镇街道", "地址",
               "法定代表人", "联系电话", "状态", "名单", "资金监管"]  # fmt: skip
    return Document(
        title="校外培训机构",
        sections=[Section("校外培训机构", headers, rows, key="institutions")],
        layout="data",
        filename="校外培训机构",
    )


def staff_document(*, actor: User | None, institution: int) -> Document:
    """An institution's staff; ID numbers and phones masked for the roles that do not need them."""
    reader = read_as(actor)
    inst = scoped(Institution, reader).select_related("area").filter(pk=institution).first()
    if inst is None:
        raise Http404("机构不存在或不在您的数据范围内")
    if actor is not None:
        ensure_can(actor, "tutoring.export", inst)
    rows = [
        [r.name, r.id_number, r.phone, r.is_tutor, r.teaches_subject, r.subject, r.qualification_number,
         r.background_checked, r.in_service]
        for r in selectors.staff_rows(user=reader, institution=inst)
    ]  # fmt: skip
    headers = ["姓名", "身份证号", "手机号", "培训教师", "学科类", "科目", "教师资格证书编号", "背景审查",
               "在职中小学教师"]  # fmt: skip
    return Document(
        title=f"{inst.name}从业人员",
        sections=[Section(f"{inst.name}从业人员"[:31], headers, rows, key="staff")],
        layout="data",
        filename=f"{inst.name}从业人员"[:31],
        audit={"institution": inst.pk},
    )


def violations_document(*, actor: User | None) -> Document:
    rows = [
        [r.institution, r.what, r.when, r.message, r.citation]
        for r in selectors.violation_rows(user=read_as(actor))
    ]
    return Document(
        title="校外培训违规情况",
        sections=[
            Section("校外培训违规情况", ["机构", "对象", "时间", "违规情况", "依据"], rows, key="violations")
        ],
        layout="data",
        filename="校外培训违规情况",
    )


def risk_document(*, actor: User | None) -> Document:
    rows = [
        [r.institution.name, r.date, float(r.unconsumed), float(r.custody_balance),
         None if r.coverage is None else round(r.coverage, 4), r.score, r.get_level_display(),
         "；".join(r.reasons)]
        for r in selectors.latest_risk(user=read_as(actor))
    ]  # fmt: skip
    return Document(
        title="预收费风险排名",
        sections=[
            Section(
                "预收费风险排名",
                ["机构", "日期", "未消课余额", "监管资金", "覆盖率", "风险分", "等级", "原因"],
                rows,
                key="risk",
            )
        ],
        layout="data",
        filename="预收费风险排名",
    )
