"""Shared helpers: run the command line (in-process or as a subprocess), scratch databases, row counts, checksums.

When no PostgreSQL answers on 127.0.0.1:5432, the session starts the embedded server (server.py) there, in
.pgdata under the project's root, and stops it at the end: the suite needs no PostgreSQL installed.

Every run points at 127.0.0.1 with an explicit --as-of, so results do not depend on the day the tests run. DEMO_*
variables from the developer's shell are removed, and in-process runs happen in an empty temporary directory so
that no stray .env_demo is read; subprocess runs get --env-file pointing at an empty temporary file.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` (not only `python -m pytest`) must find main.py, config.py, ...
    sys.path.insert(0, str(ROOT))

import main
import server
from validators.base import run_checks

HOST = "127.0.0.1"
PORT = 5432
USER = "postgres"
AS_OF = "2026-11-20"
ADMIN = {"host": HOST, "port": PORT, "user": USER, "dbname": "postgres"}
_embedded: server.EmbeddedServer | None = None


def pytest_sessionstart(session):
    global _embedded
    embedded = server.EmbeddedServer(ROOT)
    running = embedded.status()
    if server.answers(HOST, PORT) and not (running and running.port == PORT):
        return  # another PostgreSQL: it trusts local connections, or PGPASSWORD / ~/.pgpass hold its password
    embedded.start(PORT)
    # The embedded server asks for its password: libpq takes it from PGPASSWORD, in this process and the
    # subprocesses the tests start, so every connection of the session has it.
    os.environ["PGPASSWORD"] = embedded.password()
    if running is None:
        _embedded = embedded


def pytest_sessionfinish(session, exitstatus):
    if _embedded is not None:
        _embedded.stop()


# --- command line ----------------------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float = 0.0

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def with_defaults(args, db: str | None = None) -> list[str]:
    """args plus --db-host 127.0.0.1, --as-of AS_OF (not for --advance-to) and --db-name db, unless args already
    set them."""
    argv = [str(a) for a in args]
    if "--db-host" not in argv:
        argv += ["--db-host", HOST]
    if "--as-of" not in argv and "--advance-to" not in argv:  # an advance takes its date from --advance-to
        argv += ["--as-of", AS_OF]
    if db is not None and "--db-name" not in argv:
        argv += ["--db-name", db]
    return argv


@pytest.fixture(autouse=True)
def no_demo_environment(monkeypatch):
    """Settings from the developer's shell must not leak into any test."""
    for key in list(os.environ):
        if key.startswith("DEMO_"):
            monkeypatch.delenv(key)


@pytest.fixture
def cli(monkeypatch, tmp_path, capsys):
    """cli(*args, db=name) runs main.main in this process and returns Run(code, out, err)."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # no .env_demo here

    def run(*args, db: str | None = None) -> Run:
        capsys.readouterr()
        started = time.perf_counter()
        code = main.main(with_defaults(args, db))
        seconds = time.perf_counter() - started
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err, seconds)

    return run


def _in_process(workdir: Path, args, db: str | None) -> Run:
    """main.main in this process, in `workdir`, without DEMO_* settings; output captured."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for key in list(os.environ):
            if key.startswith("DEMO_"):
                patch.delenv(key)
        patch.chdir(workdir)
        started = time.perf_counter()
        with redirect_stdout(out), redirect_stderr(err):
            code = main.main(with_defaults(args, db))
    return Run(code, out.getvalue(), err.getvalue(), time.perf_counter() - started)


@pytest.fixture(scope="module")
def module_cli(tmp_path_factory):
    """Like cli, for module-scoped fixtures (capsys is per test): output captured with redirect_stdout/stderr."""
    workdir = tmp_path_factory.mktemp("cwd")
    return lambda *args, db=None: _in_process(workdir, args, db)


SHARED_ARGS = ("--patients", 1000, "--seed", 7)  # large enough for the rate validators


@dataclass
class SharedPractice:
    db: str
    run: Run  # the generating run's console output
    counts: dict
    checksums: dict


@pytest.fixture(scope="session")
def shared_practice(tmp_path_factory):
    """The practice of SHARED_ARGS, generated once per test session for every module that only reads it.

    Tests change it only inside transactions they roll back (check_violations), so it stays as generated."""
    databases = ScratchDatabases()
    db = databases("shared", create=False)
    try:
        run = _in_process(tmp_path_factory.mktemp("cwd"), SHARED_ARGS, db)
        assert run.code == 0, run.out[-3000:] + run.err
        yield SharedPractice(db, run, row_counts(db), checksums(db))
    finally:
        databases.drop_all()


@pytest.fixture
def cli_process(tmp_path):
    """cli_process(*args, db=name) runs `python main.py` in a subprocess (cwd ROOT, empty --env-file)."""
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEMO_")}

    def run(*args, db: str | None = None, timeout: float = 300) -> Run:
        argv = with_defaults(args, db) + ["--env-file", str(env_file)]
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "main.py", *argv], check=False, cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout)
        return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - started)

    return run


# --- scratch databases -----------------------------------------------------------------------------------------


