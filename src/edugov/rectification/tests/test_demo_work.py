"""The demo district carries strategic tasks in every RAG state, the leader's liaison schools and
visits, and a supervision plan, each raising items that the battle map shows."""

import pytest
from django.utils import timezone

from edugov.accounts.models import User
from edugov.demo.services import demo_build
from edugov.rectification import liaison, strategy, supervision
from edugov.rectification.models import ItemSource, RectificationItem

pytestmark = pytest.mark.django_db


def test_demo_tells_the_work_story():
    demo_build(seed=3, scale=0.2)
    admin = User.objects.get(username="admin")
    board = strategy.task_board(user=admin, today=timezone.localdate())
    assert board.totals["tasks"] == 10
    for source in (ItemSource.TASK, ItemSource.LEADER_VISIT, ItemSource.SUPERVISION):
        assert RectificationItem.objects.filter(source=source).exists(), source
    leader = User.objects.get(username="leader")
    assert liaison.liaison_schools(user=leader, leader=leader).count() == 6
    assert liaison.visit_list(user=leader, leader=leader).count() == 4
    plan = supervision.plan_list(user=admin).get()
    progress = supervision.plan_progress(user=admin, plan=plan)
    assert progress["submitted"] >= 1 and progress["drafts"] >= 1
