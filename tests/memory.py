"""A small practice generated in memory, without a database, for the fast tests (pytest -m "not db").

`practice()` generates it once per test session: every table's rows as tuples, reference and households alike,
exactly as a database run with the same settings would load them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from config import GeneratorConfig
from contract import schema
from contract.tables import REFERENCE_TABLES
from generators import engine

SETTINGS = {"num_patients": 600, "num_appointments": 1800, "num_procedures": 4700, "seed": 3,
            "start_date": date(2023, 1, 1), "as_of": date(2026, 12, 1), "workers": 1}


@dataclass
class Practice:
    run: engine.Run
    tables: dict[str, list[tuple]]  # every generated table's rows, reference rows first, chunks in order

    def dicts(self, table: str) -> list[dict]:
        names = [c.name for c in schema.table(table).columns]
        return [dict(zip(names, row)) for row in self.tables.get(table, [])]


@cache
def practice(**overrides) -> Practice:
    config = GeneratorConfig(**{**SETTINGS, **overrides})
    run = engine.prepare(config)
    tables = {t: list(run.ctx.sinks.rows(t)) for t in REFERENCE_TABLES}
    for index in range(len(run.chunks)):
        for table, rows in engine.chunk_rows(run, index).items():
            tables.setdefault(table, []).extend(rows)
    return Practice(run, tables)
