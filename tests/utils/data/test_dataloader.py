"""ember.utils.data.DataLoader in the main process (num_workers=0) against torch's."""
from __future__ import annotations

import collections
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.utils.data.data_compare import both, raises_same, same

Pair = collections.namedtuple("Pair", ["a", "b"])


def tds(lib, n=10):
    return lib.utils.data.TensorDataset(lib.arange(2 * n).reshape(n, 2) * 0.5, lib.arange(n))


def loaded(loader, epochs=1):
    out = [list(loader) for _ in range(epochs)]
    return out + [len(loader)]


class Dicts:
    """A map-style dataset of dict samples mixing Python numbers, NumPy arrays and strings."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return {"x": np.full(3, i, dtype=np.float32), "y": i, "w": i / 3, "name": f"s{i}",
                "p": Pair(i, [i, -i])}


def stream(lib, n, length=None):
    class S(lib.utils.data.IterableDataset):
        def __iter__(self):
            return iter(range(n))

        def __len__(self):
            return n if length is None else length
    return S()


# ---- batching -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kw", [
    {}, {"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": 20},
    {"batch_size": 20, "drop_last": True}, {"batch_size": None}, {"batch_size": 5},
])
def test_tensor_dataset_batches(kw):
    both(lambda lib: loaded(lib.utils.data.DataLoader(tds(lib), **kw)))


def test_empty_dataset():
    both(lambda lib: loaded(lib.utils.data.DataLoader(tds(lib, 0), batch_size=2)))


def test_noncontiguous_tensors():
    both(lambda lib: loaded(lib.utils.data.DataLoader(
        lib.utils.data.TensorDataset(lib.arange(24.0).reshape(4, 6).t()[:, ::2]), batch_size=4)))


def test_dict_samples():
    both(lambda lib: loaded(lib.utils.data.DataLoader(Dicts(), batch_size=2)))


def test_no_auto_batching_converts():
    both(lambda lib: loaded(lib.utils.data.DataLoader(Dicts(), batch_size=None)))


def test_plain_list_dataset():
    both(lambda lib: loaded(lib.utils.data.DataLoader([(1, 2.5), (3, 4.5), (5, 6.5)],
                                                      batch_size=2)))


def test_custom_collate_fn():
    both(lambda lib: loaded(lib.utils.data.DataLoader(range(7), batch_size=3, collate_fn=list)))


def test_getitems_used_for_batches():
    def fn(lib):
        calls = []

        class Batched(lib.utils.data.Dataset):
            def __len__(self):
                return 6

            def __getitem__(self, i):
                raise AssertionError("__getitems__ should be used")

            def __getitems__(self, idx):
                calls.append(list(idx))
                return [lib.tensor(i) for i in idx]
        return loaded(lib.utils.data.DataLoader(Batched(), batch_size=4)) + [calls]
    both(fn)


# ---- shuffling and seeds ---------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 1234])
def test_shuffle_after_manual_seed(seed):
    def fn(lib):
        lib.manual_seed(seed)
        loader = lib.utils.data.DataLoader(tds(lib, 13), batch_size=4, shuffle=True)
        return loaded(loader, epochs=3) + [lib.rand(3)]
    both(fn)


def test_shuffle_with_generator():
    def fn(lib):
        g = lib.Generator().manual_seed(9)
        lib.manual_seed(0)
        loader = lib.utils.data.DataLoader(range(11), batch_size=3, shuffle=True, generator=g)
        return loaded(loader, epochs=2) + [lib.rand(2), g.initial_seed()]
    both(fn)


def test_sampler_and_batch_sampler_args():
    def fn(lib):
        D = lib.utils.data
        g = lib.Generator().manual_seed(4)
        by_sampler = D.DataLoader(range(9), batch_size=2,
                                  sampler=D.SubsetRandomSampler([0, 2, 4, 6, 8], generator=g))
        by_batches = D.DataLoader(range(9), batch_sampler=[[0, 1], [5], [8, 7, 6]])
        return loaded(by_sampler) + loaded(by_batches)
    both(fn)


def test_weighted_sampler_loader():
    def fn(lib):
        lib.manual_seed(2)
        s = lib.utils.data.WeightedRandomSampler([0.1, 0.2, 0.7], 8)
        return loaded(lib.utils.data.DataLoader(range(3), batch_size=3, sampler=s), epochs=2)
    both(fn)


def test_random_split_then_loader():
    def fn(lib):
        lib.manual_seed(8)
        train, val = lib.utils.data.random_split(tds(lib, 12), [0.75, 0.25])
        return loaded(lib.utils.data.DataLoader(train, batch_size=4, shuffle=True)) + \
            loaded(lib.utils.data.DataLoader(val, batch_size=4))
    both(fn)


# ---- iterable datasets ------------------------------------------------------------------------------


@pytest.mark.parametrize("kw", [{}, {"batch_size": 3}, {"batch_size": 3, "drop_last": True},
                                {"batch_size": None}])
def test_iterable_dataset(kw):
    both(lambda lib: loaded(lib.utils.data.DataLoader(stream(lib, 7), **kw)))


def test_iterable_len_warning():
    for lib in (torch, ember):
        loader = lib.utils.data.DataLoader(stream(lib, 4, length=2))
        assert len(loader) == 2
        with pytest.warns(UserWarning, match="was reported to be 2"):
            list(loader)


def test_chain_dataset_loader():
    both(lambda lib: loaded(lib.utils.data.DataLoader(
        lib.utils.data.ChainDataset([stream(lib, 3), stream(lib, 4)]), batch_size=2)))


# ---- arguments --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kw", [
    {"batch_size": 0}, {"batch_size": -2}, {"num_workers": -1}, {"timeout": -1},
    {"prefetch_factor": 2}, {"persistent_workers": True},
    {"shuffle": True, "sampler": [0, 1]}, {"batch_sampler": [[0]], "batch_size": 2},
    {"batch_sampler": [[0]], "shuffle": True}, {"batch_sampler": [[0]], "drop_last": True},
    {"batch_sampler": [[0]], "sampler": [0]}, {"batch_size": None, "drop_last": True},
    {"multiprocessing_context": "fork"}, {"num_workers": 1, "multiprocessing_context": "nope"},
    {"num_workers": 1, "multiprocessing_context": 3},
    {"num_workers": 1, "prefetch_factor": -1},
])
def test_bad_arguments(kw):
    raises_same(lambda lib: lib.utils.data.DataLoader(range(4), **kw))


@pytest.mark.parametrize("kw", [{"shuffle": True}, {"sampler": [0]}, {"batch_sampler": [[0]]}])
def test_iterable_dataset_rejects_order_options(kw):
    raises_same(lambda lib: lib.utils.data.DataLoader(stream(lib, 3), **kw))


def test_timeout_without_workers_fails_on_iter():
    raises_same(lambda lib: iter(lib.utils.data.DataLoader(range(3), timeout=1.0)))


@pytest.mark.parametrize("attr", ["batch_size", "sampler", "dataset", "drop_last",
                                  "batch_sampler", "persistent_workers"])
def test_frozen_attributes(attr):
    raises_same(lambda lib: setattr(lib.utils.data.DataLoader(range(3)), attr, None))


def test_attributes_and_defaults():
    def fn(lib):
        dl = lib.utils.data.DataLoader(range(5), batch_size=2, num_workers=1)
        dl0 = lib.utils.data.DataLoader(range(5), shuffle=True)
        return [dl.prefetch_factor, dl0.prefetch_factor, dl.batch_size, dl.drop_last,
                type(dl.sampler).__name__, type(dl0.sampler).__name__,
                type(dl.batch_sampler).__name__, dl.collate_fn.__name__, dl.timeout,
                dl.multiprocessing_context, dl.in_order, dl.pin_memory]
    both(fn)


def test_pin_memory_accepted_with_warning():
    def fn(lib):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            out = list(lib.utils.data.DataLoader(range(3), batch_size=2, pin_memory=True))
        return out, [str(x.message) for x in w]
    (e_out, e_warn), (t_out, t_warn) = fn(ember), fn(torch)
    same(e_out, t_out)
    # torch (CPU build) warns that nothing is pinned; ember does too unless it has a GPU
    assert e_warn == ([] if ember.accelerator.is_available() else t_warn)


def test_iterator_len_and_next():
    def fn(lib):
        it = iter(lib.utils.data.DataLoader(range(5), batch_size=2))
        return [len(it), next(it), next(it), next(it), list(it)]
    both(fn)


def test_custom_csv_image_dataset_pattern(tmp_path):
    """The tutorial pattern: a CSV of (file, label) rows, images loaded in __getitem__."""
    rng = np.random.default_rng(0)
    lines = []
    for i in range(6):
        np.save(tmp_path / f"img{i}.npy", rng.integers(0, 256, (4, 4, 3), dtype=np.uint8))
        lines.append(f"img{i}.npy,{i % 3}")
    (tmp_path / "labels.csv").write_text("\n".join(lines) + "\n")

    def fn(lib):
        import csv

        class ImageDataset(lib.utils.data.Dataset):
            def __init__(self, annotations_file, img_dir, transform=None):
                with open(annotations_file) as f:
                    self.img_labels = list(csv.reader(f))
                self.img_dir, self.transform = img_dir, transform

            def __len__(self):
                return len(self.img_labels)

            def __getitem__(self, idx):
                name, label = self.img_labels[idx]
                image = lib.from_numpy(np.load(self.img_dir / name)).permute(2, 0, 1)
                if self.transform:
                    image = self.transform(image)
                return image, int(label)

        lib.manual_seed(0)
        ds = ImageDataset(tmp_path / "labels.csv", tmp_path, transform=lambda x: x.float() / 255)
        return loaded(lib.utils.data.DataLoader(ds, batch_size=4, shuffle=True), epochs=2)
    both(fn)
