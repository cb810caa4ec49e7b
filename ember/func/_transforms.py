"""torch.func's autodiff transforms: grad, grad_and_value, vjp, jvp, linearize, jacrev, jacfwd,
hessian.

Reverse mode runs ember's engine on a level's wrapped inputs (see _level). Forward mode uses the
double-backward trick: with u a dummy cotangent that requires grad, g = u^T J is recorded with
create_graph, and J v = d<g, v>/du is one more backward pass; every ember op's backward is written
in ember ops, so this holds for all ops. jacfwd computes the same Jacobian by whichever of the two
needs fewer passes (rows of outputs, or columns of inputs).
"""
from __future__ import annotations

import functools

from ..autograd import grad_mode
from ..autograd import node as _node
from ..autograd.node import grad_accumulator
from ..backend import array_module
from ..ops.shape import stack
from . import _level
from ._batched_backward import batched_vjp
from ._level import Level, check_argnums, materialize, reverse, split_aux, zeros_like
from ._pytree import tree_flatten, tree_unflatten

__all__ = ["grad", "grad_and_value", "hessian", "jacfwd", "jacrev", "jvp", "linearize", "vjp"]


# ---- inputs and outputs ------------------------------------------------------------------------


def _wrap_args(level: Level, args: tuple, argnums, check=None):
    """(args with the argnums entries wrapped, their flat leaves, [(spec, n_leaves)], is_tuple)."""
    idx = check_argnums(argnums, len(args))
    is_tuple = isinstance(idx, tuple)
    new_args = list(args)
    flat: list = []
    specs = []
    for i in idx if is_tuple else (idx,):
        leaves, spec = tree_flatten(args[i])
        if check is not None:
            for x in leaves:
                check(x)
        wrapped = [level.wrap(x) for x in leaves]
        new_args[i] = tree_unflatten(wrapped, spec)
        specs.append(spec)
        flat.extend(wrapped)
    return new_args, flat, specs, is_tuple


def _restructure(flat: list, specs: list, is_tuple: bool):
    """Split per-argument leaves back into the arguments' structures (a tuple for tuple argnums)."""
    out, pos = [], 0
    for spec in specs:
        out.append(tree_unflatten(flat[pos:pos + spec.num_leaves], spec))
        pos += spec.num_leaves
    return tuple(out) if is_tuple else out[0]


def _unwrap_tree(level: Level, tree):
    leaves, spec = tree_flatten(tree)
    return tree_unflatten([level.unwrap(x) for x in leaves], spec)


def _aux(level: Level, aux):
    leaves, spec = tree_flatten(aux)
    _level.check_aux(leaves)
    return tree_unflatten([level.unwrap(x) for x in leaves], spec)


def _check_float_outputs(outs, where: str) -> None:
    for o in outs:
        if not (o.dtype.is_floating_point or o.dtype.is_complex):
            raise RuntimeError(f"{where}: All outputs of f must be floating-point or complex "
                               f"Tensors, got Tensor with dtype {o.dtype}")


# ---- grad --------------------------------------------------------------------------------------


def grad_and_value(func, argnums=0, has_aux: bool = False):
    """A function returning (gradient of func's scalar output w.r.t. argnums, output)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        level = Level()
        where = "grad_and_value(f)(*args)"
        with grad_mode.enable_grad():
            args, flat, specs, is_tuple = _wrap_args(level, args, argnums)
            output, aux = split_aux(func(*args, **kwargs), has_aux, where)
            if not isinstance(output, _node.Tensor):
                raise RuntimeError(  # noqa: TRY004 - torch raises RuntimeError
                    f"{where}: Expected f(*args) to return a Tensor, got "
                    f"{type(output)}")
            if output.dim() != 0:
                raise RuntimeError(f"{where}: Expected f(*args) to return a scalar Tensor, got "
                                   f"tensor with {output.dim()} dims. Maybe you wanted to use the "
                                   "vjp or jacrev APIs instead?")
            cg = level.needs_graph([output])
            grads = reverse([output], flat, [None], cg, cg)
            grads = materialize(grads, flat)
        grads = _restructure([level.unwrap(g) for g in grads], specs, is_tuple)
        value = level.unwrap(output)
        return grads, ((value, _aux(level, aux)) if has_aux else value)

    return wrapper


def grad(func, argnums=0, has_aux: bool = False):
    """A function returning the gradient of func's scalar output w.r.t. its argnums inputs."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        grads, value = gv(*args, **kwargs)
        return (grads, value[1]) if has_aux else grads

    return wrapper


