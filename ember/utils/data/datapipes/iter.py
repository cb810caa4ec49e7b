"""The built-in IterDataPipes that torch 2.13 ships, each registered as a method:
map, filter, batch, unbatch, collate, shuffle, concat, zip, mux, sharding_filter."""
from __future__ import annotations

import copy
import random
import warnings

from ...._dtype import int64 as _int64
from ....ops.creation import empty as _empty
from .._collate import default_collate
from ._decorator import functional_datapipe
from .datapipe import DataChunk, IterDataPipe

__all__ = ["Batcher", "Collator", "Concater", "Filter", "IterableWrapper", "Mapper",
           "Multiplexer", "ShardingFilter", "Shuffler", "UnBatcher", "Zipper"]


def _length(dp, owner) -> int:
    """len(dp), or torch's TypeError naming the DataPipe whose length is asked for."""
    try:
        return len(dp)
    except TypeError:
        raise TypeError(f"{type(owner).__name__} instance doesn't have valid length") from None


def _columns(data, input_col):
    """The argument list that input_col selects from one sample."""
    if isinstance(input_col, (list, tuple)):
        return [data[c] for c in input_col]
    return [data[input_col]]


def _warn_unpicklable(fn) -> None:
    """torch's warning for a lambda or local function, which cannot cross to worker processes."""
    name = getattr(fn, "__qualname__", "")
    kind = "Local" if "<locals>" in name else \
        "Lambda" if getattr(fn, "__name__", "") == "<lambda>" else None
    if kind is not None:
        warnings.warn(f"{kind} function is not supported by pickle, please use regular python "
                      "function or functools.partial instead.", stacklevel=3)


def _draw_seed() -> int:
    """A 64-bit seed from the default generator, as torch's shufflers draw one per epoch."""
    return int(_empty((), dtype=_int64).random_().item())


class IterableWrapperIterDataPipe(IterDataPipe):
    """Wrap an iterable; with deepcopy (default) each epoch iterates a fresh deep copy."""

    def __init__(self, iterable, deepcopy: bool = True) -> None:
        self.iterable = iterable
        self.deepcopy = deepcopy

    def __iter__(self):
        source = self.iterable
        if self.deepcopy:
            try:
                source = copy.deepcopy(self.iterable)
            except TypeError:
                warnings.warn("The input iterable can not be deepcopied, please be aware of "
                              "in-place modification would affect source data.", stacklevel=2)
        yield from source

    def __len__(self) -> int:
        return _length(self.iterable, self)


@functional_datapipe("map")
class MapperIterDataPipe(IterDataPipe):
    """Apply `fn` to each sample, or to the columns `input_col`, writing `output_col`."""

    def __init__(self, datapipe, fn, input_col=None, output_col=None) -> None:
        self.datapipe = datapipe
        _warn_unpicklable(fn)
        self.fn = fn
        self.input_col = input_col
        if input_col is None and output_col is not None:
            raise ValueError("`output_col` must be None when `input_col` is None.")
        if isinstance(output_col, (list, tuple)):
            if len(output_col) > 1:
                raise ValueError("`output_col` must be a single-element list or tuple")
            output_col = output_col[0]
        self.output_col = output_col

    def _apply_fn(self, data):
        if self.input_col is None and self.output_col is None:
            return self.fn(data)
        result = self.fn(*_columns(data, self.input_col))
        was_tuple = isinstance(data, tuple)
        data = list(data) if was_tuple else copy.copy(data)
        if self.output_col is None:
            if isinstance(self.input_col, (list, tuple)):
                data[self.input_col[0]] = result
                for col in sorted(self.input_col[1:], reverse=True):
                    del data[col]
            else:
                data[self.input_col] = result
        elif self.output_col == -1:
            data.append(result)
        else:
            data[self.output_col] = result
        return tuple(data) if was_tuple else data

    def __iter__(self):
        for data in self.datapipe:
            yield self._apply_fn(data)

    def __len__(self) -> int:
        return _length(self.datapipe, self)


