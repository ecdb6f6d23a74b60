"""Red and black lists (红黑榜): units ranked for a period by rules kept as data
(data/ranking_rules.toml), a draft → approved → published workflow, and the formal notice as
a document of the report registry (`rectification.ranking_notice`, XLSX/PDF/JSON). Units only,
never pupils."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from edugov.accounts.policy import ensure_can, role_may
from edugov.accounts.scope import ensure_in_write_scope, scoped
from edugov.audit.models import AuditAction
from edugov.audit.services import audit_record, snapshot
from edugov.common.errors import DomainError, ErrorCode
from edugov.registry.models import Area
from edugov.reports import Document, Section, Signature, read_as

from . import permissions
from .lists import TIES_IN_WORDS, red_and_black, shared_ranks
from .models import (
    WORKING_STATUSES,
    ItemSource,
    ListKind,
    PeriodKind,
    Ranking,
    RankingEntry,
    RankingStatus,
    RectificationItem,
)

if TYPE_CHECKING:
    from edugov.accounts.models import User

RULES_FILE = Path(__file__).resolve().parent / "data" / "ranking_rules.toml"


class RankingError(ErrorCode):
    BAD_PERIOD = "统计截止日期不能早于开始日期"
    STATUS = "当前状态为“{status}”，不能{action}"
    ROLE = "只有区县管理员或督导室人员可以{action}"
    READ_ONLY = "您的账号为只读账号"
    BAD_RULES = "评分规则有误：{reason}"


def load_rules(path: Path = RULES_FILE) -> dict[str, Any]:
    with path.open("rb") as fh:
        rules = tomllib.load(fh)
    check_rules(rules)
    return rules


def check_rules(rules: dict[str, Any]) -> None:
    try:
        codes = [m["code"] for m in rules["metrics"]]
        float(rules["base"])
        for m in rules["metrics"]:
            float(m["weight"])
        int(rules["red"]["top"]), int(rules["black"]["bottom"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DomainError(RankingError.BAD_RULES, reason=str(exc)[:80]) from None
    unknown = set(codes) - set(METRICS)
    if unknown:
        raise DomainError(RankingError.BAD_RULES, reason=f"未知指标 {', '.join(sorted(unknown))}")


METRICS = {
    "on_time_rate": "按期销号率",
    "overdue_items": "逾期未整改事项数",
    "data_findings_open": "数据监测发现未销号问题数",
    "due_items": "统计期内到期事项数",
    "task_items_open": "重点任务节点逾期未销号数",
}


@dataclass(frozen=True)
class UnitFigures:
    """What the rules score for one unit in one period (plain numbers, so rules test by hand)."""

    unit_kind: str
    unit_key: str
    unit_name: str
    area_id: int
    due_items: int
    closed_on_time: int
    overdue_items: int
    data_findings_open: int
    task_items_open: int = 0  # overdue strategic-task milestones raised as items, not yet closed

    @property
    def on_time_rate(self) -> float:
        return self.closed_on_time / self.due_items if self.due_items else 0.0


@dataclass(frozen=True)
class Scored:
    figures: UnitFigures
    score: Decimal
    list_kind: str
    rank: int


def score_units(figures: list[UnitFigures], rules: dict[str, Any]) -> list[Scored]:
    """Score, rank (best first; ties by fewer overdue items; units equal on both share a rank) and
    place units on the red and black lists as the rules say. Units without due items in the period
    are not ranked."""
    base = float(rules["base"])
    eligible = [f for f in figures if f.due_items >= int(rules.get("min_due_items", 1))]
    scored: list[tuple[Decimal, UnitFigures]] = []
    for f in eligible:
        total = base + sum(float(m["weight"]) * float(getattr(f, m["code"])) for m in rules["metrics"])
        scored.append((Decimal(f"{total:.2f}"), f))
    scored.sort(key=lambda p: (-p[0], p[1].overdue_items, p[1].unit_name))
    red, black = rules["red"], rules["black"]
    red_top, black_bottom = red_and_black(
        [(s, f.unit_key) for s, f in scored],
        red_eligible={
            f.unit_key
            for s, f in scored
            if s >= Decimal(str(red["min_score"])) and f.overdue_items <= int(red["max_overdue"])
        },
        top=int(red["top"]),
        black_eligible={
            f.unit_key
            for s, f in scored
            if s < Decimal(str(black["max_score"])) or f.overdue_items >= int(black["min_overdue"])
        },
        bottom=int(black["bottom"]),
    )
    # Units equal on score and overdue items share a rank (并列); the name only orders them.
    ranks = shared_ranks([(s, f.overdue_items) for s, f in scored])
    out = []
    for rank, (s, f) in zip(ranks, scored, strict=True):
        kind = ListKind.RED if f.unit_key in red_top else ListKind.BLACK if f.unit_key in black_bottom else ""
        out.append(Scored(figures=f, score=s, list_kind=kind, rank=rank))
    return out


def unit_figures(*, area: Area, start: dt.date, end: dt.date) -> list[UnitFigures]:
    """Per school / institution under `area`: items due in [start, end], how many were closed on
    time, how many are overdue at `end`, how many data findings are still open."""
    items = RectificationItem.objects.filter(area__path__startswith=area.path).exclude(unit_kind="area")
    rows = items.filter(
        Q(deadline__range=(start, end))
        | Q(status__in=WORKING_STATUSES, deadline__lt=end)
        | (~Q(status="closed") & Q(source__in=(ItemSource.DATA, ItemSource.TASK)))
    ).values(
        "unit_kind",
        "school_id",
        "institution_id",
        "unit_name",
        "area_id",
        "deadline",
        "status",
        "closed_at",
        "closed_on_time",
        "source",
    )
    acc: dict[str, dict[str, Any]] = {}
    end_dt = dt.datetime.combine(end, dt.time.max, tzinfo=timezone.get_current_timezone())
    for r in rows:
        key = (
            f"school:{r['school_id']}" if r["unit_kind"] == "school" else f"institution:{r['institution_id']}"
        )
        a = acc.setdefault(
            key,
            {
                "unit_kind": r["unit_kind"],
                "unit_key": key,
                "unit_name": r["unit_name"],
                "area_id": r["area_id"],
                "due_items": 0,
                "closed_on_time": 0,
                "overdue_items": 0,
                "data_findings_open": 0,
                "task_items_open": 0,
            },
        )
        closed_by_end = r["status"] == "closed" and r["closed_at"] is not None and r["closed_at"] <= end_dt
        if start <= r["deadline"] <= end:
            a["due_items"] += 1
            if closed_by_end and r["closed_on_time"]:
                a["closed_on_time"] += 1
        if r["status"] in WORKING_STATUSES and r["deadline"] < end:
            a["overdue_items"] += 1
        if r["source"] == ItemSource.DATA and r["status"] != "closed":
            a["data_findings_open"] += 1
        if r["source"] == ItemSource.TASK and r["status"] != "closed":
            a["task_items_open"] += 1
    return [UnitFigures(**a) for a in acc.values()]


def period_bounds(kind: str, year: int, number: int) -> tuple[dt.date, dt.date]:
    """(first day, last day) of month `number` or quarter `number` of `year`."""
    if kind == PeriodKind.MONTH:
        start = dt.date(year, number, 1)
        nxt = dt.date(year + (number == 12), number % 12 + 1, 1)
    else:
        start = dt.date(year, 3 * (number - 1) + 1, 1)
        nxt = dt.date(year + (number == 4), (3 * number) % 12 + 1, 1)
    return start, nxt - dt.timedelta(days=1)


def may_manage(user: Any) -> bool:
    """District administrators and the supervision office make, approve and publish rankings."""
    return role_may(user, permissions.action("ranking_create"))


@transaction.atomic
def ranking_create(
    *,
    user: Any,
    area: Area,
    period_kind: str,
    period_start: dt.date,
    period_end: dt.date,
    rules: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> Ranking:
    ensure_can(user, permissions.action("ranking_create"))
    ensure_in_write_scope(area, user)
    if period_end < period_start:
        raise DomainError(RankingError.BAD_PERIOD)
    rules = rules if rules is not None else load_rules()
    check_rules(rules)
    now = now or timezone.now()
    if period_kind == PeriodKind.QUARTER:
        period = f"{period_start.year}年第{(period_start.month - 1) // 3 + 1}季度"
    else:
        period = f"{period_start:%Y年%m月}"
    ranking = Ranking.objects.create(
        title=f"{area.name}{period}整改工作红黑榜",
        area=area,
        period_kind=period_kind,
        period_start=period_start,
        period_end=period_end,
        rules=rules,
        created_by=user if getattr(user, "pk", None) else None,
        created_at=now,
    )
    scored = score_units(unit_figures(area=area, start=period_start, end=period_end), rules)
    RankingEntry.objects.bulk_create(
        [
            RankingEntry(
                ranking=ranking,
                rank=s.rank,
                unit_kind=s.figures.unit_kind,
                unit_key=s.figures.unit_key,
                unit_name=s.figures.unit_name,
                area_id=s.figures.area_id,
                score=s.score,
                list_kind=s.list_kind,
                metrics={
                    "due_items": s.figures.due_items,
                    "closed_on_time": s.figures.closed_on_time,
                    "on_time_rate": round(s.figures.on_time_rate, 4),
                    "overdue_items": s.figures.overdue_items,
                    "data_findings_open": s.figures.data_findings_open,
                    "task_items_open": s.figures.task_items_open,
                },
            )
            for s in scored
        ]
    )
    audit_record(
        action=AuditAction.CREATE, instance=ranking, changes={"after": snapshot(ranking)}, area_path=area.path
    )
    return ranking


def _move(
    ranking: Ranking, *, user: Any, expect: str, to: str, action: str, step: str, now: dt.datetime | None
) -> Ranking:
    ensure_can(user, permissions.action(step), ranking)
    ranking = Ranking.objects.select_for_update().get(pk=ranking.pk)
    if ranking.status != expect:
        raise DomainError(RankingError.STATUS, status=RankingStatus(ranking.status).label, action=action)
    now = now or timezone.now()
    before = ranking.status
    ranking.status = to
    fields = ["status"]
    if to == RankingStatus.APPROVED:
        ranking.approved_by, ranking.approved_at = user, now
        fields += ["approved_by", "approved_at"]
    else:
        ranking.published_at = now
        ranking.notice_number = f"{ranking.area.name}教督〔{now:%Y}〕{ranking.pk}号"
        fields += ["published_at", "notice_number"]
    ranking.save(update_fields=fields)
    audit_record(
        action=AuditAction.UPDATE,
        instance=ranking,
        changes={"status": [before, to]},
        area_path=ranking.area.path,
    )
    return ranking


@transaction.atomic
def ranking_approve(*, ranking: Ranking, user: Any, now: dt.datetime | None = None) -> Ranking:
    return _move(
        ranking,
        user=user,
        expect=RankingStatus.DRAFT,
        to=RankingStatus.APPROVED,
        action="审核",
        step="ranking_approve",
        now=now,
    )


@transaction.atomic
def ranking_publish(*, ranking: Ranking, user: Any, now: dt.datetime | None = None) -> Ranking:
    return _move(
        ranking,
        user=user,
        expect=RankingStatus.APPROVED,
        to=RankingStatus.PUBLISHED,
        action="发布",
        step="ranking_publish",
        now=now,
    )


# The notice ---------------------------------------------------------------------------------------

NOTICE_HEADERS = [
    "名次",
    "单位",
    "单位类型",
    "得分",
    "到期事项",
    "按期销号",
    "按期销号率",
    "逾期未整改",
    "数据发现未销号",
    "榜单",
]


def notice_rows(ranking: Ranking) -> list[list[Any]]:
    rows = []
    for e in ranking.entries.all():
        m = e.metrics
        rows.append(
            [
                e.rank,
                e.unit_name,
                e.get_unit_kind_display(),
                float(e.score),
                m["due_items"],
                m["closed_on_time"],
                round(float(m["on_time_rate"]), 4),  # a fraction: the writers print it as a percentage
                m["overdue_items"],
                m["data_findings_open"],
                e.get_list_kind_display(),
            ]
        )
    return rows


def notice_text(ranking: Ranking) -> list[str]:
    rules = ranking.rules

    def n(value: Any) -> str:  # 40.0 reads 40 in a notice
        return f"{value:g}" if isinstance(value, int | float) else str(value)

    metric_text = "；".join(f"{m['name']}（权重{n(m['weight'])}）" for m in rules["metrics"])
    return [
        f"为推动问题清单对账销号，根据《{rules['meta']['title']}》，现将{ranking.period_start:%Y年%m月%d日}至"
        f"{ranking.period_end:%Y年%m月%d日}各单位整改工作情况通报如下。",
        f"评分方法：基础分{n(rules['base'])}分，{metric_text}。",
        f"红榜：得分不低于{n(rules['red']['min_score'])}分且无逾期事项的前{rules['red']['top']}名；"
        f"黑榜：得分低于{n(rules['black']['max_score'])}分或逾期事项不少于{rules['black']['min_overdue']}项的"
        f"后{rules['black']['bottom']}名。{TIES_IN_WORDS}",
        "本榜单仅对单位整改工作进行排名，不涉及学生个人。",
    ]


def notice_document(ranking: Ranking) -> Document:
    """The formal notice (通报): title, number, the rules in words, the table, and the bureau's
    signature once published. A draft's file name says it is not published."""
    draft = "" if ranking.status == RankingStatus.PUBLISHED else "（未发布）"
    signature = None
    if ranking.published_at:
        signature = Signature(
            body=f"{ranking.area.name}教育局", date=timezone.localdate(ranking.published_at)
        )
    return Document(
        title=ranking.title,
        issuer=f"{ranking.area.name}教育局",
        number=ranking.notice_number,
        paragraphs=notice_text(ranking),
        sections=[
            Section(
                "",
                NOTICE_HEADERS,
                notice_rows(ranking),
                key="entries",
                kinds=["int", "text", "text", "number", "int", "int", "percent", "int", "int", "text"],
                pdf_columns=[0, 1, 3, 4, 5, 6, 7, 8, 9],
                pdf_widths=[0.07, 0.29, 0.08, 0.08, 0.08, 0.1, 0.08, 0.1, 0.12],
                highlight={ListKind.RED.label: "#fde8e8", ListKind.BLACK.label: "#eeeeee"},
            )
        ],
        signature=signature,
        layout="single",
        cover="红黑榜",
        landscape=False,
        filename=f"{ranking.title}{draft}",
        audit={"ranking": ranking.pk, "status": ranking.status},
    )


def notice_for(*, actor: User | None, ranking: int) -> Document:
    """The registry's builder: the notice of a ranking the actor reads (and may export)."""
    found = scoped(Ranking, read_as(actor)).select_related("area").filter(pk=ranking).first()
    if found is None:
        raise Http404("红黑榜不存在或不在您的数据范围内")
    if actor is not None:
        ensure_can(actor, permissions.action("ranking_notice"), found)
    return notice_document(found)
