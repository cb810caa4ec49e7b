"""Run one program under torch and under ember and compare: results, or exception types/messages."""
from __future__ import annotations

import re

import torch

import ember
from tests.oracle import assert_same, builtin_error


def _run(fn, lib):
    try:
        return fn(lib), None
    except Exception as exc:  # noqa: BLE001 - the exception is what gets compared
        return None, exc


def same(fn, match=None, same_message=False, **kw):
    """fn(lib) gives the same result under both, or raises the same builtin type under both.

    `match`: a regex both messages must contain; `same_message`: the messages must be equal.
    """
    t_out, t_exc = _run(fn, torch)
    e_out, e_exc = _run(fn, ember)
    if t_exc is not None:
        assert e_exc is not None, f"torch raised {t_exc!r}; ember returned {e_out!r}"
        assert builtin_error(e_exc) is builtin_error(t_exc), \
            f"ember raised {e_exc!r}; torch raised {t_exc!r}"
        if match is not None:
            assert re.search(match, str(t_exc)), f"torch message {str(t_exc)!r} lacks {match!r}"
            assert re.search(match, str(e_exc)), f"ember message {str(e_exc)!r} lacks {match!r}"
        if same_message:
            assert str(e_exc) == str(t_exc), f"ember: {str(e_exc)!r}\ntorch: {str(t_exc)!r}"
        return e_exc, t_exc
    if e_exc is not None:
        raise AssertionError(f"ember raised {e_exc!r}; torch returned {t_out!r}") from e_exc
    assert_same(e_out, t_out, **kw)
    return e_out, t_out


def names(pairs):
    """next_functions as comparable (type name or None, input_nr) pairs."""
    return [(None if n is None else type(n).__name__, nr) for n, nr in pairs]


__all__ = ["ember", "names", "same", "torch"]
