"""ember.utils.data datasets, random_split and collation against torch.utils.data."""
from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.utils.data.data_compare import both, raises_same

Point = collections.namedtuple("Point", ["x", "y"])


def rows(data, n):
    return [data[i] for i in range(n)]


# ---- datasets ------------------------------------------------------------------------------------


def tds(lib):
    return lib.utils.data.TensorDataset(lib.arange(12).reshape(6, 2), lib.arange(6) * 1.5)


def test_tensor_dataset_items():
    both(lambda lib: rows(tds(lib), 6) + [len(tds(lib))])


def test_tensor_dataset_slice_and_list_index():
    both(lambda lib: [tds(lib)[1:4], tds(lib)[[0, 5, 2]], tds(lib)[-1]])


def test_tensor_dataset_noncontiguous():
    both(lambda lib: rows(lib.utils.data.TensorDataset(lib.arange(12).reshape(3, 4).t()), 4))


def test_tensor_dataset_empty():
    both(lambda lib: len(lib.utils.data.TensorDataset(lib.zeros(0, 3), lib.zeros(0))))


def test_tensor_dataset_size_mismatch():
    raises_same(lambda lib: lib.utils.data.TensorDataset(lib.zeros(3), lib.zeros(4)))


def test_stack_dataset_tuple_and_dict():
    def fn(lib):
        a, b = list(range(5)), [x * 10 for x in range(5)]
        st = lib.utils.data.StackDataset(a, b)
        sd = lib.utils.data.StackDataset(a=a, b=b)
        return [st[2], sd[3], len(st), st.__getitems__([0, 4]), sd.__getitems__([1, 2])]
    both(fn)


def test_stack_dataset_nested_getitems():
    def fn(lib):
        sub = lib.utils.data.Subset(tds(lib), [5, 4, 3, 2, 1, 0])  # has __getitems__
        return [lib.utils.data.StackDataset(sub, tds(lib)).__getitems__([1, 3]),
                lib.utils.data.StackDataset(a=sub, b=range(6)).__getitems__([0, 2])]
    both(fn)


@pytest.mark.parametrize("case", ["both", "none", "mismatch", "kw_mismatch"])
def test_stack_dataset_errors(case):
    def fn(lib):
        S = lib.utils.data.StackDataset
        if case == "both":
            return S([1], b=[2])
        if case == "none":
            return S()
        if case == "mismatch":
            return S([1, 2], [1])
        return S(a=[1, 2], b=[1])
    raises_same(fn)


def test_concat_dataset():
    def fn(lib):
        c = lib.utils.data.ConcatDataset([range(3), range(10, 14), range(20, 22)])
        return [c.cumulative_sizes, len(c)] + [c[i] for i in range(-9, 9)]
    both(fn)


def test_concat_dataset_add_operator():
    def fn(lib):
        c = tds(lib) + tds(lib)
        return [type(c).__name__, len(c), c[7]]
    both(fn)


@pytest.mark.parametrize("case", ["empty", "iterable", "too_negative"])
def test_concat_dataset_errors(case):
    def fn(lib):
        D = lib.utils.data
        if case == "empty":
            return D.ConcatDataset([])
        if case == "iterable":
            return D.ConcatDataset([Stream(lib, 3)])
        return D.ConcatDataset([range(3)])[-4]
    raises_same(fn)


class Stream:
    """An IterableDataset class built per library."""

    def __new__(cls, lib, n):
        class _S(lib.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(n))

            def __len__(self):
                return n
        return _S()


def test_chain_dataset_and_add():
    def fn(lib):
        ch = lib.utils.data.ChainDataset([Stream(lib, 3), Stream(lib, 2)])
        added = Stream(lib, 2) + Stream(lib, 1)
        return [list(ch), len(ch), type(added).__name__, list(added)]
    both(fn)


def test_chain_dataset_rejects_map_style():
    raises_same(lambda lib: list(lib.utils.data.ChainDataset([Stream(lib, 1), range(3)])))
    raises_same(lambda lib: len(lib.utils.data.ChainDataset([range(3)])))


def test_subset():
    def fn(lib):
        s = lib.utils.data.Subset(tds(lib), [4, 0, 2])
        nested = lib.utils.data.Subset(s, [2, 0])
        return [len(s), s[0], s[-1], s.__getitems__([1, 2]), nested[0], s[[0, 1]]]
    both(fn)


def test_subset_subclass_must_override_getitems():
    def fn(lib):
        class Bad(lib.utils.data.Subset):
            def __getitem__(self, i):
                return 0
        return Bad(range(3), [0])
    raises_same(fn)


def test_dataset_base_errors():
    raises_same(lambda lib: lib.utils.data.Dataset()[0])
    raises_same(lambda lib: lib.utils.data.Dataset() + lib.utils.data.Dataset())  # no len()


