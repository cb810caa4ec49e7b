"""torch.cuda.amp.autocast / custom_fwd / custom_bwd: torch.amp's with device_type='cuda', each
raising torch's FutureWarning."""
from __future__ import annotations

import functools
import warnings

from ... import _dtype as _dt
from ...amp import autocast_mode as _amp

__all__ = ["autocast", "custom_bwd", "custom_fwd"]


autocast = _amp._deprecated_alias("cuda", _dt.float16)


def custom_fwd(fwd=None, *, cast_inputs=None):
    """torch.amp.custom_fwd(..., device_type='cuda') under its deprecated name."""
    warnings.warn("`torch.cuda.amp.custom_fwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_fwd(args..., device_type='cuda')` instead.", FutureWarning,
                  stacklevel=2)
    return functools.partial(_amp.custom_fwd, device_type="cuda")(fwd=fwd,
                                                                 cast_inputs=cast_inputs)


def custom_bwd(bwd):
    """torch.amp.custom_bwd(..., device_type='cuda') under its deprecated name."""
    warnings.warn("`torch.cuda.amp.custom_bwd(args...)` is deprecated. Please use "
                  "`torch.amp.custom_bwd(args..., device_type='cuda')` instead.", FutureWarning,
                  stacklevel=2)
    return functools.partial(_amp.custom_bwd, device_type="cuda")(bwd)
