"""ember.vision.io. torchvision.io's decoders are compiled ops that cannot load beside the CPU
torch here, so the oracle is what torchvision documents they return: the file's pixels as a
(C, H, W) uint8 tensor, i.e. torchvision's pil_to_tensor of the Pillow-decoded image."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import ember
from ember.vision import io as EIO
from tests.oracle import assert_same
from tests.third_party import import_torchvision

tv = import_torchvision()
TF = tv.transforms.functional


@pytest.fixture
def images(tmp_path):
    rng = np.random.default_rng(0)
    rgb = rng.integers(0, 256, (9, 11, 3), dtype=np.uint8)
    paths = {}
    for name, img in (("rgb.png", Image.fromarray(rgb)),
                      ("gray.png", Image.fromarray(rgb[..., 0])),
                      ("rgba.png", Image.fromarray(np.dstack([rgb, rgb[..., :1]]))),
                      ("la.png", Image.fromarray(np.dstack([rgb[..., 0], rgb[..., 1]]), "LA")),
                      ("palette.png", Image.fromarray(rgb).convert("P")),
                      ("rgb.jpg", Image.fromarray(rgb)), ("gray.jpg", Image.fromarray(rgb[..., 0]))):
        paths[name] = tmp_path / name
        img.save(paths[name])
    return paths


def expected(path, pil_mode=None):
    img = Image.open(path)
    if pil_mode is not None:
        img = img.convert(pil_mode)
    return TF.pil_to_tensor(img)


@pytest.mark.parametrize("name,unchanged_mode", [("rgb.png", None), ("gray.png", None),
                                                 ("rgba.png", None), ("la.png", None),
                                                 ("palette.png", "RGB"), ("rgb.jpg", None),
                                                 ("gray.jpg", None)])
def test_read_image_modes(images, name, unchanged_mode):
    path = images[name]
    assert_same(EIO.read_image(str(path)), expected(path, unchanged_mode))
    for mode, pil_mode in ((EIO.ImageReadMode.RGB, "RGB"), ("RGB_ALPHA", "RGBA"),
                           (EIO.ImageReadMode.GRAY_ALPHA, "LA"), ("gray", "L")):
        assert_same(EIO.read_image(path, mode), expected(path, pil_mode))
    assert_same(EIO.decode_image(EIO.read_file(str(path))), expected(path, unchanged_mode))
    assert_same(EIO.decode_image(str(path), mode="RGB"), expected(path, "RGB"))


def test_decode_png_and_jpeg(images):
    assert_same(EIO.decode_png(EIO.read_file(images["rgb.png"])), expected(images["rgb.png"]))
    out = EIO.decode_jpeg([EIO.read_file(images["rgb.jpg"]), EIO.read_file(images["gray.jpg"])])
    assert_same(out[0], expected(images["rgb.jpg"]))
    assert_same(out[1], expected(images["gray.jpg"]))
    with pytest.raises(RuntimeError):
        EIO.decode_png(EIO.read_file(images["rgb.jpg"]))
    with pytest.raises(RuntimeError):
        EIO.decode_jpeg(EIO.read_file(images["rgb.png"]))
    with pytest.raises(ValueError, match="Input list must contain at least one element"):
        EIO.decode_jpeg([])


def test_read_image_16bit_png(tmp_path):
    data = np.arange(30, dtype=np.uint16).reshape(5, 6) * 2000
    Image.fromarray(data).save(tmp_path / "deep.png")
    out = EIO.read_image(tmp_path / "deep.png")
    # torchvision returns uint16; ember has no uint16 dtype and keeps the values in int32
    assert out.dtype == ember.int32 and tuple(out.shape) == (1, 5, 6)
    np.testing.assert_array_equal(out.numpy()[0], data)


@pytest.mark.parametrize("channels", [1, 3])
def test_write_and_encode(tmp_path, channels):
    rng = np.random.default_rng(1)
    img = ember.from_numpy(rng.integers(0, 256, (channels, 7, 10), dtype=np.uint8))
    EIO.write_png(img, str(tmp_path / "out.png"), compression_level=9)
    assert_same(EIO.read_image(str(tmp_path / "out.png")), TF.pil_to_tensor(
        Image.open(tmp_path / "out.png")))
    assert (EIO.read_image(str(tmp_path / "out.png")) == img).all()
    encoded = EIO.encode_png(img)
    assert encoded.dtype == ember.uint8 and encoded.ndim == 1
    assert (EIO.decode_png(encoded) == img).all()
    smooth = ember.from_numpy(np.broadcast_to(np.arange(0, 200, 20, dtype=np.uint8),
                                              (channels, 7, 10)).copy())
    EIO.write_jpeg(smooth, tmp_path / "out.jpg", quality=95)
    back = EIO.read_image(tmp_path / "out.jpg").numpy().astype(int)
    assert back.shape == tuple(smooth.shape) and np.abs(back - smooth.numpy()).max() <= 8
    jpegs = EIO.encode_jpeg([img, img], quality=50)
    assert len(jpegs) == 2 and (jpegs[0] == jpegs[1]).all()
    with pytest.raises(ValueError, match="Image quality should be a positive number between 1 and"):
        EIO.encode_jpeg(img, quality=0)
    with pytest.raises(RuntimeError, match="Input tensor dtype should be uint8"):
        EIO.encode_png(img.float())


def test_read_write_file(tmp_path):
    data = ember.arange(256).to(ember.uint8)
    EIO.write_file(str(tmp_path / "raw.bin"), data)
    assert (tmp_path / "raw.bin").read_bytes() == bytes(range(256))
    assert (EIO.read_file(str(tmp_path / "raw.bin")) == data).all()


def test_image_read_mode_matches_torchvision():
    assert [(m.name, m.value) for m in EIO.ImageReadMode] == \
        [(m.name, m.value) for m in tv.io.ImageReadMode]
    assert EIO.ImageReadMode.RGBA is EIO.ImageReadMode.RGB_ALPHA
