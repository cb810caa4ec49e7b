"""ember-train on a user's ImageFolder: --data, --model, --pretrained (weights from a hub cache
written by torchvision), --freeze-backbone, the same numbers as the program on torch."""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from ember.tools import train

LINE = re.compile(r"epoch 1/1: train loss ([\d.]+) acc ([\d.]+)% \| val loss ([\d.]+) acc "
                  r"([\d.]+)%")


@pytest.fixture(scope="module")
def image_dir(tmp_path_factory):
    """Two classes of 12 small PNGs each: reddish and bluish noise."""
    from PIL import Image

    root = tmp_path_factory.mktemp("images")
    rng = np.random.default_rng(0)
    for c, color in enumerate([(200, 40, 40), (40, 40, 200)]):
        (root / f"class{c}").mkdir()
        for i in range(12):
            img = rng.uniform(0, 80, (20, 20, 3)) + np.array(color) * rng.uniform(0.6, 1.0)
            Image.fromarray(img.clip(0, 255).astype(np.uint8)).save(root / f"class{c}/{i}.png")
    return root


def _run(capsys, *argv):
    rc = train.main(["--quiet", "--epochs", "1", *map(str, argv)])
    out, err = capsys.readouterr()
    return rc, out.strip().splitlines(), err.strip().splitlines()


def _epoch(lines) -> list[float]:
    return [float(v) for v in next(m for m in map(LINE.match, lines) if m).groups()]


def test_zoo_model_on_an_image_folder_matches_torch(image_dir, tmp_path, capsys):
    argv = ["--data", image_dir, "--model", "mobilenet_v3_small", "--image-size", 32]
    rc, lines, err = _run(capsys, *argv, "--out-dir", tmp_path / "e")
    assert rc == 0, err
    assert "data: 24 images of 2 classes in" in "\n".join(lines)
    assert re.fullmatch(r"test accuracy: \d+\.\d%", lines[-1])
    rc, ref, err = _run(capsys, *argv, "--out-dir", tmp_path / "t", "--backend", "torch")
    assert rc == 0, err
    for mine, theirs in zip(_epoch(lines), _epoch(ref), strict=True):
        assert abs(mine - theirs) <= 2e-3 * max(1.0, abs(theirs))


def test_pretrained_frozen_backbone(image_dir, tmp_path, monkeypatch, capsys):
    from tests.third_party import import_torchvision

    tv = import_torchvision().models
    url = tv.SqueezeNet1_1_Weights.DEFAULT.url
    cache = tmp_path / "th" / "hub" / "checkpoints"
    cache.mkdir(parents=True)
    torch.manual_seed(0)
    torch.save(tv.squeezenet1_1().state_dict(), cache / url.rsplit("/", 1)[1])
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    rc, lines, err = _run(capsys, "--data", image_dir, "--model", "squeezenet1_1", "--pretrained",
                          "--freeze-backbone", "--image-size", 32, "--out-dir", tmp_path / "o")
    assert rc == 0, err
    assert "model: squeezenet1_1, 723522 parameters (1026 trainable); 1 epoch" in lines
    rc, resumed, err = _run(capsys, "--resume", tmp_path / "o" / "last.pt", "--epochs", 2,
                            "--out-dir", tmp_path / "r")
    assert rc == 0, err
    assert any(line.startswith("epoch 2/2") for line in resumed)


@pytest.mark.parametrize("argv,needle", [
    (["--model", "resnet18"], "need --data DIR"),
    (["--data", "{tmp}/nope"], "--data: no such folder"),
    (["--data", "{img}", "--model", "resnet9000"], "--model: unknown model 'resnet9000'"),
    (["--data", "{img}", "--freeze-backbone"], "--freeze-backbone needs --pretrained"),
    (["--data", "{img}", "--image-size", "8"], "--image-size must be at least 16"),
])
def test_bad_vision_flags_are_one_line(argv, needle, image_dir, tmp_path, capsys):
    argv = [a.format(tmp=tmp_path, img=image_dir) for a in argv]
    rc, _, err = _run(capsys, *argv, "--out-dir", tmp_path / "o")
    assert rc == 2
    assert len(err) == 1 and needle in err[0], err
