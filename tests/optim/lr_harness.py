"""The lr_scheduler tests' shared harness: build the same optimizer and scheduler in torch and
ember, step both, and compare every group's lr (and momentum/betas/initial_lr/max_lr/min_lr),
get_last_lr and last_epoch after every step; resume one framework's state in the other."""
from __future__ import annotations

import copy

import torch

import ember

STEPS = 120


def make_opt(lib, opt="SGD", groups=1, **kw):
    """An optimizer over `groups` param groups with lrs 0.1, 0.2, ... (one 2-vector each)."""
    params = [lib.zeros(2, requires_grad=True) for _ in range(groups)]
    param_groups = [{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(params)]
    kw.setdefault("lr", 0.1)
    if opt == "SGD":
        kw.setdefault("momentum", 0.9)
    return getattr(lib.optim, opt)(param_groups, **kw)


def snapshot(opt, sched):
    """Everything a schedule may change, as plain Python values."""
    groups = [
        tuple(float(g[k]) if k == "lr" else g.get(k) for k in ("lr", "momentum", "betas",
                                                                "initial_lr", "max_lr", "min_lr"))
        for g in opt.param_groups
    ]
    return groups, [float(x) for x in sched.get_last_lr()], getattr(sched, "last_epoch", None)


def _metric(lib, metrics, i, tensor_metric):
    if metrics is None:
        return None
    return lib.tensor(metrics[i]) if tensor_metric else metrics[i]


def run(lib, make, opt_kw, steps=STEPS, metrics=None, state=None, start=0, tensor_metric=False):
    """Build, optionally load a saved state, step `steps` times; return each step's snapshot."""
    opt = make_opt(lib, **opt_kw)
    sched = make(lib, opt)
    if state is not None:
        for g, saved in zip(opt.param_groups, state["groups"], strict=True):
            g.update(saved)
        sched.load_state_dict(copy.deepcopy(state["sched"]))
    trace = [snapshot(opt, sched)]
    for i in range(start, start + steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(_metric(lib, metrics, i, tensor_metric))
        trace.append(snapshot(opt, sched))
    return trace, opt, sched


def assert_traces(e_trace, t_trace):
    assert len(e_trace) == len(t_trace)
    for i, (e, t) in enumerate(zip(e_trace, t_trace, strict=True)):
        assert e == t, f"step {i}: ember {e} != torch {t}"


def check_schedule(make, opt_kw=None, metrics=None, tensor_metric=False, steps=STEPS):
    """The lr trajectory over `steps` steps and the state_dict keys match torch's."""
    opt_kw = opt_kw or {}
    t_trace, _, t_sched = run(torch, make, opt_kw, steps, metrics, tensor_metric=tensor_metric)
    e_trace, _, e_sched = run(ember, make, opt_kw, steps, metrics, tensor_metric=tensor_metric)
    assert_traces(e_trace, t_trace)
    assert list(e_sched.state_dict()) == list(t_sched.state_dict())


def check_resume(make, opt_kw=None, metrics=None, split=45, steps=STEPS, src=torch, dst=ember):
    """`src` runs `split` steps; its state continues in `dst` exactly as in `src`."""
    opt_kw = opt_kw or {}
    _, s_opt, s_sched = run(src, make, opt_kw, split, metrics)
    state = {
        "groups": [{k: v for k, v in g.items() if k != "params"} for g in s_opt.param_groups],
        "sched": copy.deepcopy(s_sched.state_dict()),
    }
    s_rest = [snapshot(s_opt, s_sched)]
    for i in range(split, steps):
        s_opt.step()
        s_sched.step() if metrics is None else s_sched.step(metrics[i])
        s_rest.append(snapshot(s_opt, s_sched))
    d_rest, _, _ = run(dst, make, opt_kw, steps - split, metrics, state=state, start=split)
    assert_traces(d_rest, s_rest)


DIRECTIONS = {
    "torch->ember": {"src": torch, "dst": ember},
    "ember->torch": {"src": ember, "dst": torch},
}


def _sched(name, *args, **kw):
    return lambda lib, opt: getattr(lib.optim.lr_scheduler, name)(opt, *args, **kw)
