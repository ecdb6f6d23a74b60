"""The rectification module's registered reports: the red and black list notice (红黑榜通报)."""

from __future__ import annotations

from typing import Any

from edugov.accounts.scope import scoped
from edugov.reports import Param, register_report
from edugov.reports.registry import integer

from . import permissions, rankings
from .models import Ranking


def first_ranking(reader: Any) -> list[dict[str, str]]:
    """The ranking a reader opens first: the top of their list (the latest period)."""
    pk = scoped(Ranking, reader).values_list("pk", flat=True).first()  # Meta.ordering: latest first
    return [] if pk is None else [{"ranking": str(pk)}]


register_report(
    "rectification.ranking_notice",
    "红黑榜通报",
    action=permissions.action("ranking_notice"),
    builder=rankings.notice_for,
    params=(Param("ranking", "红黑榜", integer, required=True),),
    model="rectification.Ranking",
    first_params=first_ranking,
)
