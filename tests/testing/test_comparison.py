"""ember.testing.assert_close against torch.testing.assert_close: the same pairs pass, and the
failing ones raise the same exception type with the same message."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.testing import assert_close

nan, inf = float("nan"), float("inf")

# each case builds (actual, expected, kwargs) from a framework module `f`
CASES = [
    lambda f: (f.tensor([1.0, 2.0, 3.0]), f.tensor([1.0, 2.1, 3.0]), {}),
    lambda f: (f.tensor([1.0, 2.0, 3.0]), f.tensor([1.0, 2.0 + 1e-6, 3.0]), {}),
    lambda f: (f.tensor([1, 2, 3]), f.tensor([2, 2, 3]), {}),
    lambda f: (f.tensor([1, 2, 3]), f.tensor([1, 2, 3]), {}),
    lambda f: (f.tensor([1, 1], dtype=f.int8), f.tensor([-128, 4], dtype=f.int8), {}),
    lambda f: (f.tensor([True, False]), f.tensor([True, True]), {}),
    lambda f: (1.0, 1.1, {}),
    lambda f: (1.0, 1.0 + 1e-9, {}),
    lambda f: (1, 2, {}),
    lambda f: (1, 1.0, {}),
    lambda f: (True, True, {}),
    lambda f: (f.ones(2), f.ones(3), {}),
    lambda f: (f.ones(2), f.ones(2, dtype=f.float64), {}),
    lambda f: (f.ones(2), f.ones(2, dtype=f.float64), {"check_dtype": False}),
    lambda f: (f.tensor([1], dtype=f.int32), f.tensor([2]), {"check_dtype": False}),
    lambda f: (f.ones(2), f.ones(2), {"rtol": 1e-3}),
    lambda f: (f.ones(2), f.ones(2), {"atol": 1e-3}),
    lambda f: ([f.ones(2), f.ones(2)], [f.ones(2), f.zeros(2)], {}),
    lambda f: ((1, 2.0), [1, 2.0], {}),
    lambda f: ([1, 2], [1, 2, 3], {}),
    lambda f: ({"a": f.ones(1)}, {"b": f.ones(1)}, {}),
    lambda f: ({"a": f.ones(1)}, {"a": f.zeros(1)}, {}),
    lambda f: ({"a": [f.ones(1), {"b": 2.0}]}, {"a": [f.ones(1), {"b": 2.5}]}, {}),
    lambda f: (f.tensor([nan]), f.tensor([nan]), {}),
    lambda f: (f.tensor([1.0, nan]), f.tensor([1.0, nan]), {"equal_nan": True}),
    lambda f: (f.tensor([inf, -inf]), f.tensor([inf, -inf]), {}),
    lambda f: (f.tensor([inf]), f.tensor([-inf]), {}),
    lambda f: (f.ones(2), [1.0, 1.0], {}),
    lambda f: ("a", "a", {}),
    lambda f: (f.tensor(1.0), 1.0, {}),
    lambda f: (f.tensor(1.0), f.tensor(2.0), {}),
    lambda f: (f.tensor(2), f.tensor(3), {}),
    lambda f: (f.ones(2, 3).t(), f.ones(3, 2), {"check_stride": True}),
    lambda f: (f.ones(2, 3).t(), f.ones(3, 2), {}),
    lambda f: (f.tensor([1e-3], dtype=f.float16), f.tensor([1.1e-3], dtype=f.float16), {}),
    lambda f: (f.tensor([[1.0, 2.0], [3.0, 4.0]]), f.tensor([[1.0, 2.0], [3.0, 5.0]]), {}),
    lambda f: (f.tensor([1.0, 2.0]), f.tensor([1.0, 3.0]), {"rtol": 0, "atol": 0}),
    lambda f: (f.tensor([1.0, 2.0]), f.tensor([1.5, 2.0]), {"rtol": 0, "atol": 1}),
    lambda f: (f.tensor([1.0, 0.0]), f.tensor([1.0, 1e-3]), {}),
    lambda f: (f.tensor([0.5, 3.0]), f.tensor([0.0, 2.0]), {}),
    lambda f: (f.ones(0), f.ones(0), {}),
    lambda f: (f.ones(2, 0), f.ones(0, 2), {}),
    lambda f: (f.tensor([1.0, 2.0]), f.tensor([1.0, 3.0]), {"msg": "custom"}),
    lambda f: (f.tensor([1.0, 2.0]), f.tensor([1.0, 3.0]), {"msg": lambda m: "X" + m[:12]}),
    lambda f: (np.array([1.0, 2.0]), np.array([1.0, 2.5]), {}),
    lambda f: (f.nn.Parameter(f.ones(1)), f.ones(1), {}),
]


def _outcome(fn):
    """(exception type, message) or (None, None); ember's Tensor class reads as torch's."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        return type(e), str(e).replace(repr(ember.Tensor), repr(torch.Tensor))
    return None, None


@pytest.mark.parametrize("case", range(len(CASES)))
def test_same_verdict_and_message_as_torch(case):
    ta, te, kw = CASES[case](torch)
    ea, ee, ekw = CASES[case](ember)
    want = _outcome(lambda: torch.testing.assert_close(ta, te, **kw))
    got = _outcome(lambda: assert_close(ea, ee, **ekw))
    assert got == want
