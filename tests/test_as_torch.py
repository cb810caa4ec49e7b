"""ember.as_torch: a PyTorch program runs unchanged on ember and prints what torch prints.

Every run is a subprocess: install() replaces `torch` in sys.modules, which the oracle in this
process must keep."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROGRAM = textwrap.dedent("""
    import argparse
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.utils.data import DataLoader, TensorDataset
    from helper_module import describe  # a module beside the script, as in real projects

    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=1)
    args = p.parse_args()
    torch.manual_seed(0)
    x = torch.randn(64, 4)
    y = (x.sum(1) > 0).long()
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(args.epochs):
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item()
        print(f"epoch {epoch} loss {total:.6f}")
    print(__name__, describe(model), model)
""")


def _run(args, cwd, **kw):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, *args], check=False, cwd=cwd, env=env,
                          capture_output=True,
                          text=True, timeout=120, **kw)


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "train.py").write_text(PROGRAM)
    (tmp_path / "helper_module.py").write_text(
        "def describe(m):\n    return type(m).__name__ + ' ' + str(sum(p.numel() for p in "
        "m.parameters()))\n")
    return tmp_path


def test_program_prints_what_torch_prints(project):
    want = _run(["train.py", "--epochs", "3"], cwd=project)
    got = _run(["-m", "ember.as_torch", "train.py", "--epochs", "3"], cwd=project)
    assert want.returncode == 0, want.stderr
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout
    assert "epoch 2 loss" in got.stdout and "__main__ Sequential 58" in got.stdout


def test_script_in_another_folder_finds_its_neighbours(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("cwd")
    got = _run(["-m", "ember.as_torch", str(project / "train.py")], cwd=elsewhere)
    assert got.returncode == 0, got.stderr
    assert got.stdout.startswith("epoch 0 loss")


def test_install_aliases_modules_and_keeps_their_identity(tmp_path):
    code = textwrap.dedent("""
        import ember, ember.as_torch
        ember.as_torch.install()
        import torch, torch.nn.functional as F
        from torch.utils.data import DataLoader
        assert torch is ember and F is ember.nn.functional, (torch, F)
        assert DataLoader is ember.utils.data.DataLoader
        assert F.__spec__.name == "ember.nn.functional"
        try:
            import torch.no_such_module
        except ModuleNotFoundError as e:
            assert e.name == "torch.no_such_module" and "ember.no_such_module" in str(e), e
        else:
            raise AssertionError("imported a missing module")
        ember.as_torch.uninstall()
        import sys
        assert "torch" not in sys.modules
        print("ok")
    """)
    got = _run(["-c", code], cwd=tmp_path)
    assert got.returncode == 0, got.stderr
    assert got.stdout == "ok\n"


def test_bad_command_lines_exit_2(tmp_path):
    missing = _run(["-m", "ember.as_torch", "nope.py"], cwd=tmp_path)
    assert missing.returncode == 2 and "no such file: 'nope.py'" in missing.stderr
    bare = _run(["-m", "ember.as_torch"], cwd=tmp_path)
    assert bare.returncode == 2 and "usage:" in bare.stdout
