"""Per-namespace coverage of torch's public names by ember, against the installed torch.

    python tools/api_coverage.py              # the table
    python tools/api_coverage.py --missing nn # also list what ember lacks in one namespace

A public name is one without a leading underscore that torch's namespace exposes (its `__all__`
where it has one, else its `dir()` minus imported modules); ember has it when the same attribute
path resolves. Presence is all this counts: agreement is the differential tests' job.

Beside the raw counts, the "in scope" columns leave out what issue 18 puts outside ember's surface
goal (EXCLUSIONS below, each with its reason); `--missing` lists those names too, with the reason,
so no name disappears silently. The ember that is counted is this checkout's (the repository root
goes first on sys.path); when it does not import, the script fails with exit status 2.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import types
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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


# Whole namespaces outside issue 18's goal: the math namespaces are a separate issue, and the
# distributed engine is another one (its import surface is counted raw all the same).
EXCLUDED_NAMESPACES = {"linalg": "math namespace (a separate issue)",
                       "fft": "math namespace (a separate issue)",
                       "special": "math namespace (a separate issue)",
                       "distributed": "distributed (the engine is a separate issue)"}

_JIT_FUNCTIONS = {"fork", "wait", "parse_ir", "parse_schema", "parse_type_comment",
                  "merge_type_from_type_comment", "unify_type_list", "import_ir_module",
                  "import_ir_module_from_buffer", "JITException", "CompilationUnit",
                  "ScriptFunction", "BroadcastingList1", "BroadcastingList2", "BroadcastingList3"}
_QUANTIZED_NAMES = {"dequantize", "int_repr", "fused_moving_avg_obs_fake_quant",
                    "choose_qparams_optimized", "empty_quantized", "qscheme"}
_SPARSE_NAMES = {"coalesce", "is_coalesced", "smm", "spmm", "hsmm", "hspmm", "dsmm", "saddmm",
                 "sspaddmm", "resize_as_sparse_", "sparse_mask", "sparse_dim", "dense_dim",
                 "indices", "values", "crow_indices", "col_indices", "ccol_indices", "row_indices",
                 "indices_copy", "values_copy", "crow_indices_copy", "col_indices_copy",
                 "ccol_indices_copy", "row_indices_copy",
                 "native_norm"}  # native_norm's only CPU kernel is SparseCPU's
# SyncBatchNorm's kernels: torch's CPU build has none (they raise NotImplementedError there).
_CUDA_ONLY = {"batch_norm_stats", "batch_norm_elemt", "batch_norm_gather_stats",
              "batch_norm_gather_stats_with_counts", "batch_norm_backward_reduce",
              "batch_norm_backward_elemt"}
_TYPING_MODULES = {"typing", "typing_extensions", "collections.abc", "datetime"}


def _is_pybind_class(obj) -> bool:
    """A C++ class bound with pybind11, or a member of such an enum (torch.AVG)."""
    return (type(obj).__name__ == "pybind11_type"
            or type(type(obj)).__name__ == "pybind11_type")


# (reason, test(name, torch object)) in order; the first that matches excludes a name.
EXCLUSIONS = [
    # TorchScript's C++ runtime: the JIT's IR (Graph, Node, Value, Block), its type system
    # (*Type), script objects (ScriptModule, ScriptList), the dispatcher (DispatchKey, Tag),
    # C++ loggers, checkpoint readers and enums of CUDA-only kernels (F.ScalingType). All are
    # pybind11 classes bound from C++ that a Python program does not build itself.
    ("JIT / C++ runtime internals", lambda n, o: _is_pybind_class(o) or n in _JIT_FUNCTIONS),
    # Quantized tensors are a separate tensor kind with its own kernels (issue 18 excludes them).
    ("quantization", lambda n, o: (n.startswith(("q_", "qint", "quint", "quantize",
                                                 "fake_quantize")) or n in _QUANTIZED_NAMES)),
    # Sparse layouts (COO, CSR, ...): ember is dense (strided) only, as the issue scopes it.
    # (nn.init.sparse_ fills a dense tensor: it stays in scope.)
    ("sparse", lambda n, o: (n.startswith(("sparse_", "to_sparse")) and n != "sparse_"
                             or n in _SPARSE_NAMES)),
    # Kernels of one vendor backend that torch exposes for its own dispatch, not for programs.
    ("backend-private kernel", lambda n, o: n.startswith(("cudnn_", "miopen_", "mkldnn_",
                                                         "fbgemm_", "to_mkldnn"))
     or n in _CUDA_ONLY),
    # Symbolic shapes belong to torch.compile's tracer (SymInt, sym_max, ...).
    ("symbolic shapes", lambda n, o: n.startswith(("sym_", "Sym"))),
    # Names a module imported for its own annotations (Optional, Callable, TYPE_CHECKING).
    # A builtin type under another name (nn.functional's DType = int) is such an alias too.
    ("typing re-export", lambda n, o: (n == "TYPE_CHECKING"
                                       or getattr(o, "__module__", None) in _TYPING_MODULES
                                       or (getattr(o, "__module__", None) == "builtins"
                                           and getattr(o, "__name__", n) != n))),
]


def exclusion(name: str, obj) -> str | None:
    """Why a torch name is outside issue 18's goal, or None when it is in scope."""
    for reason, test in EXCLUSIONS:
        if test(name, obj):
            return reason
    return None


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