def db_name(purpose: str) -> str:
    return f"opendental_demo_test_{purpose}_{os.getpid()}"


def _admin(statement: str, params=None):
    conn = psycopg2.connect(**ADMIN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def database_exists(name: str) -> bool:
    return bool(_admin("SELECT 1 FROM pg_database WHERE datname = %s", (name,)))


def create_database(name: str) -> None:
    _admin(f'CREATE DATABASE "{name}"')


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class ScratchDatabases:
    """Hands out scratch database names and drops every one of them at the end, whatever happened."""

    def __init__(self):
        self.names: list[str] = []

    def __call__(self, purpose: str, create: bool = True) -> str:
        """A fresh name (dropped first if a previous run left it); created empty unless create=False."""
        name = db_name(purpose)
        drop_database(name)
        self.names.append(name)
        if create:
            create_database(name)
        return name

    def drop_all(self) -> None:
        for name in self.names:
            drop_database(name)


def generated_database(module_cli, module_scratch_db, purpose: str, *args) -> str:
    """A scratch database holding one successful run with these arguments."""
    db = module_scratch_db(purpose, create=False)
    run = module_cli(*args, db=db)
    assert run.code == 0, run.out[-3000:] + run.err
    return db


@contextmanager
def schema_database(purpose: str):
    """A scratch database holding the empty raw schema: an autocommit connection to it, dropped afterwards."""
    name = db_name(purpose)
    drop_database(name)
    create_database(name)
    conn = None
    try:
        create_raw_schema(name)
        conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=name)
        conn.autocommit = True
        yield conn
    finally:
        if conn is not None:
            conn.close()
        drop_database(name)


def insert_rows(cur, rows: dict[str, list[dict]]) -> None:
    """Hand-made rows, {table: [{column: value}]}, each naming only the columns it sets."""
    for table, table_rows in rows.items():
        for row in table_rows:
            columns = ", ".join(f'"{c}"' for c in row)
            cur.execute(f"INSERT INTO raw.{table} ({columns}) VALUES ({', '.join(['%s'] * len(row))})",
                        list(row.values()))


def check_violations(db: str, checks, change=None) -> dict[str, int]:
    """{check name: violations} on the database after `change` (SQL text, or a function of a cursor), which
    is rolled back afterwards."""
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=db)
    try:
        with conn.cursor() as cur:
            if isinstance(change, str):
                cur.execute(change)
            elif change is not None:
                change(cur)
        return {r.check.name: r.violations for r in run_checks(conn, checks, date.fromisoformat(AS_OF))}
    finally:
        conn.rollback()
        conn.close()


@pytest.fixture
def scratch_db():
    databases = ScratchDatabases()
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture(scope="module")
def module_scratch_db():
    databases = ScratchDatabases()
    try:
        yield databases
    finally:
        databases.drop_all()


# --- looking at a database ---------------------------------------------------------------------------------------


def query(db: str, statement: str, params=None) -> list[tuple]:
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=db)
    try:
        with conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall()
    finally:
        conn.rollback()
        conn.close()


def execute(db: str, statement: str, params=None) -> None:
    """Run statement in db and commit (for setting up a test's starting state)."""
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=db)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(statement, params)
    finally:
        conn.close()


def create_raw_schema(db: str) -> None:
    """The raw schema exactly as create_tables.sql defines it (93 empty tables)."""
    execute(db, (ROOT / "create_tables.sql").read_text())


def raw_tables(db: str) -> list[str]:
    rows = query(db, "SELECT table_name FROM information_schema.tables "
                     "WHERE table_schema = 'raw' AND table_type = 'BASE TABLE' ORDER BY table_name")
    return [r[0] for r in rows]


def _per_table(db: str, expression: str) -> dict:
    tables = raw_tables(db)
    if not tables:
        return {}
    statement = " UNION ALL ".join(f"SELECT '{t}', ({expression.format(table=t)}) FROM raw.\"{t}\" t" for t in tables)
    return dict(query(db, statement))


def row_counts(db: str) -> dict[str, int]:
    """{table: number of rows} for every table of schema raw."""
    return _per_table(db, "count(*)")


def checksums(db: str) -> dict[str, str | None]:
    """{table: md5 of all its rows in a stable order} for every table of schema raw (None when empty)."""
    return _per_table(db, "md5(string_agg(t::text, '|' ORDER BY t::text))")


def snapshot(db: str) -> dict:
    """Everything a test compares before and after: whether the database exists, its tables, counts and checksums."""
    if not database_exists(db):
        return {"exists": False}
    return {"exists": True, "counts": row_counts(db), "checksums": checksums(db)}


def sigterm_on_call(monkeypatch, module, name: str, call: int) -> None:
    """Replace module.name by a wrapper that sends this process SIGTERM on its `call`-th call (then goes on), to
    interrupt a run in the middle of its work."""
    real = getattr(module, name)
    calls = {"n": 0}

    def then_get_terminated(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == call:
            os.kill(os.getpid(), signal.SIGTERM)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, then_get_terminated)
