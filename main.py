"""python main.py [options]: fill schema raw of an opendental_demo database with a synthetic practice.

`python main.py --output csv DIR` writes the same rows as CSV files instead; `python main.py server status`
and `python main.py server stop` look after the embedded PostgreSQL (server.py).

Exit codes: 0 done; 1 a validator failed; 2 bad input, refused, database unreachable or lost, or the run was
interrupted (Ctrl-C, SIGTERM). Whenever the exit code is not 0, nothing was written.
"""

from __future__ import annotations

import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2.errors

import export
import handoff
import loader
import server
from config import ConfigError, GeneratorConfig, load_config
from generators import engine, limits, schema
from report import Console
from validators import suite

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
GENERATED_TABLES = [t for _, tables in engine.PHASES for t in tables if t not in engine.ETL_STATUS_TABLES]


class Refused(Exception):
    """The run would mix old and new rows, or the schema is unusable."""


@contextmanager
def _sigterm_interrupts():
    """SIGTERM stops a run the way Ctrl-C does: rolled back, one line, no traceback."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["server"]:
        return server.main(argv[1:], sys.stdout)
    console = Console()
    try:
        config = load_config(argv)
    except ConfigError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    console = Console(verbosity=config.verbosity)
    if config.dry_run:
        return dry_run(config, console)
    if config.output_csv:
        with _sigterm_interrupts():
            return export_csv(config, console)
    try:
        if config.dbt_profile:
            handoff.check_profile(Path(config.dbt_profile).expanduser())
        config, server_line = server.resolve(config)
    except (server.ServerError, handoff.ProfileError) as exc:
        console.error(str(exc))
        return EXIT_USAGE
    if config.validate_only:
        return validate_only(config, console, server_line)
    with _sigterm_interrupts():
        return generate(config, console, server_line)


def _check_target(conn, config: GeneratorConfig, run: engine.Run, chunks: list[int]) -> None:
    """Refuse to mix old and new rows: the raw tables must be empty (or --reset), or for a shard its slice."""
    if config.shard is None:
        busy = loader.tables_with_rows(conn)
        if busy and not config.reset:
            raise Refused(f"database {config.db_name} already holds rows in raw ({', '.join(busy[:5])}"
                          f"{', ...' if len(busy) > 5 else ''}); run again with --reset to replace them")
        return
    first = sum(run.patients_in(c) for c in range(chunks[0])) + 1 if chunks else 1
    last = first + sum(run.patients_in(c) for c in chunks) - 1
    if loader.patients_in_range(conn, first, last):
        raise Refused(f"shard {config.shard[0]}/{config.shard[1]} (patients {first:,}-{last:,}) is already loaded "
                      f"in {config.db_name}; empty the database with a --reset run first")
    loaded_reference = set(loader.tables_with_rows(conn)) & set(engine.REFERENCE_TABLES)
    if config.shard[0] == 1 and loaded_reference:
        raise Refused(f"shard 1 loads the reference data, but {config.db_name} already holds it "
                      f"({', '.join(sorted(loaded_reference)[:3])}, ...); empty it with a --reset run first")


def _load(conn, config: GeneratorConfig, run: engine.Run, chunks: list[int], console: Console):
    """COPY the reference rows (unless a later shard) and every chunk, in chunk order.

    Returns the row count and the load time (COPY and key building, in seconds) per table."""
    counts = dict.fromkeys(GENERATED_TABLES, 0)
    seconds = dict.fromkeys(GENERATED_TABLES, 0.0)
    bulk = config.shard is None  # a fresh, exclusive load: indexes are rebuilt afterwards
    if bulk:
        loader.drop_primary_keys(conn, GENERATED_TABLES)
    progress = console.progress(engine.PHASES, sum(run.patients_in(c) for c in chunks))
    if config.shard is None or config.shard[0] == 1:
        for table in engine.REFERENCE_TABLES:
            started = time.perf_counter()
            counts[table] = loader.copy_rows(conn, run.ctx.sinks[table])
            seconds[table] += time.perf_counter() - started
            progress.add(table, counts[table])
    done = 0
    batcher = loader.CopyBatcher(conn, seconds)
    for index, rows in engine.generate_chunks(run, chunks, config.workers):
        for table, (count, text) in rows.items():
            batcher.add(table, text)
            counts[table] += count
            progress.add(table, count)
        done += run.patients_in(index)
        progress.patients_done(done)
    batcher.flush()
    if bulk:
        console.status("Building primary keys...")
        for table in GENERATED_TABLES:
            started = time.perf_counter()
            loader.add_primary_keys(conn, [table])
            seconds[table] += time.perf_counter() - started
    counts.update(loader.write_etl_status(conn, GENERATED_TABLES, run.ctx.window.end_of_data))
    return counts, seconds


def dry_run(config: GeneratorConfig, console: Console) -> int:
    """The plan of a run, without connecting anywhere: reference rows exactly, the rest from one chunk."""
    console.banner(config)
    run = engine.prepare(config)
    counts = {t: run.ctx.sinks.count(t) for t in engine.REFERENCE_TABLES}
    sample = engine.chunk_rows(run, 0)
    scale = config.num_patients / run.patients_in(0)
    for table in GENERATED_TABLES:
        if table not in counts:
            counts[table] = round(sample.get(table, (0, ""))[0] * scale)
    counts.update(patient=config.num_patients, appointment=config.num_appointments,
                  procedurelog=config.num_procedures, etl_load_status=len(GENERATED_TABLES), etl_transform_status=1)
    console.plan(config, [(phase, {t: counts[t] for t in tables}) for phase, tables in engine.PHASES],
                 limits.estimated_seconds(config.num_patients, config.workers))
    run.ctx.sinks.close()
    return EXIT_OK


def export_csv(config: GeneratorConfig, console: Console) -> int:
    """--output csv DIR: the rows of a database run with the same settings, as files; no database is used."""
    started = time.perf_counter()
    console.banner(config)
    folder = Path(config.output_csv)
    existed = folder.exists()
    try:
        counts = export.write(config, console)
    except export.ExportError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except OSError as exc:
        export.remove(folder, existed)
        console.error(f"cannot write to {folder}: {exc.strerror}; pass --output csv with a writable folder")
        return EXIT_USAGE
    except KeyboardInterrupt:
        export.remove(folder, existed)
        console.error(f"interrupted; the partial files in {folder} were removed")
        return EXIT_USAGE
    console.summary(counts, time.perf_counter() - started)
    console.exported(str(folder), len(list(folder.glob("*.csv"))))
    return EXIT_OK


def _hand_off(config: GeneratorConfig, console: Console) -> None:
    path = None
    if config.dbt_profile:
        path = Path(config.dbt_profile).expanduser()
        try:
            handoff.write_profile(path, config)
        except OSError as exc:  # checked before the run, so only a race gets here; the data is loaded
            console.error(f"the data was loaded, but {path} could not be written ({exc.strerror}); "
                          f"copy the target printed below into it")
            path = None
    console.handoff(config, handoff.profile_text(config), handoff.psql_command(config), handoff.uri(config),
                    str(path) if path else None)


def generate(config: GeneratorConfig, console: Console, server_line: str | None = None) -> int:
    started = time.perf_counter()
    console.banner(config, server_line)
    estimate = limits.estimated_seconds(config.num_patients, config.workers)
    if estimate > 60:
        console.note(f"{config.num_patients:,} patients with {config.workers} workers take about "
                     f"{estimate / 60:.0f} minutes")
    try:
        conn, created = loader.connect(config)
    except loader.DatabaseError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    committed = False
    run = None
    try:
        loader.begin_run(conn, config.shard)
        loader.apply_schema(conn, config)
        run = engine.prepare(config)
        chunks = engine.shard_chunks(len(run.chunks), config.shard)
        _check_target(conn, config, run, chunks)
        if config.reset:
            loader.empty_raw_tables(conn)
        counts, seconds = _load(conn, config, run, chunks, console)
        loader.analyze(conn, schema.tables())
        if config.shard is None:
            console.status("Validating...")
        results = suite.run_all(conn, config) if config.shard is None else {}
        failed = any(r.failed for phase_results in results.values() for r in phase_results)
        for number, (phase, tables) in enumerate(engine.PHASES, start=1):
            console.phase(number, phase)
            for table in tables:
                console.generated(table, counts[table], seconds.get(table))
            if phase in results:
                console.validation(results[phase])
        if config.shard is not None:
            console.note("validators skipped for a shard: once every shard is loaded, run --validate-only")
        if failed:
            conn.rollback()
            console.failed_summary()
            return EXIT_INVALID
        conn.commit()
        committed = True
        console.summary(counts, time.perf_counter() - started)
        _hand_off(config, console)
        return EXIT_OK
    except Refused as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except loader.Busy as exc:
        console.error(f"database {config.db_name}: {exc}")
        return EXIT_USAGE
    except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
        console.error(loader.connection_lost(config, exc))
        return EXIT_USAGE
    except loader.DatabaseError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except psycopg2.errors.InsufficientPrivilege as exc:
        console.error(loader.privilege_error(config, exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        console.error("interrupted; the run was rolled back and nothing was written")
        return EXIT_USAGE
    finally:
        conn.close()  # without a commit, PostgreSQL discards everything the run did
        if run is not None:
            run.ctx.sinks.close()
        if created and not committed:
            loader.drop_database(config)  # the database did not exist before this run


def validate_only(config: GeneratorConfig, console: Console, server_line: str | None = None) -> int:
    if server_line:
        console.note(f"server: {server_line}")
    try:
        conn, _ = loader.connect(config, create_missing=False)
    except loader.DatabaseError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    try:
        conn.set_session(readonly=True)
        missing = loader.missing_tables(conn)
        if missing:
            console.error(f"schema raw of {config.db_name} lacks {len(missing)} tables ({', '.join(missing[:5])}); "
                          f"run without --validate-only to create and fill them")
            return EXIT_USAGE
        results = suite.run_all(conn, config)
        for number, (phase, _) in enumerate(engine.PHASES, start=1):
            console.phase(number, phase, validating=True)
            console.validation(results[phase])
        failed = any(r.failed for phase_results in results.values() for r in phase_results)
        return EXIT_INVALID if failed else EXIT_OK
    finally:
        conn.rollback()
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
