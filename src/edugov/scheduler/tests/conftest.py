"""A throwaway job registered for the duration of one test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from edugov.scheduler.registry import JobContext, PeriodicJob, Schedule, register_job, unregister_job

TEST_JOB = "tests.sample"


@pytest.fixture
def sample_job() -> Iterator[Callable[[Callable[[JobContext], str]], PeriodicJob]]:
    def register(fn: Callable[[JobContext], str], minutes: int = 15) -> PeriodicJob:
        unregister_job(TEST_JOB)
        return register_job(
            PeriodicJob(name=TEST_JOB, label="测试任务", schedule=Schedule(minutes=minutes), fn=fn)
        )

    yield register
    unregister_job(TEST_JOB)
