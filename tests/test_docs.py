"""The README and the other documents point only inside the repository, at files that exist."""
from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "examples").rglob("README*"))]
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_OUTSIDE = re.compile(r"(?<![\w.])(\.\./|/work/|/home/|/tmp/|[A-Z]:\\)")


@pytest.mark.parametrize("doc", DOCS, ids=[str(d.relative_to(ROOT)) for d in DOCS])
def test_links_stay_inside_the_repository(doc):
    text = doc.read_text(encoding="utf-8")
    assert not _OUTSIDE.search(text), _OUTSIDE.search(text).group(0)
    for target in _LINK.findall(text):
        if re.match(r"[a-z]+://|#|mailto:", target):
            continue
        path = (doc.parent / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), target


def test_license_is_the_declared_mit():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n\nCopyright (c) 2026")
    assert 'license = {text = "MIT"}' in (ROOT / "pyproject.toml").read_text()


def test_readme_states_python_version_and_clone_step():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python >= 3.11" in readme and 'requires-python = ">=3.11"' in (
        ROOT / "pyproject.toml").read_text()
    assert "git clone " in readme and "\ncd ember\n" in readme
    assert "docs/architecture.md" in readme
