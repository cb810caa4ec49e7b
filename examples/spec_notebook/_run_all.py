"""Runs the given programs of this folder one after another in this one process (so the framework
is imported once) and writes {program: {"stdout", "error"}} as JSON; tests/test_spec_notebook.py
uses it. `python examples/spec_notebook/_run_all.py [--torch] 03_data_pipeline.py ...`"""
import contextlib
import io
import json
import pathlib
import runpy
import sys
import traceback

HERE = pathlib.Path(__file__).resolve().parent


def main() -> None:
    use_torch = "--torch" in sys.argv
    names = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = sys.stdout
    results = {}
    for name in names:
        path = HERE / name
        sys.argv = [str(path)] + (["--torch"] if use_torch else [])
        buf, error = io.StringIO(), None
        try:
            with contextlib.redirect_stdout(buf):
                runpy.run_path(str(path), run_name="__main__")
        except BaseException:  # noqa: BLE001 - reported to the test, which fails on it
            error = traceback.format_exc()
        results[name] = {"stdout": buf.getvalue(), "error": error}
    # ember's programs must not reach for the real torch (a silent fallback would hide gaps)
    results["_torch_imported"] = "torch" in sys.modules
    out.write(json.dumps(results))


if __name__ == "__main__":
    main()
