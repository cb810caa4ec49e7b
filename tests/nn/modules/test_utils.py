"""torch.nn.modules.utils: the tuple helpers and consume_prefix_in_state_dict_if_present, against
torch's; ember's nn.modules tree has a file for every torch.nn.modules file programs import."""
from __future__ import annotations

import collections
import importlib
import pkgutil

import pytest
import torch
import torch.nn.modules.utils as tu

import ember
import ember.nn.modules.utils as eu


@pytest.mark.parametrize("value", [3, (1, 2), [4, 5, 6], range(2)])
def test_tuple_helpers(value):
    for name in ("_single", "_pair", "_triple", "_quadruple"):
        assert getattr(eu, name)(value) == getattr(tu, name)(value)
    assert eu._reverse_repeat_tuple((1, 2, 3), 2) == tu._reverse_repeat_tuple((1, 2, 3), 2)
    assert eu._list_with_default([None, 3], [1, 2, 7, 8]) == \
        tu._list_with_default([None, 3], [1, 2, 7, 8])
    with pytest.raises(ValueError, match="Input dimension should be at least 3"):
        eu._list_with_default([None, 3], [1, 2])


def test_consume_prefix():
    results = []
    for lib, helpers in ((torch, tu), (ember, eu)):
        sd = lib.nn.DataParallel(lib.nn.Linear(2, 2)).state_dict()
        sd = collections.OrderedDict(sd)
        sd._metadata = {"": {}, "module": {"version": 1}, "module.x": {}}
        helpers.consume_prefix_in_state_dict_if_present(sd, "module.")
        results.append((list(sd), dict(sd._metadata)))
    assert results[0] == results[1]


def test_every_public_torch_module_file_exists():
    private_or_new = {"_functions", "linear_cross_entropy", "linear_cross_entropy_options"}
    torch_files = {m.name for m in pkgutil.iter_modules(torch.nn.modules.__path__)}
    for name in sorted(torch_files - private_or_new):
        importlib.import_module(f"ember.nn.modules.{name}")
