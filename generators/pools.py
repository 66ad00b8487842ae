"""Pools of names, streets and companies, drawn once per run from Faker's en_US word lists.

Calling Faker per row is slow, and even its per-value methods cost most of a small run's start-up; the
same word lists and name frequencies, sampled here with the run's seed, give the same variety at a
fraction of the cost and keep every family's draws independent (families pick from the pools with their
own random streams).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from faker.providers.address.en_US import Provider as Addresses
from faker.providers.company.en_US import Provider as Companies
from faker.providers.person.en_US import Provider as People

from generators.rng import stream

POOL_SIZE = 600


@dataclass(frozen=True)
class Pools:
    first_male: tuple[str, ...]
    first_female: tuple[str, ...]
    last: tuple[str, ...]
    streets: tuple[str, ...]
    companies: tuple[str, ...]


def _frequent(rng, names: dict[str, float], size: int) -> tuple[str, ...]:
    """Up to `size` distinct names, common ones more likely to be in (Faker's frequencies)."""
    keys = list(names)
    cumulative = list(itertools.accumulate(names.values()))
    drawn = dict.fromkeys(rng.choices(keys, cum_weights=cumulative, k=size * 4))
    return tuple(itertools.islice(drawn, size))


def _distinct(draw, size: int) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for _ in range(size * 20):
        if len(seen) >= size:
            break
        seen.setdefault(draw(), None)
    return tuple(seen)


def build(seed: int, companies: int) -> Pools:
    rng = stream(seed, "pools")
    last = _frequent(rng, People.last_names, POOL_SIZE)
    first_male = _frequent(rng, People.first_names_male, POOL_SIZE // 2)
    first_female = _frequent(rng, People.first_names_female, POOL_SIZE // 2)
    suffixes = Addresses.street_suffixes

    def street() -> str:
        name = rng.choice(first_male + first_female if rng.random() < 0.5 else last)
        return f"{rng.randint(100, 29999)} {name} {rng.choice(suffixes)}"

    def company() -> str:
        a, b, c = rng.choice(last), rng.choice(last), rng.choice(last)
        return rng.choice([f"{a} {rng.choice(Companies.company_suffixes)}", f"{a}-{b}", f"{a}, {b} and {c}"])

    return Pools(
        first_male=first_male,
        first_female=first_female,
        last=last,
        streets=_distinct(street, POOL_SIZE * 2),
        companies=_distinct(company, companies),
    )
