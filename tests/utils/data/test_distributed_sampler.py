"""DistributedSampler: every rank's index list equals torch's, over shuffle, seed, epoch,
drop_last and padding (dataset sizes that divide, do not divide, and are smaller than the
number of replicas)."""
from __future__ import annotations

import pytest
import torch

import ember
from ember.utils.data import DistributedSampler


@pytest.mark.parametrize("n", [0, 1, 3, 10, 11, 17])
@pytest.mark.parametrize("replicas", [1, 2, 3, 5])
@pytest.mark.parametrize("shuffle,drop_last", [(True, False), (True, True), (False, False),
                                               (False, True)])
def test_same_indices_as_torch(n, replicas, shuffle, drop_last):
    data = list(range(n))
    for rank in range(replicas):
        for seed, epoch in [(0, 0), (7, 3)]:
            want = torch.utils.data.DistributedSampler(data, replicas, rank, shuffle, seed,
                                                       drop_last)
            got = DistributedSampler(data, replicas, rank, shuffle, seed, drop_last)
            want.set_epoch(epoch)
            got.set_epoch(epoch)
            assert len(got) == len(want)
            assert list(got) == list(want)
            assert (got.num_samples, got.total_size) == (want.num_samples, want.total_size)


def test_bad_rank_and_missing_process_group_raise_as_torch():
    for rank in (-1, 2):
        with pytest.raises(ValueError) as want:
            torch.utils.data.DistributedSampler(range(4), 2, rank)
        with pytest.raises(ValueError) as got:
            DistributedSampler(range(4), 2, rank)
        assert str(got.value) == str(want.value)
    with pytest.raises(ValueError) as want:
        torch.utils.data.DistributedSampler(range(4))
    with pytest.raises(ValueError) as got:
        DistributedSampler(range(4))
    assert str(got.value) == str(want.value)


def test_feeds_a_dataloader_and_is_exported_like_torchs():
    assert ember.utils.data.distributed.DistributedSampler is DistributedSampler
    ds = ember.utils.data.TensorDataset(ember.arange(10))
    loader = ember.utils.data.DataLoader(ds, batch_size=2, sampler=DistributedSampler(ds, 2, 1))
    tds = torch.utils.data.TensorDataset(torch.arange(10))
    tloader = torch.utils.data.DataLoader(tds, batch_size=2,
                                          sampler=torch.utils.data.DistributedSampler(tds, 2, 1))
    assert [b[0].tolist() for b in loader] == [b[0].tolist() for b in tloader]
