"""Per-namespace coverage of torch's public names by ember, against the installed torch.

    python tools/api_coverage.py              # the table
    python tools/api_coverage.py --missing nn # also list what ember lacks in one namespace

A public name is one without a leading underscore that torch's namespace exposes (its `__all__`
where it has one, else its `dir()` minus imported modules); ember has it when the same attribute
path resolves. Presence is all this counts: agreement is the differential tests' job.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import types
import warnings

# (label, torch path, ember path)
NAMESPACES = [
    ("torch", "torch", "ember"),
    ("Tensor", "torch.Tensor", "ember.Tensor"),
    ("nn", "torch.nn", "ember.nn"),
    ("nn.functional", "torch.nn.functional", "ember.nn.functional"),
    ("nn.init", "torch.nn.init", "ember.nn.init"),
    ("nn.utils", "torch.nn.utils", "ember.nn.utils"),
    ("optim", "torch.optim", "ember.optim"),
    ("optim.lr_scheduler", "torch.optim.lr_scheduler", "ember.optim.lr_scheduler"),
    ("autograd", "torch.autograd", "ember.autograd"),
    ("utils.data", "torch.utils.data", "ember.utils.data"),
    ("cuda", "torch.cuda", "ember.cuda"),
    ("linalg", "torch.linalg", "ember.linalg"),
    ("fft", "torch.fft", "ember.fft"),
    ("special", "torch.special", "ember.special"),
    ("distributions", "torch.distributions", "ember.distributions"),
    ("func", "torch.func", "ember.func"),
    ("amp", "torch.amp", "ember.amp"),
    ("distributed", "torch.distributed", "ember.distributed"),
]


def _resolve(path: str):
    """The object at a dotted path (module, then attributes), or None."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


def public_names(obj) -> list[str]:
    """torch's public names of a module or class."""
    names = getattr(obj, "__all__", None) if isinstance(obj, types.ModuleType) else None
    if names is None:
        with warnings.catch_warnings():  # deprecated aliases warn when touched
            warnings.simplefilter("ignore")
            names = [n for n in dir(obj)
                     if not isinstance(getattr(obj, n, None), types.ModuleType)]
    return sorted({n for n in names if not n.startswith("_")})


def coverage(label: str, torch_path: str, ember_path: str) -> tuple[int, int, list[str]]:
    """(names ember has, names torch has, the missing ones) for one namespace."""
    t = _resolve(torch_path)
    if t is None:
        return 0, 0, []
    names = public_names(t)
    e = _resolve(ember_path)
    missing = [n for n in names if e is None or not hasattr(e, n)]
    return len(names) - len(missing), len(names), missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print ember's coverage of torch's public names.")
    parser.add_argument("--missing", metavar="NAMESPACE", help="list what ember lacks there")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("api_coverage: error: torch is not installed (it is the reference)", file=sys.stderr)
        return 2
    print(f"torch {torch.__version__}\n")
    print("| namespace | ember has | torch has | coverage |")
    print("| --- | --- | --- | --- |")
    total_have = total = 0
    missing_of = {}
    for label, tp, ep in NAMESPACES:
        have, n, missing = coverage(label, tp, ep)
        missing_of[label] = missing
        total_have += have
        total += n
        print(f"| {label} | {have} | {n} | {100 * have / n if n else 0:.0f}% |")
    print(f"| all | {total_have} | {total} | {100 * total_have / total:.0f}% |")
    if args.missing:
        if args.missing not in missing_of:
            print(f"api_coverage: error: unknown namespace '{args.missing}'", file=sys.stderr)
            return 2
        print(f"\nmissing in {args.missing}:")
        print("\n".join(missing_of[args.missing]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
