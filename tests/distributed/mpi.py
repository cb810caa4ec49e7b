"""Run a program of tests/distributed/programs under `mpiexec -n N python -m mpi4py` (a helper,
not a test): every run has a timeout, and a run that times out is killed with its process group."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ember.distributed.run import find_mpiexec

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = Path(__file__).resolve().parent / "programs"


def env() -> dict:
    """The environment of a child: ember importable, one BLAS thread per rank (2 shared cores)."""
    e = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
             MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR",
              "MASTER_PORT"):
        e.pop(k, None)
    return e


def need_mpi() -> str:
    """The mpiexec to use; skips where MPI (the optional `distributed` extra) is missing."""
    pytest.importorskip("mpi4py")
    mpiexec = find_mpiexec()
    if mpiexec is None:
        pytest.skip("mpiexec is not installed")
    return mpiexec


def run(argv: list[str], timeout: float = 120.0) -> subprocess.CompletedProcess:
    """Run argv in its own session; on timeout kill the whole process group and fail."""
    proc = subprocess.Popen(argv, cwd=ROOT, env=env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{argv} did not finish in {timeout} s\n{out}\n{err}")
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


def mpirun(program: str, n: int, *args: str, timeout: float = 120.0,
           check: bool = True) -> subprocess.CompletedProcess:
    """`mpiexec -n n python -m mpi4py programs/<program> args`; check=True asserts exit 0."""
    argv = [need_mpi(), "-n", str(n), sys.executable, "-m", "mpi4py",
            str(PROGRAMS / program), *args]
    res = run(argv, timeout)
    if check:
        assert res.returncode == 0, f"exit {res.returncode}\n{res.stdout}\n{res.stderr}"
    return res


def free_port() -> str:
    """A TCP port nobody listens on now (for torch's gloo rendezvous)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return str(s.getsockname()[1])


@contextlib.contextmanager
def worlds_of_one():
    """A one-process group in ember (MPI singleton) and in torch (gloo over a local TCP store)."""
    import torch

    import ember
    pytest.importorskip("mpi4py")
    torch.distributed.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{free_port()}",
                                         rank=0, world_size=1)
    saved = dict(os.environ)
    ember.distributed.init_process_group("gloo")  # sets RANK, WORLD_SIZE, ... if unset
    try:
        yield
    finally:
        ember.distributed.destroy_process_group()
        torch.distributed.destroy_process_group()
        os.environ.clear()
        os.environ.update(saved)
