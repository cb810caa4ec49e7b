"""The oracles that do not import cleanly beside the CPU torch: torchvision and torchaudio.

torchvision 0.28's compiled ops cannot load against the CPU build of torch 2.13, and its import dies
inside `torch.library.register_fake`; replacing that decorator with a no-op for the duration of the
import leaves models, transforms, datasets and io usable (not torchvision.ops' kernels).
torchaudio 2.11 is installed with --no-deps and its compiled libraries deleted (`.ci/run` calls
`python -m tests.third_party --strip-torchaudio`), which leaves its pure-Python mode.
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import pathlib
import sys


@functools.cache
def import_torchvision():
    """torchvision, imported with torch.library.register_fake stubbed out."""
    import torch

    original = torch.library.register_fake
    torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)
    try:
        return importlib.import_module("torchvision")
    finally:
        torch.library.register_fake = original


@functools.cache
def import_torchaudio():
    """torchaudio in its pure-Python mode (its compiled libraries removed by --strip-torchaudio)."""
    import torch  # noqa: F401 - torchaudio expects torch imported first

    return importlib.import_module("torchaudio")


def strip_torchaudio() -> None:
    """Delete torchaudio's compiled libraries, which cannot load against torch 2.13's CPU build."""
    spec = importlib.util.find_spec("torchaudio")
    if spec is None or spec.origin is None:
        raise SystemExit("torchaudio is not installed")
    for lib in (pathlib.Path(spec.origin).parent / "lib").glob("*.so"):
        lib.unlink()


if __name__ == "__main__":
    if sys.argv[1:] == ["--strip-torchaudio"]:
        strip_torchaudio()
    else:
        raise SystemExit("usage: python -m tests.third_party --strip-torchaudio")
