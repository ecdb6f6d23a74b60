"""Demo story of strategic tasks (the district's “十个一” key tasks with milestones in every RAG
state) and leader liaison (the demo leader linked to schools, visits with problems raised as
items); supervision's demo is its own (edugov.supervision.demo).
Seeded by ctx.rng and dated from the reference time (the day the demo is built for) only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from edugov.accounts.models import User

from . import liaison, strategy
from .models import KeyTask, LeaderVisit, Milestone

TEN_ONES = [
    ("新建一所九年一贯制学校", "planning_finance"),
    ("消除一批大班额", "basic_education"),
    ("打造一批“双减”示范校", "basic_education"),
    ("建设一批智慧校园", "planning_finance"),
    ("引进一批骨干教师", "personnel"),
    ("开展一轮校园安全隐患大排查", "safety"),
    ("规范一批校外培训机构", "tutoring_supervision"),
    ("完成一轮责任督学挂牌督导全覆盖", "supervision_office"),
    ("改造一批农村学校旱厕和食堂", "planning_finance"),
    ("办好一批家门口的好学校", "basic_education"),
]
CODES = "一二三四五六七八九十"
LEADER_PROBLEMS = [
    ("教学楼外墙瓷砖脱落", "立即设置警戒区，一个月内完成修缮", "safety"),
    ("学校反映体育教师缺额2人", "通过区内交流轮岗补足体育教师", "personnel"),
    ("食堂操作间排烟不畅", "暑期前完成排烟改造", "planning_finance"),
    ("课后服务内容单一", "引入社会优质资源，丰富课后服务项目", "basic_education"),
]


def build_work(ctx: Any, *, district: Any, schools: list[Any], ref: dt.datetime) -> None:
    rng = ctx.rng("rectification.work")
    admin = User.objects.filter(username="admin").first()
    leader = User.objects.filter(username="leader").first()
    if admin is None:
        return
    today = ref.date()
    year_start = dt.date(today.year, 1, 1)
    year_end = dt.date(today.year, 12, 31)
    created = ref - dt.timedelta(days=(today - year_start).days)
    goal = strategy.goal_create(
        user=admin,
        area=district,
        year=today.year,
        title=f"{today.year}年教育“十个一”重点工作",
        description="区教育局年度重点工作，按任务节点挂图作战。",
        now=created,
    )
    elapsed = (today - year_start).days / max(1, (year_end - year_start).days)
    for i, (title, dept) in enumerate(TEN_ONES):
        school = schools[i % len(schools)] if dept == "basic_education" and i % 2 else None
        task = strategy.task_create(
            user=admin,
            goal=goal,
            code=CODES[i],
            title=title,
            department=dept,
            start_date=year_start,
            deadline=year_end,
            school=school,
            owner_name=rng.choice(["张科长", "王科长", "刘主任", "陈校长"]),
            order=i,
            now=created,
        )
        # Three milestones at a quarter, a half and the end of the year; progress around the time
        # elapsed, some ahead, some far behind (red) and one overdue.
        for k, (name, frac) in enumerate((("方案制定", 0.25), ("组织实施", 0.6), ("验收评估", 1.0))):
            deadline = year_start + dt.timedelta(days=int(frac * (year_end - year_start).days))
            done_share = elapsed / frac if frac else 1
            base = min(100, int(100 * done_share))
            lag = rng.choice([0, 0, 5, 15, 25, 40])
            progress = max(0, min(100, base - lag)) if deadline >= today or lag < 15 else min(95, base - lag)
            progress = max(0, progress)
            strategy.milestone_create(
                user=admin,
                task=task,
                title=f"{title[:20]}：{name}",
                start_date=year_start,
                deadline=deadline,
                weight=[1, 2, 1][k],
                owner_name=task.owner_name,
                progress=progress,
                now=created,
            )

    if leader is not None:
        linked = schools[:6]
        liaison.liaison_set(
            user=admin,
            leader_id=leader.pk,
            school_ids=[s.pk for s in linked],
            now=ref - dt.timedelta(days=90),
        )
        for n in range(4):
            when = ref - dt.timedelta(days=60 - 14 * n)
            visited = linked[n % len(linked) : n % len(linked) + 2]
            title, action, dept = LEADER_PROBLEMS[n % len(LEADER_PROBLEMS)]
            liaison.leader_visit_record(
                user=leader,
                visited_on=when.date(),
                school_ids=[s.pk for s in visited],
                observations=f"走访{'、'.join(s.name for s in visited)}，"
                "查看校园环境、食堂和课后服务，与校长、教师座谈。",
                problems=[
                    liaison.ProblemInput(
                        visited[0].pk, title, action, dept, when.date() + dt.timedelta(days=30)
                    )
                ],
                now=when,
            )

    ctx.count("重点任务", KeyTask.objects.count())
    ctx.count("任务节点", Milestone.objects.count())
    ctx.count("领导走访", LeaderVisit.objects.count())
