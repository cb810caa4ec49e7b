"""Fuzz over torch's own op sample database (torch.testing._internal.common_methods_invocations
.op_db): every op ember has is called under both frameworks on torch's float32 samples (the first
few of each op), and the outputs are compared (values within the oracle's tolerances, dtypes,
shapes; or the same exception class).

The ops that still disagree are listed, each with the first disagreement, in
tests/op_db_known_failures.txt. The test fails when an op disagrees that is not listed (a
regression) and when a listed op now agrees (fix the list). Regenerate it after a fix with
`python -m tests.test_op_db --write`; `python -m tests.test_op_db` prints the summary.
"""
from __future__ import annotations

import functools
import pathlib
import sys
import types
import warnings

import torch

import ember
from ember._torch_names import ember_object
from tests.oracle import assert_same, to_ember

KNOWN = pathlib.Path(__file__).with_name("op_db_known_failures.txt")
SAMPLES_PER_OP = 3
# ops whose samples are random draws of a different kind, or that time or allocate by design
SKIP = {"empty", "empty_like", "empty_strided", "new_empty", "new_empty_strided", "empty_permuted",
        "randint", "randint_like", "randn", "randn_like", "rand_like", "bernoulli", "multinomial",
        "normal", "uniform", "nn.functional.dropout", "nn.functional.dropout2d",
        "nn.functional.dropout3d", "nn.functional.alpha_dropout",
        "nn.functional.feature_alpha_dropout", "nn.functional.rrelu",
        # samples are views into a larger storage, which converting them (a copy) loses
        "as_strided.partial_views"}


@functools.cache
def op_db() -> list:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.testing._internal.common_methods_invocations import op_db as db
    return db


def _wrapped(op) -> bool:
    """op_db calls some ops through a wrapper of its own (a lambda reordering arguments): their
    samples do not fit the public function."""
    module = getattr(op.op, "__module__", "") or ""
    return getattr(op.op, "__name__", "") == "<lambda>" or module.startswith("torch.testing")


def _ember_callable(op):
    """ember's function for the op's name (nn.functional.x, linalg.x, x), else its method."""
    target = ember
    for part in op.name.split("."):
        target = getattr(target, part, None)
        if target is None:
            break
    if target is not None and callable(target) and not isinstance(target, ember.dtype):
        return target
    if op.method_variant is not None:
        name = op.name.split(".")[-1]
        if hasattr(ember.Tensor, name):
            return lambda self, *a, **k: getattr(self, name)(*a, **k)
    return None


def _convert(value):
    """torch values as ember values: tensors copied, dtypes and devices by name, containers."""
    if isinstance(value, torch.Tensor):
        return to_ember(value.detach())
    if isinstance(value, torch.dtype):
        return getattr(ember, str(value).removeprefix("torch."))
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, torch.Size):
        return ember.Size(value)
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType)):
        module = getattr(value, "__module__", None) or ""
        if getattr(torch, value.__name__, None) is value:
            return getattr(ember, value.__name__)
        if module.startswith("torch"):
            return ember_object(module, value.__name__)
    if isinstance(value, torch.nn.Module) and not any(True for _ in value.parameters()):
        cls = ember_object(type(value).__module__, type(value).__name__)
        module = cls.__new__(cls)
        ember.nn.Module.__init__(module)
        for k, v in vars(value).items():  # a parameter-free module's settings (norm, eps ...)
            if not k.startswith("_"):
                setattr(module, k, _convert(v))
        return module
    if isinstance(value, (list, tuple)):
        return type(value)(_convert(v) for v in value)
    if isinstance(value, dict):
        return {k: _convert(v) for k, v in value.items()}
    return value


def _outcome(fn, args, kwargs):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs), None
    except Exception as exc:  # noqa: BLE001 - the exception class is the compared outcome
        return None, exc


def compare_op(op) -> str | None:
    """None when ember agrees with torch on the op's first samples, else the first difference."""
    fn = _ember_callable(op)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        samples = list(op.sample_inputs("cpu", torch.float32, requires_grad=False))
    for i, s in enumerate(samples[:SAMPLES_PER_OP]):
        t_args, t_kwargs = (s.input, *s.args), s.kwargs
        e_args, e_kwargs = _convert(t_args), _convert(t_kwargs)
        torch.manual_seed(0)
        t_out, t_exc = _outcome(op.op, t_args, t_kwargs)
        ember.manual_seed(0)
        e_out, e_exc = _outcome(fn, e_args, e_kwargs)
        if t_exc is not None or e_exc is not None:
            if t_exc is None or e_exc is None:
                bad = e_exc or t_exc
                who = "ember" if e_exc is not None else "torch only"
                return f"sample {i}: {who} raised {type(bad).__name__}: {str(bad)[:80]}"
            if not isinstance(e_exc, type(t_exc)) and not isinstance(t_exc, type(e_exc)):
                return (f"sample {i}: exception {type(e_exc).__name__} where torch raises "
                        f"{type(t_exc).__name__}")
            continue
        try:
            assert_same(e_out, t_out)
        except AssertionError as err:
            return f"sample {i}: {str(err).splitlines()[0][:100]}"
        except Exception as err:  # noqa: BLE001 - an output ember's comparison cannot read
            return f"sample {i}: output not comparable ({type(err).__name__})"
    return None


def survey() -> tuple[dict, list]:
    """({op name: first difference} for ops ember has and gets wrong, [ops ember lacks])."""
    failures, missing = {}, []
    for op in op_db():
        key = op.name + (f".{op.variant_test_name}" if op.variant_test_name else "")
        if op.name in SKIP or key in SKIP or _wrapped(op):
            continue
        if _ember_callable(op) is None:
            missing.append(key)
            continue
        diff = compare_op(op)
        if diff is not None:
            failures[key] = diff
    return failures, missing


def read_known() -> dict:
    known = {}
    for line in KNOWN.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" ")
            known[name] = reason
    return known


def test_op_db_agrees_except_known_failures():
    failures, _ = survey()
    known = read_known()
    new = sorted(set(failures) - set(known))
    fixed = sorted(set(known) - set(failures))
    assert not new, "ops that now disagree with torch:\n" + "\n".join(
        f"{n}: {failures[n]}" for n in new)
    assert not fixed, ("ops listed as failing that now agree (regenerate the list with "
                       "`python -m tests.test_op_db --write`): " + ", ".join(fixed))


def main() -> None:
    failures, missing = survey()
    total = sum(1 for op in op_db() if op.name not in SKIP and not _wrapped(op)
                and op.name + f".{op.variant_test_name}" not in SKIP)
    print(f"op_db: {total} op entries; ember has {total - len(missing)}, "
          f"{total - len(missing) - len(failures)} agree with torch on float32 samples, "
          f"{len(failures)} disagree, {len(missing)} missing")
    if "--write" in sys.argv:
        lines = ["# ops of torch's op_db on which ember disagrees with torch (first difference);",
                 "# regenerate with `python -m tests.test_op_db --write`"]
        lines += [f"{name} {reason}" for name, reason in sorted(failures.items())]
        KNOWN.write_text("\n".join(lines) + "\n")
        print(f"wrote {KNOWN}")


if __name__ == "__main__":
    main()
