"""torch.utils.data.graph_settings: settings applied across a DataPipe graph (every DataPipe
reachable from the last one through its attributes): sharding, shuffling and shuffle seeds."""
from __future__ import annotations

from .datapipes.datapipe import IterDataPipe, MapDataPipe

__all__ = ["apply_random_seed", "apply_sharding", "apply_shuffle_settings", "get_all_graph_pipes"]

_PIPES = (IterDataPipe, MapDataPipe)


def get_all_graph_pipes(datapipe) -> list:
    """The DataPipes of the graph ending in `datapipe`, depth first from it, each once."""
    seen, order, stack = set(), [], [datapipe]
    while stack:
        dp = stack.pop()
        if id(dp) in seen:
            continue
        seen.add(id(dp))
        order.append(dp)
        children = []
        for value in vars(dp).values():
            items = value if isinstance(value, (list, tuple)) else (value,)
            children += [v for v in items if isinstance(v, _PIPES)]
        stack.extend(reversed(children))
    return order


def apply_sharding(datapipe, num_of_instances: int, instance_id: int, sharding_group=None):
    """Give every shardable DataPipe in the graph its share (instance_id of num_of_instances)."""
    for dp in get_all_graph_pipes(datapipe):
        if hasattr(type(dp), "apply_sharding"):
            dp.apply_sharding(num_of_instances, instance_id, sharding_group)
    return datapipe


def apply_shuffle_settings(datapipe, shuffle: bool | None = None):
    """Turn every shuffler in the graph on or off (None: leave them as they are)."""
    if shuffle is not None:
        for dp in get_all_graph_pipes(datapipe):
            if hasattr(type(dp), "set_shuffle"):
                dp.set_shuffle(shuffle)
    return datapipe


def apply_random_seed(datapipe, rng):
    """Seed every shuffler in the graph with a 64-bit draw from the generator `rng`."""
    from ..._dtype import int64
    from ...ops.creation import empty
    for dp in get_all_graph_pipes(datapipe):
        if hasattr(type(dp), "set_seed"):
            dp.set_seed(int(empty((), dtype=int64).random_(generator=rng).item()))
    return datapipe
