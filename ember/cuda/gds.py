"""torch.cuda.gds: GPUDirect Storage. Not supported here: registration raises RuntimeError as on
every platform without cuFile."""
from __future__ import annotations

import os

__all__ = ["GdsFile", "gds_deregister_buffer", "gds_register_buffer"]


def _unsupported(binding: str) -> RuntimeError:
    return RuntimeError(f"torch._C.{binding} is not supported on this platform")


def gds_register_buffer(s) -> None:
    raise _unsupported("_gds_register_buffer")


def gds_deregister_buffer(s) -> None:
    raise _unsupported("_gds_deregister_buffer")


class GdsFile:
    """A file opened for GPUDirect reads and writes (opening works; registration does not)."""

    def __init__(self, filename: str, flags: int) -> None:
        self.filename = filename
        self.flags = flags
        self.fd = os.open(filename, flags | os.O_DIRECT if hasattr(os, "O_DIRECT") else flags)
        os.close(self.fd)
        raise _unsupported("_gds_register_handle")
