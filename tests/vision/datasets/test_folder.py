"""ImageFolder, DatasetFolder and FakeData against torchvision's on the same files."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.vision import datasets as ED
from ember.vision import transforms as ET
from tests.oracle import assert_same
from tests.third_party import import_torchvision

tv = import_torchvision()
TD, TT = tv.datasets, tv.transforms


@pytest.fixture
def image_root(tmp_path):
    """cat/ dog/ bird/ folders with PNG/JPEG/BMP files, a nested folder, a text file, an empty
    class folder `zebra` and a stray top-level file."""
    rng = np.random.default_rng(0)
    files = {"dog/b.png": (9, 7), "dog/a.JPG": (12, 10), "dog/sub/c.bmp": (8, 8),
             "cat/x.jpeg": (10, 14), "cat/y.png": (6, 6), "cat/notes.txt": None,
             "bird/1.ppm": (7, 9), "bird/0.png": (11, 5)}
    for name, size in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if size is None:
            path.write_text("not an image")
        else:
            data = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
            Image.fromarray(data).save(path, format="JPEG" if "jp" in name.lower() else None)
    (tmp_path / "zebra").mkdir()
    (tmp_path / "readme.md").write_text("top-level file, not a class")
    return tmp_path


def _same_dataset(e_ds, t_ds):
    assert e_ds.classes == t_ds.classes
    assert e_ds.class_to_idx == t_ds.class_to_idx
    assert e_ds.samples == t_ds.samples
    assert e_ds.targets == t_ds.targets
    assert len(e_ds) == len(t_ds)
    assert repr(e_ds) == repr(t_ds)


def _same_item(e_item, t_item):
    (e_img, e_target), (t_img, t_target) = e_item, t_item
    assert e_target == t_target
    if isinstance(t_img, torch.Tensor):
        assert_same(e_img, t_img, atol=1e-6, rtol=1e-6)
    else:
        assert e_img.mode == t_img.mode
        np.testing.assert_array_equal(np.asarray(e_img), np.asarray(t_img))


def test_image_folder_allow_empty(image_root):
    t_ds = TD.ImageFolder(image_root, allow_empty=True)
    e_ds = ED.ImageFolder(image_root, allow_empty=True)
    _same_dataset(e_ds, t_ds)
    assert e_ds.imgs == t_ds.imgs
    for i in range(len(t_ds)):
        _same_item(e_ds[i], t_ds[i])


def test_image_folder_empty_class_raises(image_root):
    with pytest.raises(FileNotFoundError) as t_error:
        TD.ImageFolder(image_root)
    with pytest.raises(FileNotFoundError) as e_error:
        ED.ImageFolder(image_root)
    assert str(e_error.value) == str(t_error.value)


def test_image_folder_with_transforms(image_root):
    (image_root / "zebra").rmdir()

    def pipeline(T):
        return T.Compose([T.Resize(12), T.CenterCrop(8), T.ToTensor(),
                          T.Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25])])

    def double(y):
        return y * 2

    t_ds = TD.ImageFolder(str(image_root), transform=pipeline(TT), target_transform=double)
    e_ds = ED.ImageFolder(str(image_root), transform=pipeline(ET), target_transform=double)
    _same_dataset(e_ds, t_ds)
    for i in range(len(t_ds)):
        _same_item(e_ds[i], t_ds[i])
    loader = ember.utils.data.DataLoader(e_ds, batch_size=4)
    images, targets = next(iter(loader))
    assert tuple(images.shape) == (4, 3, 8, 8) and targets.tolist() == [double(t) for t in t_ds.targets[:4]]


def test_dataset_folder_is_valid_file_and_loader(image_root):
    def valid(path):
        return path.endswith((".png", ".txt"))

    def loader(path):
        return path.rsplit("/", 2)[-2:]

    t_ds = TD.DatasetFolder(image_root, loader, is_valid_file=valid, allow_empty=True)
    e_ds = ED.DatasetFolder(image_root, loader, is_valid_file=valid, allow_empty=True)
    _same_dataset(e_ds, t_ds)
    assert [e_ds[i] for i in range(len(e_ds))] == [t_ds[i] for i in range(len(t_ds))]
    t_ds = TD.DatasetFolder(image_root, loader, extensions=(".bmp", ".ppm"), allow_empty=True)
    e_ds = ED.DatasetFolder(image_root, loader, extensions=(".bmp", ".ppm"), allow_empty=True)
    _same_dataset(e_ds, t_ds)


@pytest.mark.parametrize("kwargs", [{"loader": None, "extensions": None},
                                    {"loader": None, "extensions": (".png",), "is_valid_file": bool}])
def test_dataset_folder_errors(image_root, kwargs):
    with pytest.raises(ValueError) as t_error:
        TD.DatasetFolder(image_root, **kwargs)
    with pytest.raises(ValueError) as e_error:
        ED.DatasetFolder(image_root, **kwargs)
    assert str(e_error.value) == str(t_error.value)


def test_no_class_folder(tmp_path):
    with pytest.raises(FileNotFoundError) as t_error:
        TD.ImageFolder(tmp_path)
    with pytest.raises(FileNotFoundError) as e_error:
        ED.ImageFolder(tmp_path)
    assert str(e_error.value) == str(t_error.value)


def test_fake_data():
    kw = {"size": 5, "image_size": (3, 6, 7), "num_classes": 4, "random_offset": 3}
    t_ds, e_ds = TD.FakeData(**kw), ED.FakeData(**kw)
    torch.manual_seed(11)
    ember.manual_seed(11)
    for i in (0, 4, 2):
        _same_item(e_ds[i], t_ds[i])
    assert ember.rand(1).item() == torch.rand(1).item()  # the caller's stream is untouched
    assert repr(e_ds) == repr(t_ds)
    t_ds = TD.FakeData(size=2, image_size=(1, 5, 5), transform=TT.ToTensor())
    e_ds = ED.FakeData(size=2, image_size=(1, 5, 5), transform=ET.ToTensor())
    _same_item(e_ds[1], t_ds[1])
    assert repr(e_ds) == repr(t_ds)
    with pytest.raises(IndexError, match="FakeData index out of range"):
        e_ds[2]
