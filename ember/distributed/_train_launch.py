"""`ember-train --nproc N`: the main job data-parallel on N MPI ranks.

ember/tools/train.py calls `relaunch` when started by hand (it restarts the same command under
ember-run), and on every rank uses a `Replicas` for what changes: the model is wrapped in
DistributedDataParallel, the training set is sharded by DistributedSampler, and only rank 0
prints and writes checkpoints. Works for `--backend torch` too (ember-run sets torchrun's
variables, which torch's env:// rendezvous reads).
"""
from __future__ import annotations

import os
import subprocess
import sys

__all__ = ["Replicas", "relaunch", "under_launcher"]


def under_launcher() -> bool:
    """True in a process that mpiexec (or ember-run) started."""
    return "PMI_RANK" in os.environ or "OMPI_COMM_WORLD_RANK" in os.environ


def relaunch(nproc: int, module: str, argv: list[str]) -> int:
    """Run `python -m module argv` on `nproc` ranks (ember-run) and return its exit status."""
    from .run import command, parse_args
    return subprocess.call(command(parse_args(["--nproc-per-node", str(nproc), "-m", module,
                                               *argv])))


class Replicas:
    """One rank of a data-parallel run (or the single process when nproc is 1)."""

    def __init__(self, torch, nproc: int) -> None:
        self.torch = torch
        self.active = nproc > 1 and under_launcher()
        self.rank, self.world_size = 0, 1
        if self.active:
            torch.distributed.init_process_group("gloo")
            self.rank = torch.distributed.get_rank()
            self.world_size = torch.distributed.get_world_size()
            if self.rank != 0:  # one rank reports; the others would print the same lines
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the run

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    def wrap(self, model):
        """DistributedDataParallel(model) on several ranks; the model itself otherwise."""
        if not self.active:
            return model
        return self.torch.nn.parallel.DistributedDataParallel(model)

    def loader(self, dataset, seed: int, **kwargs):
        """A shuffling DataLoader over this rank's shard (the whole set on one process)."""
        data = self.torch.utils.data
        if not self.active:
            return data.DataLoader(dataset, shuffle=True, **kwargs)
        sampler = data.distributed.DistributedSampler(dataset, seed=seed)
        return data.DataLoader(dataset, sampler=sampler, **kwargs)

    def set_epoch(self, loader, epoch: int) -> None:
        """Reshuffle the shards for `epoch` (every rank draws the same permutation)."""
        if self.active:
            loader.sampler.set_epoch(epoch)

    def barrier(self) -> None:
        """Wait for every rank (e.g. until rank 0 wrote a checkpoint the others will read)."""
        if self.active:
            self.torch.distributed.barrier()

    def close(self) -> None:
        if self.active:
            self.torch.distributed.destroy_process_group()
