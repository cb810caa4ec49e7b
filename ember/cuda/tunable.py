"""torch.cuda.tunable: TunableOp GEMM tuning. ember has no TunableOp backend; every call fails as
in a CPU-only torch build, where the bindings are absent (AttributeError)."""
from __future__ import annotations

__all__ = ["enable", "get_filename", "get_max_tuning_duration", "get_max_tuning_iterations",
           "get_results", "get_rotating_buffer_size", "get_validators", "is_enabled",
           "mgpu_tune_gemm_in_file", "read_file", "record_untuned_enable",
           "record_untuned_is_enabled", "set_filename", "set_max_tuning_duration",
           "set_max_tuning_iterations", "set_numerical_check_tolerances",
           "set_rotating_buffer_size", "tune_gemm_in_file", "tuning_enable",
           "tuning_is_enabled"]


def _absent(binding: str) -> AttributeError:
    return AttributeError(f"module 'torch._C' has no attribute '_cuda_{binding}'")


def enable(val: bool = True) -> None:
    raise _absent("tunableop_enable")


def is_enabled() -> bool:
    raise _absent("tunableop_is_enabled")


def tuning_enable(val: bool = True) -> None:
    raise _absent("tunableop_tuning_enable")


def tuning_is_enabled() -> bool:
    raise _absent("tunableop_tuning_is_enabled")


def record_untuned_enable(val: bool = True) -> None:
    raise _absent("record_untuned_enable")


def record_untuned_is_enabled() -> bool:
    raise _absent("record_untuned_is_enabled")


def set_max_tuning_duration(duration: int) -> None:
    raise _absent("tunableop_set_max_tuning_duration")


def get_max_tuning_duration() -> int:
    raise _absent("tunableop_get_max_tuning_duration")


def set_max_tuning_iterations(iterations: int) -> None:
    raise _absent("tunableop_set_max_tuning_iterations")


def get_max_tuning_iterations() -> int:
    raise _absent("tunableop_get_max_tuning_iterations")


def set_filename(filename: str, insert_device_ordinal: bool = False) -> None:
    raise _absent("tunableop_set_filename")


def get_filename() -> str:
    raise _absent("tunableop_get_filename")


def get_results() -> tuple:
    raise _absent("tunableop_get_results")


def get_validators() -> tuple:
    raise _absent("tunableop_get_validators")


def read_file(filename: str | None = None) -> bool:
    raise _absent("tunableop_get_filename" if filename is None else "tunableop_read_file")


def tune_gemm_in_file(filename: str) -> None:
    raise _absent("tunableop_is_enabled")


def mgpu_tune_gemm_in_file(filename_pattern: str, num_gpus: int) -> None:
    from . import device_count
    count = device_count()
    assert 1 <= num_gpus <= count, f"num_gpus must be between 1 and {count}, got {num_gpus}"
    raise _absent("tunableop_is_enabled")


def set_rotating_buffer_size(buffer_size: int) -> None:
    raise _absent("tunableop_set_rotating_buffer_size")


def get_rotating_buffer_size() -> int:
    raise _absent("tunableop_get_rotating_buffer_size")


def set_numerical_check_tolerances(enable: bool, atol: float = 1e-5, rtol: float = 1e-5) -> None:
    raise _absent("tunableop_set_numerical_check_tolerances")
