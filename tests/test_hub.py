"""ember.hub against torch.hub: cache directory rules, downloads from a throwaway HTTP server on
127.0.0.1 (progress, sha256 prefix, atomic rename), the offline error, local hubconf entry points,
and pretrained zoo weights read from the cache."""
import functools
import hashlib
import http.server
import os
import threading
import warnings
from urllib.error import URLError

import numpy as np
import pytest
import torch

import ember
from ember import hub
from tests.oracle import assert_same, to_ember


@pytest.fixture
def clean_hub(monkeypatch, tmp_path):
    """No set_dir override and no hub environment variables, in either library."""
    for var in ("TORCH_HOME", "XDG_CACHE_HOME", "TORCH_HUB", "TORCH_MODEL_ZOO"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.setattr(torch.hub, "_hub_dir", None)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_get_dir_rules_match_torch(clean_hub, monkeypatch):
    assert hub.get_dir() == torch.hub.get_dir() == str(clean_hub / "home/.cache/torch/hub")
    monkeypatch.setenv("XDG_CACHE_HOME", str(clean_hub / "xdg"))
    assert hub.get_dir() == torch.hub.get_dir() == str(clean_hub / "xdg/torch/hub")
    monkeypatch.setenv("TORCH_HOME", str(clean_hub / "th"))
    assert hub.get_dir() == torch.hub.get_dir() == str(clean_hub / "th/hub")
    hub.set_dir("~/mine")
    torch.hub.set_dir("~/mine")
    assert hub.get_dir() == torch.hub.get_dir() == str(clean_hub / "home/mine")
    monkeypatch.setenv("TORCH_HUB", "x")
    with pytest.warns(UserWarning, match="TORCH_HUB is deprecated, please use env TORCH_HOME"):
        hub.get_dir()


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 serving tmp_path/'srv'; yields (base url, directory)."""
    root = tmp_path / "srv"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()
    httpd.server_close()


def _torch_checkpoint(root, stem: str) -> tuple[str, dict]:
    """A torch.save'd state_dict named <stem>-<sha256 prefix>.pth, as the zoo names its files."""
    torch.manual_seed(0)
    state = {"weight": torch.randn(4, 3), "bias": torch.randn(4)}
    tmp = root / "tmp.pth"
    torch.save(state, tmp)
    digest = hashlib.sha256(tmp.read_bytes()).hexdigest()
    name = f"{stem}-{digest[:8]}.pth"
    tmp.rename(root / name)
    return name, state


def test_load_state_dict_from_url_downloads_checks_and_caches(clean_hub, server, capsys):
    base, root = server
    name, state = _torch_checkpoint(root, "tiny")
    hub.set_dir(str(clean_hub / "cache"))
    got = hub.load_state_dict_from_url(f"{base}/{name}", check_hash=True, progress=True)
    cached = clean_hub / "cache" / "checkpoints" / name
    assert cached.exists()
    out = capsys.readouterr()
    assert f'Downloading: "{base}/{name}" to {cached}' in out.out
    assert "100%" in out.err
    assert list(got) == list(state)
    for k, v in state.items():
        assert_same(got[k], v, rtol=0, atol=0)
    (root / name).unlink()  # the second call is served from the cache
    again = hub.load_state_dict_from_url(f"{base}/{name}", map_location="cpu")
    assert_same(again["bias"], state["bias"], rtol=0, atol=0)
    assert not [p for p in cached.parent.iterdir() if p.name.endswith(".partial")]


def test_hash_mismatch_leaves_no_file(clean_hub, server):
    base, root = server
    name, _ = _torch_checkpoint(root, "tiny")
    (root / name).rename(root / "bad-0000abcd.pth")
    dst = clean_hub / "bad-0000abcd.pth"
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "0000abcd", got "'):
        hub.download_url_to_file(f"{base}/bad-0000abcd.pth", str(dst), "0000abcd",
                                 progress=False)
    assert os.listdir(clean_hub) == ["srv"]


def test_offline_error_names_url_and_path(clean_hub, server):
    base, _ = server
    hub.set_dir(str(clean_hub / "cache"))
    url = f"{base}/missing-12345678.pth"
    with pytest.raises(URLError) as info:
        hub.load_state_dict_from_url(url, progress=False)
    message = str(info.value)
    assert url in message
    assert str(clean_hub / "cache" / "checkpoints" / "missing-12345678.pth") in message


def test_local_hubconf(tmp_path):
    (tmp_path / "hubconf.py").write_text(
        "dependencies = ['numpy']\n"
        "import ember\n"
        "def tiny(width=3, *, scale=1.0):\n"
        "    '''A linear layer.'''\n"
        "    return ember.nn.Linear(width, 2), scale\n")
    layer, scale = hub.load(str(tmp_path), "tiny", 5, source="local", scale=2.0)
    assert layer.in_features == 5 and scale == 2.0
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        hub.load(str(tmp_path), "nope", source="local")
    with pytest.raises(ValueError, match='Unknown source: "web"'):
        hub.load(str(tmp_path), "tiny", source="web")
    with pytest.raises(NotImplementedError, match="pytorch/vision"):
        hub.load("pytorch/vision", "resnet18")
    (tmp_path / "hubconf.py").write_text("dependencies = ['no_such_pkg_xyz']\ndef f(): pass\n")
    with pytest.raises(RuntimeError, match="Missing dependencies: no_such_pkg_xyz"):
        hub.load(str(tmp_path), "f", source="local")


def test_pretrained_weights_from_the_cache(clean_hub, monkeypatch):
    """weights=... and the legacy pretrained=True read torchvision's file from TORCH_HOME."""
    from ember.vision import models
    from tests.third_party import import_torchvision

    tv = import_torchvision().models
    monkeypatch.setenv("TORCH_HOME", str(clean_hub / "th"))
    torch.manual_seed(0)
    t = tv.squeezenet1_1()
    url = tv.SqueezeNet1_1_Weights.IMAGENET1K_V1.url
    checkpoints = clean_hub / "th" / "hub" / "checkpoints"
    checkpoints.mkdir(parents=True)
    torch.save(t.state_dict(), checkpoints / os.path.basename(url))
    e = models.squeezenet1_1(weights=models.SqueezeNet1_1_Weights.DEFAULT, progress=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e2 = models.squeezenet1_1(pretrained=True)
    assert [str(w.message)[:40] for w in caught] == [
        "The parameter 'pretrained' is deprecated",
        "Arguments other than a weight enum or `N"]
    x = np.random.default_rng(0).uniform(0, 1, (1, 3, 32, 32)).astype(np.float32)
    t.eval()
    with torch.no_grad(), ember.no_grad():
        expected = t(torch.from_numpy(x))
        for m in (e, e2):
            assert_same(m.eval()(to_ember(torch.from_numpy(x))), expected, rtol=1e-4, atol=1e-5)
