"""Containers (Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict), differential
against torch: indexing, mutation, iteration, registration names, forward, repr text; plus the spec
notebook's ParameterList/ParameterDict models."""
from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same

LIBS = (torch, ember)


def models(lib):
    nn = lib.nn

    class Scale(nn.Module):
        """A tiny layer: x * w with a per-instance parameter (so reprs can differ by factor)."""

        def __init__(self, k=2.0):
            super().__init__()
            self.k = k
            self.w = nn.Parameter(lib.full((3,), float(k)))

        def forward(self, x):
            return x * self.w

        def extra_repr(self):
            return f"k={self.k}"

    class Shift(nn.Module):
        def forward(self, x):
            return x - 1

    return Scale, Shift


MODELS = {lib: models(lib) for lib in LIBS}


def both(fn):
    """fn(lib, Scale, Shift) evaluated for torch and for ember."""
    return tuple(fn(lib, *MODELS[lib]) for lib in LIBS)


def err(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return type(exc), str(exc)
    return None


def summary(m):
    """What must agree: repr, registered names, parameter shapes."""
    return (repr(m), [n for n, _ in m.named_parameters()], [n for n, _ in m.named_modules()],
            len(m) if hasattr(type(m), "__len__") else None)


# ---- Sequential --------------------------------------------------------------------------------


def _seq(lib, Scale, Shift):
    return lib.nn.Sequential(Scale(1.0), Shift(), Scale(3.0), Scale(3.0))


@pytest.mark.parametrize("op", [
    lambda lib, S, H, s: s,
    lambda lib, S, H, s: lib.nn.Sequential(OrderedDict([("a", S(1.0)), ("b", H())])),
    lambda lib, S, H, s: lib.nn.Sequential(),
    lambda lib, S, H, s: s[1:],
    lambda lib, S, H, s: s[::-2],
    lambda lib, S, H, s: s[-1],
    lambda lib, S, H, s: s[0],
    lambda lib, S, H, s: s.append(H()),
    lambda lib, S, H, s: s.insert(1, S(5.0)),
    lambda lib, S, H, s: s.insert(-1, S(5.0)),
    lambda lib, S, H, s: s.insert(4, H()),
    lambda lib, S, H, s: s.extend([H(), H()]),
    lambda lib, S, H, s: s + lib.nn.Sequential(H()),
    lambda lib, S, H, s: s * 2,
    lambda lib, S, H, s: 2 * s,
    lambda lib, S, H, s: s.__imul__(2),
    lambda lib, S, H, s: s.__iadd__(lib.nn.Sequential(H())),
    lambda lib, S, H, s: (s.pop(1), s)[1],
    lambda lib, S, H, s: (s.pop(-1), s)[1],
    lambda lib, S, H, s: (s.__delitem__(slice(0, 2)), s)[1],
    lambda lib, S, H, s: (s.__delitem__(-2), s)[1],
    lambda lib, S, H, s: (s.__setitem__(-1, H()), s)[1],
    lambda lib, S, H, s: lib.nn.Sequential(OrderedDict([("x", S(1.0)), ("y", H())]))[1:],
])
def test_sequential_ops(op):
    t, e = both(lambda lib, S, H: op(lib, S, H, _seq(lib, S, H)))
    assert summary(e) == summary(t)


@pytest.mark.parametrize("op", [
    lambda lib, S, H, s: s[4],
    lambda lib, S, H, s: s[-5],
    lambda lib, S, H, s: s["0"],
    lambda lib, S, H, s: s.insert(6, H()),
    lambda lib, S, H, s: s.insert(0, 3),
    lambda lib, S, H, s: s + 3,
    lambda lib, S, H, s: s * 0,
    lambda lib, S, H, s: s * 1.5,
    lambda lib, S, H, s: s.append(3),
    lambda lib, S, H, s: s.__setitem__(9, H()),
])
def test_sequential_errors(op):
    t, e = both(lambda lib, S, H: err(lambda: op(lib, S, H, _seq(lib, S, H))))
    assert t is not None
    assert e[0] is t[0]
    if t[0] is not AssertionError:  # the assertion names the class (torch.nn... vs ember.nn...)
        assert e[1].replace("ember", "torch") == t[1]


def test_sequential_forward_iteration_and_grads():
    x = np.random.default_rng(0).normal(size=(2, 3)).astype(np.float32)
    res = {}
    for lib in LIBS:
        s = _seq(lib, *MODELS[lib])
        xt = lib.tensor(x, requires_grad=True)
        y = s(xt)
        y.sum().backward()
        res[lib] = [y, xt.grad, *[p.grad for p in s.parameters()],
                    [type(m).__name__ for m in s], len(s)]
    assert_same(res[ember][:-2], res[torch][:-2])
    assert res[ember][-2:] == res[torch][-2:]


def test_sequential_dir_and_isinstance():
    t, e = both(lambda lib, S, H: _seq(lib, S, H))
    assert isinstance(e, ember.nn.Module) and isinstance(e[0], ember.nn.Module)
    assert not any(k.isdigit() for k in dir(e))
    assert [k for k in dir(e) if not hasattr(type(e), k)] == \
        [k for k in dir(t) if not hasattr(type(t), k)]


# ---- ModuleList --------------------------------------------------------------------------------


def _ml(lib, Scale, Shift):
    return lib.nn.ModuleList([Scale(2.0), Scale(2.0), Scale(2.0), Shift(), Scale(2.0), Shift()])


@pytest.mark.parametrize("op", [
    lambda lib, S, H, m: m,
    lambda lib, S, H, m: lib.nn.ModuleList(),
    lambda lib, S, H, m: lib.nn.ModuleList([S(1.0)]),
    lambda lib, S, H, m: lib.nn.ModuleList([S(1.0), S(1.0)]),
    lambda lib, S, H, m: m[1:4],
    lambda lib, S, H, m: m[-2],
    lambda lib, S, H, m: m.append(H()),
    lambda lib, S, H, m: m.extend([S(7.0), S(7.0)]),
    lambda lib, S, H, m: (m.insert(0, H()), m)[1],
    lambda lib, S, H, m: (m.insert(2, S(3.0)), m)[1],
    lambda lib, S, H, m: m + lib.nn.ModuleList([H()]),
    lambda lib, S, H, m: m.__iadd__([H()]),
    lambda lib, S, H, m: (m.pop(0), m)[1],
    lambda lib, S, H, m: (m.__delitem__(slice(None, None, 2)), m)[1],
    lambda lib, S, H, m: (m.__setitem__(-1, S(9.0)), m)[1],
    lambda lib, S, H, m: lib.nn.ModuleList([_seq(lib, S, H), _seq(lib, S, H)]),
])
def test_module_list_ops(op):
    t, e = both(lambda lib, S, H: op(lib, S, H, _ml(lib, S, H)))
    assert summary(e) == summary(t)


@pytest.mark.parametrize("op", [
    lambda lib, S, H, m: m[6],
    lambda lib, S, H, m: m[-7],
    lambda lib, S, H, m: m.extend(3),
    lambda lib, S, H, m: m.append(3),
    lambda lib, S, H, m: m.__setitem__(1, 3),
])
def test_module_list_errors(op):
    t, e = both(lambda lib, S, H: err(lambda: op(lib, S, H, _ml(lib, S, H))))
    assert t is not None and e == t


def test_module_list_index_and_iteration():
    for lib in LIBS:
        S, H = MODELS[lib]
        m = _ml(lib, S, H)
        assert [type(x).__name__ for x in m] == ["Scale"] * 3 + ["Shift", "Scale", "Shift"]
        assert len(m) == 6 and m[3] is list(m)[3]


# ---- ModuleDict --------------------------------------------------------------------------------


def _md(lib, Scale, Shift):
    return lib.nn.ModuleDict({"b": Scale(1.0), "a": Shift(), "c": Scale(2.0)})


@pytest.mark.parametrize("op", [
    lambda lib, S, H, m: m,
    lambda lib, S, H, m: lib.nn.ModuleDict([("z", H()), ("y", S(1.0))]),
    lambda lib, S, H, m: lib.nn.ModuleDict(OrderedDict([("z", H())])),
    lambda lib, S, H, m: (m.update({"d": H(), "a": S(4.0)}), m)[1],
    lambda lib, S, H, m: (m.update([("e", H())]), m)[1],
    lambda lib, S, H, m: (m.__setitem__("q", H()), m)[1],
    lambda lib, S, H, m: (m.__delitem__("a"), m)[1],
    lambda lib, S, H, m: (m.pop("b"), m)[1],
    lambda lib, S, H, m: (m.clear(), m)[1],
])
def test_module_dict_ops(op):
    t, e = both(lambda lib, S, H: op(lib, S, H, _md(lib, S, H)))
    assert summary(e) == summary(t)
    assert list(e.keys()) == list(t.keys()) and list(e) == list(t)
    assert [type(v).__name__ for v in e.values()] == [type(v).__name__ for v in t.values()]
    assert [k for k, _ in e.items()] == [k for k, _ in t.items()]


@pytest.mark.parametrize("op", [
    lambda lib, S, H, m: m["zz"],
    lambda lib, S, H, m: m.update(3),
    lambda lib, S, H, m: m.update([("a", H(), 1)]),
    lambda lib, S, H, m: m.update([3]),
    lambda lib, S, H, m: m.__setitem__("x.y", H()),
])
def test_module_dict_errors(op):
    t, e = both(lambda lib, S, H: err(lambda: op(lib, S, H, _md(lib, S, H))))
    assert t is not None and e == t


def test_module_dict_contains_len():
    for lib in LIBS:
        m = _md(lib, *MODELS[lib])
        assert "a" in m and "zz" not in m and len(m) == 3


# ---- ParameterList / ParameterDict -------------------------------------------------------------


def _pl(lib):
    return lib.nn.ParameterList([lib.nn.Parameter(lib.ones(3, 3)), lib.zeros(2),
                                 lib.ones(2, dtype=lib.float64), "note"])


@pytest.mark.parametrize("op", [
    lambda lib, p: p,
    lambda lib, p: lib.nn.ParameterList(),
    lambda lib, p: p[1:3],
    lambda lib, p: p.append(lib.ones(1, 4)),
    lambda lib, p: p.extend([lib.ones(5)]),
    lambda lib, p: p.__iadd__([lib.ones(5)]),
    lambda lib, p: (p.__setitem__(-1, lib.ones(2, 2)), p)[1],
    lambda lib, p: lib.nn.ParameterList([lib.nn.Parameter(lib.ones(2), requires_grad=False)]),
])
def test_parameter_list(op):
    t, e = op(torch, _pl(torch)), op(ember, _pl(ember))
    assert summary(e) == summary(t)
    assert [type(v).__name__ for v in e] == [type(v).__name__ for v in t]
    assert [getattr(v, "requires_grad", None) for v in e] == \
        [getattr(v, "requires_grad", None) for v in t]


@pytest.mark.parametrize("op", [
    lambda lib, p: p[4],
    lambda lib, p: p.extend(lib.ones(2)),
    lambda lib, p: p.extend(3),
    lambda lib, p: p(1),
])
def test_parameter_list_errors(op):
    t, e = err(lambda: op(torch, _pl(torch))), err(lambda: op(ember, _pl(ember)))
    assert t is not None and e == t


def _pd(lib):
    return lib.nn.ParameterDict({"w": lib.nn.Parameter(lib.ones(3, 3)), "b": lib.zeros(2),
                                 "h": lib.ones(2, dtype=lib.float16), "s": "text"})


@pytest.mark.parametrize("op", [
    lambda lib, p: p,
    lambda lib, p: lib.nn.ParameterDict(),
    lambda lib, p: lib.nn.ParameterDict([("z", lib.ones(1)), ("a", lib.ones(2))]),
    lambda lib, p: (p.update({"z": lib.ones(4), "c": lib.ones(1)}), p)[1],
    lambda lib, p: (p.update(OrderedDict([("z", lib.ones(4)), ("c", lib.ones(1))])), p)[1],
    lambda lib, p: (p.pop("w"), p)[1],
    lambda lib, p: (p.popitem(), p)[1],
    lambda lib, p: (p.setdefault("n", lib.ones(7)), p)[1],
    lambda lib, p: (p.__delitem__("b"), p)[1],
    lambda lib, p: (p.clear(), p)[1],
    lambda lib, p: p.copy(),
    lambda lib, p: p | lib.nn.ParameterDict({"o": lib.ones(1)}),
    lambda lib, p: p.__ior__(lib.nn.ParameterDict({"o": lib.ones(1)})),
    lambda lib, p: p.fromkeys(["x", "y"], lib.ones(2)),
])
def test_parameter_dict(op):
    t, e = op(torch, _pd(torch)), op(ember, _pd(ember))
    assert summary(e) == summary(t)
    assert list(e.keys()) == list(t.keys()) and list(reversed(e)) == list(reversed(t))
    assert [type(v).__name__ for v in e.values()] == [type(v).__name__ for v in t.values()]
    assert ("w" in e) == ("w" in t) and (e.get("zz", 5) == t.get("zz", 5))


@pytest.mark.parametrize("op", [
    lambda lib, p: p["nope"],
    lambda lib, p: p[1],
    lambda lib, p: p.update(3),
    lambda lib, p: p.update([("a", 1, 2)]),
    lambda lib, p: p(1),
])
def test_parameter_dict_errors(op):
    t, e = err(lambda: op(torch, _pd(torch))), err(lambda: op(ember, _pd(ember)))
    assert t is not None and e == t


# ---- the spec notebook's custom-parameter models ------------------------------------------------


def spec_models(lib):
    nn = lib.nn

    class MyLayer(nn.Module):
        def __init__(self, **kwargs):
            super(MyLayer, self).__init__(**kwargs)  # noqa: UP008 - as in the spec

        def forward(self, x):
            return x - x.mean()

    class MyListDense(nn.Module):
        def __init__(self):
            super(MyListDense, self).__init__()  # noqa: UP008
            self.params = nn.ParameterList([nn.Parameter(lib.randn(4, 4)) for i in range(3)])
            self.params.append(nn.Parameter(lib.randn(4, 1)))

        def forward(self, x):
            for i in range(len(self.params)):
                x = lib.mm(x, self.params[i])
            return x

    class MyDictDense(nn.Module):
        def __init__(self):
            super(MyDictDense, self).__init__()  # noqa: UP008
            self.params = nn.ParameterDict({
                "linear1": nn.Parameter(lib.randn(4, 4)),
                "linear2": nn.Parameter(lib.randn(4, 1)),
            })
            self.params.update({"linear3": nn.Parameter(lib.randn(4, 2))})

        def forward(self, x, choice="linear1"):
            return lib.mm(x, self.params[choice])

    return MyLayer, MyListDense, MyDictDense


def test_spec_custom_parameter_models():
    out = {}
    for lib in LIBS:
        lib.manual_seed(0)
        MyLayer, MyListDense, MyDictDense = spec_models(lib)
        layer, ld, dd = MyLayer(), MyListDense(), MyDictDense()
        x = lib.ones(1, 4)
        out[lib] = {
            "reprs": [repr(layer), repr(ld), repr(dd)],
            "values": [layer(lib.tensor([1.0, 2.0, 3.0, 4.0, 5.0])), ld(x), dd(x, "linear1"),
                    dd(x, "linear2"), dd(x, "linear3")],
            "names": [n for n, _ in ld.named_parameters()] + [n for n, _ in dd.named_parameters()],
            "isinst": [isinstance(m, lib.nn.Module) for m in (layer, ld, dd, ld.params)]}
    for key in ("reprs", "names", "isinst"):
        assert out[ember][key] == out[torch][key]
    assert_same(out[ember]["values"], out[torch]["values"])
    assert "(0): Parameter containing: [torch.float32 of size 4x4]" in out[ember]["reprs"][1]
