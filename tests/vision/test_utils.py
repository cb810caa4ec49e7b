"""ember.vision.utils against torchvision.utils."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

import ember
from ember.vision import utils as EU
from tests.oracle import assert_same, to_ember
from tests.third_party import import_torchvision

TU = import_torchvision().utils


def pair(shape, kind="float32", seed=0):
    rng = np.random.default_rng(seed)
    if kind == "uint8":
        t = torch.from_numpy(rng.integers(0, 256, shape, dtype=np.uint8))
    else:
        t = torch.from_numpy(rng.uniform(-0.5, 1.5, shape).astype(np.float32))
    return t, to_ember(t)


@pytest.mark.parametrize("shape,kwargs", [
    ((5, 3, 4, 6), {}),
    ((7, 1, 3, 3), {"nrow": 3, "padding": 1, "pad_value": 0.5}),
    ((4, 3, 5, 5), {"normalize": True}),
    ((4, 3, 5, 5), {"normalize": True, "value_range": (0, 1), "scale_each": True}),
    ((3, 5, 5), {"normalize": True, "scale_each": True}),
    ((1, 4, 4), {}),
    ((4, 4), {}),
    ((1, 3, 4, 4), {"padding": 0}),
])
def test_make_grid(shape, kwargs):
    t, e = pair(shape)
    assert_same(EU.make_grid(e, **kwargs), TU.make_grid(t, **kwargs))


def test_make_grid_list_and_errors():
    ts, es = zip(*(pair((3, 4, 4), seed=i) for i in range(3)))
    assert_same(EU.make_grid(list(es), nrow=2), TU.make_grid(list(ts), nrow=2))
    for bad in ([1, 2], 3):
        with pytest.raises(TypeError) as t_error:
            TU.make_grid(bad)
        with pytest.raises(TypeError) as e_error:
            EU.make_grid(bad)
        assert str(e_error.value) == str(t_error.value)


def test_save_image(tmp_path):
    t, e = pair((6, 3, 5, 4))
    TU.save_image(t, tmp_path / "t.png", nrow=3)
    EU.save_image(e, tmp_path / "e.png", nrow=3)
    np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "e.png")),
                                  np.asarray(Image.open(tmp_path / "t.png")))


BOXES = [[1, 2, 10, 8], [5, 0, 14, 11], [0, 0, 3, 3]]


@pytest.mark.parametrize("kind,channels", [("uint8", 3), ("uint8", 1), ("float32", 3)])
@pytest.mark.parametrize("kwargs", [{}, {"labels": ["a", "bb", "c"], "colors": "red", "width": 2},
                                    {"fill": True, "colors": [(255, 0, 0), "blue", "#00ff00"]},
                                    {"labels": ["x", "y", "z"], "fill_labels": True,
                                     "label_background_colors": "white"}])
def test_draw_bounding_boxes(kind, channels, kwargs):
    t, e = pair((channels, 16, 18), kind)
    if kind == "float32":
        t, e = t.clamp(0, 1), e.clamp(0, 1)
    boxes = torch.tensor(BOXES, dtype=torch.float)
    out = EU.draw_bounding_boxes(e, to_ember(boxes), **kwargs)
    assert_same(out, TU.draw_bounding_boxes(t, boxes, **kwargs))


def test_draw_bounding_boxes_errors():
    t, e = pair((3, 8, 8), "uint8")
    for boxes, kwargs in (([[5, 0, 2, 3]], {}), ([[0, 0, 2, 3]], {"labels": ["a", "b"]}),
                          ([[0, 0, 2, 3]], {"colors": (1, 2)})):
        with pytest.raises(ValueError) as t_error:
            TU.draw_bounding_boxes(t, torch.tensor(boxes), **kwargs)
        with pytest.raises(ValueError) as e_error:
            EU.draw_bounding_boxes(e, ember.tensor(boxes), **kwargs)
        assert str(e_error.value) == str(t_error.value)


@pytest.mark.parametrize("kind", ["uint8", "float32"])
def test_draw_segmentation_masks(kind):
    t, e = pair((3, 6, 7), kind)
    masks = torch.from_numpy(np.random.default_rng(1).random((2, 6, 7)) < 0.4)
    for colors in (None, ["red", (0, 0, 255)]):
        assert_same(EU.draw_segmentation_masks(e, to_ember(masks), alpha=0.6, colors=colors),
                    TU.draw_segmentation_masks(t, masks, alpha=0.6, colors=colors))


# ---- the ember.vision package shell --------------------------------------------------------------


def test_package_shell_is_light_and_matches_torchvision():
    import subprocess
    import sys

    code = ("import sys, ember.vision as v; assert v.__version__ == '0.28.0'; "
            "bad = [m for m in ('PIL', 'torch', 'torchvision', 'scipy', 'ember.vision.models') "
            "if m in sys.modules]; assert not bad, bad; "
            "from ember.vision import models; assert 'ember.vision.models' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
    import ember.vision as EV

    tv = import_torchvision()
    assert EV.get_image_backend() == tv.get_image_backend() == "PIL"
    for lib in (EV, tv):
        with pytest.raises(ValueError, match="Invalid backend 'x'. Options are 'PIL' and"):
            lib.set_image_backend("x")
    assert tv.__version__.startswith(EV.__version__)
