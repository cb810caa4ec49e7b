"""Dropout family against torch: after the same seed the masks, values and gradients are identical;
eval/p=0 identity, p=1 zeros, in-place forms, feature (channel) masks, alpha dropout, errors, modules."""
import warnings

import numpy as np
import pytest

import ember
from tests.oracle import check, check_raises


def _seeded(name, p, shape_kw=None, **kw):
    def fn(lib, x):
        lib.manual_seed(7)
        return getattr(lib.nn.functional, name)(x, p, **kw)
    return fn


@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.9, 1.0])
@pytest.mark.parametrize("shape", [(4, 5), (3, 2, 4), (), (0, 3), (1000,)])
def test_dropout_matches_torch_draws(p, shape):
    check(_seeded("dropout", p, training=True), shapes=[shape], grad2=True)


@pytest.mark.parametrize("dtype", ["float64", "float16"])
def test_dropout_dtypes(dtype):
    check(_seeded("dropout", 0.3, training=True), shapes=[(6, 7)], dtype=dtype)


def test_dropout_eval_returns_input():
    x = ember.randn(3, 4, requires_grad=True)
    assert ember.nn.functional.dropout(x, 0.5, training=False) is x
    assert ember.nn.functional.dropout(x, 0.0) is x


def test_dropout_noncontiguous():
    x = np.random.default_rng(0).standard_normal((5, 4)).T
    check(_seeded("dropout", 0.4, training=True), inputs=[x], grad2=True)


def test_dropout_inplace():
    def fn(lib, x):
        y = x * 1.0
        lib.manual_seed(3)
        z = lib.nn.functional.dropout(y, 0.4, inplace=True)
        assert z is y
        return z
    check(fn, shapes=[(4, 6)])


def test_dropout_int_input_raises():
    check_raises(_seeded("dropout", 0.5, training=True), inputs=[np.arange(5)])


@pytest.mark.parametrize("p", [-0.1, 1.5])
@pytest.mark.parametrize("name", ["dropout", "dropout1d", "dropout2d", "dropout3d",
                                  "alpha_dropout", "feature_alpha_dropout"])
def test_bad_probability(name, p):
    exc = check_raises(_seeded(name, p), shapes=[(2, 3, 4, 4, 2)])
    assert "dropout probability has to be between 0 and 1" in str(exc)


@pytest.mark.parametrize("name,shape", [("dropout1d", (3, 4, 5)), ("dropout1d", (4, 5)),
                                        ("dropout2d", (2, 3, 4, 4)),
                                        ("dropout3d", (2, 3, 2, 2, 2)), ("dropout3d", (3, 2, 2, 2)),
                                        ("feature_alpha_dropout", (2, 3, 4))])
@pytest.mark.parametrize("p", [0.25, 0.5, 1.0])
def test_feature_dropout(name, shape, p):
    check(_seeded(name, p, training=True), shapes=[shape], grad2=True)


def test_feature_dropout_inplace_unbatched():
    def fn(lib, x):
        y = x * 1.0
        lib.manual_seed(1)
        return lib.nn.functional.dropout1d(y, 0.5, inplace=True)
    check(fn, shapes=[(4, 5)])


def test_dropout1d_rank_error():
    exc = check_raises(_seeded("dropout1d", 0.5), shapes=[(2, 3, 4, 5)])
    assert "Expected 2D or 3D input" in str(exc)


@pytest.mark.parametrize("name,shape,needle", [("dropout2d", (2, 3, 4), "channel-wise 1D"),
                                               ("dropout2d", (2, 3, 4, 4, 2), "5-D input"),
                                               ("dropout3d", (2, 3, 4), "3-D input")])
def test_feature_dropout_warnings(name, shape, needle):
    with pytest.warns(UserWarning, match=needle):
        check(_seeded(name, 0.5, training=True), shapes=[shape])


def test_feature_dropout_needs_two_dims():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_raises(_seeded("dropout2d", 0.5, training=True), shapes=[(5,)])


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_alpha_dropout(p):
    check(_seeded("alpha_dropout", p, training=True), shapes=[(5, 8)], grad2=True)


def test_alpha_dropout_defaults_to_eval():
    check(_seeded("alpha_dropout", 0.5), shapes=[(3, 3)])


def test_dropout_statistics_large():
    ember.manual_seed(0)
    y = ember.nn.functional.dropout(ember.ones(100000), 0.3)
    kept = (y != 0).float().mean().item()
    assert abs(kept - 0.7) < 0.01
    assert np.allclose(y[y != 0].numpy(), 1 / 0.7)
