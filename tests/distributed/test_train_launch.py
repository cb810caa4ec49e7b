"""`ember-train --nproc N` support (ember/distributed/_train_launch.py): on 2 ranks the shards
cover the training set once per epoch and differ between epochs, the model is DDP-wrapped,
only rank 0 prints; in one process everything is the plain single-process path."""
from __future__ import annotations

import ember
from ember.distributed._train_launch import Replicas
from tests.distributed.mpi import mpirun


def test_two_ranks_shard_the_data_and_only_rank_0_prints(tmp_path):
    stem = tmp_path / "seen"
    res = mpirun("train_launch.py", 2, str(stem), timeout=120)
    assert res.stdout.count("printed by rank") == 1 and "printed by rank 0" in res.stdout
    epochs = []
    for epoch in range(2):
        shards = [(tmp_path / f"seen.{r}.{epoch}").read_text().split() for r in range(2)]
        assert sorted(int(v) for s in shards for v in s) == list(range(10))
        epochs.append(shards)
    assert epochs[0] != epochs[1]


def test_one_process_is_the_plain_path():
    rep = Replicas(ember, 1)
    net = ember.nn.Linear(1, 1)
    assert not rep.active and rep.is_main and rep.wrap(net) is net
    loader = rep.loader(list(range(4)), seed=0, batch_size=2)
    assert type(loader.sampler).__name__ == "RandomSampler"
    rep.set_epoch(loader, 1)
    rep.barrier()
    rep.close()
    assert not ember.distributed.is_initialized()
