"""nn.Module and Parameter/Buffer, differential against torch: registration rules, traversal order,
state_dict format and load errors, modes, conversion, hooks (forward and full backward), repr."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

import ember
from tests.oracle import assert_same, to_ember, to_numpy

LIBS = (torch, ember)
RNG = np.random.default_rng(0)
W = RNG.normal(size=(6, 6)).astype(np.float32)
B = RNG.normal(size=5).astype(np.float32)
X = RNG.normal(size=(3, 4)).astype(np.float32)


def models(lib):
    """A family of tiny modules written with lib's ops only (no dependence on nn layers)."""
    nn = lib.nn

    class Affine(nn.Module):
        def __init__(self, i=4, o=5, bias=True):
            super().__init__()
            self.i, self.o = i, o
            self.weight = nn.Parameter(lib.tensor(W[:o, :i].copy()))
            if bias:
                self.bias = nn.Parameter(lib.tensor(B[:o].copy()))
            else:
                self.register_parameter("bias", None)
            self.register_buffer("count", lib.zeros((), dtype=lib.int64))
            self.register_buffer("scratch", lib.ones(2), persistent=False)

        def forward(self, x):
            y = x @ self.weight.t()
            return y if self.bias is None else y + self.bias

        def extra_repr(self):
            return f"in_features={self.i}, out_features={self.o}, bias={self.bias is not None}"

    class Act(nn.Module):
        def forward(self, x):
            return x * (x > 0)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = Affine(4, 5)
            self.act = Act()
            self.fc2 = Affine(5, 3, bias=False)
            self.shared = self.fc1  # the same module twice: traversal must dedupe
            self.scale = nn.Parameter(lib.ones(1))
            self.register_buffer("steps", lib.zeros(2))

        def forward(self, x):
            return self.fc2(self.act(self.fc1(x))) * self.scale

    class Multi(nn.Module):
        def extra_repr(self):
            return "a=1,\nb=2"

    return {"Affine": Affine, "Act": Act, "Net": Net, "Multi": Multi}


MODELS = {lib: models(lib) for lib in LIBS}


def build(name, *args, **kwargs):
    return tuple(MODELS[lib][name](*args, **kwargs) for lib in LIBS)


