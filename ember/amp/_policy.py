"""torch's autocast cast policies (aten/src/ATen/autocast_mode.cpp), keyed by ember's functions.

LOWER ops run in the autocast dtype (bfloat16 on CPU by default, float16 on CUDA); FP32 ops run
in float32; PROMOTE ops run in the widest floating type among their inputs; KEEP marks ember
composites that torch runs as one op outside every list (they run as they are, with autocast
off inside, so their inner matmuls are not cast). A policy may be a function of the call's
arguments when torch's choice depends on them (an einsum that contracts runs through bmm).
Float64 tensors are never cast, as in torch. Entries name `module:function`; missing ones are
skipped (an optional module, or an op ember does not have yet).
"""
from __future__ import annotations

LOWER = "lower_precision_fp"
FP32 = "fp32"
PROMOTE = "promote"
KEEP = "keep"


# ---- argument-dependent choices --------------------------------------------------------------


def _einsum(equation, *operands):
    """torch's einsum contracts pairs of operands with bmm when a summed index is shared."""
    if not isinstance(equation, str):  # the sublist form
        return LOWER
    spec = equation.replace(" ", "").replace("...", ".")  # an ellipsis acts as one index
    inputs, arrow, output = spec.partition("->")
    terms = inputs.split(",")
    if not arrow:  # implicit output: the indices seen once, and the ellipsis
        output = "".join(c for c in set(inputs) if c == "." or inputs.count(c) == 1)
    shared = [c for c in set(inputs) if c != "," and sum(c in t for t in terms) > 1]
    return LOWER if any(c not in output for c in shared) else KEEP


def _tensordot(a, b, dims=2, out=None):
    """tensordot is an mm, except when it contracts every dimension of both (a dot)."""
    n = dims if isinstance(dims, int) else len(dims[0]) if len(dims) else 0
    return KEEP if n == a.dim() and n == b.dim() and n > 0 else LOWER


def _inner(input, other, *, out=None):
    """inner of two vectors is a dot, and with a scalar a mul; otherwise a tensordot."""
    if input.dim() == 0 or other.dim() == 0 or (input.dim() == 1 and other.dim() == 1):
        return KEEP
    return LOWER


def _pad(input, pad, mode="constant", value=None):
    """reflection_pad1d/2d and replication_pad1d/2d/3d are FP32 ops; constant, circular and a
    3-D reflection are not."""
    if mode == "replicate" or (mode == "reflect" and len(pad) <= 4):
        return FP32
    return None


def _rnn_stack(mode, data, hx, cx, layers, *args, **kwargs):
    """CPU LSTM layers run through mkldnn_rnn (lower precision) unless they have projections or
    no input, Elman layers are lower-precision linears and tanh/relu; elsewhere (GRU) the result
    promotes with the state, which defaults to the input's dtype. Packed LSTM input (torch's
    composite path) is not told apart: it runs in lower precision here."""
    if mode.startswith("RNN") or (mode == "LSTM" and data.numel() and all(
            w[4] is None for dirs in layers for w in dirs)):
        return LOWER
    return LOWER if any(t is not None and t.dtype.itemsize == 2 for t in (data, hx, cx)) else KEEP


def _rnn_cell(mode, x, h0, c0, *args, **kwargs):
    """A cell is two linears (lower precision) and pointwise ops: LSTM's and GRU's results
    promote with their float32 state, an Elman cell's stay in lower precision."""
    if mode.startswith("RNN"):
        return LOWER
    state = c0 if mode == "LSTM" else h0
    return LOWER if state is not None and state.dtype.itemsize == 2 else KEEP


# ---- the tables ------------------------------------------------------------------------------

_LINALG = "ember.ops.linalg"
_CONV = "ember.nn._functional_conv"
_POOL = "ember.nn._functional_pool"
_LOSS = "ember.nn._functional_loss"
_LOSS2 = "ember.nn._functional_loss_extra"

_COMMON_LOWER = {
    f"{_LINALG}:matmul": LOWER, f"{_LINALG}:mm": LOWER, f"{_LINALG}:bmm": LOWER,
    f"{_LINALG}:addmm": LOWER, f"{_LINALG}:baddbmm": LOWER, f"{_LINALG}:addbmm": LOWER,
    f"{_LINALG}:chain_matmul": LOWER, f"{_LINALG}:einsum": _einsum,
    f"{_LINALG}:tensordot": _tensordot, f"{_LINALG}:inner": _inner,
    "ember.linalg:matmul": LOWER, "ember.linalg:multi_dot": LOWER, "ember.linalg:vecdot": LOWER,
    "ember.nn._functional_linear:linear": LOWER,
    f"{_CONV}:conv1d": LOWER, f"{_CONV}:conv2d": LOWER, f"{_CONV}:conv3d": LOWER,
    f"{_CONV}:conv_transpose1d": LOWER, f"{_CONV}:conv_transpose2d": LOWER,
    f"{_CONV}:conv_transpose3d": LOWER, f"{_CONV}:conv_tbc": LOWER,
    "ember.ops.activation:prelu": LOWER,
    "ember.nn._functional_attention:scaled_dot_product_attention": LOWER,
    # composites torch runs as single ops outside the lists
    "ember.nn._functional_linear:bilinear": KEEP, f"{_LINALG}:kron": KEEP,
    f"{_LINALG}:outer": KEEP, "ember.ops.decomposition_packed:lu_solve": KEEP,
}

