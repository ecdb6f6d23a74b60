"""The rectification module's registered reports: the red and black list notice (红黑榜通报)."""

from __future__ import annotations

from edugov.reports import Param, register_report
from edugov.reports.registry import integer

from . import permissions, rankings

register_report(
    "rectification.ranking_notice",
    "红黑榜通报",
    action=permissions.action("ranking_notice"),
    builder=rankings.notice_for,
    params=(Param("ranking", "红黑榜", integer, required=True),),
    model="rectification.Ranking",
)
