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
ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS paced_by date;
ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS checksums jsonb;
COMMENT ON TABLE {TABLE} IS 'The synthetic-data generator run that filled schema raw (one row).';
COMMENT ON COLUMN {TABLE}.paced_by IS 'The as-of date the practice was first generated for, once advanced.';
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
    paced_by: date | None = None  # the as-of date it was first generated for, when advanced since
    checksums: dict[str, str] | None = None  # per table, a hash of its rows (see checksums())

    @property
    def pace(self) -> date:
        """The as-of date whose window sizes the practice."""
        return self.paced_by or self.as_of

    def describe(self) -> str:
        return (f"{self.patients:,} patients, {self.appointments:,} appointments, {self.procedures:,} procedures, "
                f"seed {self.seed}, {self.start_date} to as-of {self.as_of}, generator {self.version}")

    def settings(self, config: GeneratorConfig) -> GeneratorConfig:
        """The configuration with the practice's settings of this run (connection and output options kept)."""
        return replace(config, num_patients=self.patients, num_appointments=self.appointments,
                       num_procedures=self.procedures, seed=self.seed, start_date=self.start_date,
                       as_of=self.as_of, paced_by=self.paced_by)


def record(conn, config: GeneratorConfig, counts: dict[str, int]) -> None:
    """Replace the record with this run's, inside the caller's transaction (after its rows are in)."""
    sums = checksums(conn, sorted(counts))
    with conn.cursor() as cur:
        cur.execute(_DDL)
        cur.execute(f"DELETE FROM {TABLE}")
        cur.execute(
            f"""INSERT INTO {TABLE} (generator_version, seed, patients, appointments, procedures, start_date,
                                     as_of, row_counts, paced_by, checksums)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
            (VERSION, config.seed, config.num_patients, config.num_appointments, config.num_procedures,
             config.start_date, config.as_of, json.dumps(dict(sorted(counts.items()))), config.paced_by,
             json.dumps(sums)))


def checksums(conn, tables: list[str]) -> dict[str, str]:
    """Per table, the sum of a 64-bit hash of every row's text: any row changed, added or removed changes it,
    whatever the order of the rows."""
    known = set(schema.tables())
    names = [t for t in tables if t in known]  # names from the contract only
    if not names:
        return {}
    with conn.cursor() as cur:
        cur.execute(" UNION ALL ".join(
            f"SELECT '{t}', coalesce(sum(hashtextextended(r::text, 0)), 0)::text FROM raw.{t} r" for t in names))
        return dict(sorted(cur.fetchall()))


def forget(conn) -> None:
    """Drop the record (a shard run: the database no longer holds one recorded run)."""
    with conn.cursor() as cur:
        if _exists(cur):
            cur.execute(f"DELETE FROM {TABLE}")


def read(conn) -> Manifest | None:
    with conn.cursor() as cur:
        if not _exists(cur):
            return None
        cur.execute("""SELECT count(*) FROM information_schema.columns
                       WHERE table_schema = %s AND table_name = 'run' AND column_name IN ('paced_by', 'checksums')""",
                    (SCHEMA,))
        later = cur.fetchone()[0] == 2  # columns a record made by an earlier version of this one lacks
        cur.execute(f"""SELECT generator_version, seed, patients, appointments, procedures, start_date, as_of,
                               row_counts, {'paced_by, checksums' if later else 'NULL, NULL'} FROM {TABLE}""")
        rows = cur.fetchall()
    if len(rows) != 1:
        return None
    version, seed, patients, appointments, procedures, start, as_of, counts, paced_by, sums = rows[0]
    return Manifest(version, seed, patients, appointments, procedures, start, as_of,
                    {table: int(n) for table, n in counts.items()}, paced_by, sums)


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