def _each(policy, module: str, names: tuple) -> dict:
    return {f"{module}:{n}": policy for n in names}


_FP32_LOSSES = {
    **_each(FP32, _LOSS, ("binary_cross_entropy", "binary_cross_entropy_with_logits", "mse_loss",
                          "l1_loss", "smooth_l1_loss", "huber_loss", "nll_loss", "cross_entropy",
                          "soft_margin_loss")),
    **_each(FP32, _LOSS2, ("kl_div", "poisson_nll_loss", "multi_margin_loss",
                           "multilabel_margin_loss", "margin_ranking_loss", "hinge_embedding_loss",
                           "cosine_embedding_loss", "triplet_margin_loss", "ctc_loss")),
}
_FP32_LINALG = _each(FP32, "ember.linalg", (
    "cond", "matrix_rank", "solve", "cholesky", "svdvals", "eigvals", "eigvalsh", "inv",
    "householder_product", "tensorinv", "tensorsolve", "qr", "cholesky_ex", "svd", "eig", "eigh",
    "lstsq", "inv_ex"))
_FP32_FFT = _each(FP32, "ember.fft", (
    "fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn",
    "irfftn", "hfft", "ihfft"))
_FP32_LEGACY = _each(FP32, "ember", (
    "cholesky", "cholesky_inverse", "cholesky_solve", "inverse", "lu_solve", "orgqr", "ormqr",
    "pinverse", "geqrf", "qr", "svd", "triangular_solve", "quantile", "nanquantile", "stft",
    "trace", "polar", "view_as_complex"))

CPU = {
    **_COMMON_LOWER,
    "ember.ops.recurrent:rnn_stack": _rnn_stack, "ember.ops.recurrent:rnn_layer": _rnn_cell,
    f"{_POOL}:avg_pool3d": FP32, f"{_POOL}:max_pool3d": FP32, f"{_POOL}:adaptive_avg_pool3d": FP32,
    f"{_POOL}:adaptive_max_pool3d": FP32, f"{_POOL}:max_unpool2d": FP32,
    f"{_POOL}:max_unpool3d": FP32, f"{_POOL}:fractional_max_pool2d": FP32,
    f"{_POOL}:fractional_max_pool3d": FP32,
    "ember.nn._functional_resample:grid_sample": FP32, "ember.nn._functional_misc:pad": _pad,
    "ember.nn._functional_misc:cdist": FP32, "ember.ops.reduction:prod": FP32,
    **_FP32_LOSSES, **_FP32_LINALG, **_FP32_FFT, **_FP32_LEGACY,
    "ember.ops.shape:cat": PROMOTE, "ember.ops.shape:stack": PROMOTE,
    "ember.ops.indexing:index_copy": PROMOTE,
}

# CUDA (installed only where ember sees a GPU): more lower-precision ops, and float32 for the
# numerically sensitive pointwise ones.
_CUDA_FP32 = {
    **_each(FP32, "ember.ops.unary", ("acos", "asin", "cosh", "erfinv", "exp", "expm1", "log",
                                      "log10", "log2", "log1p", "reciprocal", "rsqrt", "sinh",
                                      "tan")),
    **_each(FP32, "ember.ops.reduction", ("norm", "dist", "cumsum", "cumprod", "logsumexp", "sum",
                                          "prod", "renorm")),
    **_each(FP32, "ember.nn._functional_norm", ("layer_norm", "group_norm", "normalize")),
    **_each(FP32, "ember.nn._functional_misc", ("cdist", "cosine_similarity", "pdist")),
    **_each(FP32, "ember.ops.softmax", ("softmax", "log_softmax")),
    "ember.ops.elementwise:pow": FP32, "ember.ops.activation:softplus": FP32,
    "ember.nn._functional_resample:grid_sample": FP32, f"{_POOL}:avg_pool3d": FP32,
}
CUDA = {
    **_COMMON_LOWER,
    f"{_LINALG}:mv": LOWER, f"{_LINALG}:addmv": LOWER, f"{_LINALG}:addr": LOWER,
    "ember.ops.recurrent:rnn_stack": LOWER, "ember.ops.recurrent:rnn_layer": LOWER,
    **_CUDA_FP32,
    **_FP32_LOSSES, **_FP32_FFT,
    "ember.ops.shape:cat": PROMOTE, "ember.ops.shape:stack": PROMOTE,
    "ember.ops.indexing:index_copy": PROMOTE, f"{_LINALG}:dot": PROMOTE,
    f"{_LINALG}:vdot": PROMOTE, "ember.ops.linalg:cross": PROMOTE,
    "ember.ops.elementwise:addcdiv": PROMOTE, "ember.ops.elementwise:addcmul": PROMOTE,
    "ember.ops.binary:atan2": PROMOTE,
}
