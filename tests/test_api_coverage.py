"""tools/api_coverage.py counts what it says: names ember has among torch's public ones."""
from __future__ import annotations

import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("api_coverage",
                                               os.path.join(ROOT, "tools", "api_coverage.py"))
api_coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(api_coverage)


def test_counts_agree_with_a_direct_check():
    import torch.optim

    import ember.optim

    have, total, missing = api_coverage.coverage("optim", "torch.optim", "ember.optim")
    names = [n for n in torch.optim.__all__ if not n.startswith("_")]
    assert total == len(set(names))
    assert missing == sorted(n for n in set(names) if not hasattr(ember.optim, n))
    assert have == total - len(missing)


def test_absent_ember_namespace_counts_nothing():
    have, total, missing = api_coverage.coverage("x", "torch.fft", "ember.no_such_namespace")
    assert have == 0 and total > 0 and len(missing) == total


def test_table_and_missing_listing(capsys):
    assert api_coverage.main(["--missing", "optim.lr_scheduler"]) == 0
    out = capsys.readouterr().out
    assert "| namespace | ember has | torch has | coverage |" in out
    assert "| all |" in out and "missing in optim.lr_scheduler:" in out
    assert api_coverage.main(["--missing", "nope"]) == 2
