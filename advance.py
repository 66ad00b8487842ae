"""python main.py --advance-to DATE: take the practice in the database from its as-of date to DATE.

The practice at any as-of date is a function of the run's record (generator.run: seed, size, first day and the
as-of date it was first generated for, which keeps sizing it) and that date alone. So an advance generates the
practice twice, at the database's as-of date and at DATE, compares the two row by row by primary key, and applies
only the difference, in one transaction: rows new by DATE are inserted, rows whose content changed are replaced,
rows gone are deleted. Advancing from X to Z and then to Y therefore leaves exactly what one step from X to Y
leaves, and both what a fresh run from the same record at Y gives.

Before anything is written the database must be one this generator made, of this version, with the options
given (if any), not changed by hand since (row counts and row checksums per table against the record), and DATE
must lie between its as-of date and today (and within the room its ids were planned for). Each refusal is one
line and exit 2 with nothing written. The whole database is then validated as a fresh run's is; a failed check,
Ctrl-C, SIGTERM or a lost connection roll everything back.
"""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass, field, replace

from psycopg2.extras import execute_values

import loader
import manifest
from config import PRACTICE_SETTINGS, GeneratorConfig
from contract import schema
from contract.tables import GENERATED_TABLES, REFERENCE_TABLES
from generators import engine
from generators.calendar import Window
from writers import copytext

SETTING_FLAGS = {"num_patients": "--patients", "num_appointments": "--appointments",
                 "num_procedures": "--procedures", "seed": "--seed", "start_date": "--start-date"}


class Refused(Exception):
    """The database cannot be advanced as asked; the message says why and what to do instead."""


@dataclass
class TableChange:
    """What an advance does to one table."""

    inserted: list[tuple] = field(default_factory=list)
    updated: list[tuple] = field(default_factory=list)
    deleted: list[tuple] = field(default_factory=list)  # primary keys

    def __bool__(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)

    def counts(self) -> tuple[int, int, int]:
        return len(self.inserted), len(self.updated), len(self.deleted)

    def extend(self, other: TableChange) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.deleted += other.deleted


Changes = dict[str, TableChange]


def totals(changes: Changes) -> tuple[int, int, int]:
    """Rows inserted, updated and deleted over every table."""
    parts = [change.counts() for change in changes.values()]
    return sum(p[0] for p in parts), sum(p[1] for p in parts), sum(p[2] for p in parts)


def check(recorded: manifest.Manifest | None, config: GeneratorConfig) -> None:
    """Refuse what cannot be advanced (before anything is generated): raises Refused."""
    name = config.db_name
    if recorded is None:
        raise Refused(f"database {name} holds no record of a generator run (generator.run), so this generator did "
                      f"not make it or it was loaded in shards; generate it with python main.py --reset first")
    if recorded.version != manifest.VERSION:
        raise Refused(f"database {name} was made by generator {recorded.version}, this is {manifest.VERSION}; "
                      f"generate it afresh with --reset")
    made = recorded.settings(config)
    for setting in PRACTICE_SETTINGS:
        if setting in config.explicit and getattr(config, setting) != getattr(made, setting):
            flag = SETTING_FLAGS[setting]
            raise Refused(f"database {name} was made with {flag} {getattr(made, setting)}, not "
                          f"{getattr(config, setting)}; drop {flag} (the database keeps its own) or generate afresh "
                          f"with --reset")
    target = config.advance_to
    if target < recorded.as_of:
        raise Refused(f"--advance-to {target} is before the database's as-of date {recorded.as_of}; a practice "
                      f"only moves forward (generate it afresh with --reset --as-of {target})")
    horizon = Window(recorded.start_date, target, recorded.pace).horizon
    if target > horizon:
        raise Refused(f"--advance-to {target} is past {horizon}, the latest date a practice generated for "
                      f"{recorded.pace} can be advanced to; generate it afresh with --reset")


def hand_changes(conn, recorded: manifest.Manifest) -> str | None:
    """The first table whose rows are not what the generator left (counts, then checksums), as a message."""
    for table, now, written in manifest.changed_tables(conn, recorded):
        return f"raw.{table} holds {now:,} rows where the generator left {written:,}"
    if recorded.checksums:
        now = manifest.checksums(conn, sorted(recorded.checksums))
        for table, value in sorted(recorded.checksums.items()):
            if now.get(table) != value:
                return f"rows of raw.{table} were changed since the generator left them"
    return None


def configs(recorded: manifest.Manifest, config: GeneratorConfig) -> tuple[GeneratorConfig, GeneratorConfig]:
    """The practice as the database holds it, and as it is on the new date (same record, same pace)."""
    before = replace(recorded.settings(config), paced_by=recorded.pace)
    return before, replace(before, as_of=config.advance_to)


# ---- the difference between two as-of dates

def _keyer(table: str):
    t = schema.table(table)
    positions = [t.index[c] for c in t.primary_key]
    if len(positions) == 1:
        (only,) = positions
        return lambda row: row[only]
    return lambda row: tuple(row[p] for p in positions)


