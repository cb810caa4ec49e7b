"""nn.parallel on a host without GPUs: DataParallel is the wrapped module (torch's state_dict
prefix, repr, outputs and gradients); DistributedDataParallel raises torch's error without a
process group."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.nn.parallel import DataParallel, DistributedDataParallel, data_parallel


def _pair():
    torch.manual_seed(0)
    ember.manual_seed(0)
    return torch.nn.Linear(4, 3), ember.nn.Linear(4, 3)


def test_data_parallel_is_the_module_with_torchs_prefix_and_repr():
    tm, em = _pair()
    tdp, edp = torch.nn.DataParallel(tm), DataParallel(em)
    assert repr(edp) == repr(tdp)
    assert list(edp.state_dict()) == list(tdp.state_dict()) == ["module.weight", "module.bias"]
    assert edp.device_ids == tdp.device_ids == []
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    g = np.random.default_rng(1).standard_normal((5, 3)).astype(np.float32)
    ty, ey = tdp(torch.from_numpy(x)), edp(ember.from_numpy(x))
    ty.backward(torch.from_numpy(g))
    ey.backward(ember.from_numpy(g))
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(em.weight.grad.numpy(), tm.weight.grad.numpy(), rtol=1e-6,
                               atol=1e-6)
    # a checkpoint saved from the wrapper loads into the wrapper of the other framework
    edp.load_state_dict({k: ember.from_numpy(v.numpy()) for k, v in tdp.state_dict().items()})


def test_functional_data_parallel_needs_an_accelerator_as_in_torch():
    tm, em = _pair()
    with pytest.raises(RuntimeError) as want:
        torch.nn.parallel.data_parallel(tm, torch.ones(2, 4))
    with pytest.raises(RuntimeError) as got:
        data_parallel(em, ember.ones(2, 4))
    assert str(got.value) == str(want.value)


def test_ddp_without_process_group_raises_torchs_error():
    tm, em = _pair()
    with pytest.raises(ValueError) as want:
        torch.nn.parallel.DistributedDataParallel(tm)
    with pytest.raises(ValueError) as got:
        DistributedDataParallel(em)
    assert str(got.value) == str(want.value)


def test_distributed_is_available_with_mpi4py_and_starts_uninitialised():
    import importlib.util
    assert ember.distributed.is_available() is (importlib.util.find_spec("mpi4py") is not None)
    assert ember.distributed.is_initialized() is False
