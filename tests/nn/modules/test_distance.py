"""nn.PairwiseDistance and nn.CosineSimilarity against torch: repr, values, gradients."""
import pytest

from tests.oracle import check


@pytest.mark.parametrize("kw", [{}, {"p": 1.0}, {"p": 3.0, "eps": 1e-3, "keepdim": True}])
def test_pairwise_distance(kw):
    check(lambda lib, a, b: lib.nn.PairwiseDistance(**kw)(a, b), shapes=[(4, 5), (4, 5)],
          grad2=True)


@pytest.mark.parametrize("kw", [{}, {"dim": 0}, {"dim": -1, "eps": 1e-3}])
def test_cosine_similarity(kw):
    check(lambda lib, a, b: lib.nn.CosineSimilarity(**kw)(a, b), shapes=[(4, 5), (4, 5)],
          grad2=True)


def test_reprs():
    import torch

    import ember
    for name, kw in (("PairwiseDistance", {"p": 3.0}), ("CosineSimilarity", {"dim": 0})):
        assert repr(getattr(ember.nn, name)(**kw)) == repr(getattr(torch.nn, name)(**kw))