def err(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001
        return type(exc), str(exc)
    return None


def same_error(t_fn, e_fn):
    t, e = err(t_fn), err(e_fn)
    assert t is not None, "torch did not raise"
    assert e == t, f"ember {e} != torch {t}"


# ---- registration ------------------------------------------------------------------------------


def test_registration_and_attribute_protocol():
    t, e = build("Affine")
    for m in (t, e):
        assert list(m._parameters) == ["weight", "bias"]
        assert list(m._buffers) == ["count", "scratch"]
        del m.bias
        assert list(m._parameters) == ["weight"] and not hasattr(m, "bias")
        m.bias = None  # a plain attribute now
        assert "bias" in m.__dict__
        del m.scratch
        assert list(m._buffers) == ["count"] and not m._non_persistent_buffers_set
    same_error(lambda: t.nope, lambda: e.nope)


@pytest.mark.parametrize("action", [
    lambda lib, m: setattr(m, "weight", lib.ones(5, 4)),
    lambda lib, m: setattr(m, "weight", 3),
    lambda lib, m: m.register_buffer("a.b", None),
    lambda lib, m: m.register_buffer("", None),
    lambda lib, m: m.register_buffer("i", None),
    lambda lib, m: m.register_buffer("z", 3),
    lambda lib, m: m.register_buffer(1, None),
    lambda lib, m: m.register_parameter("a.b", None),
    lambda lib, m: m.register_parameter("", None),
    lambda lib, m: m.register_parameter("i", None),
    lambda lib, m: m.register_parameter("z", lib.ones(1)),
    lambda lib, m: m.register_parameter("z", lib.nn.Parameter(lib.ones(1)) * 2),
    lambda lib, m: m.add_module("z", 3),
    lambda lib, m: m.add_module("a.b", None),
    lambda lib, m: m.add_module("", None),
    lambda lib, m: m.add_module("i", None),
    lambda lib, m: m.get_submodule("weight"),
    lambda lib, m: m.get_submodule("nope.x"),
    lambda lib, m: m.get_parameter("count"),
    lambda lib, m: m.get_parameter("nope"),
    lambda lib, m: m.get_buffer("weight"),
    lambda lib, m: m.set_submodule("", lib.nn.Module()),
    lambda lib, m: m.train(1),
    lambda lib, m: m.to(lib.int64),
])
def test_registration_errors(action):
    t, e = build("Affine")
    same_error(lambda: action(torch, t), lambda: action(ember, e))


def test_reassign_between_kinds():
    for lib in LIBS:
        m = lib.nn.Module()
        m.x = lib.nn.Module()
        m.x = lib.nn.Parameter(lib.ones(1))  # a parameter replaces the module
        assert "x" in m._parameters and "x" not in m._modules
        m.register_buffer("y", lib.ones(1))
        m.y = None
        assert m._buffers["y"] is None and m.y is None
        m.y = lib.nn.Module()  # a module replaces the buffer
        assert "y" in m._modules and "y" not in m._buffers
        m.z = 3
        m.z = lib.nn.Parameter(lib.ones(1))  # and a parameter replaces a plain attribute
        assert "z" not in m.__dict__ and "z" in m._parameters

    def bad(lib):
        m = lib.nn.Module()
        m.x = lib.nn.Parameter(lib.ones(1))
        m.x = lib.nn.Module()

    def bad_module(lib):
        m = lib.nn.Module()
        m.x = lib.nn.Module()
        m.x = lib.ones(1)

    same_error(lambda: bad(torch), lambda: bad(ember))
    same_error(lambda: bad_module(torch), lambda: bad_module(ember))


def test_get_submodule_parameter_buffer_and_set_submodule():
    t, e = build("Net")
    for m, lib in ((t, torch), (e, ember)):
        assert m.get_submodule("fc1") is m.fc1 and m.get_submodule("") is m
        assert m.get_parameter("fc1.weight") is m.fc1.weight
        assert m.get_buffer("fc2.count") is m.fc2.count
        new = lib.nn.Module()
        m.set_submodule("fc2", new)
        assert m.fc2 is new


# ---- traversal ---------------------------------------------------------------------------------


def _names(it):
    return [n for n, _ in it]


@pytest.mark.parametrize("query", [
    lambda m: _names(m.named_parameters()),
    lambda m: _names(m.named_parameters(prefix="model")),
    lambda m: _names(m.named_parameters(recurse=False)),
    lambda m: _names(m.named_parameters(remove_duplicate=False)),
    lambda m: _names(m.named_buffers()),
    lambda m: _names(m.named_buffers(prefix="p", remove_duplicate=False)),
    lambda m: _names(m.named_children()),
    lambda m: _names(m.named_modules()),
    lambda m: _names(m.named_modules(prefix="root")),
    lambda m: _names(m.named_modules(remove_duplicate=False)),
    lambda m: [type(c).__name__ for c in m.children()],
    lambda m: [type(c).__name__ for c in m.modules()],
    lambda m: [tuple(p.shape) for p in m.parameters()],
    lambda m: [tuple(b.shape) for b in m.buffers(recurse=False)],
    lambda m: sum(p.numel() for p in m.parameters()),
    lambda m: list(m.state_dict()),
    lambda m: list(m.state_dict(prefix="net.")),
    lambda m: dict(m.state_dict()._metadata),
    lambda m: dict(m.state_dict(prefix="x.")._metadata),
    lambda m: [x for x in dir(m) if not hasattr(type(m), x)],
])
def test_traversal_matches_torch(query):
    t, e = build("Net")
    assert query(e) == query(t)


def test_shared_parameter_deduplicated():
    for lib in LIBS:
        m = lib.nn.Module()
        p = lib.nn.Parameter(lib.ones(2))
        m.a, m.b = p, p
        assert len(list(m.parameters())) == 1
        assert _names(m.named_parameters(remove_duplicate=False)) == ["a", "b"]


def test_named_modules_memo():
    t, e = build("Net")
    assert _names(e.named_modules(memo={e.fc1})) == _names(t.named_modules(memo={t.fc1}))


# ---- state_dict --------------------------------------------------------------------------------


def test_state_dict_values_and_keep_vars():
    t, e = build("Net")
    ts, es = t.state_dict(), e.state_dict()
    assert type(es).__name__ == "OrderedDict" and list(es) == list(ts)
    for k in ts:
        assert_same(es[k], ts[k], where=k)
        assert not es[k].requires_grad and type(es[k]) is ember.Tensor
    kv = e.state_dict(keep_vars=True)
    assert kv["fc1.weight"] is e.fc1.weight
    es["fc1.weight"].add_(1)  # detached tensors still share memory with the parameters
    assert e.fc1.weight[0, 0].item() == pytest.approx(W[0, 0] + 1)


def test_state_dict_positional_args_warn():
    t, e = build("Affine")
    for m in (t, e):
        dest = {}
        with pytest.warns(FutureWarning):
            out = m.state_dict(dest, "p.")
        assert out is dest and list(dest) == ["p.weight", "p.bias", "p.count"]


def test_load_state_dict_from_torch_values():
    t, e = build("Net")
    t2 = MODELS[torch]["Net"]()
    with torch.no_grad():
        for p in t2.parameters():
            p.mul_(-3)
        t2.steps.fill_(7)
    sd = {k: to_ember(v) for k, v in t2.state_dict().items()}
    res_e, res_t = e.load_state_dict(sd), t.load_state_dict(t2.state_dict())
    assert repr(res_e) == repr(res_t) == "<All keys matched successfully>"
    for k, v in t.state_dict().items():
        np.testing.assert_array_equal(to_numpy(e.state_dict()[k]), to_numpy(v))
    assert type(e.fc1.weight) is ember.nn.Parameter and e.fc1.weight.requires_grad


def _sd_cases():
    def drop(sd):
        sd.pop("fc1.bias")
        sd.pop("steps")
        return sd

    def extra(sd):
        sd["fc1.extra"] = sd["scale"]
        sd["other.x"] = sd["scale"]
        sd["bogus"] = sd["scale"]
        return sd

    def mismatch(sd):
        sd["fc1.weight"] = sd["fc1.weight"][:2]
        sd["scale"] = sd["fc2.weight"]
        return sd

    def all_three(sd):
        return mismatch(extra(drop(sd)))

    def non_tensor(sd):
        sd["scale"] = [1.0]
        return sd

    def scalar_from_vector(sd):
        sd["fc1.count"] = sd["fc1.count"].reshape(1)
        return sd

    return [drop, extra, mismatch, all_three, non_tensor, scalar_from_vector]


@pytest.mark.parametrize("edit", _sd_cases())
@pytest.mark.parametrize("strict", [True, False])
def test_load_state_dict_errors_and_results(edit, strict):
    t, e = build("Net")
    t_out = err(lambda: t.load_state_dict(edit(t.state_dict()), strict=strict))
    e_out = err(lambda: e.load_state_dict(edit(e.state_dict()), strict=strict))
    assert e_out == t_out
    if t_out is None:
        t_res = t.load_state_dict(edit(t.state_dict()), strict=strict)
        e_res = e.load_state_dict(edit(e.state_dict()), strict=strict)
        assert e_res == t_res and repr(e_res) == repr(t_res)
        assert type(e_res).__name__ == "_IncompatibleKeys"
        assert e_res.missing_keys == t_res.missing_keys


def test_load_state_dict_not_mapping():
    t, e = build("Act")
    same_error(lambda: t.load_state_dict([1]), lambda: e.load_state_dict([1]))


def test_load_state_dict_assign():
    for lib in LIBS:
        m = MODELS[lib]["Affine"]()
        new_w = lib.full((5, 4), 2.0)
        sd = m.state_dict()
        sd["weight"] = new_w
        m.load_state_dict(sd, assign=True)
        assert type(m.weight) is lib.nn.Parameter and m.weight.requires_grad
        new_w.add_(1)  # assigned: shares memory with the tensor given
        assert m.weight[0, 0].item() == 3.0


def test_load_copies_in_place_keeping_identity_and_casting():
    for lib in LIBS:
        m = MODELS[lib]["Affine"]()
        w = m.weight
        sd = m.state_dict()
        sd["weight"] = lib.ones(5, 4, dtype=lib.float64)
        m.load_state_dict(sd)
        assert m.weight is w and w.dtype == lib.float32 and w.sum().item() == 20.0


def test_state_dict_hooks():
    logs = {}
    for lib in LIBS:
        log = logs[lib] = []
        m = MODELS[lib]["Net"]()
        m.register_state_dict_pre_hook(
            lambda mod, prefix, keep, log=log: log.append(("pre", prefix)))
        m.fc1.register_state_dict_post_hook(
            lambda mod, sd, prefix, meta, log=log: log.append(("post", prefix, sorted(sd))))
        m.register_load_state_dict_post_hook(
            lambda mod, keys, log=log: log.append(("load", list(keys.missing_keys))))
        sd = m.state_dict()
        sd.pop("scale")
        m.load_state_dict(sd, strict=False)
    assert logs[ember] == logs[torch]


# ---- modes, gradients, conversion --------------------------------------------------------------


def test_train_eval_requires_grad_zero_grad():
    t, e = build("Net")
    for m in (t, e):
        assert m.training and m.fc1.training
        assert m.eval() is m and not m.fc2.training and not m.act.training
        m.train()
        assert m.act.training
        m.requires_grad_(False)
        assert not any(p.requires_grad for p in m.parameters())
        m.requires_grad_()
    x_t, x_e = torch.tensor(X), ember.tensor(X)
    t(x_t).sum().backward()
    e(x_e).sum().backward()
    for (n, pt), (_, pe) in zip(t.named_parameters(), e.named_parameters()):
        assert_same(pe.grad, pt.grad, where=n)
    for m in (t, e):
        m.zero_grad(set_to_none=False)
        assert all(p.grad is not None and p.grad.abs().sum().item() == 0 for p in m.parameters())
        m.zero_grad()
        assert all(p.grad is None for p in m.parameters())


def test_apply_order():
    orders = {}
    for lib in LIBS:
        order = orders[lib] = []
        MODELS[lib]["Net"]().apply(lambda m, order=order: order.append(type(m).__name__))
    assert orders[ember] == orders[torch]


@pytest.mark.parametrize("convert", [
    lambda m, lib: m.double(),
    lambda m, lib: m.half(),
    lambda m, lib: m.bfloat16(),
    lambda m, lib: m.double().float(),
    lambda m, lib: m.to(lib.float64),
    lambda m, lib: m.to("cpu", dtype=lib.float16),
    lambda m, lib: m.to(lib.ones(1, dtype=lib.float64)),
    lambda m, lib: m.type(lib.float64),
    lambda m, lib: m.cpu(),
])
def test_conversion_in_place(convert):
    res = {}
    for lib in LIBS:
        m = MODELS[lib]["Affine"]()
        w = m.weight
        m(lib.tensor(X)).sum().backward()
        assert convert(m, lib) is m
        assert m.weight is w and isinstance(w, lib.nn.Parameter) and w.requires_grad
        res[lib] = [(n, str(v.dtype), str(getattr(v, "grad", None) is not None
                                          and v.grad.dtype))
                    for n, v in (*m.named_parameters(), *m.named_buffers())]
    assert [(n, d.replace("torch.", ""), g.replace("torch.", "")) for n, d, g in res[ember]] == \
        [(n, d.replace("torch.", ""), g.replace("torch.", "")) for n, d, g in res[torch]]


# ---- hooks -------------------------------------------------------------------------------------


def _forward_hooks_run(lib):
    log = []
    m = MODELS[lib]["Affine"]()
    h1 = m.register_forward_pre_hook(lambda mod, args: log.append("pre1") or (args[0] * 2,))
    m.register_forward_pre_hook(lambda mod, args: log.append("pre0"), prepend=True)
    m.register_forward_pre_hook(
        lambda mod, args, kwargs: log.append(("prekw", sorted(kwargs))), with_kwargs=True)
    m.register_forward_hook(lambda mod, args, out: log.append("fwd1") or out + 1)
    m.register_forward_hook(lambda mod, args, out: log.append("fwd0"), prepend=True)
    m.register_forward_hook(
        lambda mod, args, kwargs, out: log.append(("fwdkw", len(args))), with_kwargs=True)
    outs = [m(lib.tensor(X))]
    h1.remove()
    outs.append(m(lib.tensor(X)))
    return log, outs


def test_forward_hooks_order_and_replacement():
    (log_t, out_t), (log_e, out_e) = _forward_hooks_run(torch), _forward_hooks_run(ember)
    assert log_e == log_t
    assert_same(out_e, out_t)


def test_forward_pre_hook_bad_return_and_always_call():
    logs = {}
    for lib in LIBS:
        log = logs[lib] = []
        m = MODELS[lib]["Act"]()
        h = m.register_forward_pre_hook(lambda mod, a, k: 5, with_kwargs=True)
        logs[lib].append(err(lambda m=m, lib=lib: m(lib.ones(1))))
        h.remove()
        m.register_forward_hook(lambda mod, a, o, log=log: log.append("always"), always_call=True)
        m.register_forward_pre_hook(lambda mod, a: 1 / 0)
        logs[lib].append(err(lambda m=m, lib=lib: m(lib.ones(1)))[0])
    assert logs[ember] == logs[torch]


def test_handle_context_manager():
    for lib in LIBS:
        m = MODELS[lib]["Act"]()
        with m.register_forward_hook(lambda mod, a, o: o * 0):
            assert m(lib.ones(1)).item() == 0
        assert m(lib.ones(1)).item() == 1


def test_global_forward_hooks():
    logs = {}
    for lib in LIBS:
        log = logs[lib] = []
        h = lib.nn.modules.module.register_module_forward_hook(
            lambda mod, a, o, log=log: log.append(type(mod).__name__))
        try:
            MODELS[lib]["Net"]()(lib.tensor(X))
        finally:
            h.remove()
        MODELS[lib]["Net"]()(lib.tensor(X))
    assert logs[ember] == logs[torch]


def _backward_hook_run(lib, *, input_grad=True, replace=None, pre=None):
    log = []
    m = MODELS[lib]["Affine"]()

    def hook(mod, gin, gout):
        log.append(("bw", gin, gout))
        return replace(gin) if replace else None

    m.register_full_backward_hook(hook)
    if pre is not None:
        m.register_full_backward_pre_hook(lambda mod, gout: log.append(("pre", gout)) or pre(gout))
    x = lib.tensor(X, requires_grad=input_grad)
    g = lib.tensor(np.arange(15, dtype=np.float32).reshape(3, 5))
    m(x).backward(g)
    return log, (x.grad, m.weight.grad, m.bias.grad)


@pytest.mark.parametrize("kwargs", [
    {},
    {"replace": lambda gin: (gin[0] * 3,)},
    {"pre": lambda gout: (gout[0] * 0.5,)},
    {"pre": lambda gout: None, "replace": lambda gin: None},
])
def test_full_backward_hook(kwargs):
    log_t, grads_t = _backward_hook_run(torch, **kwargs)
    log_e, grads_e = _backward_hook_run(ember, **kwargs)
    assert [x[0] for x in log_e] == [x[0] for x in log_t]
    assert_same([list(x[1:]) for x in log_e], [list(x[1:]) for x in log_t])
    assert_same(list(grads_e), list(grads_t))


def test_full_backward_hook_no_input_grad():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log_t, grads_t = _backward_hook_run(torch, input_grad=False)
        log_e, grads_e = _backward_hook_run(ember, input_grad=False)
    assert len(log_e) == len(log_t) == 1
    assert log_e[0][1] == log_t[0][1] == (None,)
    assert_same(list(log_e[0][2]), list(log_t[0][2]))
    assert_same(list(grads_e[1:]), list(grads_t[1:]))


def _nested_backward_order(lib):
    log = []
    m = MODELS[lib]["Net"]()
    for name, sub in m.named_modules():
        sub.register_full_backward_hook(lambda mod, gi, go, name=name: log.append(name))
    m(lib.tensor(X, requires_grad=True)).sum().backward()
    return log


def test_full_backward_hook_nested_order():
    assert _nested_backward_order(ember) == _nested_backward_order(torch)


# ---- repr, pickling, copying -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Affine", "Act", "Net", "Multi"])
def test_repr(name):
    t, e = build(name)
    assert repr(e) == repr(t) and str(e) == str(t)


def test_repr_nested_multiline():
    reprs = {}
    for lib in LIBS:
        m = lib.nn.Module()
        m.inner = MODELS[lib]["Multi"]()
        m.inner.deep = MODELS[lib]["Net"]()
        m.empty = None
        reprs[lib] = repr(m)
    assert reprs[ember] == reprs[torch]


def _plain_net(lib):
    m = lib.nn.Module()
    m.sub = lib.nn.Module()
    m.sub.w = lib.nn.Parameter(lib.tensor(W))
    m.sub.register_buffer("b", lib.tensor(B), persistent=False)
    m.alias = m.sub
    return m


@pytest.mark.parametrize("clone", [lambda m: pickle.loads(pickle.dumps(m)), copy.deepcopy])
def test_pickle_and_deepcopy_module(clone):
    for lib in LIBS:
        m = _plain_net(lib)
        m2 = clone(m)
        assert repr(m2) == repr(m) and list(m2.state_dict()) == list(m.state_dict())
        assert m2.alias is m2.sub and m2.sub.w is not m.sub.w
        assert type(m2.sub.w) is lib.nn.Parameter and m2.sub.w.requires_grad
        assert m2.sub.w.tolist() == m.sub.w.tolist()
        assert m2.sub._non_persistent_buffers_set == {"b"}
    e = copy.deepcopy(MODELS[ember]["Net"]())
    assert e.shared is e.fc1 and repr(e) == repr(MODELS[torch]["Net"]())


def test_forward_unimplemented_and_init_args():
    same_error(lambda: torch.nn.Module()(1), lambda: ember.nn.Module()(1))
    same_error(lambda: torch.nn.Module(3), lambda: ember.nn.Module(3))
    same_error(lambda: torch.nn.Module(a=3), lambda: ember.nn.Module(a=3))


def test_uninitialized_placeholders():
    out = {}
    for lib in LIBS:
        p, b = lib.nn.UninitializedParameter(), lib.nn.UninitializedBuffer()
        out[lib] = (repr(p), repr(b), isinstance(p, lib.nn.Parameter), p.requires_grad,
                    isinstance(b, lib.Tensor), b.requires_grad)
    assert out[ember] == out[torch]
