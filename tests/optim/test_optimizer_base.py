"""The Optimizer base against torch.optim: construction forms and their errors, param_groups with
every default, zero_grad, add_param_group, step(closure), hooks, state_dict/load_state_dict, repr."""
from __future__ import annotations

import importlib
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.optim.test_optimizers import _torch_sd_to_ember, assert_same_state
from tests.oracle import to_numpy


def _both(fn):
    """fn(lib) under torch and ember; returns (ember result, torch result)."""
    return fn(ember), fn(torch)


def _raises_same(fn):
    """torch raises; ember raises the same builtin type with the same message."""
    with pytest.raises(Exception) as t_exc:
        fn(torch)
    with pytest.raises(Exception) as e_exc:
        fn(ember)
    assert type(e_exc.value) is type(t_exc.value), (e_exc.value, t_exc.value)
    assert str(e_exc.value) == str(t_exc.value)


def _w(lib, shape=(2, 2), fill=1.0):
    return lib.full(shape, fill, requires_grad=True)


# ---- construction ------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [
    lambda lib: lib.optim.SGD(_w(lib), lr=0.1),                      # a bare tensor
    lambda lib: lib.optim.SGD([], lr=0.1),                           # nothing to optimize
    lambda lib: lib.optim.SGD([_w(lib) * 2], lr=0.1),                # a non-leaf
    lambda lib: lib.optim.SGD([1.0], lr=0.1),                        # not a tensor
    lambda lib: lib.optim.SGD([{"params": {_w(lib)}}], lr=0.1),      # a set inside a group
    lambda lib: lib.optim.SGD([("a", _w(lib)), _w(lib)], lr=0.1),    # names partly missing
    lambda lib: lib.optim.SGD([{"params": [_w(lib)]}, {"params": [("b", _w(lib))]}], lr=0.1),
])
def test_bad_params(make):
    _raises_same(make)


def test_param_in_two_groups():
    def make(lib):
        w = _w(lib)
        return lib.optim.SGD([{"params": [w]}, {"params": [w], "lr": 0.2}], lr=0.1)
    _raises_same(make)


def test_duplicate_params_warn():
    for lib in (torch, ember):
        w = _w(lib)
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            lib.optim.SGD([w, w], lr=0.1)
        assert any("duplicate parameters" in str(r.message) for r in rec)


BAD_HYPER = [
    ("SGD", {"lr": -1}), ("SGD", {"lr": 0.1, "momentum": -0.5}),
    ("SGD", {"lr": 0.1, "weight_decay": -1}), ("SGD", {"lr": 0.1, "nesterov": True}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True}),
    ("Adam", {"lr": -1e-3}), ("Adam", {"eps": -1.0}), ("Adam", {"betas": (1.0, 0.9)}),
    ("Adam", {"betas": (0.9, -0.1)}), ("Adam", {"weight_decay": -0.1}),
    ("Adam", {"betas": (0.9, 1)}),
    ("AdamW", {"lr": -0.1}), ("Adamax", {"betas": (0.9, 1.5)}), ("Adamax", {"eps": -1.0}),
    ("NAdam", {"momentum_decay": -1.0}), ("NAdam", {"weight_decay": -1.0}),
    ("RAdam", {"betas": (-0.1, 0.9)}), ("RMSprop", {"alpha": -0.1}),
    ("RMSprop", {"momentum": -0.1}), ("RMSprop", {"eps": -1.0}),
    ("Adagrad", {"lr_decay": -1.0}), ("Adagrad", {"initial_accumulator_value": -1.0}),
    ("Adagrad", {"eps": -1.0}), ("Adadelta", {"rho": 1.5}), ("Adadelta", {"lr": -1.0}),
    ("ASGD", {"weight_decay": -1.0}), ("Rprop", {"etas": (1.5, 1.2)}),
    ("Rprop", {"etas": (0.5, 0.9)}), ("LBFGS", {"lr": -1.0}),
]


@pytest.mark.parametrize("name,kwargs", BAD_HYPER, ids=[f"{n}{k}" for n, k in BAD_HYPER])
def test_bad_hyperparameters(name, kwargs):
    _raises_same(lambda lib: getattr(lib.optim, name)([_w(lib)], **kwargs))


def test_tensor_lr_must_have_one_element():
    _raises_same(lambda lib: lib.optim.Adam([_w(lib)], lr=lib.tensor([0.1, 0.2])))


def test_lbfgs_rejects_param_groups():
    _raises_same(lambda lib: lib.optim.LBFGS([{"params": [_w(lib)]}, {"params": [_w(lib)]}]))


