"""A per-epoch progress bar: tqdm when installed, else a plain one-line bar on stderr."""
from __future__ import annotations

import sys


class _PlainBar:
    """Minimal stand-in for tqdm: a bar redrawn in place, closed with a newline."""

    def __init__(self, total: int, desc: str, width: int = 24) -> None:
        self.total, self.desc, self.width, self.n, self.postfix = total, desc, width, 0, ""
        self.live = sys.stderr.isatty()  # redraw in place only on a terminal; else one line

    def update(self, n: int = 1) -> None:
        self.n += n
        if self.live:
            self._draw()

    def set_postfix_str(self, text: str) -> None:
        self.postfix = text

    def _draw(self) -> None:
        done = self.width * self.n // max(self.total, 1)
        bar = "#" * done + "." * (self.width - done)
        sys.stderr.write(f"\r{self.desc} [{bar}] {self.n}/{self.total} {self.postfix}")
        sys.stderr.flush()

    def close(self) -> None:
        self._draw()
        sys.stderr.write("\n")
        sys.stderr.flush()


def progress_bar(total: int, desc: str, enabled: bool = True):
    """tqdm(total=..., desc=...) if tqdm is importable, else the plain bar; None when disabled."""
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return _PlainBar(total, desc)
    return tqdm(total=total, desc=desc, leave=True, file=sys.stderr)


def has_tqdm() -> bool:
    try:
        import tqdm  # noqa: F401
    except ImportError:
        return False
    return True
