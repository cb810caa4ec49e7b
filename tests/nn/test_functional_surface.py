"""nn.functional's data tables, __torch_function__ hooks, boolean_dispatch, conv_tbc and the
grouped/scaled matmuls, each against torch.nn.functional on the CPU build."""
from __future__ import annotations

import pytest
import torch

import ember
import ember.nn.functional as EF
from tests.oracle import check, check_raises

TF = torch.nn.functional
DATA = ["GRID_SAMPLE_INTERPOLATION_MODES", "GRID_SAMPLE_PADDING_MODES", "reproducibility_notes",
        "sparse_support_notes", "tf32_notes", "TYPE_CHECKING", "DType", "Optional", "Callable"]


@pytest.mark.parametrize("name", DATA)
def test_plain_data_equals_torch(name):
    assert getattr(EF, name) == getattr(TF, name)


def test_broadcasting_lists_and_enums():
    for n in ("BroadcastingList1", "BroadcastingList2", "BroadcastingList3"):
        assert getattr(EF, n)[int] == getattr(TF, n)[int]
    for e, t in ((EF.ScalingType, TF.ScalingType), (EF.SwizzleType, TF.SwizzleType)):
        assert {k: v.value for k, v in e.__members__.items()} == \
            {k: v.value for k, v in t.__members__.items()}
        assert repr(e.__members__[next(iter(e.__members__))]) == \
            repr(t.__members__[next(iter(t.__members__))])


class _Override:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return ("override", func.__name__, len(types))


class _Declines:
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return NotImplemented


def _api(x, y=1):
    """x times y."""
    return x * y


def _branches():
    """A fresh documented and undocumented pair (boolean_dispatch shares the docstring)."""
    def documented(x):
        """Doc."""

    def plain(x):
        pass

    return documented, plain


@pytest.mark.parametrize("call", [
    lambda lib, F: F.has_torch_function((lib.ones(1), 2)),
    lambda lib, F: F.has_torch_function([_Override(), 1]),
    lambda lib, F: F.has_torch_function(()),
    lambda lib, F: F.has_torch_function((lib.nn.Parameter(lib.ones(1)),)),
    lambda lib, F: F.has_torch_function_unary(lib.ones(2)),
    lambda lib, F: F.has_torch_function_unary(_Override()),
    lambda lib, F: F.has_torch_function_variadic(),
    lambda lib, F: F.has_torch_function_variadic(lib.ones(1), _Override()),
    lambda lib, F: F.handle_torch_function(_api, (lib.ones(1),), 3, y=4),
    lambda lib, F: F.handle_torch_function(_api, (_Override(), lib.ones(1)), 3),
    lambda lib, F: F.boolean_dispatch("flag", 1, False, lambda x, flag=False: "t",
                                      lambda x, flag=False: "f", "m", "fn")(1),
    lambda lib, F: F.boolean_dispatch("flag", 1, False, lambda x, flag=False: "t",
                                      lambda x, flag=False: "f", "m", "fn")(1, True),
    lambda lib, F: F.boolean_dispatch("flag", 1, True, lambda x, flag=False: "t",
                                      lambda x, flag=False: "f", "m", "fn")(1, flag=False),
    lambda lib, F: F.boolean_dispatch("flag", 1, False, *_branches(), "m", "fn").__doc__,
    lambda lib, F: F.assert_int_or_pair(3, "x", "{} bad"),
    lambda lib, F: F.assert_int_or_pair([1, 2], "x", "{} bad"),
])
def test_dispatch_helpers_answer_as_torch(call):
    assert call(ember, EF) == call(torch, TF)


@pytest.mark.parametrize("call", [
    lambda lib, F: F.has_torch_function(1),
    lambda lib, F: F.has_torch_function_unary(),
    lambda lib, F: F.handle_torch_function(_api, (1,), 3),
    lambda lib, F: F.handle_torch_function(_api, (_Declines(),), 3),
    lambda lib, F: F.assert_int_or_pair([1, 2, 3], "x", "{} bad"),
    lambda lib, F: F.boolean_dispatch("flag", 1, False, str, str, "m", "fn"),
])
def test_dispatch_helper_errors(call):
    check_raises(lambda lib: call(lib, lib.nn.functional), inputs=[])