def test_missing_required_group_value():
    from torch.optim.optimizer import required as t_required

    class Needs(torch.optim.Optimizer):
        def __init__(self, params):
            super().__init__(params, {"lr": t_required})

    class ENeeds(ember.optim.Optimizer):
        def __init__(self, params):
            from ember.optim.optimizer import required
            super().__init__(params, {"lr": required})

    with pytest.raises(ValueError) as t_exc:
        Needs([_w(torch)])
    with pytest.raises(ValueError) as e_exc:
        ENeeds([_w(ember)])
    assert str(e_exc.value) == str(t_exc.value)


# ---- param_groups, repr, named parameters ------------------------------------------------------


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop",
                                  "Adagrad", "Adadelta", "ASGD", "Rprop", "LBFGS"])
def test_defaults_and_repr(name):
    e, t = _both(lambda lib: getattr(lib.optim, name)([_w(lib)]))
    assert e.defaults == t.defaults
    assert list(e.defaults) == list(t.defaults)
    e_groups = [{k: v for k, v in g.items() if k != "params"} for g in e.param_groups]
    t_groups = [{k: v for k, v in g.items() if k != "params"} for g in t.param_groups]
    assert e_groups == t_groups and [list(g) for g in e_groups] == [list(g) for g in t_groups]
    assert repr(e) == repr(t)
    assert_same_state(e.state_dict(), t.state_dict(), "float32")


def test_spec_param_groups_and_state_dict_prints():
    """The spec's SGD cells: param_groups after add_param_group, state_dict before/after steps."""
    def run(lib):
        lib.manual_seed(0)
        weight = lib.tensor([[-0.6, -2.6], [-0.24, 0.74]], requires_grad=True)
        weight.grad = lib.ones((2, 2))
        opt = lib.optim.SGD([weight], lr=0.1, momentum=0.9)
        opt.step()
        texts = [str(weight.data), str(weight.grad)]
        opt.zero_grad()
        texts.append(str(weight.grad))
        texts.append(str(opt.param_groups))
        assert opt.param_groups[0]["params"][0] is weight
        weight2 = lib.tensor([[0.5, 0.25, 0.125]] * 3, requires_grad=True)
        opt.add_param_group({"params": weight2, "lr": 0.0001, "nesterov": True})
        texts.append(str(opt.param_groups))
        texts.append(str(opt.state_dict()))
        for _ in range(50):
            opt.step()
        sd = opt.state_dict()
        texts.append(str(sd))
        opt.load_state_dict(sd)
        texts += [str(opt.defaults), str(dict(opt.state).values()), str(opt.param_groups)]
        return texts

    e, t = _both(run)
    for a, b in zip(e, t):
        assert a == b


def test_named_parameters_tuples():
    e, t = _both(lambda lib: lib.optim.SGD([("a", _w(lib)), ("b", _w(lib, (3,)))], lr=0.1))
    assert e.param_groups[0]["param_names"] == t.param_groups[0]["param_names"] == ["a", "b"]
    assert e.state_dict()["param_groups"] == t.state_dict()["param_groups"]


def test_add_param_group_errors():
    _raises_same(lambda lib: lib.optim.SGD([_w(lib)], lr=0.1).add_param_group([_w(lib)]))

    def twice(lib):
        w = _w(lib)
        opt = lib.optim.SGD([w], lr=0.1)
        opt.add_param_group({"params": w})
    _raises_same(twice)


# ---- zero_grad and step ------------------------------------------------------------------------


@pytest.mark.parametrize("set_to_none", [True, False])
def test_zero_grad(set_to_none):
    def run(lib):
        w = _w(lib)
        (w * w).sum().backward()
        v = _w(lib, (3,))
        opt = lib.optim.SGD([w, v], lr=0.1)
        opt.zero_grad(set_to_none=set_to_none)
        return w.grad, v.grad
    (eg, ev), (tg, tv) = _both(run)
    assert ev is None and tv is None
    if set_to_none:
        assert eg is None and tg is None
    else:
        np.testing.assert_array_equal(to_numpy(eg), to_numpy(tg))


