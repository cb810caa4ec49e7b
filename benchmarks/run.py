"""Run workloads written once against the torch API under ember and under torch, each framework in
its own fresh process, alternating, and print the ratio side by side.

A workload module defines functions `bench_<name>(torch)`: each receives the framework module
(ember or torch), does its setup, and returns the zero-argument callable to time.

Protocol (why: NumPy's BLAS threads and torch's OpenMP threads fight when both frameworks share a
process, which inflated torch's times up to 3.5x in the old one-process harness):
- every (workload, framework, round) runs in a fresh child process, pinned to the same cores
  (`--cores`, sched_setaffinity), never with the other framework imported;
- rounds alternate the order: ember, torch, then torch, ember, ...;
- each thread count of `--threads` (default "1,2") is a separate table: OMP/OpenBLAS/MKL thread
  variables, `torch.set_num_threads` and ember's BLAS pool are all set to it;
- a child times `--repeats` samples (calls batched to last `--min-time` s) and reports the median,
  plus the peak-RSS growth of its first three steps (Linux /proc; the step's peak memory);
- the table gives per framework the median over rounds, the ratio ember/torch of those medians
  and the spread of the per-round ratios (min-max).

    python -m benchmarks.run                          # benchmarks.micro_ops, 1 and 2 threads
    python -m benchmarks.run --all --rounds 3 --markdown results.md
    python -m benchmarks.run benchmarks.models -k mlp --threads 1 --json out.json
"""
from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import inspect
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

ROOT = pathlib.Path(__file__).resolve().parent.parent
ALL_MODULES = ["benchmarks.micro_ops", "benchmarks.random_ops", "benchmarks.losses",
               "benchmarks.models", "benchmarks.cnn", "benchmarks.rnn", "benchmarks.gpt",
               "benchmarks.optim_steps", "benchmarks.dataloader", "benchmarks.vision",
               "benchmarks.audio", "benchmarks.math"]
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def collect(module_names: list[str], pattern: str | None) -> list[tuple[str, str, str]]:
    """(module, name, one-line description) of every bench_* in the modules, in module order,
    then source order."""
    found = []
    for module_name in module_names:
        module = importlib.import_module(module_name)
        funcs = []
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("bench_") and fn.__module__ == module.__name__:
                short = name[len("bench_"):]
                if pattern is None or pattern in short:
                    doc = (fn.__doc__ or "").strip().splitlines()
                    line = inspect.getsourcelines(fn)[1]
                    funcs.append((line, module_name, short, doc[0] if doc else ""))
        found += [item[1:] for item in sorted(funcs)]
    return found


# ---------------------------------------------------------------- the child: one framework only

def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current RSS
        return True
    except OSError:
        return False


def _sample(step, number: int) -> float:
    """Seconds per call over `number` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(number):
        step()
    return (time.perf_counter() - start) / number


def _calibrate(step, min_time: float) -> int:
    """Calls per sample so that one sample lasts about `min_time` seconds."""
    number = 1
    while True:
        took = _sample(step, number) * number
        if took >= min_time or number >= 1 << 20:
            return number
        number *= 2 if took > min_time / 4 else 8


def child(module_name: str, name: str, lib_name: str, threads: int, repeats: int, warmup: int,
          min_time: float) -> dict:
    """Set up one workload under one framework, measure its step's peak memory, then time it."""
    lib = importlib.import_module(lib_name)
    lib.set_num_threads(threads)
    step = getattr(importlib.import_module(module_name), "bench_" + name)(lib)
    gc.collect()
    peak = None
    if _reset_peak():
        base = _status_kb("VmRSS")
        for _ in range(3):
            step()
        peak = max(_status_kb("VmHWM") - base, 0) * 1024
    for _ in range(warmup):
        step()
    number = _calibrate(step, min_time)
    gc.disable()
    times = [_sample(step, number) for _ in range(repeats)]
    gc.enable()
    return {"median": statistics.median(times), "min": min(times), "number": number,
            "peak_bytes": peak}


# ---------------------------------------------------------------- the parent: spawn and compare

def _spawn(module_name: str, name: str, lib: str, threads: int, cores: list[int],
           args) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.update({var: str(threads) for var in _THREAD_VARS})
    cmd = [sys.executable, "-m", "benchmarks.run", "--child", f"{module_name}:{name}:{lib}",
           "--threads", str(threads), "--repeats", str(args.repeats), "--warmup",
           str(args.warmup), "--min-time", str(args.min_time)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=900,
                          check=False, preexec_fn=lambda: os.sched_setaffinity(0, cores))
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        return {"error": tail}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(module_name: str, name: str, threads: int, cores: list[int], args) -> dict:
    """Rounds of ember and torch children, alternating which goes first."""
    runs: dict[str, list[dict]] = {"ember": [], "torch": []}
    for r in range(args.rounds):
        for lib in (("ember", "torch") if r % 2 == 0 else ("torch", "ember")):
            res = _spawn(module_name, name, lib, threads, cores, args)
            if "error" in res:
                return {"error": f"{lib}: {res['error']}"}
            runs[lib].append(res)
    row = {}
    for lib, rs in runs.items():
        row[f"{lib}_s"] = statistics.median(x["median"] for x in rs)
        row[f"{lib}_rounds_s"] = [x["median"] for x in rs]
        peaks = [x["peak_bytes"] for x in rs if x["peak_bytes"] is not None]
        row[f"{lib}_peak_bytes"] = max(peaks) if peaks else None
    ratios = [e["median"] / t["median"] for e, t in zip(runs["ember"], runs["torch"])]
    row.update(ratio=row["ember_s"] / row["torch_s"], ratio_min=min(ratios),
               ratio_max=max(ratios))
    return row