# ---- vjp ---------------------------------------------------------------------------------------


def vjp(func, *primals, has_aux: bool = False):
    """(func(*primals), vjp_fn[, aux]); vjp_fn(cotangents) gives one gradient per primal."""
    level = Level()
    where = "vjp(f, *primals)"
    with grad_mode.enable_grad():
        flat_in, in_specs = [], []
        wrapped = []
        for p in primals:
            leaves, spec = tree_flatten(p)
            w = [level.wrap(x) for x in leaves]
            wrapped.append(tree_unflatten(w, spec))
            flat_in.extend(w)
            in_specs.append(spec)
        output, aux = split_aux(func(*wrapped), has_aux, where)
        outs, out_spec = tree_flatten(output)
        _level.check_tensors(outs, where)
        _check_float_outputs(outs, "vjp(f, ...)")

    def vjp_fn(cotangents, *, retain_graph: bool = True, create_graph: bool | None = None):
        cots, cot_spec = tree_flatten(cotangents)
        if cot_spec != out_spec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree "
                               f"structure of outputs to the function. cotangents: "
                               f"{cot_spec.pprint()}, primal output: {out_spec.pprint()}")
        cg = grad_mode.is_grad_enabled() if create_graph is None else create_graph
        cg = cg and (Level(True).needs_graph(cots) or level.needs_graph(outs))
        with grad_mode.enable_grad():
            grads = materialize(reverse(outs, flat_in, cots, cg, retain_graph), flat_in)
        call_level = level.sharing(cg)
        return _restructure([call_level.unwrap(g) for g in grads], in_specs, True)

    result = (_unwrap_tree(level, output), vjp_fn)
    return result + (_aux(level, aux),) if has_aux else result


# ---- forward mode (double-backward trick) ------------------------------------------------------


class _Linearization:
    """g = u^T J recorded with create_graph, so that J v is one backward pass per tangent."""

    def __init__(self, outs: list, ins: list, level: Level) -> None:
        self.outs = outs
        self.diff = [i for i, o in enumerate(outs) if o.requires_grad]
        self.us = [zeros_like(outs[i]).requires_grad_(True) for i in self.diff]
        level.own.update(grad_accumulator(u) for u in self.us)  # results never depend on u
        gs = reverse([outs[i] for i in self.diff], ins, self.us, create_graph=True)
        self.gs = [(j, g) for j, g in enumerate(gs) if g is not None and g.requires_grad]

    def apply(self, tangents: list, create_graph: bool) -> list:
        """J v for the flat tangents v (one per input), as one tensor per output."""
        res = [None] * len(self.outs)
        if self.gs:
            pairs = [(g, tangents[j]) for j, g in self.gs]
            got = reverse([g for g, _ in pairs], self.us, [t for _, t in pairs], create_graph)
            for i, r in zip(self.diff, got):
                res[i] = r
        return materialize(res, self.outs)


def _check_jvp_inputs(primals, tangents, where: str):
    if not isinstance(primals, tuple):
        raise RuntimeError(  # noqa: TRY004 - torch raises RuntimeError
            f"{where}: Expected primals to be a tuple. E.g. it should be valid to "
            "call f(*primals).")
    flat_p, spec_p = tree_flatten(primals)
    flat_t, spec_t = tree_flatten(tangents)
    if spec_p != spec_t:
        raise RuntimeError(f"{where}: Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, tangents "
                           f"also must be. Got primals with structure {spec_p!r} and tangents "
                           f"with structure {spec_t!r}")
    for name, flat in (("primals", flat_p), ("tangents", flat_t)):
        for x in flat:
            if not isinstance(x, _node.Tensor):
                raise RuntimeError(  # noqa: TRY004 - torch raises RuntimeError
                    f"{where}: Expected {name} to only contain Tensors, got "
                    f"{type(x)}")
    if not flat_p:
        raise RuntimeError(f"{where}: Expected primals to contain at least one Tensor.")
    for p, t in zip(flat_p, flat_t):
        _check_dual(p, t)
    return flat_p, flat_t


