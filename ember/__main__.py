"""`python -m ember`: the ember version, Python, NumPy and its BLAS, and the optional extras found.

The extras are looked up without importing them (importlib.util.find_spec and package metadata),
so the report is quick and cannot fail on a broken optional package.
"""
from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import sys

import numpy as np

import ember

# (import name, distribution name, pip extra of ember or "", what ember uses it for)
EXTRAS = (
    ("ml_dtypes", "ml_dtypes", "bf16", "the bfloat16 dtype"),
    ("yaml", "PyYAML", "demo", "YAML configs for ember-train"),
    ("tqdm", "tqdm", "demo", "ember-train's progress bars"),
    ("matplotlib", "matplotlib", "demo", "ember-train's loss/accuracy curves"),
    ("PIL", "pillow", "vision", "image files"),
    ("soundfile", "soundfile", "audio", "audio files"),
    ("cupy", "cupy", "cuda", "GPU arrays"),
    ("mpi4py", "mpi4py", "distributed", "multi-process training"),
    ("tensorboard", "tensorboard", "", "training logs"),
    ("onnx", "onnx", "", "model export"),
)


def _blas_lines() -> list[str]:
    """One line each for NumPy's BLAS and LAPACK: library name and version, from its build info."""
    try:
        deps = np.show_config(mode="dicts").get("Build Dependencies", {})
    except Exception:  # noqa: BLE001 - very old or unusual NumPy builds: say so, do not fail
        return ["BLAS: unknown (numpy.show_config gives no build information)"]
    lines = []
    for key in ("blas", "lapack"):
        info = deps.get(key) or {}
        name, version = info.get("name", "unknown"), info.get("version", "")
        detail = info.get("openblas configuration", "")
        arch = f" ({' '.join(detail.split()[2:])})" if detail.startswith("OpenBLAS") else ""
        lines.append(f"{key.upper()}: {name} {version}{arch}".rstrip())
    return lines


def _version_of(module: str, dist: str) -> str | None:
    """The installed version of `module` (None when absent), found without importing it."""
    try:
        if importlib.util.find_spec(module) is None:
            return None
    except (ImportError, ValueError):  # a broken entry in sys.modules or on the path
        return None
    names = [dist] + importlib.metadata.packages_distributions().get(module, [])
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "version unknown"


def describe() -> list[str]:
    """The report's lines."""
    python = (f"{platform.python_version()} ({platform.python_implementation()}, "
              f"{platform.system()} {platform.machine()})")
    lines = [
        f"ember {ember.__version__} ({ember.__path__[0]})",
        f"Python {python}",
        f"NumPy {np.__version__}",
        *_blas_lines(),
        "optional extras:",
    ]
    for module, dist, extra, use in EXTRAS:
        version = _version_of(module, dist)
        state = version if version is not None else "not installed"
        hint = f" (pip install 'ember[{extra}]')" if extra and version is None else ""
        lines.append(f"  {dist:<12} {state:<16} {use}{hint}")
    return lines


def main() -> int:
    print("\n".join(describe()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
