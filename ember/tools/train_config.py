"""Hyper-parameters of the ember-train demo: built-in defaults, optionally overridden by a YAML
file. Unknown keys, unusable values and unreadable files are one-line errors naming the problem."""
from __future__ import annotations

import math
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


def _read_file(path: str) -> tuple[dict, list[str]]:
    """The mapping written in the YAML file at `path` (not yet checked); also notes on fallbacks."""
    p = pathlib.Path(path)
    if not p.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {path} is not UTF-8 text (byte "
                          f"0x{exc.object[exc.start]:02x} at offset {exc.start})") from None
    notes = []
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
    return data, notes


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _split_ok(v) -> bool:
    return (len(v) == 3 and all(_is_number(f) and f > 0 for f in v)
            and math.isclose(sum(v), 1.0, abs_tol=1e-6))


def _channels_ok(v) -> bool:
    return len(v) == 2 and all(isinstance(c, int) and not isinstance(c, bool) and c >= 1
                               for c in v)


# key -> (is the (type-checked) value usable, what a usable value is)
RULES: dict = {
    "seed": (lambda v: -2 ** 63 <= v < 2 ** 64, "an integer in [-2**63, 2**64)"),
    "split": (_split_ok, "three positive fractions that sum to 1, like [0.7, 0.15, 0.15]"),
    "batch_size": (lambda v: v >= 1, "at least 1"),
    "epochs": (lambda v: v >= 1, "at least 1"),
    "lr": (lambda v: math.isfinite(v) and v > 0, "a positive number"),
    "weight_decay": (lambda v: math.isfinite(v) and v >= 0, "a number >= 0"),
    "scheduler_step": (lambda v: v >= 1, "at least 1"),
    "scheduler_gamma": (lambda v: math.isfinite(v) and v > 0, "a positive number"),
    "channels": (_channels_ok, "a list of two positive integers, like [24, 48]"),
    "hidden": (lambda v: v >= 1, "at least 1"),
    "dropout": (lambda v: 0 <= v <= 1, "between 0 and 1"),
    "num_workers": (lambda v: v >= 0, "at least 0"),
    "out_dir": (lambda v: v.strip() != "", "a folder name"),
}


def check_values(data: dict, source: str) -> dict:
    """`data` with every key known and every value of the right type and range, else ConfigError.

    Integers are accepted for float keys, and so is text that reads as a number: PyYAML takes
    `1e-3` (no decimal point) for a string."""
    out = {}
    for key, value in data.items():
        if key not in DEFAULTS:
            raise ConfigError(f"unknown config key {key!r} in {source} "
                              f"(known: {', '.join(sorted(DEFAULTS))})")
        want = type(DEFAULTS[key])
        if want is float and isinstance(value, (int, str)) and not isinstance(value, bool):
            try:
                value = float(value)
            except ValueError:
                pass
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            article = "an" if want.__name__[0] in "aeiou" else "a"
            raise ConfigError(f"config key {key!r} must be {article} {want.__name__}, "
                              f"got {value!r}")
        usable, what = RULES[key]
        if not usable(value):
            raise ConfigError(f"config key {key!r} must be {what}, got {value!r}")
        out[key] = value
    return out


def read_config(path: str) -> tuple[dict, list[str]]:
    """The checked keys and values of the YAML file at `path`; also notes on what was skipped."""
    data, notes = _read_file(path)
    return check_values(data, str(path)), notes
