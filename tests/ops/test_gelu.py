"""ember/ops/gelu.py against torch: the erf form in float32 (torch's kernels, overflow edges
included), float64, half precision and the tanh approximation, with first and second
derivatives."""
from __future__ import annotations

import numpy as np
import pytest

from tests.oracle import check


def F(lib):
    return lib.nn.functional


EDGES = np.array([1.0, -3.0, 3e38, 2.0**127, 1.7014118e38, np.inf, -np.inf, np.nan, 0.5, 8.0],
                 np.float32)


@pytest.mark.parametrize("view", ["contiguous", "strided", "single", "float64", "tanh"])
def test_gelu_extremes(view):
    """Contiguous float32 gelu goes through oneDNN in torch (its AVX-512 kernel overflows above
    2**127 and gives NaN at +inf); strided and one-element inputs use torch's own kernel."""
    fn = {"contiguous": lambda lib, x: F(lib).gelu(x),
          "strided": lambda lib, x: F(lib).gelu(x[::2]),
          "single": lambda lib, x: F(lib).gelu(x[2:3]),
          "float64": lambda lib, x: F(lib).gelu(x.double()),
          "tanh": lambda lib, x: F(lib).gelu(x, approximate="tanh")}[view]
    check(fn, inputs=[EDGES], grad=False)


@pytest.mark.parametrize("approximate", ["none", "tanh"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gelu_grad2(approximate, dtype):
    check(lambda lib, x: F(lib).gelu(x * 3, approximate=approximate), shapes=[(4, 5)],
          dtype=dtype, grad2=True)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_gelu_half(dtype):
    check(lambda lib, x: F(lib).gelu(x * 3), shapes=[(3, 7)], dtype=dtype, grad=False)
