"""A job run started from the administrator's page runs in the task worker (the task only calls
the service)."""

from __future__ import annotations

from django_tasks import task


@task()
def job_run_task(name: str, trigger: str, actor_id: int | None = None) -> str:
    from edugov.accounts.models import User

    from .services import job_run

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    run = job_run(name=name, trigger=trigger, actor=actor)
    return run.outcome if run is not None else "skipped"
