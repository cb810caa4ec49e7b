"""ember.jit: script/trace return what they are given and run eagerly with torch's results; the
annotation helpers programs use inside models (ignore, unused, export, annotate, Final,
is_scripting) behave as in eager torch."""
from __future__ import annotations

import numpy as np

import ember
from ember import jit


def test_script_and_trace_run_eagerly():
    ember.manual_seed(0)
    m = ember.nn.Sequential(ember.nn.Linear(3, 2), ember.nn.ReLU())
    x = ember.randn(4, 3)
    want = m(x).detach().numpy()
    assert jit.script(m) is m
    traced = jit.trace(m, (x,))
    assert traced is m
    np.testing.assert_array_equal(traced(x).detach().numpy(), want)
    f = jit.script(lambda t: t * 2)
    assert f(ember.ones(1)).tolist() == [2.0]


def test_annotation_helpers_are_transparent():
    class Net(ember.nn.Module):
        scale: jit.Final[float] = 2.0

        @jit.ignore
        def helper(self, x):
            return x + 1

        @jit.ignore(drop=True)
        def dropped(self, x):
            return x - 1

        @jit.unused
        def unused(self, x):
            return x

        @jit.export
        def forward(self, x):
            y = jit.annotate(ember.Tensor, self.helper(x) * self.scale)
            return self.dropped(y) if not jit.is_scripting() and not jit.is_tracing() else y

    assert Net()(ember.ones(2)).tolist() == [3.0, 3.0]
