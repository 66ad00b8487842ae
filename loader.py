"""The loader: connection, safety checks, schema, COPY, and the one transaction around a run.

Everything a run writes happens inside a single transaction; the caller commits only when every
validator passed. A failure or Ctrl-C anywhere closes the connection uncommitted, and PostgreSQL
throws the whole run away. The password never appears in a message.
"""

from __future__ import annotations

import io
import time
from datetime import datetime
from pathlib import Path

import psycopg2
from psycopg2 import errorcodes, sql

from config import GeneratorConfig
from generators import schema

CONNECT_TIMEOUT_SECONDS = 4  # libpq may try two addresses (IPv6, IPv4): stay under 10 s
COPY_BUFFER_BYTES = 1 << 20
# Serialises concurrent runs against the same database (any constant shared by all runs works).
RUN_LOCK_KEY = 0x0D3_7A1


class DatabaseError(Exception):
    """The database cannot be used as asked; the message is one line and names no password."""


def _describe(config: GeneratorConfig) -> str:
    return f"host {config.db_host}, port {config.db_port}, database {config.db_name}, user {config.db_user}"


def _scrub(message, config: GeneratorConfig) -> str:
    """The first line of a server message, whitespace folded, password masked."""
    if isinstance(message, psycopg2.Error) and message.pgerror:
        message = message.pgerror.strip().splitlines()[0]
    line = " ".join(str(message).split())
    if config.db_password:
        line = line.replace(config.db_password, "***")
    return line


def _connect(config: GeneratorConfig, dbname: str):
    params = {
        "host": config.db_host,
        "port": config.db_port,
        "dbname": dbname,
        "user": config.db_user,
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "application_name": "opendental_demo_generator",
    }
    if config.db_password:
        params["password"] = config.db_password
    return psycopg2.connect(**params)


def connect(config: GeneratorConfig, create_missing: bool = True):
    """Open the target database, creating it first when it does not exist.

    Returns (connection, created) where created says whether this call created the database.
    """
    try:
        return _connect(config, config.db_name), False
    except psycopg2.OperationalError as exc:
        message = _scrub(exc, config)
        if "does not exist" not in message or f'"{config.db_name}"' not in message:
            raise DatabaseError(f"cannot connect to PostgreSQL ({_describe(config)}): {message}") from None
    if not create_missing:
        raise DatabaseError(f"database {config.db_name} does not exist ({_describe(config)}); run without "
                            f"--validate-only to create and fill it")
    created = _create_database(config)
    try:
        return _connect(config, config.db_name), created
    except psycopg2.OperationalError as exc:
        raise DatabaseError(f"cannot connect to PostgreSQL ({_describe(config)}): {_scrub(exc, config)}") from None


def _create_database(config: GeneratorConfig) -> bool:
    """CREATE DATABASE; False when a concurrent run created it first (then it is not ours to drop)."""
    try:
        admin = _connect(config, "postgres")
    except psycopg2.OperationalError as exc:
        raise DatabaseError(
            f"database {config.db_name} does not exist and the maintenance database is unreachable "
            f"({_describe(config)}): {_scrub(exc, config)}; create it with `createdb {config.db_name}`"
        ) from None
    try:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config.db_name)))
    except psycopg2.Error as exc:
        if exc.pgcode == errorcodes.DUPLICATE_DATABASE:  # created by a concurrent run meanwhile
            return False
        raise DatabaseError(
            f"cannot create database {config.db_name} ({_describe(config)}): {_scrub(exc, config)}; "
            f"create it with `createdb {config.db_name}` or grant CREATEDB"
        ) from None
    finally:
        admin.close()
    return True


def connection_lost(config: GeneratorConfig, exc: psycopg2.Error) -> str:
    return (f"lost the connection to PostgreSQL ({_describe(config)}): {_scrub(exc, config)}; "
            f"the run was rolled back and nothing was written")


def privilege_error(config: GeneratorConfig, exc: psycopg2.Error) -> str:
    return (f"missing privilege ({_describe(config)}): {_scrub(exc, config)}; "
            f"run as the owner of schema raw or grant access")


def drop_database(config: GeneratorConfig) -> None:
    """Undo a database this run created (used when the run fails); best effort."""
    try:
        admin = _connect(config, "postgres")
    except psycopg2.Error:
        return
    try:
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(config.db_name)))
    except psycopg2.Error:
        pass
    finally:
        admin.close()


