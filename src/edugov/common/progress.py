"""Progress of long command-line work (warehouse export, evaluations): a tqdm bar on a terminal,
one plain line per step in a log (no carriage returns to garble a file)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
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

            self._bar = tqdm(
                total=0,
                desc=desc,
                file=stream,
                dynamic_ncols=True,
                bar_format=f"{{l_bar}}{{bar}}| {{n_fmt}}/{{total_fmt}} {unit} [{{elapsed}}]",
            )

    def update(self, done: int, total: int, label: str = "") -> None:
        if self._bar is not None:
            self._bar.total = max(total, done)
            self._bar.n = done
            self._bar.set_description_str(f"{self.desc} {label}".strip(), refresh=False)
            self._bar.refresh()
            return
        doing = f"，正在处理 {label}" if label else ""
        self.stream.write(f"{self.desc}：已完成 {done}/{total} {self.unit}{doing}\n")
        self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


@contextmanager
def working(stream: TextIO, label: str) -> Iterator[None]:
    """While one long computation runs (an evaluation has no rows to count): on a terminal a
    line whose elapsed time ticks every half second; in a log one line at the start and one at
    the end, with the time taken."""
    started = time.perf_counter()
    if not getattr(stream, "isatty", lambda: False)():
        stream.write(f"{label}：开始计算\n")
        stream.flush()
        yield
        stream.write(f"{label}：完成，用时 {time.perf_counter() - started:.1f} 秒\n")
        stream.flush()
        return
    from tqdm import tqdm

    bar = tqdm(total=None, desc=label, file=stream, bar_format="{desc}：计算中 {elapsed}", leave=True)
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(0.5):
            bar.refresh()

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join()
        bar.bar_format = "{desc}：完成，用时 {elapsed}"
        bar.close()
