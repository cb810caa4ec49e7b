"""Run workloads written once against the torch API under ember and torch, side by side.

A workload module defines functions `bench_<name>(torch)`: each receives the framework module
(ember or torch), does its setup, and returns the zero-argument callable to time. Samples of the
two frameworks alternate in one process; the table shows the median time per call and the ratio
ember/torch (below 1: ember is faster).

    python -m benchmarks.run                      # benchmarks.micro_ops
    python -m benchmarks.run --all --memory       # every workload module, with peak memory
    python -m benchmarks.run -k add --json out.json
    python benchmarks/run.py benchmarks.micro_ops --repeats 21

Peak memory (--memory) is measured in a fresh process per workload and framework: after setup the
kernel's peak-RSS mark is reset (/proc/self/clear_refs), three steps run (the first one creates
gradients and optimizer state), and the growth of the peak over the size before them is reported
(Linux only).
"""
from __future__ import annotations

import argparse
import gc
import importlib
import inspect
import json
import pathlib
import platform
import statistics
import sys
import time

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))


def collect(module_names: list[str], pattern: str | None) -> list[tuple[str, object, str]]:
    """(name, workload function, one-line description) of every bench_* in the modules, in
    module order, then source order."""
    found = []
    for module_name in module_names:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        funcs = []
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("bench_") and fn.__module__ == module.__name__:
                short = name[len("bench_"):]
                if pattern is None or pattern in short:
                    doc = (fn.__doc__ or "").strip().splitlines()
                    funcs.append((short, fn, doc[0] if doc else ""))
        funcs.sort(key=lambda item: inspect.getsourcelines(item[1])[1])
        found += funcs
    return found


ALL_MODULES = ["benchmarks.micro_ops", "benchmarks.random_ops", "benchmarks.losses",
               "benchmarks.models", "benchmarks.cnn", "benchmarks.rnn", "benchmarks.gpt",
               "benchmarks.optim_steps", "benchmarks.dataloader"]


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _peak_child(spec: str) -> None:
    """In a fresh process: build one workload under one framework and print its peak growth."""
    module_name, name, lib_name = spec.split(":")
    lib = importlib.import_module(lib_name)
    step = getattr(importlib.import_module(module_name), "bench_" + name)(lib)
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset VmHWM to the current RSS
    base = _status_kb("VmRSS")
    for _ in range(3):
        step()
    print(max(_status_kb("VmHWM") - base, 0) * 1024)


def peak_bytes(module_name: str, name: str, lib_name: str) -> int | None:
    """Peak RSS growth of a few steps of the workload, measured in a child process."""
    import os
    import subprocess

    root = str(pathlib.Path(__file__).resolve().parent.parent)
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--peak-child",
                           f"{module_name}:{name}:{lib_name}"], capture_output=True, text=True,
                          cwd=root, env=env, timeout=600, check=False)
    lines = proc.stdout.strip().splitlines()
    return int(lines[-1]) if proc.returncode == 0 and lines else None


def _sample(step, number: int) -> float:
    """Seconds per call over `number` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(number):
        step()
    return (time.perf_counter() - start) / number


def _calibrate(steps, min_time: float) -> int:
    """Calls per sample so that the slower framework's sample lasts about `min_time` seconds."""
    number = 1
    while True:
        slowest = max(_sample(step, number) * number for step in steps)
        if slowest >= min_time or number >= 1 << 20:
            return number
        number *= 2 if slowest > min_time / 4 else 8


def measure(fn, libs: dict, repeats: int, warmup: int, min_time: float) -> dict:
    """Median seconds per call of the workload under each framework, samples interleaved."""
    steps = {name: fn(lib) for name, lib in libs.items()}
    for step in steps.values():
        for _ in range(warmup):
            step()
    number = _calibrate(list(steps.values()), min_time)
    times = {name: [] for name in steps}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, step in steps.items():
                times[name].append(_sample(step, number))
    finally:
        if gc_was_enabled:
            gc.enable()
    result = {name: statistics.median(ts) for name, ts in times.items()}
    result.update({f"{name}_min": min(ts) for name, ts in times.items()})
    result["number"] = number
    return result


def _fmt(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:8.2f} {unit}"
    return f"{seconds / 1e-9:8.1f} ns"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=["benchmarks.micro_ops"],
                        help="workload modules (default: benchmarks.micro_ops)")
    parser.add_argument("-k", dest="pattern", help="only workloads whose name contains this")
    parser.add_argument("--repeats", type=int, default=15, help="samples per framework")
    parser.add_argument("--warmup", type=int, default=20, help="untimed calls first")
    parser.add_argument("--min-time", type=float, default=0.02,
                        help="seconds per sample (calls are batched to reach it)")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch.set_num_threads(N) (NumPy's BLAS follows OMP_NUM_THREADS)")
    parser.add_argument("--json", dest="json_path", help="also write the results here")
    parser.add_argument("--all", action="store_true", help="every workload module")
    parser.add_argument("--memory", action="store_true",
                        help="also measure peak memory (a child process per workload)")
    parser.add_argument("--peak-child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.peak_child:
        _peak_child(args.peak_child)
        return 0
    if args.all:
        args.modules = ALL_MODULES

    import torch

    import ember

    if args.threads:
        torch.set_num_threads(args.threads)
    libs = {"ember": ember, "torch": torch}
    rows = []
    header = f"{'workload':<32} {'ember':>11} {'torch':>11} {'ember/torch':>12}"
    if args.memory:
        header += f" {'peak MB ember':>14} {'torch':>8}"
    print(header)
    print("-" * len(header))
    for name, fn, doc in collect(args.modules, args.pattern):
        try:
            res = measure(fn, libs, args.repeats, args.warmup, args.min_time)
        except Exception as exc:  # noqa: BLE001 - a workload ember cannot run yet: report it, go on
            print(f"{name:<32} failed: {type(exc).__name__}: {exc}")
            rows.append({"workload": name, "description": doc,
                         "error": f"{type(exc).__name__}: {exc}"})
            continue
        ratio = res["ember"] / res["torch"]
        line = f"{name:<32} {_fmt(res['ember']):>11} {_fmt(res['torch']):>11} {ratio:11.2f}x"
        row = {"workload": name, "description": doc, "ember_s": res["ember"],
               "torch_s": res["torch"], "ratio": ratio, "ember_min_s": res["ember_min"],
               "torch_min_s": res["torch_min"], "calls_per_sample": res["number"]}
        if args.memory:
            module_name = fn.__module__
            peaks = {lib: peak_bytes(module_name, name, lib) for lib in ("ember", "torch")}
            row.update({f"{lib}_peak_bytes": v for lib, v in peaks.items()})
            line += "".join(f" {v / 2**20:{w}.1f}" if v is not None else f" {'?':>{w}}"
                            for v, w in ((peaks["ember"], 14), (peaks["torch"], 8)))
        print(line, flush=True)
        rows.append(row)
    if args.json_path:
        meta = {"python": platform.python_version(), "machine": platform.machine(),
                "torch": torch.__version__, "ember": getattr(ember, "__version__", "?"),
                "repeats": args.repeats, "torch_threads": torch.get_num_threads()}
        pathlib.Path(args.json_path).write_text(json.dumps({"meta": meta, "results": rows},
                                                           indent=2))
    return 1 if any("error" in row for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
