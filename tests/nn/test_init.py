"""nn.init against torch.nn.init: seeded draws equal torch's; gains, fans and errors match."""
import numpy as np
import pytest
import torch

import ember
from tests.oracle import check_raises, to_numpy

SEEDED = [
    ("uniform_", (4, 5), (-0.5, 2.0)),
    ("normal_", (4, 5), (1.0, 0.3)),
    ("normal_", (0, 3), ()),
    ("xavier_uniform_", (6, 3, 2), (1.5,)),
    ("xavier_normal_", (6, 3), ()),
    ("kaiming_uniform_", (5, 4), (5 ** 0.5,)),
    ("kaiming_uniform_", (5, 4, 3), (0, "fan_out", "relu")),
    ("kaiming_normal_", (5, 4), (0.1, "fan_in", "leaky_relu")),
    ("trunc_normal_", (7, 9), ()),
    ("trunc_normal_", (7, 9), (0.0, 1.0, 2.0, 3.0)),  # narrow window: uniform proposals
    ("trunc_normal_", (50,), (0.5, 0.2, -0.1, 0.4)),
    ("sparse_", (8, 5), (0.3,)),
    ("constant_", (2, 3), (0.25,)),
    ("ones_", (2, 3), ()),
    ("zeros_", (2, 3), ()),
    ("eye_", (3, 5), ()),
    ("dirac_", (4, 2, 3), ()),
    ("dirac_", (6, 2, 3, 3), (2,)),
    ("dirac_", (2, 3, 3, 2, 3), ()),
]


@pytest.mark.parametrize("name,shape,args", SEEDED)
def test_seeded_equals_torch(name, shape, args):
    torch.manual_seed(7)
    ember.manual_seed(7)
    t = getattr(torch.nn.init, name)(torch.empty(shape), *args)
    e_in = ember.empty(shape)
    e = getattr(ember.nn.init, name)(e_in, *args)
    assert e is e_in
    np.testing.assert_array_equal(to_numpy(e), to_numpy(t))
    # the stream is left where torch leaves it
    np.testing.assert_array_equal(to_numpy(ember.rand(3)), to_numpy(torch.rand(3)))


@pytest.mark.parametrize("shape,gain", [((4, 6), 1), ((6, 4), 2.0), ((3, 2, 2), 1), ((5, 5), 1)])
def test_orthogonal(shape, gain):
    torch.manual_seed(3)
    ember.manual_seed(3)
    t = torch.nn.init.orthogonal_(torch.empty(shape), gain)
    e = ember.nn.init.orthogonal_(ember.empty(shape), gain)
    np.testing.assert_allclose(to_numpy(e), to_numpy(t), rtol=1e-5, atol=1e-5)
    m = to_numpy(e).reshape(shape[0], -1) / gain
    small = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    np.testing.assert_allclose(small, np.eye(small.shape[0]), atol=1e-5)


def test_runs_under_no_grad_on_parameters():
    w = ember.empty(3, 4, requires_grad=True)
    out = ember.nn.init.kaiming_uniform_(w)
    assert out is w and w.requires_grad and w.grad_fn is None


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("conv_transpose3d",), ("sigmoid",),
                                  ("tanh",), ("relu",), ("leaky_relu",), ("leaky_relu", 0.2),
                                  ("leaky_relu", 3), ("selu",)])
def test_calculate_gain(args):
    t, e = torch.nn.init.calculate_gain(*args), ember.nn.init.calculate_gain(*args)
    assert e == t and type(e) is type(t)


@pytest.mark.parametrize("args", [("foo",), ("leaky_relu", True), ("leaky_relu", "x")])
def test_calculate_gain_errors(args):
    check_raises(lambda lib: lib.nn.init.calculate_gain(*args), inputs=[])


@pytest.mark.parametrize("shape", [(3, 4), (5, 3, 2, 2), (2, 3, 0)])
def test_fans(shape):
    assert ember.nn.init._calculate_fan_in_and_fan_out(ember.empty(shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


@pytest.mark.parametrize("fn,shape", [
    (lambda lib, t: lib.nn.init.xavier_uniform_(t), (3,)),
    (lambda lib, t: lib.nn.init.kaiming_normal_(t, mode="fan_avg"), (3, 4)),
    (lambda lib, t: lib.nn.init.eye_(t), (3, 4, 2)),
    (lambda lib, t: lib.nn.init.dirac_(t), (3, 4)),
    (lambda lib, t: lib.nn.init.dirac_(t, 2), (3, 4, 2)),
    (lambda lib, t: lib.nn.init.orthogonal_(t), (3,)),
    (lambda lib, t: lib.nn.init.sparse_(t, 0.5), (3, 4, 2)),
])
def test_errors(fn, shape):
    check_raises(fn, shapes=[shape])


def test_zero_element_warns():
    with pytest.warns(UserWarning, match="zero-element"):
        ember.nn.init.kaiming_uniform_(ember.empty(0, 3))


DEPRECATED = [("uniform", (3, 4), (-1.0, 1.0)), ("normal", (3, 4), ()), ("constant", (2,), (0.5,)),
              ("eye", (2, 3), ()), ("dirac", (2, 2, 3), ()), ("xavier_uniform", (3, 4), ()),
              ("xavier_normal", (3, 4), ()), ("kaiming_uniform", (3, 4), ()),
              ("kaiming_normal", (3, 4), ()), ("orthogonal", (3, 4), ()), ("sparse", (4, 3), (0.5,))]


@pytest.mark.parametrize("name,shape,args", DEPRECATED)
def test_deprecated_aliases_warn_and_fill(name, shape, args):
    results = []
    for lib in (torch, ember):
        lib.manual_seed(5)
        t = lib.empty(shape)
        with pytest.warns(FutureWarning) as rec:
            out = getattr(lib.nn.init, name)(t, *args)
        assert out is t and rec[0].filename == __file__
        results.append((str(rec[0].message), to_numpy(out)))
    assert results[0][0] == results[1][0]
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=1e-5, atol=1e-6)
    assert getattr(ember.nn.init, name).__name__ == name
