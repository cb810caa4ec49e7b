"""nn functions that torch also exposes as torch.<name> and Tensor.<name>: same results as torch."""
import numpy as np
import pytest

from tests.oracle import check, check_raises

TOP = [
    ("softmax", lambda lib, x: lib.softmax(x, 1)),
    ("log_softmax", lambda lib, x: lib.log_softmax(x, -1)),
    ("softmax dtype", lambda lib, x: lib.softmax(x, 0, dtype=lib.float64)),
    ("layer_norm", lambda lib, x: lib.layer_norm(x, (4,))),
    ("group_norm", lambda lib, x: lib.group_norm(x, 1)),
    ("selu", lambda lib, x: lib.selu(x)),
    ("celu", lambda lib, x: lib.celu(x, 0.5)),
    ("threshold", lambda lib, x: lib.threshold(x, 0.1, 20.0)),
    ("hardshrink", lambda lib, x: lib.hardshrink(x, 0.3)),
    ("cosine_similarity", lambda lib, x: lib.cosine_similarity(x, x.flip(0))),
    ("pairwise_distance", lambda lib, x: lib.pairwise_distance(x, x * 2)),
    ("cdist", lambda lib, x: lib.cdist(x, x + 1)),
    ("pdist", lambda lib, x: lib.pdist(x)),
    ("dropout eval", lambda lib, x: lib.dropout(x, 0.5, False)),
    ("alpha_dropout eval", lambda lib, x: lib.alpha_dropout(x, 0.5, False)),
    ("rms_norm", lambda lib, x: lib.rms_norm(x, [4])),
]


@pytest.mark.parametrize("name,fn", TOP, ids=[n for n, _ in TOP])
def test_toplevel(name, fn):
    check(fn, shapes=[(3, 4)], dtype="float64")


def test_toplevel_dropout_train_draws():
    def fn(lib, x):
        lib.manual_seed(0)
        return lib.dropout(x, 0.5, True)
    check(fn, shapes=[(4, 5)])


METHODS = [
    ("softmax", lambda x: x.softmax(0)),
    ("log_softmax", lambda x: x.log_softmax(dim=1)),
    ("softmax dtype", lambda lib, x: x.softmax(-1, dtype=lib.float64)),
    ("hardshrink", lambda x: x.hardshrink()),
    ("prelu", lambda lib, x: x.prelu(lib.tensor([0.25], dtype=x.dtype))),
]


@pytest.mark.parametrize("name,fn", METHODS, ids=[n for n, _ in METHODS])
def test_methods(name, fn):
    # prelu's input gradient with a constant weight does not depend on x: no second order
    check(fn, shapes=[(3, 4)], grad2=name != "prelu")


def test_method_softmax_needs_dim():
    check_raises(lambda x: x.softmax(), shapes=[(3,)])


def test_softmax_on_int_raises():
    check_raises(lambda lib, x: lib.softmax(x, 0), inputs=[np.arange(4)])
