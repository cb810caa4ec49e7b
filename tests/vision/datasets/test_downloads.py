"""MNIST-family, CIFAR and SVHN with download=True against archives this test writes and serves
from 127.0.0.1 (the mirror URLs and md5 lists monkeypatched as a user could), then the same items
as torchvision's classes read from the same files."""
from __future__ import annotations

import gzip
import hashlib
import io
import pickle
import tarfile
import zipfile

import numpy as np
import pytest
import scipy.io

from ember.vision import datasets as ED
from ember.vision.datasets import utils as EU
from tests.oracle import assert_same
from tests.third_party import import_torchvision
from tests.vision.datasets._server import serve

tv = import_torchvision()
TD = tv.datasets
TU = tv.datasets.utils


def md5(path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def idx_bytes(array: np.ndarray) -> bytes:
    """An IDX (uint8) file: magic 0x08 0x0n, big-endian dims, data."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(d.to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_gz(path, data: bytes) -> None:
    path.write_bytes(gzip.compress(data, mtime=0))


def same_items(e_ds, t_ds) -> None:
    assert len(e_ds) == len(t_ds)
    assert repr(e_ds) == repr(t_ds)
    for i in range(len(t_ds)):
        (e_img, e_y), (t_img, t_y) = e_ds[i], t_ds[i]
        assert e_y == t_y and type(e_y) is type(t_y)
        assert e_img.mode == t_img.mode
        np.testing.assert_array_equal(np.asarray(e_img), np.asarray(t_img))


@pytest.fixture
def mnist_files(tmp_path):
    """The four gzipped IDX files of a 5-image train and 3-image test split, and their md5s."""
    rng = np.random.default_rng(0)
    served = tmp_path / "served"
    served.mkdir()
    resources = []
    for prefix, n in (("train", 5), ("t10k", 3)):
        for kind, array in (("images-idx3", rng.integers(0, 256, (n, 28, 28))),
                            ("labels-idx1", rng.integers(0, 10, (n,)))):
            name = f"{prefix}-{kind}-ubyte.gz"
            write_gz(served / name, idx_bytes(array))
            resources.append((name, md5(served / name)))
    return served, resources


@pytest.mark.parametrize("name", ["MNIST", "FashionMNIST", "KMNIST"])
def test_mnist_family_download(mnist_files, tmp_path, monkeypatch, name):
    served, resources = mnist_files
    with serve(served) as url:
        mirrors = [url + "missing/", url]  # the first mirror answers 404: the next one is tried
        for lib in (ED, TD):
            monkeypatch.setattr(getattr(lib, name), "mirrors", mirrors)
            monkeypatch.setattr(getattr(lib, name), "resources", resources)
        root = tmp_path / "root"
        for train in (True, False):
            e_ds = getattr(ED, name)(str(root), train=train, download=True)
            t_ds = getattr(TD, name)(str(root), train=train, download=False)
            assert_same(e_ds.data, t_ds.data)
            assert_same(e_ds.targets, t_ds.targets)
            assert e_ds.classes == t_ds.classes and e_ds.class_to_idx == t_ds.class_to_idx
            same_items(e_ds, t_ds)
        bad = [(n, "0" * 32) for n, _ in resources]
        errors = []
        for lib, sub in ((ED, "e"), (TD, "t")):
            monkeypatch.setattr(getattr(lib, name), "resources", bad)
            with pytest.raises(RuntimeError) as error:
                getattr(lib, name)(str(tmp_path / "bad"), download=True)
            errors.append(str(error.value))
        assert errors[0] == errors[1] and "Error downloading train-images-idx3-ubyte.gz" in errors[0]


def test_mnist_not_found(tmp_path):
    for lib in (ED, TD):
        with pytest.raises(RuntimeError, match="Dataset not found. You can use download=True"):
            lib.MNIST(str(tmp_path))


def test_emnist_download(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    served = tmp_path / "served"
    served.mkdir()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part, n in (("train", 4), ("test", 2)):
            for kind, array in (("images-idx3", rng.integers(0, 256, (n, 28, 28))),
                                ("labels-idx1", rng.integers(1, 27, (n,)))):
                data = gzip.compress(idx_bytes(array), mtime=0)
                archive.writestr(f"gzip/emnist-letters-{part}-{kind}-ubyte.gz", data)
    (served / "gzip.zip").write_bytes(buffer.getvalue())
    with serve(served) as url:
        for lib in (ED, TD):
            monkeypatch.setattr(lib.EMNIST, "url", url + "gzip.zip")
            monkeypatch.setattr(lib.EMNIST, "md5", md5(served / "gzip.zip"))
        root = str(tmp_path / "root")
        e_ds = ED.EMNIST(root, split="letters", download=True)
        t_ds = TD.EMNIST(root, split="letters")
        assert e_ds.classes == t_ds.classes
        same_items(e_ds, t_ds)
        e_test, t_test = ED.EMNIST(root, "letters", train=False), TD.EMNIST(root, "letters", train=False)
        same_items(e_test, t_test)
    with pytest.raises(ValueError) as t_error:
        TD.EMNIST(root, split="nope")
    with pytest.raises(ValueError, match=None) as e_error:
        ED.EMNIST(root, split="nope")
    assert str(e_error.value) == str(t_error.value)


def _cifar_archive(served, folder, files, labels_key, names_key, meta_name):
    """A tar.gz of pickled batches under `folder`; returns {file: md5} and the archive's md5."""
    rng = np.random.default_rng(2)
    md5s = {}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in [*files, meta_name]:
            if name == meta_name:
                entry = {names_key: [f"class{i}" for i in range(10)]}
            else:
                entry = {"data": rng.integers(0, 256, (3, 3072), dtype=np.uint8),
                         labels_key: rng.integers(0, 10, 3).tolist()}
            data = pickle.dumps(entry, protocol=2)
            md5s[name] = hashlib.md5(data).hexdigest()
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    path = served / f"{folder}.tar.gz"
    path.write_bytes(buffer.getvalue())
    return md5s, md5(path)


@pytest.mark.parametrize("name", ["CIFAR10", "CIFAR100"])
def test_cifar_download(tmp_path, monkeypatch, name):
    served = tmp_path / "served"
    served.mkdir()
    cls = getattr(ED, name)
    train_files = [f for f, _ in cls.train_list]
    test_files = [f for f, _ in cls.test_list]
    labels_key = "labels" if name == "CIFAR10" else "fine_labels"
    md5s, tgz_md5 = _cifar_archive(served, cls.base_folder, train_files + test_files, labels_key,
                                   cls.meta["key"], cls.meta["filename"])
    with serve(served) as url:
        for lib in (ED, TD):
            target = getattr(lib, name)
            monkeypatch.setattr(target, "url", url + f"{cls.base_folder}.tar.gz")
            monkeypatch.setattr(target, "tgz_md5", tgz_md5)
            monkeypatch.setattr(target, "train_list", [[f, md5s[f]] for f in train_files])
            monkeypatch.setattr(target, "test_list", [[f, md5s[f]] for f in test_files])
            monkeypatch.setattr(target, "meta", {**cls.meta, "md5": md5s[cls.meta["filename"]]})
        root = str(tmp_path / "root")
        for train in (True, False):
            e_ds = getattr(ED, name)(root, train=train, download=True)
            t_ds = getattr(TD, name)(root, train=train)
            np.testing.assert_array_equal(e_ds.data, t_ds.data)
            assert e_ds.targets == t_ds.targets and e_ds.class_to_idx == t_ds.class_to_idx
            same_items(e_ds, t_ds)


def test_svhn_download(tmp_path, monkeypatch):
    served = tmp_path / "served"
    served.mkdir()
    rng = np.random.default_rng(3)
    mat = {"X": rng.integers(0, 256, (32, 32, 3, 4), dtype=np.uint8),
           "y": np.array([[10.0], [1.0], [9.0], [10.0]])}
    scipy.io.savemat(served / "test_32x32.mat", mat, do_compression=True)
    with serve(served) as url:
        split_list = {"test": [url + "test_32x32.mat", "test_32x32.mat",
                               md5(served / "test_32x32.mat")]}
        for lib in (ED, TD):
            monkeypatch.setattr(lib.SVHN, "split_list", split_list)
        root = str(tmp_path / "root")
        e_ds = ED.SVHN(root, split="test", download=True)
        t_ds = TD.SVHN(root, split="test")
        np.testing.assert_array_equal(e_ds.labels, t_ds.labels)
        same_items(e_ds, t_ds)


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip",
                                    ".gz", ".xz", ".bz2"])
