"""What the database says about the run that filled it: the generator's version, the practice's settings
(patients, appointments, procedures, seed, first day, as-of date) and the rows it wrote per table.

A whole run records it in `generator.run`, one row, in the run's own transaction, so it is there exactly when
the data is. `--validate-only` checks the data against these settings instead of the ones configured now, and
says when a table holds other rows than the run wrote (changed by hand since). A shard is only part of a run,
so loading one removes the record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

from config import GeneratorConfig
from contract import schema

VERSION = "0.1.0"  # the generator's version, as pyproject.toml gives it (tests/test_manifest.py compares them)
SCHEMA = "generator"
TABLE = f"{SCHEMA}.run"

_DDL = f"""
CREATE SCHEMA IF NOT EXISTS {SCHEMA};
CREATE TABLE IF NOT EXISTS {TABLE} (
    generator_version text NOT NULL,
    seed bigint NOT NULL,
    patients integer NOT NULL,
    appointments integer NOT NULL,
    procedures integer NOT NULL,
    start_date date NOT NULL,
    as_of date NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    row_counts jsonb NOT NULL
);
COMMENT ON TABLE {TABLE} IS 'The synthetic-data generator run that filled schema raw (one row).';
"""


@dataclass(frozen=True)
class Manifest:
    version: str
    seed: int
    patients: int
    appointments: int
    procedures: int
    start_date: date
    as_of: date
    row_counts: dict[str, int]

    def describe(self) -> str:
        return (f"{self.patients:,} patients, {self.appointments:,} appointments, {self.procedures:,} procedures, "
                f"seed {self.seed}, {self.start_date} to as-of {self.as_of}, generator {self.version}")

    def settings(self, config: GeneratorConfig) -> GeneratorConfig:
        """The configuration with the practice's settings of this run (connection and output options kept)."""
        return replace(config, num_patients=self.patients, num_appointments=self.appointments,
                       num_procedures=self.procedures, seed=self.seed, start_date=self.start_date,
                       as_of=self.as_of)


def record(conn, config: GeneratorConfig, counts: dict[str, int]) -> None:
    """Replace the record with this run's, inside the caller's transaction."""
    with conn.cursor() as cur:
        cur.execute(_DDL)
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(
            f"""INSERT INTO {TABLE} (generator_version, seed, patients, appointments, procedures, start_date,
                                     as_of, row_counts)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
            (VERSION, config.seed, config.num_patients, config.num_appointments, config.num_procedures,
             config.start_date, config.as_of, json.dumps(dict(sorted(counts.items())))))


def forget(conn) -> None:
    """Drop the record (a shard run: the database no longer holds one recorded run)."""
    with conn.cursor() as cur:
        if _exists(cur):
            cur.execute(f"DELETE FROM {TABLE}")


def read(conn) -> Manifest | None:
    with conn.cursor() as cur:
        if not _exists(cur):
            return None
        cur.execute(f"""SELECT generator_version, seed, patients, appointments, procedures, start_date, as_of,
                               row_counts FROM {TABLE}""")
        rows = cur.fetchall()
    if len(rows) != 1:
        return None
    version, seed, patients, appointments, procedures, start, as_of, counts = rows[0]
    return Manifest(version, seed, patients, appointments, procedures, start, as_of,
                    {table: int(n) for table, n in counts.items()})


def changed_tables(conn, manifest: Manifest) -> list[tuple[str, int, int]]:
    """(table, rows now, rows written) for every raw table whose row count is not what the run wrote."""
    known = set(schema.tables())
    tables = sorted(manifest.row_counts)
    if not tables:
        return []
    with conn.cursor() as cur:
        cur.execute("SELECT relname FROM pg_class WHERE relnamespace = 'raw'::regnamespace AND relkind = 'r'")
        present = {name for (name,) in cur.fetchall()}
        counted = [t for t in tables if t in present and t in known]  # names from the contract only
        now = dict.fromkeys(tables, 0)
        if counted:
            cur.execute(" UNION ALL ".join(f"SELECT '{t}', count(*) FROM raw.{t}" for t in counted))
            now.update({t: n for t, n in cur.fetchall()})
    return [(t, now[t], manifest.row_counts[t]) for t in tables if now[t] != manifest.row_counts[t]]


def _exists(cur) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (TABLE,))
    return bool(cur.fetchone()[0])
