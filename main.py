"""python main.py [options]: fill schema raw of an opendental_demo database with a synthetic practice.

`python main.py --output csv DIR` (or `parquet DIR`) writes the same rows as files instead; `python main.py
server status` and `python main.py server stop` look after the embedded PostgreSQL (server.py).

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

import advance
import handoff
import kpi
import loader
import manifest
import pipeline
import server
from config import ConfigError, GeneratorConfig, load_config
from contract import schema
from contract.tables import GENERATED_TABLES, PHASES, REFERENCE_TABLES
from generators import engine, limits
from report import Console
from validators import suite
from validators.base import run_checks
from writers.files import WRITERS as FILE_WRITERS
from writers.files import OutputError
from writers.postgres import PostgresWriter

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
HOUSEHOLD_TABLES = [t for t in GENERATED_TABLES if t not in REFERENCE_TABLES]


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
        return handoff.server_command(argv[1:], sys.stdout)
    if argv[:1] == ["kpi"]:
        return kpi.command(argv[1:])
    console = Console()
    try:
        config = load_config(argv)
    except ConfigError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    console = Console(verbosity=config.verbosity)
    trouble = limits.problems(config)
    if trouble:
        console.error(trouble[0])
        return EXIT_USAGE
    if config.dry_run and config.advance_to is None:
        return dry_run(config, console)
    if config.output_format:
        with _sigterm_interrupts():
            return export_files(config, console)
    try:
        if config.dbt_profile:
            handoff.check_profile(Path(config.dbt_profile).expanduser())
        config, server_line = server.resolve(config)
    except (server.ServerError, handoff.ProfileError) as exc:
        console.error(str(exc))
        return EXIT_USAGE
    if config.validate_only:
        return validate_only(config, console, server_line)
    if config.advance_to is not None:
        with _sigterm_interrupts():
            return advance_practice(config, console, server_line)
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
    loaded_reference = set(loader.tables_with_rows(conn)) & set(REFERENCE_TABLES)
    if config.shard[0] == 1 and loaded_reference:
        raise Refused(f"shard 1 loads the reference data, but {config.db_name} already holds it "
                      f"({', '.join(sorted(loaded_reference)[:3])}, ...); empty it with a --reset run first")


def _section(console: Console, number: int, what: str, counts: dict[str, int],
             seconds: dict[str, float] | None = None) -> None:
    """A phase's heading and the line of each of its tables."""
    phase, tables = PHASES[number - 1]
    console.phase(number, phase, what)
    for table in tables:
        console.generated(table, counts.get(table, 0), (seconds or {}).get(table))


def _build_keys(conn, tables, seconds: dict[str, float]) -> None:
    for table in tables:
        started = time.perf_counter()
        loader.add_primary_keys(conn, [table])
        seconds[table] = seconds.get(table, 0.0) + time.perf_counter() - started


def _load(conn, config: GeneratorConfig, run: engine.Run, chunks: list[int], console: Console,
          tally: dict | None = None) -> tuple[dict, bool]:
    """Load, check and report, phase by phase: the reference data first, checked by the foundation phase's
    validators before any household is simulated; then the households; then the keys and the other phases'
    validators. Returns the rows per table and whether a validator failed (then nothing more is loaded).
    `tally` (for tools/benchmark.py) collects the seconds spent validating and the failed checks."""
    whole = config.shard is None  # a fresh, exclusive load: indexes are rebuilt afterwards, validators run
    schedule = suite.checks_by_phase(config) if whole else {}
    tally = {} if tally is None else tally
    writer = PostgresWriter(conn)
    counts = dict.fromkeys(GENERATED_TABLES, 0)
    if whole:
        loader.drop_primary_keys(conn, GENERATED_TABLES)
    patients = sum(run.patients_on_file(c) for c in chunks)
    progress = console.progress(PHASES, patients)
    if config.shard is None or config.shard[0] == 1:
        counts.update(pipeline.write_reference(run, writer, progress))
        if whole:
            _build_keys(conn, REFERENCE_TABLES, writer.seconds)
    _section(console, 1, "loaded", counts, writer.seconds)
    if whole and _validated(conn, config, console, schedule[PHASES[0][0]], tally):
        return counts, True
    console.status(f"Simulating {patients:,} patients, household by household (phases 2-{len(PHASES)})...")
    counts.update(pipeline.write_households(run, chunks, writer, config.workers, progress))
    if whole:
        console.status("Building primary keys...")
        _build_keys(conn, HOUSEHOLD_TABLES, writer.seconds)
    counts.update(pipeline.write_status(writer, counts, run.ctx.window.end_of_data))
    loader.analyze(conn, schema.tables())
    failed = False
    # Every household phase is loaded by now: their checks run together, so checks of different phases on
    # the same relation share one scan, and are reported phase by phase.
    later = [schedule[phase] for phase, _ in PHASES[1:]] if whole else []
    if whole:
        console.status(f"Checking phases 2-{len(PHASES)}...")
    results = iter(_results(conn, config, [c for checks in later for c in checks], tally)) if whole else None
    for number in range(2, len(PHASES) + 1):
        _section(console, number, "loaded", counts, writer.seconds)
        if whole:
            failed = _reported(console, [next(results) for _ in later[number - 2]], tally) or failed
    if not whole:
        console.note("validators skipped for a shard: once every shard is loaded, run --validate-only")
    return counts, failed