def test_extract_archive(tmp_path, suffix):
    src = tmp_path / "src"
    src.mkdir()
    payload = b"hello archive"
    archive = src / f"data{suffix}"
    if suffix == ".zip":
        with zipfile.ZipFile(archive, "w") as z:
            z.writestr("inner/file.txt", payload)
    elif ".tar" in suffix or suffix == ".tgz":
        mode = {".tar": "w", ".tgz": "w:gz"}.get(suffix, "w:" + suffix.rsplit(".", 1)[1])
        with tarfile.open(archive, mode) as tar:
            info = tarfile.TarInfo("inner/file.txt")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    else:
        import bz2
        import lzma
        opener = {".gz": gzip.open, ".xz": lzma.open, ".bz2": bz2.open}[suffix]
        with opener(archive, "wb") as f:
            f.write(payload)
    outs = []
    for lib, sub in ((EU, "e"), (TU, "t")):
        (tmp_path / sub).mkdir()
        out = lib.extract_archive(str(archive), str(tmp_path / sub))
        outs.append(out.replace(str(tmp_path / sub), ""))
        extracted = tmp_path / sub / ("data" if suffix in (".gz", ".xz", ".bz2") else "inner/file.txt")
        assert extracted.read_bytes() == payload
    assert outs[0] == outs[1]


