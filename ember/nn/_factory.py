"""nn.factory_kwargs: the device/dtype/memory_format keyword arguments of a module's constructor,
checked and gathered for the tensor factories."""
from __future__ import annotations

_SIMPLE_KEYS = ("device", "dtype", "memory_format")


def factory_kwargs(kwargs) -> dict:
    """{device, dtype, memory_format} from `kwargs`, merged with an explicit `factory_kwargs`
    entry; TypeError for any other key or a key given both ways."""
    if kwargs is None:
        return {}
    unexpected = set(kwargs) - {*_SIMPLE_KEYS, "factory_kwargs"}
    if unexpected:
        raise TypeError(f"unexpected kwargs {kwargs.keys() - {*_SIMPLE_KEYS, 'factory_kwargs'}}")
    merged = dict(kwargs.get("factory_kwargs", {}))
    for key in _SIMPLE_KEYS:
        if key in kwargs:
            if key in merged:
                raise TypeError(f"{key} specified twice, in **kwargs and in factory_kwargs")
            merged[key] = kwargs[key]
    return merged