def _check_primal(x) -> None:
    if isinstance(x, _node.Tensor) and not (x.dtype.is_floating_point or x.dtype.is_complex):
        raise ValueError(f"Expected primal to be floating point or complex, but got: {x.dtype}")


def _check_dual(p, t) -> None:
    for name, x in (("primal", p), ("tangent", t)):
        if not (x.dtype.is_floating_point or x.dtype.is_complex):
            raise ValueError(f"Expected {name} to be floating point or complex, but got: "
                             f"{x.dtype}")
    if tuple(p.shape) != tuple(t.shape):
        raise RuntimeError("Trying to set a forward gradient that has a different size than that "
                           "of the original Tensor, this is not supported. Tensor is of size "
                           f"{list(p.shape)} while the given forward gradient is of size "
                           f"{list(t.shape)}.")


def jvp(func, primals, tangents, *, strict: bool = False, has_aux: bool = False):
    """(func(*primals), J tangents[, aux]): the Jacobian-vector product."""
    where = "jvp(f, primals, tangents)"
    flat_p, flat_t = _check_jvp_inputs(primals, tangents, where)
    level = Level()
    with grad_mode.enable_grad():
        wrapped = [level.wrap(x) for x in flat_p]
        output, aux = split_aux(func(*tree_unflatten(wrapped, tree_flatten(primals)[1])), has_aux,
                                where)
        outs, out_spec = tree_flatten(output)
        _level.check_tensors(outs, where)
        cg = level.needs_graph(outs) or level.needs_graph(flat_t)
        tangent_outs = _Linearization(outs, wrapped, level).apply(flat_t, cg)
    result = (_unwrap_tree(level, output),
              tree_unflatten([level.unwrap(t) for t in tangent_outs], out_spec))
    return result + (_aux(level, aux),) if has_aux else result


def linearize(func, *primals):
    """(func(*primals), jvp_fn): jvp_fn(*tangents) is the Jacobian-vector product at primals."""
    level = Level()
    flat_p, spec_p = tree_flatten(primals)
    with grad_mode.enable_grad():
        wrapped = [level.wrap(x) for x in flat_p]
        output = func(*tree_unflatten(wrapped, spec_p))
        outs, out_spec = tree_flatten(output)
        _level.check_tensors(outs, "linearize(f, *primals)")
        lin = _Linearization(outs, wrapped, level)

    def jvp_fn(*tangents):
        flat_t, spec_t = tree_flatten(tangents)
        if spec_t != spec_p:
            raise RuntimeError(f"Expected the tangents {spec_t!r} to have the same argspec as the "
                               f"primals {spec_p!r}")
        for i, (p, t) in enumerate(zip(flat_p, flat_t)):
            if tuple(p.shape) != tuple(t.shape):
                raise RuntimeError(f"tangent:{i} with shape {t.shape} in flattened pytree doesn't "
                                   f"match the shape {p.shape} of the corresponding primal.")
        cg = grad_mode.is_grad_enabled() and (level.needs_graph(outs)
                                              or Level(True).needs_graph(flat_t))
        with grad_mode.enable_grad():
            res = lin.apply(flat_t, cg)
        call_level = level.sharing(cg)
        return tree_unflatten([call_level.unwrap(t) for t in res], out_spec)

    return _unwrap_tree(level, output), jvp_fn


# ---- Jacobians ---------------------------------------------------------------------------------


def _basis(t):
    """The rows of an identity matrix, each shaped like `t` (one-hot cotangents or tangents)."""
    xp = array_module(t._data)
    eye = xp.eye(t.numel(), dtype=t._data.dtype)
    return [_node.new_tensor(row.reshape(t.shape)) for row in eye]


def _jacobian_rows(outs: list, ins: list, create_graph: bool) -> list:
    """blocks[k][j] = d outs[k] / d ins[j], one backward pass per output element (all of them
    in one batched pass where the graph allows: see _batched_backward)."""
    blocks = []
    for o in outs:
        rows = [[] for _ in ins]
        if o.requires_grad and not create_graph:
            block = _jacobian_block(o, ins)
            if block is not None:
                blocks.append(block)
                continue
        if o.requires_grad:
            for cot in _basis(o):
                for row, g in zip(rows, materialize(reverse([o], ins, [cot], create_graph), ins)):
                    row.append(g)
        blocks.append([_assemble(row, o, x, 0) for row, x in zip(rows, ins)])
    return blocks


