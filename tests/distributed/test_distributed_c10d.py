"""Process groups: torch's errors before init_process_group, ReduceOp and Backend as torch's,
init/destroy/new_group in a world of one, torchrun's variables, and no mpi4py on `import ember`."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch

import ember
from tests.distributed.mpi import ROOT, env, worlds_of_one

d = ember.distributed


@pytest.mark.parametrize("name", ["get_rank", "get_world_size", "get_backend", "barrier",
                                  "destroy_process_group", "new_group"])
def test_before_init_raises_torchs_error(name):
    with pytest.raises(Exception) as want:
        getattr(torch.distributed, name)()
    with pytest.raises(want.type) as got:
        getattr(d, name)()
    assert str(got.value) == str(want.value)
    assert d.is_initialized() is torch.distributed.is_initialized() is False


def test_reduce_op_and_backend_as_torchs():
    for name in ("SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR", "PREMUL_SUM"):
        t, e = getattr(torch.distributed.ReduceOp, name), getattr(d.ReduceOp, name)
        assert (repr(e), str(e), int(e)) == (repr(t), str(t), int(t))
        assert e == int(t)
    for name in ("gloo", "NCCL", "mpi"):
        assert d.Backend(name) == torch.distributed.Backend(name)
    with pytest.raises(ValueError) as want:
        torch.distributed.Backend(3)
    with pytest.raises(ValueError) as got:
        d.Backend(3)
    assert str(got.value) == str(want.value)
    with pytest.raises(ValueError, match="runs on MPI"):
        d.init_process_group("ucc")


def test_init_destroy_and_groups_in_a_world_of_one():
    with worlds_of_one():
        assert d.is_initialized() and d.group.WORLD is d.GroupMember.WORLD is not None
        with pytest.raises(ValueError) as want:
            torch.distributed.init_process_group("gloo")
        with pytest.raises(ValueError) as got:
            d.init_process_group("gloo")
        assert str(got.value) == str(want.value)
        for lib in (torch, ember):
            g = lib.distributed.new_group([0])
            assert lib.distributed.get_rank(g) == 0 and lib.distributed.get_world_size(g) == 1
            assert lib.distributed.get_process_group_ranks(g) == [0]
            assert lib.distributed.get_global_rank(g, 0) == lib.distributed.get_group_rank(g, 0)
            lib.distributed.destroy_process_group(g)
        for k in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR",
                  "MASTER_PORT"):
            assert k in os.environ
    assert not d.is_initialized() and d.group.WORLD is None
    with pytest.raises(ValueError, match="MPI started 1 process"):
        d.init_process_group("mpi", world_size=2)
    assert not d.is_initialized()
    with worlds_of_one():  # a destroyed default group can be made again, as torch's
        assert d.get_world_size() == 1


def test_import_ember_does_not_import_mpi4py():
    code = ("import sys, ember, ember.distributed as d, ember.nn.parallel, "
            "ember.utils.data.distributed; assert 'mpi4py' not in sys.modules; "
            "assert d.is_available() is d.is_gloo_available() is True")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env(), capture_output=True,
                         text=True, timeout=120, check=False)
    assert res.returncode == 0, res.stderr


def test_node_local_rank_and_elastic_launch_read_the_environment_as_torch(monkeypatch):
    for values in ({}, {"LOCAL_RANK": "3", "TORCHELASTIC_RUN_ID": "none"}):
        for k in ("LOCAL_RANK", "TORCHELASTIC_RUN_ID"):
            monkeypatch.delenv(k, raising=False)
        for k, v in values.items():
            monkeypatch.setenv(k, v)
        assert d.is_torchelastic_launched() is torch.distributed.is_torchelastic_launched()
        assert d.get_node_local_rank(7) == torch.distributed.get_node_local_rank(7)
    monkeypatch.delenv("LOCAL_RANK")
    with pytest.raises(RuntimeError) as want:
        torch.distributed.get_node_local_rank()
    with pytest.raises(RuntimeError) as got:
        d.get_node_local_rank()
    assert str(got.value) == str(want.value)
