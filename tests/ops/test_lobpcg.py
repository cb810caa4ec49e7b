"""torch.lobpcg against torch: eigenpairs (eigenvectors up to sign), B and iK, batches, seeded
starts, the tracker protocol, gradients of the symmetric problem and the errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember.ops.lobpcg import lobpcg

# eigenvalues, eigenvectors: iterations stop at a relative residual below feps ** 0.5, so float32
# eigenvectors agree only to about that over the eigengap
TOL = {"float32": (2e-5, 3e-4), "float64": (1e-10, 1e-8)}


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """torch's lobpcg is many tiny ops: two threads on a busy machine make it 100x slower."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _spd(m, seed, batch=()):
    """Symmetric positive definite, eigenvalues 1, 2, ..., m (well separated: fast convergence)."""
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal(batch + (m, m)))
    return (q * np.arange(1.0, m + 1)[..., None, :]) @ np.swapaxes(q, -1, -2)


def _same_columns(U, Ut, atol, what=""):
    """Close after aligning each column's sign (eigh's sign choice is LAPACK build's)."""
    assert tuple(U.shape) == tuple(Ut.shape) and str(U.dtype) == str(Ut.dtype), what
    u, ut = U.detach().numpy(), Ut.detach().numpy()
    sign = np.sign(np.sum(u * ut, axis=-2, keepdims=True))
    np.testing.assert_allclose(u * sign, ut, atol=atol, err_msg=what)


def _same_pairs(ours, theirs, dtype, what=""):
    """Eigenvalues close; eigenvectors close up to sign."""
    (E, U), (Et, Ut) = ours, theirs
    assert tuple(E.shape) == tuple(Et.shape) and str(E.dtype) == str(Et.dtype), what
    tol_e, tol_u = TOL[dtype]
    np.testing.assert_allclose(E.detach().numpy(), Et.detach().numpy(), rtol=tol_e, err_msg=what)
    _same_columns(U, Ut, tol_u, what)


def _both(fn_kwargs, arrays, dtype):
    """Run lobpcg under ember and torch on the same float arrays (a fresh copy each)."""
    outs = []
    for lib, fn in ((ember, lobpcg), (torch, torch.lobpcg)):
        kw = {k: lib.tensor(v, dtype=getattr(lib, dtype)) for k, v in arrays.items()}
        outs.append((fn(**kw, **fn_kwargs), kw))
    return outs


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("method", ["ortho", "basic"])
@pytest.mark.parametrize("largest", [True, False])
def test_eigenpairs_match_torch(dtype, method, largest):
    arrays = {"A": _spd(15, 0), "X": np.random.default_rng(1).standard_normal((15, 3))}
    (ours, kw), (theirs, kwt) = _both({"k": 2, "method": method, "largest": largest},
                                      arrays, dtype)
    _same_pairs(ours, theirs, dtype, f"{method} largest={largest}")
    # "basic" writes the Ritz vectors into X in place, as torch; "ortho" leaves X alone
    _same_columns(kw["X"], kwt["X"], TOL[dtype][1])
    full = np.linalg.eigvalsh(arrays["A"])
    expect = full[::-1][:2] if largest else full[:2]
    np.testing.assert_allclose(ours[0].numpy(), expect, rtol=TOL[dtype][0] * 10)


def test_generalized_problem_preconditioner_and_options():
    A, B = _spd(12, 2), _spd(12, 3)
    iK = np.linalg.inv(A + np.eye(12))
    X = np.random.default_rng(4).standard_normal((12, 2))
    for kwargs in ({"k": 2}, {"k": 1, "largest": False}, {"k": 2, "niter": 2},
                   {"k": 2, "tol": 1e-3}, {"k": 1, "ortho_iparams": {"ortho_i_max": 1},
                                           "ortho_fparams": {"ortho_tol": 1e-5}}):
        for method in ("ortho", "basic"):
            kw = dict(kwargs, method=method)
            (ours, _), (theirs, _) = _both(kw, {"A": A, "B": B, "X": X, "iK": iK}, "float64")
            _same_pairs(ours, theirs, "float64", str(kw))