@functional_datapipe("collate")
class CollatorIterDataPipe(MapperIterDataPipe):
    """Collate each sample (a batch) with `collate_fn`, else `conversion` (default_collate)."""

    def __init__(self, datapipe, conversion=default_collate, collate_fn=None) -> None:
        if collate_fn is not None:
            super().__init__(datapipe, fn=collate_fn)
        elif callable(conversion):
            super().__init__(datapipe, fn=conversion)
        else:
            raise TypeError("conversion must be a callable (dict conversions are not supported)")


@functional_datapipe("filter")
class FilterIterDataPipe(IterDataPipe):
    """Keep the samples (or their `input_col` columns) for which `filter_fn` returns True."""

    def __init__(self, datapipe, filter_fn, input_col=None) -> None:
        self.datapipe = datapipe
        _warn_unpicklable(filter_fn)
        self.filter_fn = filter_fn
        self.input_col = input_col

    def __iter__(self):
        for data in self.datapipe:
            args = [data] if self.input_col is None else _columns(data, self.input_col)
            keep = self.filter_fn(*args)
            if not isinstance(keep, bool):
                raise ValueError("Boolean output is required for `filter_fn` of "  # noqa: TRY004
                                 "FilterIterDataPipe, got", type(keep))
            if keep:
                yield data


