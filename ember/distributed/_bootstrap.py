"""What ember-run starts on every rank: torchrun's per-rank variables from MPI's, then the program
under `python -m mpi4py` (an uncaught exception aborts every rank instead of hanging)."""
from __future__ import annotations

import sys


def main() -> None:
    from .distributed_c10d import _export_launcher_env
    _export_launcher_env()
    from mpi4py.run import main as mpi4py_main
    sys.argv = ["mpi4py", *sys.argv[1:]]
    mpi4py_main()


if __name__ == "__main__":
    main()
