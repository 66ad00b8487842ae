"""Derived random streams.

Every stream is keyed by (seed, purpose, entity...), for example (42, "family", 17). A family's history
therefore depends only on the seed and the family, never on what was generated before it: the same
inputs give the same rows whatever the order or size of the chunks.
"""

from __future__ import annotations

import hashlib
import itertools
import random


def stream(seed: int, *keys) -> random.Random:
    digest = hashlib.blake2b(repr((seed, *keys)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "little"))


def weighted(rng: random.Random, options: dict):
    """One key of `options`, drawn with the given weights."""
    cached = _CUMULATIVE.get(id(options))
    if cached is None or cached[0] is not options:
        # Holding the table itself keeps its id from being reused while the entry lives.
        cached = _CUMULATIVE[id(options)] = (options, list(options), list(itertools.accumulate(options.values())))
    return rng.choices(cached[1], cum_weights=cached[2])[0]


_CUMULATIVE: dict[int, tuple[dict, list, list]] = {}  # keys and cumulative weights of each option table
