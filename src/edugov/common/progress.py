"""Progress of long command-line work (warehouse export, evaluations): a tqdm bar on a terminal,
one plain line per step in a log (no carriage returns to garble a file)."""

from __future__ import annotations

from typing import Any, TextIO


class ProgressBar:
    """`update(done, total, label)` after each step; `close()` at the end."""

    def __init__(self, stream: TextIO, *, unit: str, desc: str) -> None:
        self.stream = stream
        self.unit = unit
        self.desc = desc
        self._bar: Any = None
        if getattr(stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self._bar = tqdm(total=0, unit=unit, desc=desc, file=stream, dynamic_ncols=True)

    def update(self, done: int, total: int, label: str = "") -> None:
        if self._bar is not None:
            self._bar.total = max(total, done)
            self._bar.n = done
            self._bar.set_postfix_str(label, refresh=False)
            self._bar.refresh()
            return
        doing = f"，正在处理 {label}" if label else ""
        self.stream.write(f"{self.desc}：已完成 {done}/{total} {self.unit}{doing}\n")
        self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
