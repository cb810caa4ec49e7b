"""Hyper-parameters of the ember-train demo: built-in defaults, optionally overridden by a YAML
file. Unknown keys and unreadable files are errors that name the problem."""
from __future__ import annotations

import pathlib

DEFAULTS: dict = {
    "seed": 0,                      # one seed for the split, the initial weights and shuffling
    "split": [0.7, 0.15, 0.15],     # train / validation / test fractions
    "batch_size": 32,
    "epochs": 15,
    "lr": 0.003,                    # Adam
    "weight_decay": 0.0001,
    "scheduler_step": 5,            # StepLR: multiply lr by gamma every this many epochs
    "scheduler_gamma": 0.5,
    "channels": [24, 48],           # the two conv layers
    "hidden": 96,                   # the fully connected layer
    "dropout": 0.1,
    "num_workers": 0,
    "out_dir": "ember-train-out",   # checkpoint and curve go here
}


class ConfigError(ValueError):
    """A config problem, reported as one line."""


def _parse_scalar(text: str):
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        return [_parse_scalar(t) for t in text[1:-1].split(",") if t.strip()]
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text.strip("'\"")


def _parse_flat_yaml(text: str) -> dict:
    """The flat `key: value` subset of YAML that the demo's config uses (when PyYAML is absent)."""
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if ":" not in line or line.startswith((" ", "\t")):
            raise ConfigError(f"line {n}: expected 'key: value' (install PyYAML for full YAML)")
        key, value = line.split(":", 1)
        out[key.strip()] = _parse_scalar(value)
    return out


def load_config(path: str | None) -> tuple[dict, list[str]]:
    """The defaults merged with the YAML file at `path`; also the notes on what was skipped."""
    cfg, notes = dict(DEFAULTS), []
    if path is None:
        return cfg, notes
    p = pathlib.Path(path)
    if not p.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        text = p.read_text()
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    try:
        import yaml
    except ImportError:
        notes.append("PyYAML not installed: read the config as flat 'key: value' lines")
        data = _parse_flat_yaml(text)
    else:
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            detail = " ".join(str(exc).split())  # one line, however PyYAML formats it
            raise ConfigError(f"config file {path} is not valid YAML: {detail}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of keys to values")
    for key, value in data.items():
        if key not in DEFAULTS:
            raise ConfigError(f"unknown config key {key!r} in {path} "
                              f"(known: {', '.join(sorted(DEFAULTS))})")
        want = type(DEFAULTS[key])
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            article = "an" if want.__name__[0] in "aeiou" else "a"
            raise ConfigError(f"config key {key!r} must be {article} {want.__name__}, "
                              f"got {value!r}")
        cfg[key] = value
    return cfg, notes