def test_step_closure_returns_loss_and_enables_grad():
    def run(lib):
        w = _w(lib, (3,), 2.0)
        opt = lib.optim.SGD([w], lr=0.1, momentum=0.5)
        seen = []

        def closure():
            opt.zero_grad()
            loss = (w * w).sum()
            seen.append(lib.is_grad_enabled())
            loss.backward()
            return loss

        with lib.no_grad():
            loss = opt.step(closure)
        loss2 = opt.step(closure)
        return float(loss.detach()), float(loss2.detach()), seen, to_numpy(w), w._version
    e, t = _both(run)
    assert e[:3] == t[:3] and e[2] == [True, True]
    np.testing.assert_allclose(e[3], t[3], rtol=1e-6)


def test_step_bumps_version_and_skips_params_without_grad():
    def run(lib):
        w, v = _w(lib), _w(lib, (3,))
        w.grad = lib.ones((2, 2))
        opt = lib.optim.Adam([w, v], lr=0.1)
        before = w._version
        opt.step()
        return w._version > before, list(opt.state_dict()["state"]), to_numpy(v)
    e, t = _both(run)
    assert e[0] and t[0] and e[1] == t[1] == [0]
    np.testing.assert_array_equal(e[2], t[2])


def test_step_hooks():
    def run(lib):
        w = _w(lib)
        w.grad = lib.ones((2, 2))
        opt = lib.optim.SGD([w], lr=0.1)
        log = []
        h1 = opt.register_step_pre_hook(lambda o, a, k: log.append(("pre", type(o).__name__)))
        h2 = opt.register_step_post_hook(lambda o, a, k: log.append(("post", len(a), len(k))))
        module = importlib.import_module(lib.__name__ + ".optim.optimizer")
        g = module.register_optimizer_step_pre_hook(lambda o, a, k: log.append("global"))
        opt.step()
        h1.remove()
        h2.remove()
        g.remove()
        opt.step()
        return log
    e, t = _both(run)
    assert e == t == ["global", ("pre", "SGD"), ("post", 1, 0)]


def test_step_pre_hook_bad_return():
    def run(lib):
        w = _w(lib)
        w.grad = lib.ones((2, 2))
        opt = lib.optim.SGD([w], lr=0.1)
        opt.register_step_pre_hook(lambda o, a, k: 3)
        opt.step()
    with pytest.raises(RuntimeError):
        run(torch)
    with pytest.raises(RuntimeError):
        run(ember)


# ---- state_dict / load_state_dict --------------------------------------------------------------


def test_state_dict_hooks():
    def run(lib):
        w = _w(lib)
        opt = lib.optim.SGD([w], lr=0.1)
        log = []
        opt.register_state_dict_pre_hook(lambda o: log.append("pre"))
        opt.register_state_dict_post_hook(lambda o, sd: {**sd, "extra": 1})
        opt.register_load_state_dict_pre_hook(lambda o, sd: log.append("lpre"))
        opt.register_load_state_dict_post_hook(lambda o: log.append("lpost"))
        sd = opt.state_dict()
        opt.load_state_dict(sd)
        return log, sorted(sd)
    e, t = _both(run)
    assert e == t


@pytest.mark.parametrize("case", ["groups", "sizes"])
def test_load_state_dict_mismatch(case):
    def run(lib):
        a, b = _w(lib), _w(lib, (3,))
        src = lib.optim.SGD([a, b], lr=0.1) if case == "sizes" else lib.optim.SGD(
            [{"params": [a]}, {"params": [b]}], lr=0.1)
        dst = lib.optim.SGD([a], lr=0.1)
        dst.load_state_dict(src.state_dict())
    _raises_same(run)


def test_load_state_dict_casts_to_param_dtype_and_keeps_step():
    t_w = torch.ones(3, dtype=torch.float64, requires_grad=True)
    t_w.grad = torch.ones(3, dtype=torch.float64)
    t_src = torch.optim.Adam([torch.ones(3, requires_grad=True)], lr=0.1)
    t_src.param_groups[0]["params"][0].grad = torch.ones(3)
    t_src.step()
    sd = t_src.state_dict()
    t_dst = torch.optim.Adam([t_w], lr=0.1)
    t_dst.load_state_dict(sd)
    e_w = ember.ones(3, dtype=ember.float64, requires_grad=True)
    e_dst = ember.optim.Adam([e_w], lr=0.1)
    e_dst.load_state_dict(_torch_sd_to_ember(sd))
    assert_same_state(e_dst.state_dict(), t_dst.state_dict(), "float64")
    assert e_dst.state[e_w]["step"].dtype == ember.float32
    assert e_dst.state[e_w]["exp_avg"].dtype == ember.float64


