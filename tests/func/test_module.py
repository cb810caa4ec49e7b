"""torch.func's module helpers against torch: functional_call under grad/vmap (per-sample
gradients, model ensembles), stack_module_state, replace_all_batch_norm_modules_, functionalize,
debug_unwrap and rearrange."""
import pytest

from tests.func._both import arr, both, ember, torch
from tests.oracle import module_pair, to_ember

_MODELS = {}


def _mlp(lib):
    """The same small MLP in both libraries (torch's init copied into ember)."""
    if not _MODELS:
        def ctor(lib):
            return lib.nn.Sequential(lib.nn.Linear(3, 5), lib.nn.Tanh(), lib.nn.Linear(5, 2))

        _MODELS["torch"], _MODELS["ember"] = module_pair(ctor)
    return _MODELS[lib.__name__]


def test_functional_call_grad_and_per_sample_grads():
    def loss(lib, F, params, x, y):
        return lib.nn.functional.mse_loss(F.functional_call(_mlp(lib), params, (x,)), y)

    def params(lib):
        return {k: v.detach() for k, v in _mlp(lib).named_parameters()}

    def data(lib):
        return arr(lib, 4, 3, dtype="float32"), arr(lib, 4, 2, seed=1, dtype="float32")

    both(lambda lib, F: F.grad(lambda p: loss(lib, F, p, *data(lib)))(params(lib)))
    both(lambda lib, F: F.vmap(F.grad(lambda p, x, y: loss(lib, F, p, x, y)),
                               in_dims=(None, 0, 0))(
        params(lib), arr(lib, 6, 3, dtype="float32"), arr(lib, 6, 2, seed=1, dtype="float32")))
    both(lambda lib, F: F.vmap(F.jacrev(lambda x: F.functional_call(_mlp(lib), params(lib), x)))(
        arr(lib, 6, 3, dtype="float32")))


def test_stack_module_state_ensemble():
    def run(lib, F):
        lib.manual_seed(0)
        models = [lib.nn.Linear(3, 2) for _ in range(3)]
        for m in models:  # ember draws torch's init; make the weights equal regardless
            for p in m.parameters():
                p.data = lib.tensor(p.detach().numpy().round(3))
        params, buffers = F.stack_module_state(models)
        base = models[0]
        out = F.vmap(lambda p, b, x: F.functional_call(base, (p, b), (x,)),
                     in_dims=(0, 0, None))(params, buffers, arr(lib, 4, 3, dtype="float32"))
        return params, buffers, out

    both(run)
    both(lambda lib, F: F.stack_module_state([lib.nn.BatchNorm1d(3), lib.nn.BatchNorm1d(3)]))


def test_stack_module_state_errors():
    def mixed_grad(lib):
        b = lib.nn.Linear(2, 3)
        b.weight.requires_grad_(False)
        return [lib.nn.Linear(2, 3), b]

    cases = [
        lambda lib, F: F.stack_module_state([]),
        lambda lib, F: F.stack_module_state([lib.nn.Linear(2, 3), lib.nn.Conv1d(2, 3, 1)]),
        lambda lib, F: F.stack_module_state([lib.nn.Linear(2, 3), lib.nn.Linear(2, 3).eval()]),
        lambda lib, F: F.stack_module_state(mixed_grad(lib)),
    ]
    for case in cases:
        both(case, same_message=True)
    both(lambda lib, F: F.stack_module_state([lib.nn.Linear(2, 3), lib.nn.Linear(3, 3)]))


def test_replace_all_batch_norm_modules_():
    def run(lib, F):
        m = lib.nn.Sequential(lib.nn.Linear(3, 3), lib.nn.BatchNorm1d(3),
                              lib.nn.Sequential(lib.nn.BatchNorm2d(2, track_running_stats=False)))
        out = F.replace_all_batch_norm_modules_(m)
        bn = m[1]
        return (out is m, bn.running_mean, bn.running_var, bn.num_batches_tracked,
                bn.track_running_stats, sorted(m.state_dict()), bn(arr(lib, 4, 3, dtype="float32")))

    both(run)


def test_functionalize_and_debug_unwrap():
    def run(lib, F):
        x = arr(lib, 3)
        y = F.functionalize(lambda a: a.add_(1) * 2)(x)
        return y, x, F.debug_unwrap(x) is x

    both(run)
    both(lambda lib, F: F.functionalize(lambda a: a, remove="foo"), same_message=True)


@pytest.mark.parametrize("pattern,kw", [
    ("b h w c -> b c h w", {}),
    ("b h w c -> (b h) w c", {}),
    ("b h w c -> h (b w) c", {}),
    ("b (h h2) (w w2) c -> b h w (c h2 w2)", {"h2": 2, "w2": 2}),
    ("b h w c -> b (c h w)", {}),
    ("b ... c -> b c ...", {}),
    ("b h w c -> b h w c 1", {}),
    ("b h w c -> b () h w c", {}),
    ("b h w 1 -> b h w", {}),
    ("... -> (...)", {}),
])
def test_rearrange(pattern, kw):
    def run(lib, F):
        shape = (2, 4, 4, 1) if "1 ->" in pattern else (2, 4, 4, 3)
        x = arr(lib, *shape, requires_grad=True)
        y = F.rearrange(x, pattern, **kw)
        (g,) = lib.autograd.grad(y, x, arr(lib, *y.shape, seed=1))
        return y, g

    both(run)


def test_rearrange_list_and_errors():
    both(lambda lib, F: F.rearrange([arr(lib, 2, 3), arr(lib, 2, 3, seed=1)], "n a b -> a (n b)"))
    for pattern in ("a b -> a", "a b c -> a b c", "a b -> a a b", "a b -> (a b) 2",
                    "a b -> c a b"):
        both(lambda lib, F, p=pattern: F.rearrange(arr(lib, 2, 6), p), same_message=True)
    for pattern, kw in (("a (b c) -> a b c", {}), ("a (b c) -> a b c", {"b": 4}),
                        ("a (b c) -> a b c", {"b": 3, "c": 3})):
        for lib in (torch, ember):  # torch's functorch.dim.DimensionBindError, by name
            with pytest.raises(Exception, match="infer|fit|match") as info:
                lib.func.rearrange(arr(lib, 2, 6), pattern, **kw)
            assert type(info.value).__name__ == "DimensionBindError"


def test_to_ember_round_trip():
    """The helper inputs of this file really are equal in both libraries."""
    assert bool((to_ember(arr(torch, 2, 3)) == arr(ember, 2, 3)).all())
