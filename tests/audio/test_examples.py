"""examples/yesno_mfcc.py prints the same lines under ember and under PyTorch + torchaudio (run
in this process, where torch is already imported)."""
import contextlib
import io
import pathlib
import runpy
import sys

import torch

from tests.test_spec_examples import same_line
from tests.third_party import import_torchaudio

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "yesno_mfcc.py"


def _run(*args: str) -> list[str]:
    torchaudio = import_torchaudio()
    saved_argv, saved_load = sys.argv, torchaudio.load  # the example may replace torchaudio.load
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny workloads: torch's thread pool only adds contention
    sys.argv = [str(EXAMPLE), *args]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(str(EXAMPLE), run_name="__main__")
    finally:
        sys.argv, torchaudio.load = saved_argv, saved_load
        torch.set_num_threads(threads)
    return out.getvalue().splitlines()


def test_yesno_mfcc_prints_what_torch_prints():
    want, have = _run("--epochs", "5", "--torch"), _run("--epochs", "5")
    assert len(want) == len(have) == 4 and want[-1].startswith("test accuracy")
    assert all(same_line(w, h) for w, h in zip(want, have)), (want, have)