def _validated(conn, config: GeneratorConfig, console: Console, checks, tally: dict) -> bool:
    """Run one phase's checks and report them; True when one failed."""
    return _reported(console, _results(conn, config, checks, tally), tally)


def _results(conn, config: GeneratorConfig, checks, tally: dict) -> list:
    started = time.perf_counter()
    results = run_checks(conn, checks, config.as_of)
    tally["validate_s"] = tally.get("validate_s", 0.0) + time.perf_counter() - started
    return results


def _reported(console: Console, results, tally: dict) -> bool:
    """Report one phase's results; True when one failed."""
    console.validation(results)
    failed = sum(r.failed for r in results)
    tally["failed"] = tally.get("failed", 0) + failed
    return failed > 0


def dry_run(config: GeneratorConfig, console: Console) -> int:
    """The plan of a run, without connecting anywhere: reference rows exactly, the rest from one chunk."""
    console.banner(config)
    run = engine.prepare(config, book=False)  # one chunk's rows estimate the counts: the book is not needed
    counts = {t: run.ctx.sinks.count(t) for t in REFERENCE_TABLES}
    sample = engine.chunk_rows(run, 0)
    scale = config.num_patients / run.patients_in(0)
    for table in GENERATED_TABLES:
        if table not in counts:
            counts[table] = round(len(sample.get(table, ())) * scale)
    counts.update(patient=config.num_patients, appointment=config.num_appointments,
                  procedurelog=config.num_procedures, etl_load_status=len(GENERATED_TABLES), etl_transform_status=1)
    console.plan(config, [(phase, {t: counts[t] for t in tables}) for phase, tables in PHASES],
                 limits.estimated_seconds(config.num_patients, config.workers))
    return EXIT_OK


def export_files(config: GeneratorConfig, console: Console) -> int:
    """--output csv|parquet DIR: the rows of a database run with the same settings, as files; no database."""
    started = time.perf_counter()
    console.banner(config)
    folder = Path(config.output_dir)
    try:
        writer = FILE_WRITERS[config.output_format](folder)
    except OutputError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except OSError as exc:
        console.error(f"cannot create {folder}: {exc.strerror}; pass --output {config.output_format} with a "
                      f"writable folder")
        return EXIT_USAGE
    try:
        run = engine.prepare(config)
        chunks = list(range(len(run.chunks)))
        progress = console.progress(PHASES, config.num_patients)
        counts = pipeline.write_reference(run, writer, progress)
        _section(console, 1, "written", counts)
        console.status(f"Simulating {config.num_patients:,} patients, household by household...")
        counts.update(pipeline.write_households(run, chunks, writer, config.workers, progress))
        counts.update(pipeline.write_status(writer, counts, run.ctx.window.end_of_data))
        for number in range(2, len(PHASES) + 1):
            _section(console, number, "written", counts)
        writer.close()
    except OSError as exc:
        writer.abort()
        console.error(f"cannot write to {folder}: {exc.strerror}; the partial files were removed; pass --output "
                      f"{config.output_format} with a writable folder")
        return EXIT_USAGE
    except KeyboardInterrupt:
        writer.abort()
        console.error(f"interrupted; the partial files in {folder} were removed")
        return EXIT_USAGE
    except BaseException:
        writer.abort()
        raise
    console.summary(counts, time.perf_counter() - started)
    console.exported(config.output_format, str(folder), writer.files())
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
    try:
        loader.begin_run(conn, config.shard)
        loader.apply_schema(conn, config)
        run = engine.prepare(config)
        config = run.ctx.config  # with the counts its validators expect
        chunks = engine.shard_chunks(len(run.chunks), config.shard)
        _check_target(conn, config, run, chunks)
        if config.reset:
            loader.empty_raw_tables(conn)
        counts, failed = _load(conn, config, run, chunks, console)
        if failed:
            conn.rollback()
            console.failed_summary()
            return EXIT_INVALID
        if config.shard is None:
            manifest.record(conn, config, {t: counts.get(t, 0) for t in GENERATED_TABLES})  # not the ETL log
        else:
            manifest.forget(conn)
        conn.commit()
        committed = True
        console.summary(counts, time.perf_counter() - started)
        kpi.after_run(conn, config, console)
        _hand_off(config, console)
        return EXIT_OK
    except _STOPS as exc:
        return _stopped(config, console, exc)
    finally:
        conn.close()  # without a commit, PostgreSQL discards everything the run did
        if created and not committed:
            loader.drop_database(config)  # the database did not exist before this run


