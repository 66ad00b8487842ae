"""--output csv DIR: the same rows a database run loads, as one CSV file per table, for other warehouses.

Each file has a header row and reads back with PostgreSQL's `COPY raw.<table> FROM '<file>' CSV HEADER`
(and with Snowflake, BigQuery or DuckDB CSV loaders): a NULL is an empty unquoted field, every value is
quoted, quotes doubled. create_tables.sql is copied beside them.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import loader
from config import GeneratorConfig
from generators import engine, schema

_ESCAPE = re.compile(r"\\(.)")
_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


class ExportError(Exception):
    """The output folder cannot be used; one line."""


def _csv_field(field: str) -> str:
    if field == "\\N":
        return ""
    if "\\" in field:
        field = _ESCAPE.sub(lambda m: _UNESCAPE[m.group(1)], field)
    return '"' + field.replace('"', '""') + '"'


def _csv_lines(copy_text) -> str:
    """COPY text (as the sinks write it) -> CSV lines."""
    lines = copy_text.splitlines() if isinstance(copy_text, str) else (line.rstrip("\n") for line in copy_text)
    return "".join(",".join(_csv_field(f) for f in line.split("\t")) + "\n" for line in lines)


def _header(table: str) -> str:
    return ",".join(f'"{c.name}"' for c in schema.table(table).columns) + "\n"


def _load_status_rows(counts: dict[str, int], loaded_at) -> str:
    """The rows a database run writes into raw.etl_load_status (loader.write_load_status), as COPY text."""
    lines = []
    for number, table in enumerate(counts, start=1):
        key = ",".join(schema.table(table).primary_key)
        lines.append("\t".join([str(number), table, str(loaded_at), str(counts[table]), "completed",
                                str(loaded_at), "\\N", key]))
    return "\n".join(lines)


def _transform_status_row(loaded_at) -> str:
    """The row a database run writes into raw.etl_transform_status (loader.write_transform_status)."""
    row = loader.transform_status_row(loaded_at)
    values = (row.get(c.name) for c in schema.table("etl_transform_status").columns)
    return "\t".join("\\N" if value is None else str(value) for value in values)


def remove(folder: Path, existed: bool) -> None:
    """Undo a partial export: the files it wrote, and the folder when the export created it."""
    for name in [f"{t}.csv" for t in schema.tables()] + ["create_tables.sql"]:
        (folder / name).unlink(missing_ok=True)
    if not existed and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()


def write(config: GeneratorConfig, console) -> dict[str, int]:
    """Generate and write every table; returns the row count per table."""
    folder = Path(config.output_csv)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportError(f"{folder} exists and is not an empty folder; pass --output csv with a new or empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    run = engine.prepare(config)
    generated = [t for _, tables in engine.PHASES for t in tables if t not in engine.ETL_STATUS_TABLES]
    files = {t: (folder / f"{t}.csv").open("w", encoding="utf-8", newline="") for t in schema.tables()}
    try:
        for table, out in files.items():
            out.write(_header(table))
        counts = dict.fromkeys(generated, 0)
        progress = console.progress(engine.PHASES, config.num_patients)
        for table in engine.REFERENCE_TABLES:
            files[table].write(_csv_lines(run.ctx.sinks[table].reader()))
            counts[table] = run.ctx.sinks.count(table)
            progress.add(table, counts[table])
        chunks = list(range(len(run.chunks)))
        done = 0
        for index, rows in engine.generate_chunks(run, chunks, config.workers):
            for table, (count, text) in rows.items():
                files[table].write(_csv_lines(text))
                counts[table] += count
                progress.add(table, count)
            done += run.patients_in(index)
            progress.patients_done(done)
        files["etl_load_status"].write(_csv_lines(_load_status_rows(counts, run.ctx.window.end_of_data)))
        counts["etl_load_status"] = len(generated)
        files["etl_transform_status"].write(_csv_lines(_transform_status_row(run.ctx.window.end_of_data)))
        counts["etl_transform_status"] = 1
    finally:
        for out in files.values():
            out.close()
        run.ctx.sinks.close()
    shutil.copy(schema.SCHEMA_SQL, folder / "create_tables.sql")
    return counts