def excluded_names(label: str, torch_path: str) -> dict[str, str]:
    """{name: reason} for the torch names of one namespace that lie outside issue 18's goal."""
    t = _resolve(torch_path)
    if t is None:
        return {}
    names = public_names(t)
    if label in EXCLUDED_NAMESPACES:
        return dict.fromkeys(names, EXCLUDED_NAMESPACES[label])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reasons = {n: exclusion(n, getattr(t, n, None)) for n in names}
    return {n: r for n, r in reasons.items() if r is not None}


def _import_ember():
    """This checkout's ember (the repository root first on sys.path); None when it fails."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    try:
        return importlib.import_module("ember")
    except Exception as err:  # noqa: BLE001 - any failure would read as 0% everywhere
        print(f"api_coverage: error: ember does not import from {ROOT}: "
              f"{type(err).__name__}: {err}", file=sys.stderr)
        return None


def _pct(have: int, total: int) -> str:
    """One decimal, and never rounded up to 100% while a name is missing."""
    if not total:
        return "-"
    pct = 100 * have / total
    return "100%" if have == total else f"{min(pct, 99.9):.1f}%"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print ember's coverage of torch's public names.")
    parser.add_argument("--missing", metavar="NAMESPACE", help="list what ember lacks there")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("api_coverage: error: torch is not installed (it is the reference)", file=sys.stderr)
        return 2
    if _import_ember() is None:
        return 2
    print(f"torch {torch.__version__}\n")
    print("| namespace | ember has | torch has | coverage | in scope: has / torch | in scope |")
    print("| --- | --- | --- | --- | --- | --- |")
    total_have = total = scope_have = scope_total = 0
    missing_of, excluded_of = {}, {}
    for label, tp, ep in NAMESPACES:
        have, n, missing = coverage(label, tp, ep)
        excluded = excluded_names(label, tp)
        missing_of[label], excluded_of[label] = missing, excluded
        total_have += have
        total += n
        s_total = n - len(excluded)
        s_have = s_total - sum(1 for m in missing if m not in excluded)
        scope_have += s_have
        scope_total += s_total
        print(f"| {label} | {have} | {n} | {_pct(have, n)} | {s_have} / {s_total} | "
              f"{_pct(s_have, s_total)} |")
    print(f"| all | {total_have} | {total} | {_pct(total_have, total)} | "
          f"{scope_have} / {scope_total} | {_pct(scope_have, scope_total)} |")
    if args.missing:
        if args.missing not in missing_of:
            print(f"api_coverage: error: unknown namespace '{args.missing}'", file=sys.stderr)
            return 2
        excluded = excluded_of[args.missing]
        print(f"\nmissing in {args.missing}:")
        print("\n".join(m for m in missing_of[args.missing] if m not in excluded))
        print(f"\nmissing in {args.missing}, outside the goal (reason):")
        print("\n".join(f"{m} ({excluded[m]})" for m in missing_of[args.missing]
                        if m in excluded))
    return 0


if __name__ == "__main__":
    sys.exit(main())
