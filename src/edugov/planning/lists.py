"""Construction projects' monthly progress: delay flags and the month's red and black list
(项目建设红黑榜). Pure functions over plain figures so the rules test by hand.

Scoring (rules in data/planning.toml): base − per_point_behind × points behind plan − per_overdue_
milestone × overdue milestones − late (past planned completion, not completed). Projects are ranked
best first; projects equal on score and points behind share a rank (1, 2, 2, 4). Red: the top N with
score ≥ min_score and no delay flag; black: the bottom N with score < max_score or late. A cut-off
never splits a tie (the rule of every list, rectification.lists). Projects, never people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edugov.rectification.lists import red_and_black, shared_ranks


@dataclass(frozen=True)
class ProjectFigures:
    project_id: int
    name: str
    school: str
    planned_pct: int | None  # None: no progress reported for the month
    actual_pct: int | None
    overdue_milestones: int
    late: bool
    completed: bool

    @property
    def behind(self) -> int:
        if self.completed or self.planned_pct is None or self.actual_pct is None:
            return 0
        return max(0, self.planned_pct - self.actual_pct)


def flags(f: ProjectFigures, rules: dict[str, Any]) -> list[str]:
    """The delay flags of a project in words (empty: on schedule)."""
    p = rules["projects"]
    out = []
    if not f.completed and f.planned_pct is None:
        out.append("本月未报送进度")
    if f.behind >= int(p["seriously_behind_points"]):
        out.append(f"严重滞后（落后计划{f.behind}个百分点）")
    elif f.behind >= int(p["behind_points"]):
        out.append(f"进度滞后（落后计划{f.behind}个百分点）")
    if f.overdue_milestones:
        out.append(f"逾期节点{f.overdue_milestones}个")
    if f.late:
        out.append("超过计划竣工日期未竣工")
    return out


def score(f: ProjectFigures, rules: dict[str, Any]) -> float:
    s = rules["projects"]["score"]
    total = float(s["base"]) - float(s["per_point_behind"]) * f.behind
    total -= float(s["per_overdue_milestone"]) * f.overdue_milestones
    if f.late:
        total -= float(s["late"])
    return round(total, 2)


def rank(figures: list[ProjectFigures], rules: dict[str, Any]) -> list[dict[str, Any]]:
    """Entries best first: rank, score, flags, list ("红榜", "黑榜" or "")."""
    p = rules["projects"]
    scored = sorted(((score(f, rules), f) for f in figures), key=lambda t: (-t[0], t[1].behind, t[1].name))
    red, black = red_and_black(
        [(s, f.project_id) for s, f in scored],
        red_eligible={
            f.project_id for s, f in scored if s >= float(p["red"]["min_score"]) and not flags(f, rules)
        },
        top=int(p["red"]["top"]),
        black_eligible={f.project_id for s, f in scored if s < float(p["black"]["max_score"]) or f.late},
        bottom=int(p["black"]["bottom"]),
    )
    ranks = shared_ranks([(s, f.behind) for s, f in scored])
    out: list[dict[str, Any]] = []
    for position_rank, (s, f) in zip(ranks, scored, strict=True):
        out.append(
            {
                "rank": position_rank,
                "project_id": f.project_id,
                "project": f.name,
                "school": f.school,
                "planned_pct": f.planned_pct,
                "actual_pct": f.actual_pct,
                "behind": f.behind,
                "overdue_milestones": f.overdue_milestones,
                "late": f.late,
                "score": s,
                "flags": flags(f, rules),
                "list": "红榜" if f.project_id in red else "黑榜" if f.project_id in black else "",
            }
        )
    return out
