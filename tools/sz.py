"""Line budget per file of ember/: warn above 800 lines, fail above 1,200 (exit status 1)."""
from __future__ import annotations

import pathlib
import sys

WARN, FAIL = 800, 1200


def oversized(root: pathlib.Path) -> tuple[list, list]:
    warn, fail = [], []
    for path in sorted(root.rglob("*.py")):
        n = sum(1 for _ in path.open(encoding="utf-8"))
        if n > FAIL:
            fail.append((path, n))
        elif n > WARN:
            warn.append((path, n))
    return warn, fail


def main() -> int:
    root = pathlib.Path(__file__).resolve().parent.parent / "ember"
    warn, fail = oversized(root)
    for path, n in warn:
        print(f"warning: {path} has {n} lines (> {WARN})")
    for path, n in fail:
        print(f"error: {path} has {n} lines (> {FAIL})")
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
