"""The loader: connection, safety checks, schema, COPY, and the one transaction around a run.

Everything a run writes happens inside a single transaction; the caller commits only when every
validator passed. A failure or Ctrl-C anywhere closes the connection uncommitted, and PostgreSQL
throws the whole run away. The password never appears in a message.
"""

from __future__ import annotations

import io
from pathlib import Path

import psycopg2
from psycopg2 import errorcodes, sql
from psycopg2.extras import execute_values

from config import GeneratorConfig
from contract import schema

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


def copy_text(conn, table_name: str, text) -> None:
    """COPY rows given as COPY text (a string or a readable file) into raw.<table>."""
    table = schema.table(table_name)
    source = io.StringIO(text) if isinstance(text, str) else text
    with conn.cursor() as cur:
        cur.copy_expert(f"COPY {table.qualified} ({table.column_list()}) FROM STDIN", source, size=COPY_BUFFER_BYTES)


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


def row_counts(conn, tables: list[str]) -> dict[str, int]:
    """The rows each table holds, counted in one statement."""
    query = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM raw.{name}" for name in tables)
    with conn.cursor() as cur:
        cur.execute(query)
        return dict(cur.fetchall())


# How a status row replaces an earlier one of the same table (a shard loaded before): the counts are updated;
# the pending dbt run is left as the dbt hooks may have updated it.
_STATUS_CONFLICT = {
    "etl_load_status": "DO UPDATE SET rows_loaded = EXCLUDED.rows_loaded, last_loaded = EXCLUDED.last_loaded, "
                       "_loaded_at = EXCLUDED._loaded_at, load_status = EXCLUDED.load_status",
    "etl_transform_status": "DO NOTHING",
}


def upsert_status(conn, table_name: str, rows: list[tuple]) -> None:
    """Insert the ETL status rows of one table, upserting on table_name. The dbt hooks insert into
    etl_transform_status without an id, so its id sequence is moved past ours to keep them from colliding."""
    table = schema.table(table_name)
    with conn.cursor() as cur:
        execute_values(cur, f"INSERT INTO {table.qualified} ({table.column_list()}) VALUES %s "
                            f"ON CONFLICT (table_name) {_STATUS_CONFLICT[table_name]}", rows)
        cur.execute(f"SELECT setval('raw.{table_name}_id_seq', (SELECT max(id) FROM {table.qualified}))")


def patients_in_range(conn, first: int, last: int) -> int:
    with conn.cursor() as cur:
        cur.execute('SELECT count(*) FROM raw.patient WHERE "PatNum" BETWEEN %s AND %s', (first, last))
        return cur.fetchone()[0]
