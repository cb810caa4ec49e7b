"""Optimizer base: param_groups, state, zero_grad, add_param_group, PyTorch's state_dict layout.

The base owns the loop (MLX's `init_single` / `apply_single` split): `step` evaluates the closure
under grad mode, gathers each group's parameters that have a gradient, creates their state lazily
with the subclass's `_init_state`, reads the group's hyper-parameters once by name (`_hyper`), and
per parameter counts the step, negates the gradient to maximize, applies weight decay, then calls
the subclass's `_rule`, which changes the backend arrays in place (no autograd involved).
For an elementwise rule the group's state lives in flat buffers and the rule runs over few large
segments instead of once per parameter (_flat.py); large groups spread over worker threads.
"""
from __future__ import annotations

import functools
import threading
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from copy import deepcopy
from itertools import chain
from typing import ClassVar

import numpy as np

from .. import _dtype as _dt
from .._tensor import Tensor, _new_tensor
from .._threads import get_num_threads
from .._typename import typename as _typename
from ..autograd.grad_mode import enable_grad
from ..backend import array_module
from ..utils.hooks import RemovableHandle
from . import _flat

__all__ = ["Optimizer", "register_optimizer_step_post_hook", "register_optimizer_step_pre_hook"]

_global_optimizer_pre_hooks: OrderedDict = OrderedDict()
_global_optimizer_post_hooks: OrderedDict = OrderedDict()
_PARALLEL_MIN_NUMEL = 1 << 20  # below ~1M elements a step is overhead-bound: one thread
_MAX_WORKERS = 8
_pools: dict = {}  # worker count -> its thread pool, started on the first large step


class _RequiredParameter:
    """Singleton marking a hyper-parameter without default (torch.optim.optimizer.required)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def register_optimizer_step_pre_hook(hook) -> RemovableHandle:
    """A pre-hook `hook(optimizer, args, kwargs)` run before every optimizer's step."""
    handle = RemovableHandle(_global_optimizer_pre_hooks)
    _global_optimizer_pre_hooks[handle.id] = hook
    return handle


def register_optimizer_step_post_hook(hook) -> RemovableHandle:
    """A post-hook `hook(optimizer, args, kwargs)` run after every optimizer's step."""
    handle = RemovableHandle(_global_optimizer_post_hooks)
    _global_optimizer_post_hooks[handle.id] = hook
    return handle


def _hooked_step(step):
    """Wrap a subclass's step with the global and per-optimizer pre/post hooks, as PyTorch."""

    @functools.wraps(step)
    def wrapper(*args, **kwargs):  # args include the optimizer, as PyTorch passes them to hooks
        self = args[0]
        pre = self._optimizer_step_pre_hooks
        post = self._optimizer_step_post_hooks
        if not (pre or post or _global_optimizer_pre_hooks or _global_optimizer_post_hooks):
            return step(*args, **kwargs)
        for hook in chain(_global_optimizer_pre_hooks.values(), pre.values()):
            result = hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(f"{step} must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {result}.")
        out = step(*args, **kwargs)
        for hook in chain(post.values(), _global_optimizer_post_hooks.values()):
            hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper


def _scalar(x):
    """A hyper-parameter as a number; a Tensor's becomes a NumPy scalar of its dtype, so that
    arithmetic on it rounds as PyTorch's 0-d tensor arithmetic does (float32 lr / bias)."""
    if isinstance(x, Tensor):
        return x._data.dtype.type(x.item())
    return x


def _check_lr(lr) -> None:
    """PyTorch's shared lr validation: a 1-element Tensor or a non-negative number."""
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


_LABELS = {"eps": "epsilon"}  # the name PyTorch's message gives a hyper-parameter


def _check_hyper(lr, **named) -> None:
    """PyTorch's validation in its order: lr, then each named value >= 0 ("Invalid epsilon
    value: -1"); betas each in [0, 1), rho in [0, 1]."""
    _check_lr(lr)
    for name, value in named.items():
        if name == "betas":
            for i, beta in enumerate(value):
                if not 0.0 <= beta < 1.0:
                    raise ValueError(f"Invalid beta parameter at index {i}: {beta}")
        elif not (0.0 <= value <= 1.0 if name == "rho" else 0.0 <= value):
            raise ValueError(f"Invalid {_LABELS.get(name, name)} value: {value}")