_STOPS = (Refused, advance.Refused, loader.Busy, psycopg2.OperationalError, psycopg2.InterfaceError,
          loader.DatabaseError, psycopg2.errors.InsufficientPrivilege, KeyboardInterrupt)


def _stopped(config: GeneratorConfig, console: Console, exc: BaseException) -> int:
    """One line for a run stopped before its commit (PostgreSQL discards all it did), and exit code 2."""
    if isinstance(exc, loader.Busy):
        console.error(f"database {config.db_name}: {exc}")
    elif isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError)):
        console.error(loader.connection_lost(config, exc))
    elif isinstance(exc, psycopg2.errors.InsufficientPrivilege):
        console.error(loader.privilege_error(config, exc))
    elif isinstance(exc, KeyboardInterrupt):
        console.error("interrupted; the run was rolled back and nothing was written")
    else:
        console.error(str(exc))
    return EXIT_USAGE


def advance_practice(config: GeneratorConfig, console: Console, server_line: str | None = None) -> int:
    """--advance-to DATE (see advance.py): in one transaction, or with --dry-run only what it would do."""
    started = time.perf_counter()
    conn = _existing(config, console, server_line)
    if conn is None:
        return EXIT_USAGE
    try:
        loader.begin_run(conn)
        missing = loader.missing_tables(conn)
        if missing:
            raise advance.Refused(f"schema raw of {config.db_name} lacks {len(missing)} tables "
                                  f"({', '.join(missing[:5])}); generate the practice first")
        recorded = manifest.read(conn)
        advance.check(recorded, config)
        if config.advance_to == recorded.as_of:
            console.note(f"{config.db_name} is already as of {recorded.as_of}: nothing to do")
            return EXIT_OK
        trouble = advance.hand_changes(conn, recorded)
        if trouble:
            raise advance.Refused(f"{trouble} since it was generated, so the difference cannot be applied; generate "
                                  f"it afresh with --reset")
        before, after = advance.configs(recorded, config)
        console.advancing(config, recorded)
        console.status("Simulating the practice on both dates and comparing them...")
        plan = advance.prepare(before, after)
        after = plan.after.ctx.config  # with the counts its validators expect
        changes = advance.compute(plan, config.workers)
        console.changes(changes, advance.totals(changes), GENERATED_TABLES, config.dry_run)
        if config.dry_run:
            return EXIT_OK
        seconds = advance.apply(conn, changes)
        counts = advance.counts_after(recorded, changes)
        writer = PostgresWriter(conn)
        status = pipeline.status_rows(counts, advance.end_of_data(after))
        writer.write_status("etl_load_status", status["etl_load_status"])
        loader.analyze(conn, [t for t in GENERATED_TABLES if changes.get(t)])
        console.status("Checking the whole database...")
        if _checked_all(conn, after, console):
            conn.rollback()
            console.failed_summary()
            return EXIT_INVALID
        manifest.record(conn, after, counts)
        conn.commit()
        console.advanced(*advance.totals(changes), time.perf_counter() - started, seconds)
        kpi.after_run(conn, after, console)
        _hand_off(after, console)
        return EXIT_OK
    except _STOPS as exc:
        return _stopped(config, console, exc)
    finally:
        conn.close()  # without a commit, PostgreSQL discards everything the advance did


def _existing(config: GeneratorConfig, console: Console, server_line: str | None):
    """A connection to the database as it is (never created here), or None once the error is said."""
    if server_line:
        console.note(f"server: {server_line}")
    try:
        return loader.connect(config, create_missing=False)[0]
    except loader.DatabaseError as exc:
        console.error(str(exc))
        return None


def _checked_all(conn, config: GeneratorConfig, console: Console) -> bool:
    """Every check over the whole database, reported phase by phase; True when one failed."""
    by_phase = suite.run_all(conn, config)  # one pass: checks on the same relation share a scan
    failed = False
    for number, (phase, _) in enumerate(PHASES, start=1):
        console.phase(number, phase, "checked")
        failed = _reported(console, by_phase[phase], {}) or failed
    return failed


def validate_only(config: GeneratorConfig, console: Console, server_line: str | None = None) -> int:
    conn = _existing(config, console, server_line)
    if conn is None:
        return EXIT_USAGE
    try:
        conn.set_session(readonly=True)
        missing = loader.missing_tables(conn)
        if missing:
            console.error(f"schema raw of {config.db_name} lacks {len(missing)} tables ({', '.join(missing[:5])}); "
                          f"run without --validate-only to create and fill them")
            return EXIT_USAGE
        recorded = manifest.read(conn)
        if recorded is not None:
            config = engine.with_expected(recorded.settings(config))
            console.note(f"checking against the run recorded in {config.db_name}: {recorded.describe()}")
            for table, now, written in manifest.changed_tables(conn, recorded):
                console.note(f"raw.{table} holds {now:,} rows where the generator wrote {written:,}: "
                             f"changed since it was generated")
        return EXIT_INVALID if _checked_all(conn, config, console) else EXIT_OK
    finally:
        conn.rollback()
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