def test_state_dict_is_live_and_load_replaces_groups():
    def run(lib):
        w = _w(lib)
        w.grad = lib.ones((2, 2))
        opt = lib.optim.SGD([w], lr=0.1, momentum=0.9)
        opt.step()
        sd = opt.state_dict()
        live = sd["state"][0] is opt.state[w]
        sd2 = {"state": sd["state"], "param_groups": [dict(sd["param_groups"][0], lr=0.5)]}
        opt.load_state_dict(sd2)
        return live, opt.param_groups[0]["lr"], opt.param_groups[0]["params"][0] is w
    e, t = _both(run)
    assert e == t


def test_pickle_roundtrip():
    w = _w(ember)
    w.grad = ember.ones((2, 2))
    opt = ember.optim.Adam([w], lr=0.1)
    opt.step()
    opt2 = pickle.loads(pickle.dumps(opt))
    assert repr(opt2) == repr(opt)
    opt2.param_groups[0]["params"][0].grad = ember.ones((2, 2))
    opt2.step()
    assert float(opt2.state_dict()["state"][0]["step"]) == 2.0


def test_state_step_dtype_follows_default_dtype():
    def run(lib):
        old = lib.get_default_dtype()
        lib.set_default_dtype(lib.float64)
        try:
            w = _w(lib)
            w.grad = lib.ones((2, 2), dtype=w.dtype)
            opt = lib.optim.RMSprop([w])
            opt.step()
            return str(opt.state[w]["step"].dtype)
        finally:
            lib.set_default_dtype(old)
    e, t = _both(run)
    assert e == t


def test_user_subclass_with_own_step():
    """A custom optimizer written against the public API (the spec's pattern) runs and is hooked."""
    def make_cls(lib):
        class SignSGD(lib.optim.Optimizer):
            def __init__(self, params, lr=0.1):
                super().__init__(params, {"lr": lr})

            @lib.no_grad()
            def step(self, closure=None):
                for group in self.param_groups:
                    for p in group["params"]:
                        if p.grad is None:
                            continue
                        state = self.state[p]
                        state["n"] = state.get("n", 0) + 1
                        p.add_(p.grad.sign(), alpha=-group["lr"])
        return SignSGD

    def run(lib):
        w = lib.tensor([1.0, -2.0, 0.5], requires_grad=True)
        opt = make_cls(lib)([w], lr=0.25)
        log = []
        opt.register_step_post_hook(lambda o, a, k: log.append("post"))
        for _ in range(3):
            w.grad = lib.tensor([0.3, -0.1, 0.0])
            opt.step()
        return to_numpy(w), opt.state_dict(), log, repr(opt)
    e, t = _both(run)
    np.testing.assert_array_equal(e[0], t[0])
    assert e[1] == t[1] and e[2] == t[2] == ["post"] * 3 and e[3] == t[3]


def test_base_step_without_update_rule_raises():
    class Bare(ember.optim.Optimizer):
        pass

    w = _w(ember)
    w.grad = ember.ones((2, 2))
    with pytest.raises(NotImplementedError):
        Bare([w], {"lr": 0.1}).step()


@pytest.mark.parametrize("name,kwargs", [("SGD", {"lr": 0.1, "momentum": 0.9}),
                                         ("Adam", {"lr": 0.01}),
                                         ("RMSprop", {"lr": 0.01, "centered": True})])
def test_training_loop_with_autograd(name, kwargs):
    """Gradients from each framework's own backward (broadcast bias, matmul) drive 30 steps."""
    rng = np.random.default_rng(0)
    x_np, y_np = rng.standard_normal((16, 5)), rng.standard_normal((16, 1))
    w_np, b_np = rng.standard_normal((5, 1)) * 0.3, np.zeros(1)

    def run(lib):
        x, y = lib.tensor(x_np), lib.tensor(y_np)
        w, b = lib.tensor(w_np, requires_grad=True), lib.tensor(b_np, requires_grad=True)
        opt = getattr(lib.optim, name)([w, b], **kwargs)
        losses = []
        for i in range(30):
            opt.zero_grad(set_to_none=bool(i % 2))
            loss = (((x @ w + b).tanh() - y) ** 2).mean()
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
        return losses, to_numpy(w), to_numpy(b)
    e, t = _both(run)
    for a, b in zip(e, t):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_base_optimizer_step_is_not_implemented():
    """torch's Optimizer.step raises NotImplementedError whether or not grads exist."""
    import torch

    import ember
    for lib in (torch, ember):
        w = lib.nn.Parameter(lib.ones(3))
        with pytest.raises(NotImplementedError):
            lib.optim.Optimizer([w], {}).step()
