"""Python operators on tensors with operands that are not tensors, against torch: an operand a
tensor cannot take gives NotImplemented (so the other operand's reflected method runs, or Python
raises its own TypeError), an ndarray goes through NumPy and comes back as a Tensor, and == with
an ndarray or a complex number compares elementwise."""
from __future__ import annotations

import operator
import warnings

import numpy as np
import pytest
import torch

import ember

OPS = {name: getattr(operator, name) for name in (
    "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and_", "or_", "xor",
    "lshift", "rshift", "eq", "ne", "lt", "le", "gt", "ge")}


class Reflector:
    """An operand whose reflected methods (and orderings) announce themselves; set below."""


def _announcer(name: str):
    return lambda self, other: f"Reflector.__{name}__"


for _name in ("radd", "rsub", "rmul", "rtruediv", "rfloordiv", "rmod", "rpow", "rmatmul", "rand",
              "ror", "rxor", "rlshift", "rrshift", "lt", "gt", "le", "ge"):
    setattr(Reflector, f"__{_name}__", _announcer(_name))


def _outcome(fn):
    """What fn() gives: a tensor's type, dtype and values, another value, or the error type and
    message."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = fn()
    except Exception as e:  # noqa: BLE001 - the error itself is the outcome compared
        return (type(e).__name__, str(e))
    if hasattr(r, "dtype") and hasattr(r, "shape") and not isinstance(r, np.ndarray):
        return (type(r).__name__, str(r.dtype), np.asarray(r.tolist()).tolist())
    return (type(r).__name__, r if isinstance(r, (str, bool)) else repr(r))


OTHERS = {
    "reflector": Reflector,
    "list": lambda: [1, 2],
    "none": lambda: None,
    "str": lambda: "a",
    "ndarray": lambda: np.array([2.0, 3.0]),
    "ndarray_f32": lambda: np.array([2.0, 3.0], dtype=np.float32),
    "complex": lambda: 2 + 1j,
    "np_int": lambda: np.int64(2),
}


@pytest.mark.parametrize("other", list(OTHERS))
@pytest.mark.parametrize("op", list(OPS))
@pytest.mark.parametrize("dtype", ["float32", "int64"])
def test_operator_with_foreign_operand_matches_torch(op, other, dtype):
    fn = OPS[op]
    got = []
    for lib in (torch, ember):
        x = lib.tensor([1, 2], dtype=getattr(lib, dtype))
        o = OTHERS[other]()
        got.append((_outcome(lambda x=x, o=o: fn(x, o)), _outcome(lambda x=x, o=o: fn(o, x))))
    assert got[1] == got[0]


def test_numpy_functions_on_tensors_give_tensors():
    for lib in (torch, ember):
        x = lib.tensor([0.5, 1.0])
        assert type(np.sin(x)) is lib.Tensor
        assert np.equal(x, x).dtype == lib.uint8  # torch's __array_wrap__ turns bool into uint8


# ---- the operators' direct route (two tensors of one float dtype, or a float tensor and a float)

ARITH = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "truediv": operator.truediv,
         "radd": lambda x, y: 1.5 + x * y, "rmul": lambda x, y: 2.5 * (x - y),
         "scalar_left": lambda x, y: (x + 0.5) * 1.5 - (y / 4.0) - 0.25}


@pytest.mark.parametrize("name", list(ARITH))
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_float_operators_match_torch_with_grads(name, dtype):
    from tests.oracle import check

    check(ARITH[name], shapes=[(3, 4), (4,)], dtype=dtype, low=0.5, high=2.0)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "truediv"])
def test_float_operators_with_numbers_keep_torch_dtypes_and_edges(name):
    fn = OPS[name]
    for lib in (torch, ember):
        x = lib.ones(3, dtype=lib.float16, requires_grad=True)
        y = fn(x, 2.5)
        assert y.dtype is lib.float16
    t = fn(torch.full((3,), 2.0, requires_grad=True), 3.0)
    e = fn(ember.full((3,), 2.0, requires_grad=True), 3.0)
    assert e.grad_fn.name() == t.grad_fn.name()
    assert len(e.grad_fn.next_functions) == len(t.grad_fn.next_functions)
    assert e.tolist() == pytest.approx(t.tolist())


@pytest.mark.parametrize("name", ["add", "sub", "mul", "truediv"])
def test_float_operators_on_shapes_that_do_not_broadcast_raise_torchs_error(name):
    from tests.oracle import check_raises

    exc = check_raises(OPS[name], shapes=[(2, 3), (4,)], grad=True)
    assert "must match the size of tensor b" in str(exc)


@pytest.mark.parametrize("name", ["add", "sub", "mul", "truediv"])
def test_operators_with_parameters_and_mixed_dtypes_match_torch(name):
    fn = OPS[name]
    for make in (lambda lib: (lib.nn.Parameter(lib.full((2,), 3.0)), lib.full((2,), 2.0)),
                 lambda lib: (lib.full((2,), 3.0), lib.full((2,), 2.0, dtype=lib.float64)),
                 lambda lib: (lib.full((2,), 3.0), lib.full((2,), 2, dtype=lib.int64)),
                 lambda lib: (lib.full((2,), 3, dtype=lib.int32), 2.0)):
        t, e = fn(*make(torch)), fn(*make(ember))
        assert str(e.dtype) == str(t.dtype)
        assert e.tolist() == pytest.approx(t.tolist())
        assert (e.grad_fn is None) == (t.grad_fn is None)
