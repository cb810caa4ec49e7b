"""The built-in MapDataPipes that torch 2.13 ships, each registered as a method:
map, batch, concat, zip and shuffle (which gives an IterDataPipe over shuffled keys)."""
from __future__ import annotations

import copy
import random
import warnings

from ._decorator import functional_datapipe
from .datapipe import DataChunk, IterDataPipe, MapDataPipe
from .iter import _draw_seed, _warn_unpicklable

__all__ = ["Batcher", "Concater", "Mapper", "SequenceWrapper", "Shuffler", "Zipper"]


def _default_fn(data):
    return data


class SequenceWrapperMapDataPipe(MapDataPipe):
    """Wrap a sequence or mapping (deep-copied by default) as a MapDataPipe."""

    def __init__(self, sequence, deepcopy: bool = True) -> None:
        if deepcopy:
            try:
                sequence = copy.deepcopy(sequence)
            except TypeError:
                warnings.warn("The input sequence can not be deepcopied, please be aware of "
                              "in-place modification would affect source data", stacklevel=2)
        self.sequence = sequence

    def __getitem__(self, index):
        return self.sequence[index]

    def __len__(self) -> int:
        return len(self.sequence)


@functional_datapipe("map")
class MapperMapDataPipe(MapDataPipe):
    """dp[index] passed through `fn`."""

    def __init__(self, datapipe, fn=_default_fn) -> None:
        self.datapipe = datapipe
        _warn_unpicklable(fn)
        self.fn = fn

    def __getitem__(self, index):
        return self.fn(self.datapipe[index])

    def __len__(self) -> int:
        return len(self.datapipe)


@functional_datapipe("batch")
class BatcherMapDataPipe(MapDataPipe):
    """Batch `index` holds items index*batch_size ... as a `wrapper_class` list."""

    def __init__(self, datapipe, batch_size: int, drop_last: bool = False,
                 wrapper_class=DataChunk) -> None:
        assert batch_size > 0, "Batch size is required to be larger than 0!"
        self.datapipe = datapipe
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.wrapper_class = wrapper_class

    def __getitem__(self, index):
        batch = []
        for i in range(index * self.batch_size, (index + 1) * self.batch_size):
            try:
                batch.append(self.datapipe[i])
            except IndexError as e:
                if not self.drop_last and batch:
                    return self.wrapper_class(batch)
                raise IndexError(f"Index {index} is out of bound.") from e
        return self.wrapper_class(batch)

    def __len__(self) -> int:
        n = len(self.datapipe)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def _check_map_pipes(datapipes, name) -> None:
    if len(datapipes) == 0:
        raise ValueError("Expected at least one DataPipe, but got nothing")
    if not all(isinstance(dp, MapDataPipe) for dp in datapipes):
        raise TypeError(f"Expected all inputs to be `MapDataPipe`{name}")
    if not all(hasattr(dp, "__len__") for dp in datapipes):
        raise TypeError("Expected all inputs to be `Sized`")


@functional_datapipe("concat")
class ConcaterMapDataPipe(MapDataPipe):
    """The keys of each DataPipe in turn, offset by the lengths before it."""

    def __init__(self, *datapipes) -> None:
        _check_map_pipes(datapipes, "")
        self.datapipes = datapipes

    def __getitem__(self, index):
        offset = 0
        for dp in self.datapipes:
            if index - offset < len(dp):
                return dp[index - offset]
            offset += len(dp)
        raise IndexError(f"Index {index} is out of range.")

    def __len__(self) -> int:
        return sum(len(dp) for dp in self.datapipes)


@functional_datapipe("zip")
class ZipperMapDataPipe(MapDataPipe):
    """Tuples of dp[index] over the DataPipes; as long as the shortest."""

    def __init__(self, *datapipes) -> None:
        _check_map_pipes(datapipes, " for `ZipperMapDataPipe`.")
        self.datapipes = datapipes

    def __getitem__(self, index):
        res = []
        for dp in self.datapipes:
            try:
                res.append(dp[index])
            except IndexError as e:
                raise IndexError(f"Index {index} is out of range for one of the input "
                                 f"MapDataPipes {dp}.") from e
        return tuple(res)

    def __len__(self) -> int:
        return min(len(dp) for dp in self.datapipes)


class ShufflerIterDataPipe(IterDataPipe):
    """An IterDataPipe over dp[i] for `indices` (default all keys), shuffled each epoch."""

    def __init__(self, datapipe, *, indices=None) -> None:
        self.datapipe = datapipe
        self.indices = list(range(len(datapipe))) if indices is None else indices
        self._enabled = True
        self._seed = None
        self._rng = random.Random()

    def set_shuffle(self, shuffle: bool = True):
        self._enabled = shuffle
        return self

    def set_seed(self, seed: int):
        self._seed = seed
        return self

    def __iter__(self):
        if not self._enabled:
            order = self.indices
        else:
            self._rng.seed(_draw_seed() if self._seed is None else self._seed)
            self._seed = None
            order = list(self.indices)
            self._rng.shuffle(order)
        for idx in order:
            yield self.datapipe[idx]

    def __len__(self) -> int:
        return len(self.indices)


MapDataPipe.register_datapipe_as_function("shuffle", ShufflerIterDataPipe)  # an Iter result

Batcher = BatcherMapDataPipe
Concater = ConcaterMapDataPipe
Mapper = MapperMapDataPipe
SequenceWrapper = SequenceWrapperMapDataPipe
Shuffler = ShufflerIterDataPipe
Zipper = ZipperMapDataPipe
