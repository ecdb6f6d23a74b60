"""The supervision report as PDF (校外培训监管报表): headline figures, the risk ranking with its reasons
and the enforcement statistics of a period, in the sentence bureaus report. reportlab with the
built-in CID font STSong-Light, so no font file is needed. Built from selectors, so it shows exactly
what the user may see; the view audits every download."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from . import selectors

FONT = "STSong-Light"
RANK_ROWS = 300
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
]  # the whole demo district; a province-level officer gets the 300 worst


@dataclass
class SupervisionReport:
    title: str
    subtitle: str
    summary: list[tuple[str, str]]
    sentence: str
    ranking_headers: list[str]
    ranking: list[list[str]] = field(default_factory=list)
    enforcement: list[list[str]] = field(default_factory=list)
    by_area: list[list[str]] = field(default_factory=list)


def _yuan(v: Any) -> str:
    return f"{float(v):,.0f}"


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.0f}%"


def supervision_report(*, user: Any, today: dt.date, start: dt.date, end: dt.date) -> SupervisionReport:
    data = selectors.dashboard(user=user, today=today)
    stats = selectors.enforcement_stats(user=user, start=start, end=end)
    risk = list(selectors.latest_risk(user=user)[:RANK_ROWS])
    levels = data["levels"]
    summary = [
        ("机构总数", f"{data['total']}家（白名单{data['white']}家，黑名单{data['black']}家）"),
        ("风险等级", f"高{levels['high']}家，中{levels['medium']}家，低{levels['low']}家"),
        ("未消课预收费余额", f"{_yuan(data['unconsumed'])}元"),
        ("监管资金", f"{_yuan(data['custody'])}元（覆盖率{_pct(data['coverage'])}）"),
        ("待处置无证无照培训点", f"{data['unlicensed_open']}个"),
        ("近7天未处理预警", f"{data['alerts']}条"),
        ("办理中的投诉", f"{data['complaints_open']}件"),
    ]
    ranking = [
        [
            str(n),
            r.institution.name,
            r.institution.area.name,
            str(r.score),
            r.get_level_display(),
            _pct(r.coverage),
            _yuan(r.unconsumed),
            _yuan(r.custody_balance),
            "；".join(r.reasons) or "无",
        ]
        for n, r in enumerate(risk, start=1)
    ]
    as_of = risk[0].date.strftime("%Y年%m月%d日") if risk else "尚未计算"
    enforcement = [[stats["labels"][k], str(v)] for k, v in stats["counts"].items()]
    enforcement.append(["检查（次）", str(stats["inspections"])])
    return SupervisionReport(
        title="校外培训机构监管报表",
        subtitle=f"风险评估日期：{as_of}；执法统计期间：{start:%Y年%m月%d日}至{end:%Y年%m月%d日}；"
        f"制表日期：{today:%Y年%m月%d日}",
        summary=summary,
        sentence=stats["sentence"],
        ranking_headers=RANKING_HEADERS,
        ranking=ranking,
        enforcement=enforcement,
        by_area=[[name or "—", str(n)] for name, n in stats["by_area"]],
    )


def report_pdf(report: SupervisionReport) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    h1 = ParagraphStyle("h1", fontName=FONT, fontSize=16, leading=22, spaceAfter=6)
    h2 = ParagraphStyle("h2", fontName=FONT, fontSize=12, leading=16, spaceBefore=8, spaceAfter=4)
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=13)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7, leading=9)
    page = landscape(A4)
    width = page[0] - 20 * mm
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=page, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=10 * mm,
        bottomMargin=10 * mm, title=report.title,
    )  # fmt: skip
    style = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def table(headers: list[str], rows: list[list[str]], widths: list[float]) -> Table:
        # Names typed by users may hold "<" or "&", which reportlab would read as markup.
        data = [[Paragraph(escape(h), cell) for h in headers]]
        body_rows = [[Paragraph(escape(v), cell) for v in r] for r in rows]
        data += body_rows or [[Paragraph("无", cell)] * len(headers)]
        t = Table(data, repeatRows=1, colWidths=[width * w for w in widths])
        t.setStyle(style)
        return t

    story: list[Any] = [Paragraph(report.title, h1), Paragraph(escape(report.subtitle), body)]
    story.append(Spacer(1, 3 * mm))
    story.append(table(["项目", "情况"], [list(kv) for kv in report.summary], [0.25, 0.75]))
    story += [Paragraph("一、执法统计", h2), Paragraph(escape(report.sentence), body), Spacer(1, 2 * mm)]
    story.append(table(["处理措施", "数量"], report.enforcement, [0.3, 0.15]))
    story += [Spacer(1, 2 * mm), table(["乡镇街道", "执法处理（件）"], report.by_area, [0.3, 0.15])]
    story += [Paragraph("二、预收费风险排名", h2)]
    widths = [0.04, 0.16, 0.08, 0.05, 0.04, 0.06, 0.08, 0.08, 0.41]
    story.append(table(report.ranking_headers, report.ranking, widths))
    doc.build(story)
    return out.getvalue()
