"""Random numbers with torch's CPU streams: manual_seed, Generator, rand/randn/randint/..."""
from __future__ import annotations

__all__: list = []
