"""The scheduler's error codes (namespaced as `scheduler.<NAME>` in the API)."""

from __future__ import annotations

from edugov.common.errors import ErrorCode


class SchedulerError(ErrorCode):
    UNKNOWN_JOB = "没有名为“{job}”的定时任务"
    JOB_RUNNING = "该任务正在运行，请稍后刷新查看结果"
