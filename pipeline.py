"""One drive loop for every output: the reference rows, then the households chunk by chunk, then the ETL status.

The same loop feeds PostgreSQL, CSV and Parquet (writers/): the generators hand over typed rows, the writer
encodes them (in the worker processes) and stores them (in the main process, in chunk order), so the three
outputs of one seed hold the same rows.
"""

from __future__ import annotations

from datetime import datetime

from contract import schema
from contract.tables import GENERATED_TABLES, REFERENCE_TABLES
from generators import engine
from generators.sink import Sinks
from writers.base import Writer

TRANSFORM_RUN = "dbt_transformation_run"  # the row the dbt project's on-run hooks upsert (contract etl.md)


def write_reference(run: engine.Run, writer: Writer, progress) -> dict[str, int]:
    """Every reference table; returns the rows per table."""
    counts = {}
    for table in REFERENCE_TABLES:
        rows = run.ctx.sinks.rows(table)
        writer.write(table, writer.encode(table, rows), len(rows))
        counts[table] = len(rows)
        progress.add(table, len(rows))
    writer.flush()
    return counts


def write_households(run: engine.Run, chunks: list[int], writer: Writer, workers: int, progress) -> dict[str, int]:
    """The households of the given chunks, in chunk order; returns the rows per table."""
    counts: dict[str, int] = {}
    done = 0
    for index, tables in engine.generate_chunks(run, chunks, workers, writer.encode):
        for table, (count, payload) in tables.items():
            writer.write(table, payload, count)
            counts[table] = counts.get(table, 0) + count
            progress.add(table, count)
        done += run.patients_on_file(index)
        progress.patients_done(done)
    writer.flush()
    return counts


def status_rows(counts: dict[str, int], loaded_at: datetime) -> dict[str, list[tuple]]:
    """raw.etl_load_status (one row per generated table, with its count) and raw.etl_transform_status (the dbt
    run, pending), stamped with the end of the data rather than the clock so that reruns are identical."""
    sinks = Sinks()
    for number, table in enumerate(GENERATED_TABLES, start=1):
        sinks["etl_load_status"].add(
            id=number, table_name=table, last_loaded=loaded_at, rows_loaded=counts.get(table, 0),
            load_status="completed", _loaded_at=loaded_at, last_primary_value=None,
            primary_column_name=",".join(schema.table(table).primary_key))
    sinks["etl_transform_status"].add(
        id=1, table_name=TRANSFORM_RUN, last_transformed=datetime(1970, 1, 1, 0, 0, 1), rows_transformed=0,
        transform_status="pending", _transformed_at=loaded_at, last_primary_value=None, primary_column_name=None,
        _created_at=loaded_at, _updated_at=loaded_at)
    return {table: sinks.rows(table) for table in sinks.tables()}


def write_status(writer: Writer, counts: dict[str, int], loaded_at: datetime) -> dict[str, int]:
    """The two ETL status tables, from what the writer holds; returns their row counts."""
    loaded = writer.loaded_counts({table: counts.get(table, 0) for table in GENERATED_TABLES})
    written = {}
    for table, rows in status_rows(loaded, loaded_at).items():
        writer.write_status(table, rows)
        written[table] = len(rows)
    return written
