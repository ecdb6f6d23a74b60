"""The demo district carries strategic tasks in every RAG state, the leader's liaison schools and
visits, and a supervision plan, each raising items that the battle map shows."""

import datetime as dt

import pytest

from edugov.accounts.models import User
from edugov.demo.services import demo_build
from edugov.rectification import liaison, strategy
from edugov.rectification.models import WORKING_STATUSES, ItemSource, RectificationItem
from edugov.supervision import selectors as sup_selectors

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)


def test_demo_tells_the_work_story():
    demo_build(seed=3, scale=0.2, today=TODAY)
    admin = User.objects.get(username="admin")
    board = strategy.task_board(user=admin, year=TODAY.year, today=TODAY)  # the goal of the build year
    assert board.totals["tasks"] == 10
    for source in (ItemSource.TASK, ItemSource.LEADER_VISIT, ItemSource.SUPERVISION):
        assert RectificationItem.objects.filter(source=source).exists(), source
    leader = User.objects.get(username="leader")
    assert liaison.liaison_schools(user=leader, leader=leader).count() == 6
    assert liaison.visit_list(user=leader, leader=leader).count() == 4
    plan = sup_selectors.plan_list(actor=admin).get()
    assert plan.title == "2026年责任督学挂牌督导（第四季度）"
    assert plan.start_date <= TODAY <= plan.end_date
    progress = sup_selectors.plan_progress(actor=admin, plan=plan)
    assert progress["submitted"] >= 1 and progress["drafts"] >= 1
    # Items are dated back from the build date: on it, some are overdue and some not yet due.
    working = RectificationItem.objects.filter(status__in=WORKING_STATUSES)
    assert working.filter(deadline__lt=TODAY).exists()
    assert working.filter(deadline__gte=TODAY).exists()
