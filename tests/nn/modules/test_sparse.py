"""nn.Embedding and nn.EmbeddingBag (ember/nn/modules/sparse.py) against torch: default init
after the same seed, repr, state_dict, forward and backward, from_pretrained, errors."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, check_module, compare_module, module_pair

RNG = np.random.default_rng(0)
W = RNG.standard_normal((7, 3))
IDX = np.array([[1, 2, 4, 1], [4, 3, 2, 6]])
FLAT = np.array([1, 2, 4, 5, 4, 3, 2, 0])
OFFS = np.array([0, 2, 2, 5])


@pytest.mark.parametrize("args,kw", [((10, 3), {}), ((10, 3), {"padding_idx": 0, "max_norm": 1.0}),
                                     ((10, 3), {"norm_type": 3.0, "scale_grad_by_freq": True,
                                                "sparse": True}),
                                     ((5, 2), {"padding_idx": -2})])
def test_embedding_module_init_repr_state(args, kw):
    t, e = module_pair("Embedding", *args, init="seed", seed=3, **kw)
    assert repr(e) == repr(t)
    assert e.padding_idx == t.padding_idx


def test_embedding_module_forward_backward():
    check_module("Embedding", (7, 3), inputs=[IDX], kwargs={"padding_idx": 4})


@pytest.mark.parametrize("freeze", [True, False])
def test_from_pretrained(freeze):
    t = torch.nn.Embedding.from_pretrained(torch.tensor(W), freeze=freeze, padding_idx=1)
    e = ember.nn.Embedding.from_pretrained(ember.tensor(W), freeze=freeze, padding_idx=1)
    assert repr(e) == repr(t)
    assert e.weight.requires_grad == t.weight.requires_grad
    assert_same(e(ember.tensor(IDX)), t(torch.tensor(IDX)))
    tb = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(W), freeze=freeze, mode="sum")
    eb = ember.nn.EmbeddingBag.from_pretrained(ember.tensor(W), freeze=freeze, mode="sum")
    assert repr(eb) == repr(tb) and eb.weight.requires_grad == tb.weight.requires_grad
    assert_same(eb(ember.tensor(IDX)), tb(torch.tensor(IDX)))


def test_module_errors():
    for lib in (torch, ember):
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            lib.nn.Embedding(5, 3, padding_idx=7)
        with pytest.raises(AssertionError, match="2-dimensional"):
            lib.nn.Embedding.from_pretrained(lib.ones(3))
        with pytest.raises(AssertionError, match="Shape of weight"):
            lib.nn.Embedding(5, 3, _weight=lib.ones(4, 3))


@pytest.mark.parametrize("kw", [{}, {"mode": "sum", "padding_idx": 1}, {"max_norm": 2.0}])
def test_embedding_bag_module(kw):
    t, e = module_pair("EmbeddingBag", 10, 4, init="seed", seed=4, **kw)
    assert repr(e) == repr(t)
    compare_module(t, e, [FLAT, OFFS])