def _fmt(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.2f} {unit}"
    return f"{seconds / 1e-9:.1f} ns"


def _mb(n: int | None) -> str:
    return "?" if n is None else f"{n / 2**20:.1f}"


def _machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f
                         if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{model}, {os.cpu_count()} cores"


def _markdown(tables: dict, meta: dict) -> str:
    out = [(f"Measured {meta['date']} on {meta['machine']}; load average {meta['load_before']} "
           f"before, {meta['load_after']} after; {meta['rounds']} rounds, cores {meta['cores']}."),
           ""]
    for threads, rows in tables.items():
        out += [(f"**{threads} thread{'s' if threads > 1 else ''}** (each framework in its own "
                "process)"), "",
                "| workload | ember | torch | ember/torch (round spread) | peak MB ember / torch |",
                "| --- | ---: | ---: | ---: | ---: |"]
        for row in rows:
            if "error" in row:
                out.append(f"| {row['workload']} | failed: {row['error']} | | | |")
                continue
            out.append(f"| {row['workload']} | {_fmt(row['ember_s'])} | {_fmt(row['torch_s'])} | "
                       f"{row['ratio']:.2f}x ({row['ratio_min']:.2f}-{row['ratio_max']:.2f}) | "
                       f"{_mb(row['ember_peak_bytes'])} / {_mb(row['torch_peak_bytes'])} |")
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=["benchmarks.micro_ops"],
                        help="workload modules (default: benchmarks.micro_ops)")
    parser.add_argument("-k", dest="pattern", help="only workloads whose name contains this")
    parser.add_argument("--all", action="store_true", help="every workload module")
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per framework")
    parser.add_argument("--repeats", type=int, default=7, help="timed samples per process")
    parser.add_argument("--warmup", type=int, default=5, help="untimed calls first")
    parser.add_argument("--min-time", type=float, default=0.05,
                        help="seconds per sample (calls are batched to reach it)")
    parser.add_argument("--threads", default="1,2",
                        help="comma-separated thread counts, one table each (default 1,2)")
    parser.add_argument("--cores", default=None,
                        help="CPU list both frameworks are pinned to (default: the first "
                             "max(threads) cores this process may use)")
    parser.add_argument("--json", dest="json_path", help="also write the results here")
    parser.add_argument("--markdown", dest="md_path", help="also write the README table here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    thread_counts = [int(t) for t in str(args.threads).split(",")]
    if args.child:
        module_name, name, lib = args.child.split(":")
        print(json.dumps(child(module_name, name, lib, thread_counts[0], args.repeats,
                               args.warmup, args.min_time)))
        return 0
    if args.all:
        args.modules = ALL_MODULES
    allowed = sorted(os.sched_getaffinity(0))
    cores = ([int(c) for c in args.cores.split(",")] if args.cores
             else allowed[:max(thread_counts)])
    meta = {"date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": _machine(), "python": platform.python_version(),
            "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "rounds": args.rounds, "repeats": args.repeats, "cores": ",".join(map(str, cores))}
    workloads = collect(args.modules, args.pattern)
    tables: dict[int, list[dict]] = {}
    failed = False
    for threads in thread_counts:
        print(f"\n{threads} thread(s), pinned to cores {meta['cores']}, {args.rounds} rounds")
        header = (f"{'workload':<34} {'ember':>10} {'torch':>10} {'ember/torch':>11} "
                  f"{'spread':>11} {'peak MB e/t':>14}")
        print(header + "\n" + "-" * len(header))
        rows = tables.setdefault(threads, [])
        for module_name, name, doc in workloads:
            row = {"workload": name, "module": module_name, "description": doc,
                   **measure(module_name, name, threads, cores, args)}
            rows.append(row)
            if "error" in row:
                failed = True
                print(f"{name:<34} failed: {row['error']}", flush=True)
                continue
            spread = f"{row['ratio_min']:.2f}-{row['ratio_max']:.2f}"
            peaks = f"{_mb(row['ember_peak_bytes'])}/{_mb(row['torch_peak_bytes'])}"
            print(f"{name:<34} {_fmt(row['ember_s']):>10} {_fmt(row['torch_s']):>10} "
                  f"{row['ratio']:10.2f}x {spread:>11} {peaks:>14}", flush=True)
    meta["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.json_path:
        pathlib.Path(args.json_path).write_text(json.dumps(
            {"meta": meta, "tables": {str(k): v for k, v in tables.items()}}, indent=2))
    if args.md_path:
        pathlib.Path(args.md_path).write_text(_markdown(tables, meta))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