# ---- random_split ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n,lengths", [
    (10, [3, 7]), (30, [0.3, 0.3, 0.4]), (11, [0.5, 0.5]), (7, [0.2, 0.2, 0.6]), (5, [5]),
    (0, [0, 0]), (100, [0.1] * 10),
])
def test_random_split_with_generator(n, lengths):
    def fn(lib):
        g = lib.Generator().manual_seed(42)
        parts = lib.utils.data.random_split(range(n), lengths, generator=g)
        return [p.indices for p in parts] + [list(p) for p in parts]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both(fn)


def test_random_split_default_generator_and_state():
    def fn(lib):
        lib.manual_seed(3)
        parts = lib.utils.data.random_split(range(20), [5, 15])
        return [p.indices for p in parts] + [lib.rand(2)]
    both(fn)


def test_random_split_zero_length_warns():
    for lib in (torch, ember):
        with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
            lib.utils.data.random_split(range(2), [1.0, 0.0])


@pytest.mark.parametrize("lengths", [[3, 3], [0.5, 0.6], [1.2, -0.2], [11]])
def test_random_split_bad_lengths(lengths):
    raises_same(lambda lib: lib.utils.data.random_split(range(10), lengths))


# ---- default_collate / default_convert ----------------------------------------------------------


def collate(batch_fn):
    return both(lambda lib: lib.utils.data.default_collate(batch_fn(lib)))


@pytest.mark.parametrize("name,batch", [
    ("ints", lambda lib: [0, 1, 2, 3]),
    ("floats", lambda lib: [0.1, 1.0 / 3, 2.5]),
    ("bools", lambda lib: [True, False]),
    ("strings", lambda lib: ["a", "bc"]),
    ("bytes", lambda lib: [b"a", b"bc"]),
    ("tensors", lambda lib: [lib.arange(6).reshape(2, 3), lib.ones(2, 3, dtype=lib.int64)]),
    ("float_tensors_0d", lambda lib: [lib.tensor(1.5), lib.tensor(2.0)]),
    ("empty_tensors", lambda lib: [lib.zeros(0, 2), lib.zeros(0, 2)]),
    ("noncontiguous", lambda lib: [lib.arange(6.0).reshape(2, 3).t(), lib.ones(3, 2)]),
    ("np_arrays", lambda lib: [np.arange(3, dtype=np.int32), np.ones(3, dtype=np.int32)]),
    ("np_float64", lambda lib: [np.linspace(0, 1, 4), np.zeros(4)]),
    ("np_bool_array", lambda lib: [np.array([True, False]), np.array([False, False])]),
    ("np_scalars_f32", lambda lib: [np.float32(1.5), np.float32(2)]),
    ("np_scalars_i16", lambda lib: [np.int16(1), np.int16(-2)]),
    ("np_scalars_bool", lambda lib: [np.bool_(True), np.bool_(False)]),
    ("np_0d_arrays", lambda lib: [np.array(1.5), np.array(2.5)]),
    ("dicts", lambda lib: [{"a": 1, "b": 0.5, "s": "x"}, {"a": 2, "b": 1.5, "s": "y"}]),
    ("tuples", lambda lib: [(0, 1.0), (2, 3.0)]),
    ("lists", lambda lib: [[0, 1], [2, 3]]),
    ("namedtuples", lambda lib: [Point(0, 1.5), Point(2, 2.5)]),
    ("nested", lambda lib: [{"p": Point(lib.ones(2), [1, 2]), "t": (np.zeros(2), "a")},
                            {"p": Point(lib.zeros(2), [3, 4]), "t": (np.ones(2), "b")}]),
    ("tensor_dataset_rows", lambda lib: rows(tds(lib), 4)),
])
def test_default_collate(name, batch):
    collate(batch)


def test_default_collate_ordered_dict():
    collate(lambda lib: [collections.OrderedDict(b=1, a=2), collections.OrderedDict(b=3, a=4)])


@pytest.mark.parametrize("batch", [
    lambda lib: [[0, 1], [2]],
    lambda lib: [object(), object()],
    lambda lib: [np.array(["a"]), np.array(["b"])],
    lambda lib: [lib.zeros(2), lib.zeros(3)],
    lambda lib: [None, None],
])
def test_default_collate_errors(batch):
    raises_same(lambda lib: lib.utils.data.default_collate(batch(lib)))


@pytest.mark.parametrize("data", [
    lambda lib: 0,
    lambda lib: 1.5,
    lambda lib: "s",
    lambda lib: np.arange(3),
    lambda lib: np.float32(2.5),
    lambda lib: np.array(["a", "b"]),
    lambda lib: Point(np.array(0), 1),
    lambda lib: [np.array([0, 1]), np.array([2, 3])],
    lambda lib: (np.array([1.5]), "x"),
    lambda lib: {"a": np.zeros(2), "b": [np.int64(3)]},
    lambda lib: lib.ones(2),
])
def test_default_convert(data):
    both(lambda lib: lib.utils.data.default_convert(data(lib)))


def test_collate_custom_fn_map():
    def fn(lib):
        D = lib.utils.data._utils.collate if lib is torch else ember.utils.data._collate

        def ints(batch, *, collate_fn_map=None):
            return sum(batch)

        return D.collate([{"a": 1}, {"a": 2}], collate_fn_map={int: ints})
    both(fn)
