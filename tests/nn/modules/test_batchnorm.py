"""SyncBatchNorm: on 2 and 3 MPI ranks equal to BatchNorm on the concatenated batch
(tests/distributed/programs/syncbn.py); without a process group (or in eval) torch's own
SyncBatchNorm results; convert_sync_batchnorm's tree, sharing and repr as torch's."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from tests.distributed.mpi import mpirun
from tests.oracle import check_module, compare_module


@pytest.mark.parametrize("n", [2, 3])
def test_sync_batchnorm_equals_batchnorm_on_the_global_batch(n):
    res = mpirun("syncbn.py", n, timeout=180)
    assert res.stdout.count("ok") == n, res.stdout


@pytest.mark.parametrize("shape,kwargs", [((4, 3, 5), {}), ((6, 3), {"momentum": None}),
                                          ((2, 3, 4, 4), {"affine": False}),
                                          ((2, 3, 2, 2, 2), {"track_running_stats": False})])
def test_without_a_process_group_it_is_torchs_sync_batchnorm(shape, kwargs):
    t, e = check_module("SyncBatchNorm", (3,), [shape], kwargs=kwargs)
    t.eval()
    e.eval()
    compare_module(t, e, [np.random.default_rng(1).standard_normal(shape).astype(np.float32)])


def test_convert_sync_batchnorm_as_torchs():
    def build(lib):
        lib.manual_seed(0)
        nn = lib.nn
        return nn.Sequential(nn.Conv2d(2, 3, 1), nn.BatchNorm2d(3, momentum=0.2),
                             nn.Sequential(nn.BatchNorm1d(3, affine=False)), nn.ReLU()).eval()
    tm, em = build(torch), build(ember)
    bn = em[1]
    tc = torch.nn.SyncBatchNorm.convert_sync_batchnorm(tm)
    ec = ember.nn.SyncBatchNorm.convert_sync_batchnorm(em)
    assert repr(ec) == repr(tc)
    assert list(ec.state_dict()) == list(tc.state_dict())
    assert ec[1].weight is bn.weight and ec[1].running_mean is bn.running_mean
    assert ec[1].training is False and type(ec[2][0]) is ember.nn.SyncBatchNorm
    assert ember.nn.SyncBatchNorm is ember.nn.modules.SyncBatchNorm


@pytest.mark.parametrize("shape", [(3,), (2, 0, 3)])
def test_bad_inputs_raise_torchs_errors(shape):
    with pytest.raises(ValueError) as want:
        torch.nn.SyncBatchNorm(3)(torch.ones(shape))
    with pytest.raises(ValueError) as got:
        ember.nn.SyncBatchNorm(3)(ember.ones(shape))
    assert str(got.value) == str(want.value)