@functional_datapipe("batch")
class BatcherIterDataPipe(IterDataPipe):
    """Group consecutive samples into `wrapper_class` batches of `batch_size`."""

    def __init__(self, datapipe, batch_size: int, drop_last: bool = False,
                 wrapper_class=DataChunk) -> None:
        assert batch_size > 0, "Batch size is required to be larger than 0!"
        self.datapipe = datapipe
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.wrapper_class = wrapper_class

    def __iter__(self):
        batch = []
        for x in self.datapipe:
            batch.append(x)
            if len(batch) == self.batch_size:
                yield self.wrapper_class(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.wrapper_class(batch)

    def __len__(self) -> int:
        n = _length(self.datapipe, self)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


@functional_datapipe("unbatch")
class UnBatcherIterDataPipe(IterDataPipe):
    """Undo `unbatch_level` levels of batching (-1: flatten every level)."""

    def __init__(self, datapipe, unbatch_level: int = 1) -> None:
        self.datapipe = datapipe
        self.unbatch_level = unbatch_level

    def __iter__(self):
        for element in self.datapipe:
            yield from self._dive(element, self.unbatch_level)

    def _dive(self, element, level):
        if level < -1:
            raise ValueError("unbatch_level must be -1 or >= 0")
        if level == -1:
            if isinstance(element, (list, DataChunk)):
                for item in element:
                    yield from self._dive(item, -1)
            else:
                yield element
        elif level == 0:
            yield element
        elif isinstance(element, (list, DataChunk)):
            for item in element:
                yield from self._dive(item, level - 1)
        else:
            raise IndexError(f"unbatch_level {self.unbatch_level} exceeds the depth of the "
                             "DataPipe")


@functional_datapipe("shuffle")
class ShufflerIterDataPipe(IterDataPipe):
    """Shuffle through a buffer of `buffer_size` samples, seeded per epoch from the default
    generator (or once by set_seed), drawing as torch's Shuffler does."""

    def __init__(self, datapipe, *, buffer_size: int = 10000, unbatch_level: int = 0) -> None:
        assert buffer_size > 0, "buffer_size should be larger than 0"
        self.datapipe = datapipe if unbatch_level == 0 else datapipe.unbatch(unbatch_level)
        self.buffer_size = buffer_size
        self._enabled = True
        self._seed = None
        self._rng = random.Random()

    def set_shuffle(self, shuffle: bool = True):
        self._enabled = shuffle
        return self

    def set_seed(self, seed: int):
        self._seed = seed
        return self

    def reset(self) -> None:
        if self._enabled:
            self._rng.seed(_draw_seed() if self._seed is None else self._seed)
            self._seed = None

    def __iter__(self):
        if not self._enabled:
            yield from self.datapipe
            return
        self.reset()
        buffer = []
        for x in self.datapipe:
            if len(buffer) == self.buffer_size:
                i = self._rng.randint(0, len(buffer) - 1)
                yield buffer[i]
                buffer[i] = x
            else:
                buffer.append(x)
        while buffer:
            yield buffer.pop(self._rng.randint(0, len(buffer) - 1))

    def __len__(self) -> int:
        return _length(self.datapipe, self)


def _check_iter_pipes(datapipes, message) -> None:
    if not all(isinstance(dp, IterDataPipe) for dp in datapipes):
        raise TypeError(message)


@functional_datapipe("concat")
class ConcaterIterDataPipe(IterDataPipe):
    """The samples of each DataPipe in turn."""

    def __init__(self, *datapipes) -> None:
        if len(datapipes) == 0:
            raise ValueError("Expected at least one DataPipe, but got nothing")
        _check_iter_pipes(datapipes, "Expected all inputs to be `IterDataPipe`")
        self.datapipes = datapipes

    def __iter__(self):
        for dp in self.datapipes:
            yield from dp

    def __len__(self) -> int:
        return sum(_length(dp, self) for dp in self.datapipes)


@functional_datapipe("zip")
class ZipperIterDataPipe(IterDataPipe):
    """Tuples of one sample from each DataPipe, stopping with the shortest."""

    def __init__(self, *datapipes) -> None:
        _check_iter_pipes(datapipes,
                          "All inputs are required to be `IterDataPipe` for `ZipIterDataPipe`.")
        self.datapipes = datapipes

    def __iter__(self):
        yield from zip(*self.datapipes)

    def __len__(self) -> int:
        return min(_length(dp, self) for dp in self.datapipes)


@functional_datapipe("mux")
class MultiplexerIterDataPipe(IterDataPipe):
    """Round-robin one sample from each DataPipe; stops when any is exhausted (that round's
    samples already drawn are dropped)."""

    def __init__(self, *datapipes) -> None:
        self.datapipes = datapipes

    def __iter__(self):
        iterators = [iter(dp) for dp in self.datapipes]
        while True:
            row = []
            for it in iterators:
                try:
                    row.append(next(it))
                except StopIteration:
                    return
            yield from row

    def __len__(self) -> int:
        return min(_length(dp, self) for dp in self.datapipes) * len(self.datapipes)


@functional_datapipe("sharding_filter")
class ShardingFilterIterDataPipe(IterDataPipe):
    """Keep every num_of_instances-th sample from instance_id (set by apply_sharding)."""

    def __init__(self, source_datapipe, sharding_group_filter=None) -> None:
        self.source_datapipe = source_datapipe
        self.sharding_group_filter = sharding_group_filter
        self.num_of_instances = 1
        self.instance_id = 0

    def is_shardable(self) -> bool:
        return True

    def apply_sharding(self, num_of_instances: int, instance_id: int, sharding_group=None):
        if instance_id >= num_of_instances:
            raise ValueError(f"instance_id({instance_id}) should be smaller than "
                             f"num_of_instances({num_of_instances})")
        self.num_of_instances = num_of_instances
        self.instance_id = instance_id

    def __iter__(self):
        for i, item in enumerate(self.source_datapipe):
            if i % self.num_of_instances == self.instance_id:
                yield item

    def __len__(self) -> int:
        n = _length(self.source_datapipe, self)
        return n // self.num_of_instances + (
            1 if self.instance_id < n % self.num_of_instances else 0)


Batcher = BatcherIterDataPipe
Collator = CollatorIterDataPipe
Concater = ConcaterIterDataPipe
Filter = FilterIterDataPipe
IterableWrapper = IterableWrapperIterDataPipe
Mapper = MapperIterDataPipe
Multiplexer = MultiplexerIterDataPipe
ShardingFilter = ShardingFilterIterDataPipe
Shuffler = ShufflerIterDataPipe
UnBatcher = UnBatcherIterDataPipe
Zipper = ZipperIterDataPipe