def _jacobian_block(o, ins: list):
    """The row of blocks d o / d ins[j] by one batched backward over the identity, or None."""
    xp = array_module(o._data)
    n = o.numel()
    eye = xp.eye(n, dtype=o._data.dtype).reshape((n,) + tuple(o.shape))
    found = batched_vjp(o, ins, eye)
    if found is None:
        return None
    out = []
    for g, x in zip(found, ins):
        shape = tuple(o.shape) + tuple(x.shape)
        if g is None:  # unreached: zeros, as materialize gives
            g = xp.zeros(shape, dtype=x._data.dtype)
        out.append(_node.new_tensor(xp.ascontiguousarray(g).reshape(shape)))
    return out


def _jacobian_columns(outs: list, ins: list, level: Level) -> list:
    """blocks[k][j] by forward mode: one J v pass per input element."""
    create_graph = level.needs_graph(outs)
    lin = _Linearization(outs, ins, level)
    cols = [[[] for _ in ins] for _ in outs]
    zero_t = [zeros_like(x) for x in ins]
    for j, x in enumerate(ins):
        for t in _basis(x):
            tangents = list(zero_t)
            tangents[j] = t
            for k, c in enumerate(lin.apply(tangents, create_graph)):
                cols[k][j].append(c)
    return [[_assemble(cols[k][j], o, x, 1) for j, x in enumerate(ins)] for k, o in enumerate(outs)]


def _assemble(parts: list, o, x, dim: int):
    """Stack per-element rows (dim 0) or columns (dim 1) into the block o.shape + x.shape."""
    shape = tuple(o.shape) + tuple(x.shape)
    if not parts:
        xp = array_module(x._data)
        return _node.new_tensor(xp.zeros(shape, dtype=(o if dim else x)._data.dtype))
    flat = [p.reshape(-1) for p in parts]
    return stack(flat, dim).reshape(shape)


def _jacobian(func, argnums, has_aux: bool, where: str, forward: bool):
    """The shared body of jacrev and jacfwd."""

    def wrapper(*args, **kwargs):
        level = Level()
        with grad_mode.enable_grad():
            check = _check_primal if forward else None
            args, flat, specs, is_tuple = _wrap_args(level, args, argnums, check)
            output, aux = split_aux(func(*args, **kwargs), has_aux, where)
            outs, out_spec = tree_flatten(output)
            _level.check_tensors(outs, where)
            if not forward:
                _check_float_outputs(outs, "vjp(f, ...)")
            n_out = sum(o.numel() for o in outs)
            n_in = sum(x.numel() for x in flat)
            if forward and n_in < n_out:
                blocks = _jacobian_columns(outs, flat, level)
            else:
                blocks = _jacobian_rows(outs, flat, level.needs_graph(outs))
            if forward:  # forward mode's tangents have the output's dtype
                blocks = [[b if b.dtype == o.dtype else b.to(o.dtype) for b in row]
                          for row, o in zip(blocks, outs)]
        jac = tree_unflatten([_restructure([level.unwrap(b) for b in row], specs, is_tuple)
                              for row in blocks], out_spec)
        return (jac, _aux(level, aux)) if has_aux else jac

    return wrapper


def jacrev(func, argnums=0, *, has_aux: bool = False, chunk_size: int | None = None,
           _preallocate_and_copy: bool = False):
    """Jacobian of func w.r.t. argnums by reverse mode, shaped output.shape + input.shape."""
    if chunk_size is not None and chunk_size <= 0:
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")
    return functools.wraps(func)(_jacobian(func, argnums, has_aux, "vjp(f, *primals)", False))


def jacfwd(func, argnums=0, has_aux: bool = False, *, randomness: str = "error"):
    """Jacobian of func w.r.t. argnums (forward mode by the double-backward trick)."""
    from ._vmap import check_randomness, rng_guard

    check_randomness(randomness)
    body = _jacobian(func, argnums, has_aux, "jvp(f, primals, tangents)", True)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with rng_guard(randomness):
            return body(*args, **kwargs)

    return wrapper


def hessian(func, argnums=0):
    """Second derivatives: jacfwd(jacrev(func, argnums), argnums)."""
    return jacfwd(jacrev(func, argnums), argnums)
