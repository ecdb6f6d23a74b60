"""The party module's registered report: the coverage table (summary first) — schools under
principal responsibility under party leadership against the district's target, by town and school."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from edugov.reports import Document, Param, Section, Verdict, read_as, register_report

from . import selectors
from .services import TERM_RE, term_of

if TYPE_CHECKING:
    from edugov.accounts.models import User


def coverage_document(*, actor: User | None, term: str | None = None) -> Document:
    reader = read_as(actor)
    today = timezone.localdate()
    if not term or not TERM_RE.match(term):
        term = term_of(today)
    c = selectors.coverage(actor=reader, today=today, term=term)
    target = c.target
    met = target is not None and c.needed == 0
    return Document(
        title="党组织领导的校长负责制覆盖情况表",
        subtitle=f"{term}学期",
        date=today,
        summary=[
            ("中小学", f"{c.schools}所"),
            ("已实行", f"{c.covered}所（{c.share if c.share is not None else 0:g}%）"),
            ("目标", f"{target.deadline:%Y年%m月%d日}前覆盖{target.share}%" if target else "未设定"),
            ("尚需推进", f"{c.needed}所"),
            ("示范校", f"{c.demonstration}所"),
            ("党建品牌（一校一品）", f"{c.branded}所"),
        ],
        verdicts=[Verdict("覆盖目标", "达标" if met else "未达标", f"尚需{c.needed}所")] if target else [],
        failures=[f"尚有{c.needed}所学校未实行，未达标"] if target and not met else [],
        sections=[
            Section(
                "一、各乡镇（街道）",
                ["乡镇（街道）", "学校数", "已实行", "覆盖率", "示范校", "党建品牌"],
                [
                    [t.town, t.schools, t.covered, (t.share or 0) / 100, t.demonstration, t.branded]
                    for t in c.towns
                ],
                key="towns",
                kinds=["text", "int", "int", "percent", "int", "int"],
            ),
            Section(
                "二、各校情况",
                [
                    "乡镇（街道）",
                    "学校",
                    "党组织形式",
                    "党组织会议议事规则",
                    "校长办公会议议事规则",
                    "是否实行",
                    "示范校",
                    "党建品牌",
                    "本学期党组织会议（次）",
                    "本学期校长办公会议（次）",
                ],
                [
                    [
                        r.town,
                        r.school_name,
                        r.org_kind,
                        "已制定" if r.rules_adopted else "未制定",
                        "已制定" if r.office_rules_adopted else "未制定",
                        "已实行" if r.covered else "未实行",
                        "是" if r.demonstration else "",
                        r.brand,
                        r.party_meetings if r.party_meetings is not None else "",
                        r.office_meetings if r.office_meetings is not None else "",
                    ]
                    for r in c.rows
                ],
                note="只统计组织状态和会议次数，不含党员名单和个人政治信息。",
                key="schools",
            ),
        ],
        filename=f"校长负责制覆盖情况_{term}",
    )


register_report(
    "party.coverage",
    "党组织领导的校长负责制覆盖情况表",
    action="party.report",
    builder=coverage_document,
    params=(Param("term", "学期（如2026-2027-1）"),),
    model="party.PartyStatus",
)