def test_seeded_start_and_batches():
    A = _spd(9, 5, batch=(2, 2))
    ember.manual_seed(3)
    torch.manual_seed(3)
    ours = lobpcg(ember.tensor(A), k=2, n=3)
    theirs = torch.lobpcg(torch.tensor(A), k=2, n=3)
    _same_pairs(ours, theirs, "float64", "batched, random start")
    assert ember.rand(2).tolist() == torch.rand(2).tolist()  # one randn((m, n)) per matrix
    X = np.random.default_rng(6).standard_normal((2, 2, 9, 1))
    (ours, _), (theirs, _) = _both({}, {"A": A, "X": X}, "float64")
    _same_pairs(ours, theirs, "float64", "batched X, k from X")


def test_tracker_sees_torchs_iterations():
    A, X = _spd(15, 7), np.random.default_rng(8).standard_normal((15, 2))
    steps = {}
    for lib, fn in ((ember, lobpcg), (torch, torch.lobpcg)):
        seen = steps[lib.__name__] = []

        def tracker(worker, seen=seen):
            seen.append((worker.ivars["istep"], worker.ivars["converged_count"],
                         tuple(worker.X.shape), sorted(worker.fvars)))
            if worker.ivars["istep"] == 3:
                worker.bvars["force_stop"] = True

        fn(lib.tensor(A), k=2, X=lib.tensor(X), tracker=tracker)
    assert steps["ember"] == steps["torch"] and len(steps["ember"]) == 3


@pytest.mark.parametrize("largest", [True, False])
@pytest.mark.parametrize("k", [1, 2])
def test_gradient_matches_torch(largest, k):
    A, X = _spd(9, 9) / 9, np.random.default_rng(10).standard_normal((9, k))
    A[0, 1] += 0.3  # not symmetric: lobpcg symmetrizes A when it needs a gradient
    rng = np.random.default_rng(11)
    wE, wU = rng.standard_normal(k), rng.standard_normal((9, k))
    grads = []
    for lib, fn in ((ember, lobpcg), (torch, torch.lobpcg)):
        At = lib.tensor(A, requires_grad=True)
        E, U = fn(At, k=k, X=lib.tensor(X), largest=largest)
        assert type(E.grad_fn).__name__ == "LOBPCGAutogradFunctionBackward"
        loss = (E * lib.tensor(wE)).sum() + (U * U * lib.tensor(wU)).sum()  # sign-free in U
        grads.append(lib.autograd.grad(loss, [At])[0].numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-7, atol=1e-9)


def test_errors_match_torch():
    def raised(lib, fn, **kw):
        try:
            fn(**{k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()})
        except Exception as e:  # noqa: BLE001 - the class and text are what is compared
            return type(e).__name__, str(e).replace("torch.", "")
        return None

    A = _spd(9, 12)
    for kw in ({"A": np.ones((9, 8))}, {"A": A, "B": np.eye(8)}, {"A": A, "k": 4},
               {"A": A, "X": np.ones((9, 4))}, {"A": A, "k": 1, "n": 2, "X": np.ones((8, 1))},
               {"A": np.ones((2, 9, 9)), "X": np.ones((2, 8, 1))},
               {"A": np.eye(9, dtype=np.int64)}, {"A": np.eye(9, dtype=np.float16)}):
        ours, theirs = raised(ember, lobpcg, **kw), raised(torch, torch.lobpcg, **kw)
        assert theirs is not None and ours == theirs, (kw, ours, theirs)
    for lib, fn in ((ember, lobpcg), (torch, torch.lobpcg)):
        At = lib.tensor(A, requires_grad=True)
        E, _ = fn(At, k=1, B=lib.eye(9, dtype=lib.float64), X=lib.ones(9, 1, dtype=lib.float64))
        with pytest.raises(ValueError, match="B != I"):
            E.sum().backward()