@pytest.mark.parametrize("shapes,pad", [
    ([(5, 2, 3), (3, 3, 4), (4,)], 0), ([(5, 2, 3), (3, 3, 4), (4,)], 1),
    ([(6, 1, 2), (2, 2, 3), (3,)], 3), ([(5, 2, 3), (3, 3, 4), (4,)], -1),
    ([(0, 2, 3), (1, 3, 4), (4,)], 0), ([(4, 3, 2), (4, 2, 2), (2,)], 0)])
def test_conv_tbc(shapes, pad):
    check(lambda lib, x, w, b: lib.nn.functional.conv_tbc(x, w, b, pad), shapes=shapes)


@pytest.mark.parametrize("fn,shapes", [
    (lambda lib, x, w, b: lib.nn.functional.conv_tbc(x, w, b), [(5, 2, 3), (3, 4, 4), (4,)]),
    (lambda lib, x, w, b: lib.nn.functional.conv_tbc(x, w, b), [(5, 2), (3, 2, 4), (4,)]),
    (lambda lib, x, w, b: lib.nn.functional.conv_tbc(x, w, b), [(5, 2, 3), (3, 4), (4,)]),
    (lambda lib, x, w, b: lib.nn.functional.conv_tbc(x, w, b), [(5, 2, 3), (3, 3, 4), (5,)]),
    (lambda lib, x, w, b: lib.nn.functional.conv_tbc(x, w, b), [(5, 2, 3), (3, 3, 4), (4, 1)]),
    (lambda lib, x, w, b: lib.nn.functional.conv_tbc(x, w, b), [(5, 2, 3), (9, 3, 4), (4,)]),
    (lambda lib, x, w, b: lib.nn.functional.conv_tbc(x, w, None), [(5, 2, 3), (3, 3, 4), (4,)]),
    (lambda lib, x, w, b: lib.nn.functional.conv_tbc(x.double(), w, b),
     [(5, 2, 3), (3, 3, 4), (4,)]),
])
def test_conv_tbc_errors(fn, shapes):
    check_raises(fn, shapes=shapes)


def _offs(lib, *ends):
    return lib.tensor(ends, dtype=lib.int32)


@pytest.mark.parametrize("fn,shapes", [
    (lambda lib, a, b: lib.nn.functional.grouped_mm(a, b, offs=_offs(lib, 4, 8, 12)),
     [(12, 8), (3, 8, 4)]),
    (lambda lib, a, b: lib.nn.functional.grouped_mm(a, b, offs=_offs(lib, 4, 12)),
     [(4, 12), (12, 8)]),
    (lambda lib, a, b: lib.nn.functional.grouped_mm(a, b, offs=_offs(lib, 4, 8, 12)),
     [(3, 4, 8), (8, 12)]),
    (lambda lib, a, b: lib.nn.functional.grouped_mm(a, b), [(3, 4, 8), (3, 8, 4)]),
])
def test_grouped_mm(fn, shapes):
    check(fn, shapes=shapes, grad=False)


def test_grouped_mm_backward_2d_3d():
    check(lambda lib, a, b: lib.nn.functional.grouped_mm(a, b, offs=_offs(lib, 4, 8)),
          shapes=[(8, 8), (2, 8, 4)])


G = "lib.nn.functional.grouped_mm"
GROUPED_BAD = [
    ("{G}(a, b, offs=_offs(lib, 4, 8))", [(12, 8), (3, 8, 4)]),
    ("{G}(a, b, offs=lib.tensor([4, 8, 12]))", [(12, 8), (3, 8, 4)]),
    ("{G}(a, b, offs=_offs(lib, 4, 8, 12), bias=b[:, 0])", [(12, 8), (3, 8, 4)]),
    ("{G}(a, b, offs=_offs(lib, 4, 8, 12), out_dtype=lib.bfloat16)", [(12, 8), (3, 8, 4)]),
    ("{G}(a.double(), b.double(), offs=_offs(lib, 4, 8, 12))", [(12, 8), (3, 8, 4)]),
    ("{G}(a, b, offs=_offs(lib, 4, 8, 12))", [(12, 6), (3, 6, 4)]),
    ("{G}(a, b)", [(12, 8), (3, 8, 4)]),
    ("{G}(a, b)", [(3, 4, 8), (2, 8, 4)]),
    ("{G}(a, b)", [(3, 4, 8), (3, 4, 4)]),
    ("{G}(a, b, offs=_offs(lib, 1, 2, 3))", [(3, 4, 8), (3, 8, 4)]),
    ("{G}(a, b)", [(8,), (3, 8, 4)]),
]


