"""Progress on stderr: a rich bar (count, photos/s, time left) on a terminal, and a plain
line every ``interval_s`` seconds otherwise (logs of a job run by cron or nohup)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _fmt_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-:--:--"
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class BatchProgress:
    """``with BatchProgress(total) as p: p.advance()``; ``enabled=False`` shows nothing."""

    def __init__(self, total: int, *, enabled: bool = True, stream: TextIO | None = None,
                 interval_s: float = 10.0, label: str = "checking"):
        self.total = total
        self.done = 0
        self.enabled = enabled and total > 0
        self.stream = stream or sys.stderr
        self.interval_s = interval_s
        self.label = label
        self._rich = None
        self._task = None
        self._start = time.monotonic()
        self._last_line = self._start
        self._first: float | None = None
        self._first_done = 0

    def __enter__(self) -> BatchProgress:
        self._start = self._last_line = time.monotonic()
        if self.enabled and self.stream.isatty():
            self._rich = _rich_progress(self.stream)
            self._rich.start()
            self._task = self._rich.add_task(self.label, total=self.total)
        return self

    def __exit__(self, *exc) -> None:
        if self._rich is not None:
            self._rich.stop()
        elif self.enabled and self.done:
            self._line()

    @property
    def rate(self) -> float:
        """Photos per second since the first result (worker start-up is not counted)."""
        if self._first is None or self.done <= self._first_done:
            return 0.0
        elapsed = time.monotonic() - self._first
        return (self.done - self._first_done) / elapsed if elapsed > 0 else 0.0

    def advance(self, n: int = 1) -> None:
        if self._first is None:
            self._first, self._first_done = time.monotonic(), self.done + n
        self.done += n
        if self._rich is not None:
            self._rich.advance(self._task, n)
        elif self.enabled and time.monotonic() - self._last_line >= self.interval_s:
            self._line()

    def note(self, message: str, fallback) -> None:
        """A message above the bar (or through ``fallback`` when there is no bar)."""
        if self._rich is not None:
            self._rich.console.print(message, markup=False, highlight=False)
        else:
            fallback(message)

    def _line(self) -> None:
        self._last_line = time.monotonic()
        rate = self.rate
        left = (self.total - self.done) / rate if rate > 0 else None
        print(f"{self.label}: {self.done}/{self.total} photos, {rate:.1f} photos/s, "
              f"{_fmt_duration(left)} left", file=self.stream, flush=True)


def _rich_progress(stream: TextIO):
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("-- photos/s" if speed is None else f"{speed:.1f} photos/s")

    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), RateColumn(),
                    TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(), TextColumn("left"),
                    console=Console(file=stream), transient=False)
