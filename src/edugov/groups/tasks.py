"""Background tasks of school groups (they only call services): recompute a group's effect after
a change to its membership, in the task worker rather than on the page."""

from __future__ import annotations

from django_tasks import task


@task()
def effect_refresh_task(group_ids: list[int]) -> str:
    from .services.effect import effect_refresh

    n = effect_refresh(group_ids=group_ids, force=True)
    return f"已重新计算{n}个集团的办学成效"
