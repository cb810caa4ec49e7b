"""ember-run: torchrun's command line on MPI's `mpiexec`.

    ember-run --nproc-per-node 4 train.py --lr 0.1
    python -m ember.distributed.run --nproc-per-node 4 train.py --lr 0.1

starts 4 ranks of `python -m mpi4py train.py ...` (an uncaught exception on one rank aborts all),
each with torchrun's RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT.
Several machines: run it once, on the first one, with `--nnodes M --hostfile FILE` (one host per
line, MPICH's format); mpiexec starts the ranks of every node over ssh, so the other nodes run
no launcher (there `--node-rank` > 0 only prints this advice).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys

__all__ = ["command", "find_mpiexec", "get_args_parser", "main", "parse_args", "run"]


def get_args_parser() -> argparse.ArgumentParser:
    """torchrun's main flags (dashes or underscores), plus --hostfile for several machines."""
    p = argparse.ArgumentParser(prog="ember-run", allow_abbrev=False,
                                description="Start a distributed ember program on MPI, with "
                                "torchrun's flags.")
    p.add_argument("--nproc-per-node", "--nproc_per_node", default="1",
                   help="processes per node: a number, or 'cpu'/'auto' for one per core")
    p.add_argument("--nnodes", default="1", help="number of nodes (MIN:MAX takes MAX)")
    p.add_argument("--node-rank", "--node_rank", type=int, default=0)
    p.add_argument("--master-addr", "--master_addr", default="127.0.0.1")
    p.add_argument("--master-port", "--master_port", type=int, default=29500)
    p.add_argument("--standalone", action="store_true",
                   help="single node: a local address and a free port")
    p.add_argument("--hostfile", default=None, help="MPICH host file for --nnodes > 1")
    p.add_argument("-m", "--module", action="store_true",
                   help="run training_script as a module, as `python -m`")
    p.add_argument("--no-python", "--no_python", action="store_true",
                   help="run training_script as an executable, without python")
    p.add_argument("training_script")
    p.add_argument("training_script_args", nargs=argparse.REMAINDER)
    return p


def parse_args(argv=None) -> argparse.Namespace:
    return get_args_parser().parse_args(argv)


def _nproc(value: str) -> int:
    if value in ("cpu", "auto", "gpu"):
        return os.cpu_count() or 1
    n = int(value)
    if n < 1:
        raise ValueError(f"--nproc-per-node must be at least 1, got {n}")
    return n


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_mpiexec() -> str | None:
    """The mpiexec beside this Python (where the mpich wheel installs it), else the one on PATH."""
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return here if os.access(here, os.X_OK) else shutil.which("mpiexec")


def command(args: argparse.Namespace) -> list[str]:
    """The mpiexec command line that starts every rank."""
    nproc = _nproc(args.nproc_per_node)
    nnodes = int(str(args.nnodes).split(":")[-1])
    if args.standalone:
        nnodes, args.master_addr, args.master_port = 1, "127.0.0.1", _free_port()
    mpiexec = find_mpiexec()
    if mpiexec is None:
        raise RuntimeError("ember-run needs MPI's mpiexec (pip install mpich mpi4py)")
    cmd = [mpiexec, "-n", str(nproc * nnodes)]
    if nnodes > 1:
        if args.hostfile is None:
            raise ValueError("--nnodes > 1 needs --hostfile: the machines mpiexec starts ranks on")
        cmd += ["-f", args.hostfile, "-ppn", str(nproc)]
    for k, v in (("WORLD_SIZE", nproc * nnodes), ("LOCAL_WORLD_SIZE", nproc),
                 ("MASTER_ADDR", args.master_addr), ("MASTER_PORT", args.master_port),
                 ("TORCHELASTIC_RUN_ID", "none")):
        cmd += ["-genv", k, str(v)]
    if "OMP_NUM_THREADS" not in os.environ and nproc > 1:
        cmd += ["-genv", "OMP_NUM_THREADS", "1"]
    if args.no_python:
        return [*cmd, args.training_script, *args.training_script_args]
    cmd += [sys.executable, "-m", "ember.distributed._bootstrap"]
    if args.module:
        cmd.append("-m")
    return [*cmd, args.training_script, *args.training_script_args]


def run(args: argparse.Namespace) -> int:
    """Start the ranks and wait; the exit status is mpiexec's (non-zero if any rank failed)."""
    if int(str(args.nnodes).split(":")[-1]) > 1 and args.node_rank > 0:
        print("ember-run: with MPI the launcher runs once, on node 0 (with --hostfile); nothing "
              f"to start on node {args.node_rank}", file=sys.stderr)
        return 0
    return subprocess.call(command(args))


def main(args=None) -> int:
    """Entry point of `ember-run` and `python -m ember.distributed.run`."""
    return run(parse_args(args))


if __name__ == "__main__":
    sys.exit(main())