class Busy(Exception):
    """Another run is writing the same database; the message names it."""


def begin_run(conn, shard: tuple[int, int] | None = None) -> None:
    """Start the run's transaction, first making sure no other run writes the same database meanwhile.

    A whole run holds the run lock alone; shards share it (they may load together) and each holds its own
    slice's lock. Nothing waits: a taken lock refuses the run at once, naming the run that holds it.
    """
    with conn.cursor() as cur:
        if shard is None:
            cur.execute("SELECT pg_try_advisory_xact_lock(%s)", (RUN_LOCK_KEY,))
            granted = cur.fetchone()[0]
        else:
            cur.execute("SELECT pg_try_advisory_xact_lock_shared(%s) AND pg_try_advisory_xact_lock(%s)",
                        (RUN_LOCK_KEY, RUN_LOCK_KEY + shard[0]))
            granted = cur.fetchone()[0]
        if not granted:
            raise Busy(_holder(cur))
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")  # validators hash whole key sets (see validators/base.py)


def _holder(cur) -> str:
    """Who holds a generator lock on this database: process id, client, user and start time."""
    cur.execute("""SELECT a.pid, coalesce(host(a.client_addr), 'local socket'), a.usename,
                          to_char(a.xact_start, 'YYYY-MM-DD HH24:MI:SS')
                   FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                   WHERE l.locktype = 'advisory' AND l.granted AND l.pid <> pg_backend_pid()
                     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   ORDER BY a.xact_start LIMIT 1""")
    row = cur.fetchone()
    if row is None:
        return "another generator run is writing this database; try again when it has finished"
    pid, client, user, since = row
    return (f"another generator run is writing this database (server process {pid}, user {user} from {client}, "
            f"started {since}); try again when it has finished")


def apply_schema(conn, config: GeneratorConfig) -> None:
    try:
        with conn.cursor() as cur:
            cur.execute(Path(schema.SCHEMA_SQL).read_text())
    except psycopg2.Error as exc:
        raise DatabaseError(
            f"cannot create schema raw ({_describe(config)}): {_scrub(exc, config)}"
        ) from None


def missing_tables(conn) -> list[str]:
    with conn.cursor() as cur:
        cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'")
        present = {row[0] for row in cur.fetchall()}
    return sorted(set(schema.tables()) - present)


def tables_with_rows(conn) -> list[str]:
    names = sorted(schema.tables())
    query = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM raw.{name})" for name in names
    )
    with conn.cursor() as cur:
        cur.execute(query)
        return [row[0] for row in cur.fetchall()]


def empty_raw_tables(conn) -> None:
    names = ", ".join(f"raw.{name}" for name in sorted(schema.tables()))
    with conn.cursor() as cur:
        cur.execute(f"TRUNCATE {names}")


def analyze(conn, tables) -> None:
    """Fresh statistics, so the validators' joins over just-loaded tables get sensible plans.

    A small sample (statistics target 10) is plenty for that and four times faster than the default."""
    with conn.cursor() as cur:
        cur.execute("SET LOCAL default_statistics_target = 10")
        for table in tables:
            cur.execute(f"ANALYZE raw.{table}")


def copy_rows(conn, sink) -> int:
    """Stream one table's spooled COPY text into PostgreSQL; returns the row count."""
    copy_text(conn, sink.table.name, sink.reader())
    return sink.count


def copy_text(conn, table_name: str, text) -> None:
    """COPY rows given as COPY text (a string or a readable file) into raw.<table>."""
    table = schema.table(table_name)
    source = io.StringIO(text) if isinstance(text, str) else text
    with conn.cursor() as cur:
        cur.copy_expert(f"COPY {table.qualified} ({table.column_list()}) FROM STDIN", source, size=COPY_BUFFER_BYTES)


class CopyBatcher:
    """Gathers each table's COPY text over chunks and sends it in pieces of about FLUSH_BYTES: one COPY
    statement per piece rather than per table and chunk (most tables give a chunk only a few rows)."""

    FLUSH_BYTES = 256 * 1024

    def __init__(self, conn, seconds: dict[str, float]):
        self.conn, self.seconds = conn, seconds
        self._pending: dict[str, list[str]] = {}
        self._size: dict[str, int] = {}

    def add(self, table: str, text: str) -> None:
        self._pending.setdefault(table, []).append(text)
        self._size[table] = self._size.get(table, 0) + len(text)
        if self._size[table] >= self.FLUSH_BYTES:
            self._flush(table)

    def flush(self) -> None:
        for table in list(self._pending):
            self._flush(table)

    def _flush(self, table: str) -> None:
        started = time.perf_counter()
        copy_text(self.conn, table, "".join(self._pending.pop(table)))
        self._size[table] = 0
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started