def _check_fused(fused, differentiable, foreach) -> None:
    """PyTorch's checks on `fused=True` (accepted and stored; ember's update is the same)."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _step_tensor(value: float = 0.0) -> Tensor:
    """State 'step' as PyTorch keeps it off the fused path: a 0-d CPU tensor, float32 (float64
    under a float64 default dtype)."""
    dtype = np.float64 if _dt.get_default_dtype() is _dt.float64 else np.float32
    return _new_tensor(np.array(value, dtype=dtype))


def _zeros_like(a) -> Tensor:
    return _new_tensor(array_module(a).zeros_like(a))


def _new_state(p: Tensor, *zeros: str) -> dict:
    """A fresh stepping state: {'step': 0-d tensor, name: zeros like p for each name}."""
    state = {"step": _step_tensor()}
    for name in zeros:
        state[name] = _zeros_like(p._data)
    return state


class _Hyper:
    """A group's hyper-parameters by name (h.lr, h.betas), read once per step: a plain object,
    whose attributes Python reads faster than a SimpleNamespace's or a dict's entries."""


def _hyper_value(value):
    """A group entry as the rules read it: a Tensor (or a tuple of them) as NumPy scalars."""
    if isinstance(value, Tensor):
        return _scalar(value)
    if value.__class__ is tuple:
        return tuple(_scalar(v) for v in value)
    return value


def _from_foreign(value):
    """Another framework's tensor (a PyTorch state_dict passed in memory) as an ember Tensor
    holding a NumPy copy, tuples (betas) elementwise, anything else unchanged. Duck-typed, so
    ember never imports torch: `.detach().cpu().numpy()`, else `__array__`."""
    if value.__class__ is tuple:
        return tuple(_from_foreign(v) for v in value)
    if isinstance(value, (Tensor, np.ndarray, np.generic)):
        return value
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        array = value.detach().cpu().numpy()
    elif hasattr(value, "__array__"):
        array = value.__array__()
    else:
        return value
    return _new_tensor(np.array(array))  # a copy: never share the other framework's memory


def _shared_steps(h, p, g):
    """Maximize (ascend: negate the gradient), then weight decay: decoupled (p <- p (1 - lr wd))
    or L2 (g <- g + wd p). Returns the gradient the rule uses; `p` changes in place."""
    if h.maximize:
        g = -g
    if h.decay is not None:
        p *= h.decay
    elif h.l2 != 0:
        g = g + h.l2 * p
    return g


class Optimizer:
    """Base class of all optimizers: holds param_groups and per-parameter state."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "hooked", False):
            cls.step = _hooked_step(step)

    def __init__(self, params, defaults: dict) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + params.type())
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    # ---- pickling and printing ---------------------------------------------------------------
    def __getstate__(self) -> dict:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                setattr(self, name, OrderedDict())
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:  # groups saved by an older version lack newer keys
            for key, value in self._group_fallbacks.items():
                group.setdefault(key, value)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    # ---- hooks -------------------------------------------------------------------------------
    def register_step_pre_hook(self, hook) -> RemovableHandle:
        """`hook(optimizer, args, kwargs)` before step; may return new (args, kwargs)."""
        handle = RemovableHandle(self._optimizer_step_pre_hooks)
        self._optimizer_step_pre_hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook) -> RemovableHandle:
        """`hook(optimizer, args, kwargs)` after step."""
        handle = RemovableHandle(self._optimizer_step_post_hooks)
        self._optimizer_step_post_hooks[handle.id] = hook
        return handle

    def _register(self, hooks: OrderedDict, hook, prepend: bool) -> RemovableHandle:
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        if prepend:
            hooks.move_to_end(handle.id, last=False)
        return handle

    def register_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend: bool = False) -> RemovableHandle:
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ---- state_dict ----------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """{'state': {index: per-param state}, 'param_groups': [group with 'params': [indices]]}."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        mapping: dict[int, int] = {}
        start = 0

        def pack_group(group: dict) -> dict:
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        state_dict = {"state": packed_state, "param_groups": param_groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        return state_dict

    @staticmethod
    def _cast_state(param: Tensor, value, key, fused_or_capturable: bool):
        """A loaded state value on the param's device; floating state in the param's dtype."""
        value = _from_foreign(value)
        if isinstance(value, Tensor):
            if key == "step":
                return value.to(dtype=_dt.float32) if fused_or_capturable else value
            if param.is_floating_point():
                return value.to(dtype=param.dtype, device=param.device)
            return value.to(device=param.device)
        if isinstance(value, dict):
            return {k: Optimizer._cast_state(param, v, k, fused_or_capturable)
                    for k, v in value.items()}
        if isinstance(value, Iterable) and not isinstance(value, str):
            return type(value)(Optimizer._cast_state(param, v, None, fused_or_capturable)
                               for v in value)
        return value

    def load_state_dict(self, state_dict: dict) -> None:
        """Load a state_dict() (ours, or PyTorch's: its tensors are copied), matching by order."""
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = [{k: _from_foreign(v) for k, v in g.items()}
                        for g in deepcopy(state_dict["param_groups"])]
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        special = {}
        for g in state_dict["param_groups"]:
            flag = bool(g.get("fused", False) or g.get("capturable", False))
            for i in g["params"]:
                special.setdefault(i, flag)
        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = self._cast_state(param, v, None, special.get(k, False))
            else:
                state[k] = v

        def update_group(group: dict, new_group: dict) -> dict:
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)

    # ---- gradients and groups ------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop (default) or zero every parameter's gradient."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g._grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g._data[...] = 0
                    g._vbox[0] += 1

    def add_param_group(self, param_group: dict) -> None:
        """Append a group; missing hyper-parameters are filled from `defaults`."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        tensors, names = [], []
        for param in params:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names
        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(tensors) != len(set(tensors)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen: set = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ---- the step template -------------------------------------------------------------------
    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns the closure's loss."""
        if type(self)._rule is Optimizer._rule:
            raise NotImplementedError(
                f"{type(self).__name__}.step() is not implemented: a subclass of Optimizer "
                "must override step() (or _init_state() and _rule())")
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            params = group["params"]
            threads = 1
            if (len(params) > 1 and params[0]._data.__class__ is np.ndarray
                    and self._numel(params) >= _PARALLEL_MIN_NUMEL):
                threads = min(get_num_threads(), len(params), _MAX_WORKERS)
            plan = None
            if len(params) > 1 and self._flat_state(group):
                plan = _flat.plan_for(self, group, params)
            if plan is not None:
                self._update_flat(group, plan, threads)
            elif threads > 1:
                self._update_on_threads(group, params, threads)
            else:
                self._update(group, params)
        return loss

    def _update_flat(self, group: dict, plan, threads: int) -> None:
        """`_update` over a group's flat plan (see _flat.py): one step count for all, then the
        rule once per segment, segments shared among `threads` workers."""
        h = self._hyper(group)
        shared = None
        if not self._rule_applies_shared_steps and (
                h.maximize or h.decay is not None or h.l2 != 0):
            shared = _shared_steps
        if plan.steps is not None:
            plan.steps += 1
        for p in plan.params:
            p._vbox[0] += 1  # an in-place change, as PyTorch's add_
        segments = plan.segments
        run = _flat.run_segment
        if threads > 1 and len(segments) > 1:
            shares = _balanced(segments, threads, _segment_size)
            futures = [_workers(threads).submit(_run_all, run, self, h, shared, share)
                       for share in shares]
            for f in futures:
                f.result()
        else:
            for seg in segments:
                run(self, h, shared, seg)
        if plan.unborn:
            _flat.install(plan)

    def _update_on_threads(self, group: dict, params: list, threads: int) -> None:
        """`_update` on worker threads, each taking a share of the parameters balanced by size
        (NumPy releases the GIL inside its loops; every parameter's update is independent, so
        the result is the same bit for bit). States are created here first, in order."""
        params = [p for p in params if p._grad is not None]
        for p in params:
            if not self.state.get(p):
                s = self._init_state(group, p)
                if s is not None:
                    self.state[p] = s
        pool = _workers(threads)
        futures = [pool.submit(self._update, group, share)
                   for share in _balanced(params, threads, _size)]
        for f in futures:
            f.result()

    def _numel(self, params: list) -> int:
        """The elements of a group's parameters, cached per list (it only chooses threads)."""
        cache = self.__dict__.setdefault("_numels", {})  # id -> (the list, kept alive; n; numel)
        hit = cache.get(id(params))
        if hit is None or hit[1] != len(params):
            hit = cache[id(params)] = (params, len(params), sum(map(_size, params)))
        return hit[2]

    def _work(self, a, slot: int = 0):
        """A reusable scratch array shaped like `a`: no allocation (or page faults) per step."""
        cache = self.__dict__.setdefault("_scratch", {})
        key = (a.dtype, slot, a.__class__, getattr(a, "device", None), threading.get_ident())
        buf = cache.get(key)
        if buf is None or buf.size < a.size:
            buf = cache[key] = array_module(a).empty(a.size, a.dtype)
        return buf[:a.size].reshape(a.shape)

    # ---- what an algorithm defines ------------------------------------------------------------
    _counts_steps = True  # state['step'] += 1 before each rule (SGD keeps no step)
    _group_fallbacks: ClassVar[dict] = {}  # __setstate__ fills these into a group lacking them
    _rule_applies_shared_steps = False  # True: the rule calls _shared_steps (chunk by chunk)
    _elementwise_rule = False  # True: each element's update reads only that element's state

    def _init_state(self, group: dict, p: Tensor):
        """The fresh state dict of a parameter (None: the algorithm keeps no state for it)."""
        raise NotImplementedError

    def _flat_state(self, group: dict) -> bool:
        """True: the group's state lives in flat buffers and steps run on them (_flat.py)."""
        return self._elementwise_rule

    def _hyper(self, group: dict) -> _Hyper:
        """The group's hyper-parameters by name, read once per step (a Tensor lr as a NumPy
        scalar of its dtype), plus what the shared steps need: maximize, l2, decay."""
        h = _Hyper()
        h.__dict__.update({k: _hyper_value(v) for k, v in group.items()
                           if k != "params" and k != "param_names"})
        h.maximize = group.get("maximize", False)
        wd = h.__dict__.get("weight_decay", 0)
        decoupled = wd != 0 and group.get("decoupled_weight_decay", False)
        h.decay = 1 - h.lr * wd if decoupled else None
        h.l2 = 0 if decoupled else wd
        return h

    def _update(self, group: dict, params: list) -> None:
        """Per parameter with a gradient: its state (created lazily), the version bump, step
        counting and the shared steps, then the algorithm's `_rule` on the backend arrays."""
        h = self._hyper(group)
        state = self.state
        rule = self._rule
        counts = self._counts_steps
        shared = not self._rule_applies_shared_steps and (
            h.maximize or h.decay is not None or h.l2 != 0)
        for p in params:
            g = p._grad
            if g is None:
                continue
            s = state.get(p)
            if not s:
                s = self._init_state(group, p)
                if s is not None:
                    state[p] = s
            p._vbox[0] += 1  # an in-place change, as PyTorch's add_
            if counts:
                s["step"]._data += 1
            a = p._data
            g = g._data
            if shared:
                g = _shared_steps(h, a, g)
            rule(h, a, g, s)

    def _rule(self, h: _Hyper, p, g, s) -> None:
        """Update one parameter array `p` in place from its gradient `g` and state `s`."""
        raise NotImplementedError


Optimizer.step = _hooked_step(Optimizer.step)


def _workers(n: int):
    """The thread pool of `n` workers (NumPy releases the GIL inside its loops)."""
    pool = _pools.get(n)
    if pool is None:
        from concurrent.futures import ThreadPoolExecutor

        pool = _pools[n] = ThreadPoolExecutor(n, thread_name_prefix="ember-optim")
    return pool


def _balanced(items: list, n: int, size) -> list:
    """`items` cut into at most `n` shares of about equal total size (largest first into the
    lightest share)."""
    shares = [[[], 0] for _ in range(min(n, len(items)))]
    for item in sorted(items, key=size, reverse=True):
        share = min(shares, key=_share_size)
        share[0].append(item)
        share[1] += size(item)
    return [share for share, _ in shares if share]


def _run_all(run, opt, h, shared, segments) -> None:
    for seg in segments:
        run(opt, h, shared, seg)


def _segment_size(seg) -> int:
    return seg.size


def _share_size(share) -> int:
    return share[1]


def _size(p: Tensor) -> int:
    return p._data.size
