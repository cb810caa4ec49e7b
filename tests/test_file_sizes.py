"""The line budget of tools/sz.py holds: no file of ember/ or tests/ above 800 lines."""
import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))

import sz


@pytest.mark.parametrize("tree", sz.TREES)
def test_no_file_over_budget(tree):
    over = sz.oversized(sz.ROOT / tree)
    assert not over, f"files over {sz.LIMIT} lines: {over}"


def test_budget_detects_big_file(tmp_path):
    (tmp_path / "big.py").write_text("x = 1\n" * (sz.LIMIT + 1))
    (tmp_path / "edge.py").write_text("x = 1\n" * sz.LIMIT)
    (tmp_path / "small.py").write_text("x = 1\n")
    assert [(p.name, n) for p, n in sz.oversized(tmp_path)] == [("big.py", sz.LIMIT + 1)]