def difference(table: str, before: list[tuple], after: list[tuple]) -> TableChange:
    """Rows of `after` not in `before` (by primary key), rows whose content changed, keys no longer there."""
    key = _keyer(table)
    old = {key(row): row for row in before}
    change = TableChange()
    for row in after:
        k = key(row)
        was = old.pop(k, None)
        if was is None:
            change.inserted.append(row)
        elif was != row:
            change.updated.append(row)
    change.deleted = list(old)
    return change


@dataclass
class Plan:
    """Both practices, prepared, and the difference once computed."""

    before: engine.Run
    after: engine.Run
    changes: Changes = field(default_factory=dict)


def prepare(before: GeneratorConfig, after: GeneratorConfig) -> Plan:
    run_before, run_after = engine.prepare(before), engine.prepare(after)
    if (run_before.ids.first, run_before.ids.size) != (run_after.ids.first, run_after.ids.size):
        # the id blocks are planned up to the horizon for exactly this: a mismatch is a bug, not bad input
        raise RuntimeError("the id plans of the two as-of dates differ; the rows cannot be compared")
    return Plan(run_before, run_after)


_PLAN: Plan | None = None  # inherited by forked workers


def _chunk_difference(index: int) -> tuple[int, Changes]:
    assert _PLAN is not None
    before = engine.chunk_rows(_PLAN.before, index)
    after = engine.chunk_rows(_PLAN.after, index)
    changes = {}
    for table in set(before) | set(after):
        change = difference(table, before.get(table, []), after.get(table, []))
        if change:
            changes[table] = change
    return index, changes


def compute(plan: Plan, workers: int) -> Changes:
    """The difference of every table: reference rows, then the households chunk by chunk (in parallel)."""
    global _PLAN
    changes: Changes = {}
    for table in REFERENCE_TABLES:
        change = difference(table, plan.before.ctx.sinks.rows(table), plan.after.ctx.sinks.rows(table))
        if change:
            changes[table] = change
    indices = list(range(len(plan.after.chunks)))
    _PLAN = plan
    try:
        if workers <= 1 or len(indices) <= 1:
            results = map(_chunk_difference, indices)
            for _, chunk in results:
                _merge(changes, chunk)
        else:
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=engine.worker_start)
            try:
                for _, chunk in pool.imap(_chunk_difference, indices):
                    _merge(changes, chunk)
                pool.close()
            except BaseException:
                pool.terminate()
                raise
            finally:
                pool.join()
    finally:
        _PLAN = None
    plan.changes = changes
    return changes


def _merge(changes: Changes, chunk: Changes) -> None:
    for table, change in chunk.items():
        changes.setdefault(table, TableChange()).extend(change)


# ---- applying it

def apply(conn, changes: Changes) -> dict[str, float]:
    """Delete the replaced and removed rows by primary key, then COPY the new and replaced ones; seconds per
    table. Inside the caller's transaction."""
    seconds = {}
    with conn.cursor() as cur:
        for table in GENERATED_TABLES:
            change = changes.get(table)
            if not change:
                continue
            started = time.perf_counter()
            t, key = schema.table(table), _keyer(table)
            gone = [_key_tuple(k) for k in change.deleted] + [_key_tuple(key(r)) for r in change.updated]
            if gone:
                columns = ", ".join(t.columns[t.index[c]].ident for c in t.primary_key)
                match = " AND ".join(f"t.{t.columns[t.index[c]].ident} = k.{t.columns[t.index[c]].ident}"
                                     for c in t.primary_key)
                execute_values(cur, f"DELETE FROM {t.qualified} t USING (VALUES %s) AS k ({columns}) WHERE {match}",
                               gone, page_size=5000)
            rows = change.inserted + change.updated
            if rows:
                loader.copy_text(conn, table, copytext.encode(table, rows))
            seconds[table] = time.perf_counter() - started
    return seconds


def _key_tuple(key) -> tuple:
    return key if isinstance(key, tuple) else (key,)


def end_of_data(config: GeneratorConfig):
    """The latest timestamp the advanced practice carries (what the ETL status rows are stamped with)."""
    return Window(config.start_date, config.as_of, config.paced_by).end_of_data


# ---- how a change is stamped

AUDIT_COLUMNS = ("DateTStamp", "SecDateTEdit", "HistDateTStamp", "DateTMeasureEdit", "DateTSheetEdited")


def audit_columns(table: str) -> list[int]:
    """Positions of the table's audit columns (the time a row was last changed), which incremental models read."""
    t = schema.table(table)
    return [t.index[c] for c in AUDIT_COLUMNS if c in t.index]


def stale(table: str, rows: list[tuple], since) -> list[tuple]:
    """Rows (new or changed by an advance) whose audit columns all say they were last changed before `since`:
    an incremental model would miss them. Empty for a table without audit columns."""
    positions = audit_columns(table)
    if not positions:
        return []
    return [row for row in rows if all(row[p] is None or row[p] < since for p in positions)]


def counts_after(recorded: manifest.Manifest, changes: Changes) -> dict[str, int]:
    return {t: recorded.row_counts.get(t, 0) + len(c.inserted) - len(c.deleted)
            for t, c in ((t, changes.get(t, TableChange())) for t in GENERATED_TABLES)}
