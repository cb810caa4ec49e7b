"""The spec notebook's programs in examples/ print the same under ember as under PyTorch.

Each program picks its framework from `--torch` on the command line. Outputs are compared line
by line after normalising what legitimately differs: object addresses (`<PowBackward0 object at
0x...>`) and the values of `torch.empty` (uninitialised memory: only the form is compared).
"""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+>")
# the two lines of a printed 2x2 float tensor of arbitrary values
_EMPTY_2x2 = (re.compile(r"^tensor\(\[\[[^\[\]]+\],$"), re.compile(r"^ {8}\[[^\[\]]+\]\]\)$"))

# program -> the line that follows each torch.empty print (its values are not compared)
UNINITIALISED = {
    "spec_tensor_autograd.py": ["tensor([[1., 1., 1.],"],
    "spec_model_building.py": [],
}
_NUMBER = re.compile(r"-?\d+\.\d*(?:e[+-]\d+)?")


def same_line(want: str, have: str) -> bool:
    """Equal, or equal up to float32 rounding in the printed numbers (BLAS summation order
    differs between NumPy's and torch's matmul, which can move the last printed digit)."""
    if want == have:
        return True
    if _NUMBER.sub("#", want) != _NUMBER.sub("#", have):
        return False
    pairs = zip(_NUMBER.findall(want), _NUMBER.findall(have))
    return all(abs(float(w) - float(h)) <= 1e-6 + 1e-3 * abs(float(w)) for w, h in pairs)


def run_example(name: str, use_torch: bool) -> subprocess.CompletedProcess:
    args = [sys.executable, str(EXAMPLES / name)] + (["--torch"] if use_torch else [])
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=ROOT, env=env,
                          check=False)


def normalise(name: str, stdout: str) -> list[str]:
    """Lines with addresses replaced and each torch.empty print reduced to its form."""
    lines = [_ADDRESS.sub(" at 0x…>", line) for line in stdout.splitlines()]
    for follower in UNINITIALISED.get(name, []):
        i = lines.index(follower) if follower in lines else -1
        if i >= 2 and _EMPTY_2x2[0].match(lines[i - 2]) and _EMPTY_2x2[1].match(lines[i - 1]):
            lines[i - 2:i] = ["<uninitialised 2x2 tensor>"] * 2
    return lines


@pytest.fixture(scope="module", params=sorted(UNINITIALISED))
def outputs(request):
    name = request.param
    return name, run_example(name, use_torch=True), run_example(name, use_torch=False)


def test_program_runs_under_torch(outputs):
    name, ref, _ = outputs
    assert ref.returncode == 0, ref.stderr
    if UNINITIALISED[name]:
        assert "<uninitialised 2x2 tensor>" in normalise(name, ref.stdout)


def test_ember_prints_what_torch_prints(outputs):
    name, ref, got = outputs
    want, have = normalise(name, ref.stdout), normalise(name, got.stdout)
    diffs = [f"line {i + 1}: torch {w!r}\n         ember {h!r}"
             for i, (w, h) in enumerate(zip(want, have)) if not same_line(w, h)]
    if len(want) != len(have):
        diffs.append(f"torch printed {len(want)} lines, ember {len(have)}")
    tail = got.stderr.strip().splitlines()[-1:] if got.returncode else []
    assert not diffs and got.returncode == 0, "\n".join(diffs + tail)


def test_same_line_tolerates_only_last_digit_rounding():
    assert same_line("[-2.1114e-04, 4.4499e-02]", "[-2.1130e-04, 4.4498e-02]")
    assert not same_line("[-2.1114e-04, 4.4499e-02]", "[-2.1114e-04, 4.4599e-02]")
    assert not same_line("tensor([1.0000])", "tensor([1.0000], dtype=torch.float64)")


def test_normalise_masks_only_addresses_and_empty_values():
    text = ("tensor([[2.3540e+10, 3.0777e-41],\n        [2.3509e+10, 3.0777e-41]])\n"
            "tensor([[1., 1., 1.],\n<PowBackward0 object at 0x7f13c5c88700>\ntensor(1)")
    assert normalise("spec_tensor_autograd.py", text) == [
        "<uninitialised 2x2 tensor>", "<uninitialised 2x2 tensor>", "tensor([[1., 1., 1.],",
        "<PowBackward0 object at 0x…>", "tensor(1)"]