def test_download_url_and_integrity(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    (served / "blob.bin").write_bytes(b"x" * 1000)
    good = md5(served / "blob.bin")
    with serve(served) as url:
        EU.download_url(url + "blob.bin", str(tmp_path / "dl"), md5=good)
        assert (tmp_path / "dl" / "blob.bin").read_bytes() == b"x" * 1000
        assert EU.check_integrity(str(tmp_path / "dl" / "blob.bin"), good)
        assert not EU.check_integrity(str(tmp_path / "dl" / "blob.bin"), "0" * 32)
        assert not EU.check_integrity(str(tmp_path / "nothing"))
        for lib in (EU, TU):
            with pytest.raises(RuntimeError, match="File not found or corrupted."):
                lib.download_url(url + "blob.bin", str(tmp_path / "bad"), "other.bin", md5="0" * 32)
        write_gz(served / "blob.txt.gz", b"inside")
        EU.download_and_extract_archive(url + "blob.txt.gz", str(tmp_path / "x"),
                                        md5=md5(served / "blob.txt.gz"))
        assert (tmp_path / "x" / "blob.txt").read_bytes() == b"inside"


@pytest.mark.parametrize("args", [(3, "x", None), ("c", "split", ("a", "b")), ("a", None, ("a",)),
                                  ("z", "arg", ["x"], "custom message")])
def test_verify_str_arg(args):
    try:
        expected = TU.verify_str_arg(*args)
    except ValueError as error:
        with pytest.raises(ValueError) as e_error:
            EU.verify_str_arg(*args)
        assert str(e_error.value) == str(error)
    else:
        assert EU.verify_str_arg(*args) == expected
