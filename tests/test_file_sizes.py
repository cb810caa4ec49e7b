"""The line budget of tools/sz.py holds: no file of ember/ above 1,200 lines."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))

import sz  # noqa: E402


def test_no_file_over_budget():
    root = pathlib.Path(__file__).resolve().parent.parent / "ember"
    _, fail = sz.oversized(root)
    assert not fail, f"files over {sz.FAIL} lines: {fail}"


def test_budget_detects_big_file(tmp_path):
    (tmp_path / "big.py").write_text("x = 1\n" * (sz.FAIL + 1))
    (tmp_path / "small.py").write_text("x = 1\n")
    warn, fail = sz.oversized(tmp_path)
    assert [p.name for p, _ in fail] == ["big.py"] and not warn
