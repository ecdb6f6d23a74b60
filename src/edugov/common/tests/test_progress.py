"""Progress of command-line work in a log (not a terminal): plain lines, no carriage returns."""

from __future__ import annotations

import io
import re

import pytest

from edugov.common.progress import ProgressBar, working


def test_steps_are_one_line_each():
    out = io.StringIO()
    bar = ProgressBar(out, unit="张表", desc="导出")
    bar.update(0, 2, "area")
    bar.update(1, 2, "school")
    bar.update(2, 2)
    bar.close()
    assert out.getvalue().splitlines() == [
        "导出：已完成 0/2 张表，正在处理 area",
        "导出：已完成 1/2 张表，正在处理 school",
        "导出：已完成 2/2 张表",
    ]


def test_a_computation_has_a_start_and_an_end_line_even_when_it_fails():
    out = io.StringIO()
    with working(out, "临溪区优质均衡评估"):
        pass
    start, end = out.getvalue().splitlines()
    assert start == "临溪区优质均衡评估：开始计算"
    assert re.fullmatch(r"临溪区优质均衡评估：完成，用时 \d+\.\d 秒", end)
    failed = io.StringIO()
    with pytest.raises(ValueError), working(failed, "评估"):
        raise ValueError("engine")
    assert failed.getvalue() == "评估：开始计算\n"  # no false "完成" after a failure
