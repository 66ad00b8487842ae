"""Pools of names, streets and companies, drawn once from Faker with the run's seed.

Calling Faker per row is slow; a few thousand pre-drawn values, picked from each family's own random
stream, give the same variety at a fraction of the cost and keep every family independent.
"""

from __future__ import annotations

from dataclasses import dataclass

from faker import Faker

POOL_SIZE = 600


@dataclass(frozen=True)
class Pools:
    first_male: tuple[str, ...]
    first_female: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]
    companies: tuple[str, ...]


def _unique(draw, size: int, limit: int = 50) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    attempts = 0
    while len(seen) < size and attempts < size * limit:
        seen.setdefault(draw(), None)
        attempts += 1
    return tuple(seen)


def build(seed: int, companies: int) -> Pools:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return Pools(
        first_male=_unique(fake.first_name_male, POOL_SIZE // 2),
        first_female=_unique(fake.first_name_female, POOL_SIZE // 2),
        last=_unique(fake.last_name, POOL_SIZE),
        streets=_unique(fake.street_address, POOL_SIZE * 2),
        companies=_unique(fake.company, companies),
    )
