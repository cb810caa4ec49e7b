"""ember classes and functions under torch's names: every nn class maps to the module and
qualified name torch defines it under, and back."""
from __future__ import annotations

import inspect

import torch

import ember
from ember._torch_names import ember_object, torch_name


def test_every_nn_class_has_torchs_path_both_ways():
    checked = 0
    for name in dir(torch.nn):
        t_cls = getattr(torch.nn, name)
        e_cls = getattr(ember.nn, name, None)
        if not (inspect.isclass(t_cls) and issubclass(t_cls, torch.nn.Module)) or e_cls is None:
            continue
        assert torch_name(e_cls) == (t_cls.__module__, t_cls.__qualname__), name
        assert ember_object(t_cls.__module__, t_cls.__qualname__) is e_cls, name
        checked += 1
    assert checked > 100


def test_functions_are_named_where_torch_exports_them():
    assert torch_name(ember.nn.functional.relu) == ("torch.nn.functional", "relu")
    assert torch_name(ember.nn.functional.cross_entropy) == ("torch.nn.functional",
                                                             "cross_entropy")
    assert torch_name(ember.add) == ("torch", "add")
    assert ember_object("torch.nn.functional", "gelu") is ember.nn.functional.gelu
    assert torch_name(len) is None and ember_object("collections", "OrderedDict") is None
    assert ember_object("torch.nn.modules.linear", "NoSuchClass") is None
