"""python main.py [options]: fill schema raw of an opendental_demo database with a synthetic practice.

Exit codes: 0 done, 1 a validator failed (nothing was written), 2 bad input or the database cannot be
used as asked (nothing was written), 130 interrupted (nothing was written).
"""

from __future__ import annotations

import sys
import time

import psycopg2.errors

import loader
from config import ConfigError, GeneratorConfig, load_config
from generators import engine, etl_status
from generators.calendar import Window
from generators.sink import Sinks
from report import Console
from validators import suite

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Refused(Exception):
    """The run would mix old and new rows, or the schema is unusable."""


def main(argv: list[str] | None = None) -> int:
    console = Console()
    try:
        config = load_config(argv)
    except ConfigError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    if config.validate_only:
        return validate_only(config, console)
    return generate(config, console)


def generate(config: GeneratorConfig, console: Console) -> int:
    started = time.perf_counter()
    console.banner(config)
    try:
        conn, created = loader.connect(config)
    except loader.DatabaseError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    sinks: Sinks | None = None
    committed = False
    try:
        loader.begin_run(conn)
        loader.apply_schema(conn, config)
        busy = loader.tables_with_rows(conn)
        if busy and not config.reset:
            raise Refused(f"database {config.db_name} already holds rows in raw ({', '.join(busy[:5])}"
                          f"{', ...' if len(busy) > 5 else ''}); run again with --reset to replace them")
        if config.reset:
            loader.empty_raw_tables(conn)
        sinks = engine.generate(config, progress=console.progress)
        console.end_progress()
        failed = False
        loaded: list[str] = []
        schedule = suite.checks_by_phase(config)
        for number, (phase, tables) in enumerate(engine.PHASES, start=1):
            console.phase(number, phase)
            for table in tables:
                if table == "etl_load_status":
                    etl_status.emit(sinks, loaded, Window(config.start_date, config.as_of))
                loader.copy_rows(conn, sinks[table])
                loaded.append(table)
                console.generated(table, sinks.count(table))
            loader.analyze(conn, tables)
            results = suite.run_phase(conn, schedule[phase], config)
            console.validation(results)
            failed = failed or any(r.failed for r in results)
            if failed:
                break
        if failed:
            conn.rollback()
            console.failed_summary()
            return EXIT_INVALID
        conn.commit()
        committed = True
        console.summary({t: sinks.count(t) for t in loaded}, time.perf_counter() - started)
        return EXIT_OK
    except Refused as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except loader.DatabaseError as exc:
        console.error(str(exc))
        return EXIT_USAGE
    except psycopg2.errors.InsufficientPrivilege as exc:
        console.error(loader.privilege_error(config, exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        console.end_progress()
        console.error("interrupted; nothing was written")
        return EXIT_INTERRUPTED
    finally:
        conn.close()  # without a commit, PostgreSQL discards everything the run did
        if sinks is not None:
            sinks.close()
        if created and not committed:
            loader.drop_database(config)  # the database did not exist before this run


def validate_only(config: GeneratorConfig, console: Console) -> int:
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
        failed = False
        schedule = suite.checks_by_phase(config)
        for number, (phase, _) in enumerate(engine.PHASES, start=1):
            console.phase(number, phase, validating=True)
            results = suite.run_phase(conn, schedule[phase], config)
            console.validation(results)
            failed = failed or any(r.failed for r in results)
        return EXIT_INVALID if failed else EXIT_OK
    finally:
        conn.rollback()
        conn.close()


if __name__ == "__main__":
    sys.exit(main())
