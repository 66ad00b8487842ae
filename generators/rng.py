"""Derived random streams.

Every stream is keyed by (seed, purpose, entity...), for example (42, "family", 17). A family's history
therefore depends only on the seed and the family, never on what was generated before it: the same
inputs give the same rows whatever the order or size of the chunks.
"""

from __future__ import annotations

import hashlib
import random


def stream(seed: int, *keys) -> random.Random:
    digest = hashlib.blake2b(repr((seed, *keys)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "little"))


def weighted(rng: random.Random, options: dict):
    """One key of `options`, drawn with the given weights."""
    return rng.choices(list(options), weights=list(options.values()))[0]
