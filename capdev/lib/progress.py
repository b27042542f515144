"""Progress of long command-line work."""

from __future__ import annotations

from django.core.management.base import OutputWrapper


class ProgressBar:
    """A one-line text bar on stderr: redrawn in place (\\r) on a terminal, and written once,
    complete, at the end, so that logs hold one readable line instead of hundreds."""

    def __init__(self, stream: OutputWrapper, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.live = stream.isatty()
        self.shown = -1
        self.done, self.total = 0, 0

    def line(self) -> str:
        fraction = self.done / self.total if self.total else 1.0
        filled = round(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        return f"[{bar}] {round(100 * fraction):3d}%"

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        percent = round(100 * done / total) if total else 100
        if self.live and percent != self.shown:
            self.shown = percent
            self.stream.write(f"\r{self.line()}", style_func=str, ending="")
            self.stream.flush()

    def finish(self, *, complete: bool) -> None:
        """End the bar's line: at 100% when the import went through."""
        if complete:
            self.done = self.total = max(self.total, 1)
        if complete or self.live:
            self.stream.write(f"\r{self.line()}" if self.live else self.line(), style_func=str)
