"""Line budget per file of ember/ and tests/: report the largest files, fail above 800 lines."""
from __future__ import annotations

import pathlib
import sys

LIMIT = 800
ROOT = pathlib.Path(__file__).resolve().parent.parent
TREES = ("ember", "tests")


def line_counts(root: pathlib.Path) -> list[tuple[pathlib.Path, int]]:
    """(path, lines) of every .py file under root, largest first."""
    counts = []
    for path in sorted(root.rglob("*.py")):
        with path.open(encoding="utf-8") as f:
            counts.append((path, sum(1 for _ in f)))
    return sorted(counts, key=lambda item: -item[1])


def oversized(root: pathlib.Path, limit: int = LIMIT) -> list[tuple[pathlib.Path, int]]:
    """The files under root with more than limit lines, largest first."""
    return [(path, n) for path, n in line_counts(root) if n > limit]


def main(top: int = 5) -> int:
    over = []
    for tree in TREES:
        counts = line_counts(ROOT / tree)
        total = sum(n for _, n in counts)
        print(f"{tree}/: {len(counts)} files, {total} lines; largest:")
        for path, n in counts[:top]:
            print(f"  {n:6d}  {path.relative_to(ROOT)}")
        over += [(path, n) for path, n in counts if n > LIMIT]
    for path, n in over:
        print(f"error: {path.relative_to(ROOT)} has {n} lines (> {LIMIT})")
    print(f"size budget: {len(over)} file(s) over {LIMIT} lines")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