@pytest.mark.parametrize("expr,shapes", GROUPED_BAD)
def test_grouped_mm_errors(expr, shapes):
    fn = eval("lambda lib, a, b: " + expr.format(G=G))
    check_raises(fn, shapes=shapes)


@pytest.mark.parametrize("expr,shapes", [
    ("F.scaled_mm(a, b, s, F.ScalingType.TensorWise, s, F.ScalingType.TensorWise)",
     [(8, 16), (16, 8), (1,)]),
    ("F.scaled_mm(a, b, s, F.ScalingType.RowWise, s, F.ScalingType.RowWise)",
     [(8, 16), (16, 8), (8, 1)]),
    ("F.scaled_mm(a[0], b, s, F.ScalingType.TensorWise, s, F.ScalingType.TensorWise)",
     [(8, 16), (16, 8), (1,)]),
    ("F.scaled_mm(a, b[:8], s, F.ScalingType.TensorWise, s, F.ScalingType.TensorWise)",
     [(8, 16), (16, 8), (1,)]),
    ("F.scaled_mm(a, b, s, 1, s, 2)", [(8, 16), (16, 8), (1,)]),
    ("F.scaled_grouped_mm(a, b, s, F.ScalingType.TensorWise, s, F.ScalingType.TensorWise)",
     [(8, 16), (16, 8), (1,)]),
    ("F.scaled_grouped_mm(a, b, s, 1, s, F.ScalingType.TensorWise)", [(8, 16), (16, 8), (1,)]),
])
def test_scaled_mm_on_cpu_raises_as_torch(expr, shapes):
    fn = eval("lambda lib, a, b, s: (lambda F: " + expr + ")(lib.nn.functional)")
    exc = check_raises(fn, shapes=shapes)
    t_args = [torch.ones(s) for s in shapes]
    try:
        fn(torch, *t_args)
    except Exception as t_exc:  # noqa: BLE001 - the message must be torch's (first line)
        assert str(exc).split("\n")[0][:60] == str(t_exc).split("\n")[0][:60]


def _scaled(lib, a, b, sa, sb, **kwargs):
    F = lib.nn.functional
    recipe = F.ScalingType.TensorWise if sa.numel() == 1 else F.ScalingType.RowWise
    return F.scaled_mm(a.to(lib.float8_e4m3fn), b.to(lib.float8_e4m3fn).t(), sa, recipe,
                       sb.reshape(1, -1) if sa.numel() > 1 else sb, recipe, **kwargs)


@pytest.mark.parametrize("kwargs,scales", [
    ({}, [(1,), (1,)]), ({}, [(16, 1), (16,)]), ({"output_dtype": "float32"}, [(1,), (1,)]),
    ({"bias": True}, [(1,), (1,)]), ({"output_dtype": "float16"}, [(16, 1), (16,)])])
def test_scaled_mm_float8(kwargs, scales):
    def fn(lib, a, b, sa, sb):
        kw = dict(kwargs)
        if "output_dtype" in kw:
            kw["output_dtype"] = getattr(lib, kw["output_dtype"])
        if kw.pop("bias", False):
            kw["bias"] = a[0, :16].bfloat16()
        return _scaled(lib, a, b, sa, sb, **kw)
    check(fn, shapes=[(16, 32), (16, 32), *scales], grad=False)


def test_scaled_mm_refuses_double_scales():
    check_raises(lambda lib, a, b, sa, sb: _scaled(lib, a, b, sa.double(), sb),
                 shapes=[(16, 32), (16, 32), (1,), (1,)])