def drop_primary_keys(conn, tables) -> None:
    """Bulk loads are faster without indexes; add_primary_keys rebuilds them (and checks them)."""
    with conn.cursor() as cur:
        for name in tables:
            cur.execute(f"ALTER TABLE raw.{name} DROP CONSTRAINT IF EXISTS {name}_pkey")


def add_primary_keys(conn, tables) -> None:
    with conn.cursor() as cur:
        for name in tables:
            table = schema.table(name)
            columns = ", ".join(table.columns[table.index[c]].ident for c in table.primary_key)
            cur.execute(f"ALTER TABLE raw.{name} ADD CONSTRAINT {name}_pkey PRIMARY KEY ({columns})")


TRANSFORM_RUN = "dbt_transformation_run"  # the row the dbt project's on-run hooks upsert (contract etl.md)


def transform_status_row(loaded_at: datetime) -> dict:
    """raw.etl_transform_status as the hooks will find it: the run pending, nothing transformed yet."""
    return {"id": 1, "table_name": TRANSFORM_RUN, "last_transformed": datetime(1970, 1, 1, 0, 0, 1),
            "rows_transformed": 0, "transform_status": "pending", "_transformed_at": loaded_at,
            "last_primary_value": None, "primary_column_name": None, "_created_at": loaded_at,
            "_updated_at": loaded_at}


def write_etl_status(conn, tables: list[str], loaded_at: datetime) -> dict[str, int]:
    """Both ETL status tables; returns their row counts."""
    write_load_status(conn, tables, loaded_at)
    write_transform_status(conn, loaded_at)
    return {"etl_load_status": len(tables), "etl_transform_status": 1}


def write_transform_status(conn, loaded_at: datetime) -> None:
    """The pending dbt run. The hooks insert without an id and upsert on table_name; the id sequence is moved
    past ours so that their insert never collides with it on the primary key."""
    row = transform_status_row(loaded_at)
    with conn.cursor() as cur:
        cur.execute(
            f"""INSERT INTO raw.etl_transform_status ({", ".join(row)})
                VALUES ({", ".join(f"%({c})s" for c in row)}) ON CONFLICT (table_name) DO NOTHING""",
            row,
        )
        cur.execute("""SELECT setval('raw.etl_transform_status_id_seq',
                                     (SELECT max(id) FROM raw.etl_transform_status))""")


def write_load_status(conn, tables: list[str], loaded_at: datetime) -> None:
    """One raw.etl_load_status row per loaded table, counted in the database.

    Counting in SQL (one statement, upserting) lets shards loaded by different runs leave the same rows
    as a single run: the last shard to finish writes the final counts.
    """
    rows = " UNION ALL ".join(
        f"SELECT {number}, '{name}', (SELECT count(*) FROM raw.{name}), "
        f"'{','.join(schema.table(name).primary_key)}'"
        for number, name in enumerate(tables, start=1)
    )
    with conn.cursor() as cur:
        cur.execute(
            f"""INSERT INTO raw.etl_load_status (id, table_name, last_loaded, rows_loaded, load_status, _loaded_at,
                    last_primary_value, primary_column_name)
                SELECT n, t, %(at)s, c, 'completed', %(at)s, NULL, pk FROM ({rows}) AS s(n, t, c, pk)
                ON CONFLICT (table_name) DO UPDATE SET rows_loaded = EXCLUDED.rows_loaded,
                    last_loaded = EXCLUDED.last_loaded, _loaded_at = EXCLUDED._loaded_at,
                    load_status = EXCLUDED.load_status""",
            {"at": loaded_at},
        )


def patients_in_range(conn, first: int, last: int) -> int:
    with conn.cursor() as cur:
        cur.execute('SELECT count(*) FROM raw.patient WHERE "PatNum" BETWEEN %s AND %s', (first, last))
        return cur.fetchone()[0]
