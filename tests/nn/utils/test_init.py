"""nn.utils.skip_init: the module's structure without initialisation and without consuming the
random stream that initialisation would have consumed (torch builds it on the meta device)."""
from __future__ import annotations

import pytest
import torch

import ember


def test_skip_init_keeps_structure_and_random_stream():
    for lib in (torch, ember):
        lib.manual_seed(0)
        m = lib.nn.utils.skip_init(lib.nn.Linear, 5, 3)
        assert type(m) is lib.nn.Linear and tuple(m.weight.shape) == (3, 5)
        assert isinstance(m.weight, lib.nn.Parameter)
    torch.manual_seed(0)
    torch.nn.utils.skip_init(torch.nn.Linear, 5, 3)
    after_torch = torch.rand(4)
    ember.manual_seed(0)
    ember.nn.utils.skip_init(ember.nn.Linear, 5, 3)
    assert ember.rand(4).tolist() == after_torch.tolist()


def test_skip_init_errors():
    class NoDevice(torch.nn.Module):
        def __init__(self):
            super().__init__()

    class EmberNoDevice(ember.nn.Module):
        def __init__(self):
            super().__init__()
    for lib, cls in ((torch, NoDevice), (ember, EmberNoDevice)):
        with pytest.raises(RuntimeError, match="Expected a Module"):
            lib.nn.utils.skip_init(int)
        with pytest.raises(RuntimeError, match="must support a 'device' arg"):
            lib.nn.utils.skip_init(cls)
