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


def test_excluded_names_are_listed_with_their_reason(capsys):
    assert api_coverage.main(["--missing", "Tensor"]) == 0
    out = capsys.readouterr().out
    assert "| namespace | ember has | torch has | coverage | in scope: has / torch | in scope |" \
        in out
    assert "to_sparse_csr (sparse)" in out.split("outside the goal")[1]


def test_exclusion_rules_name_their_reason():
    import typing

    import torch
    import torch.nn.init

    reason = api_coverage.exclusion
    assert reason("Graph", torch.Graph) == "JIT / C++ runtime internals"
    assert reason("TensorType", torch.TensorType) == "JIT / C++ runtime internals"
    assert reason("fork", torch.fork) == "JIT / C++ runtime internals"
    assert reason("qint8", torch.qint8) == "quantization"
    assert reason("quantize_per_tensor", torch.quantize_per_tensor) == "quantization"
    assert reason("q_scale", torch.Tensor.q_scale) == "quantization"
    assert reason("sparse_coo_tensor", torch.sparse_coo_tensor) == "sparse"
    assert reason("to_sparse_csr", torch.Tensor.to_sparse_csr) == "sparse"
    assert reason("values_copy", torch.values_copy) == "sparse"
    assert reason("cudnn_convolution", torch.cudnn_convolution) == "backend-private kernel"
    assert reason("sym_max", torch.sym_max) == "symbolic shapes"
    assert reason("SymInt", torch.SymInt) == "symbolic shapes"
    assert reason("Optional", typing.Optional) == "typing re-export"
    assert reason("TYPE_CHECKING", False) == "typing re-export"
    for name, obj in [("conv2d", torch.conv2d), ("qr", torch.qr), ("dtype", torch.dtype),
                      ("Generator", torch.Generator), ("uint16", torch.uint16),
                      ("sparse_", torch.nn.init.sparse_), ("to_dense", torch.Tensor.to_dense)]:
        assert reason(name, obj) is None, name
    assert set(api_coverage.excluded_names("fft", "torch.fft").values()) == {
        "math namespace (a separate issue)"}
    assert api_coverage.excluded_names("optim", "torch.optim") == {}


def test_ember_that_does_not_import_fails_loudly(tmp_path):
    import shutil
    import subprocess
    import sys

    (tmp_path / "tools").mkdir()
    shutil.copy(os.path.join(ROOT, "tools", "api_coverage.py"), tmp_path / "tools")
    (tmp_path / "ember").mkdir()
    (tmp_path / "ember" / "__init__.py").write_text("raise ImportError('broken checkout')\n")
    run = subprocess.run([sys.executable, str(tmp_path / "tools" / "api_coverage.py")],
                         check=False, cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 2
    assert "ember does not import" in run.stderr and "broken checkout" in run.stderr
    assert "| torch |" not in run.stdout


def test_counts_this_checkouts_ember():
    ember = api_coverage._import_ember()
    assert os.path.dirname(os.path.dirname(ember.__file__)) == ROOT


def test_percentages_never_round_up_to_complete():
    pct = api_coverage._pct
    assert (pct(706, 709), pct(1999, 2000), pct(3, 3), pct(0, 4), pct(0, 0)) == \
        ("99.6%", "99.9%", "100%", "0.0%", "-")
