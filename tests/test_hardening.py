"""Whatever happens around a run, the database ends up as it was or fully written: concurrent runs, lost
connections, signals, sizes that cannot fit, hostile input, and a dry run that touches nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date

import psycopg2
import pytest
from conftest import HOST, PORT, ROOT, USER, database_exists, sigterm_on_call, snapshot, with_defaults

import loader
from config import GeneratorConfig
from contract.rules import INT4_MAX
from generators import limits, supporting

pytestmark = pytest.mark.db  # needs PostgreSQL

ARGS = ("--patients", 1000, "--seed", 4)


@pytest.fixture(scope="module")
def filled(module_cli, module_scratch_db):
    db = module_scratch_db("hardening", create=False)
    run = module_cli(*ARGS, db=db)
    assert run.code == 0, run.out[-2000:] + run.err
    return db


def one_line(run) -> str:
    assert len(run.err_lines) == 1, run.err
    assert run.err_lines[0].startswith("error: ") and "Traceback" not in run.err
    return run.err_lines[0]


# --- two runs at once ---------------------------------------------------------------------------------------------


def test_second_run_is_refused_at_once_naming_the_first(filled, cli):
    before = snapshot(filled)
    holder = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=filled)
    try:
        with holder.cursor() as cur:  # a run in progress holds the run lock in its transaction
            cur.execute("SELECT pg_advisory_xact_lock(%s), pg_backend_pid()", (loader.RUN_LOCK_KEY,))
            pid = cur.fetchone()[1]
        started = time.perf_counter()
        run = cli(*ARGS, "--reset", db=filled)
        waited = time.perf_counter() - started
    finally:
        holder.rollback()
        holder.close()
    line = one_line(run)
    assert run.code == 2
    assert f"server process {pid}" in line and filled in line
    assert waited < 15  # refused, not queued behind the first run (which would hold it for as long as it runs)
    assert snapshot(filled) == before


# --- the connection lost in the middle ----------------------------------------------------------------------------


def test_lost_connection_rolls_back_with_one_line(filled, cli, monkeypatch):
    before = snapshot(filled)
    real = loader.copy_text
    calls = {"n": 0}

    def copy_then_lose_the_server(conn, table, text):
        calls["n"] += 1
        if calls["n"] == 30:  # well into the load: the backend goes away, as when the server restarts
            admin = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname="postgres")
            admin.autocommit = True
            with admin.cursor() as cur:
                cur.execute("SELECT pg_terminate_backend(%s)", (conn.get_backend_pid(),))
            admin.close()
        return real(conn, table, text)

    monkeypatch.setattr(loader, "copy_text", copy_then_lose_the_server)
    run = cli(*ARGS, "--reset", "--workers", 1, db=filled)
    line = one_line(run)
    assert run.code == 2
    assert "lost the connection" in line and "nothing was written" in line
    assert snapshot(filled) == before


# --- signals -------------------------------------------------------------------------------------------------------


def test_sigterm_in_process_rolls_back(filled, cli, monkeypatch):
    before = snapshot(filled)
    sigterm_on_call(monkeypatch, supporting, "emit", 600)
    run = cli(*ARGS, "--reset", "--workers", 1, db=filled)
    assert run.code == 2
    assert "interrupted" in one_line(run)
    assert snapshot(filled) == before


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_to_a_running_process_rolls_back(signum, filled, tmp_path):
    before = snapshot(filled)
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEMO_")}
    argv = with_defaults(("--patients", 20000, "--seed", 9, "--reset"), filled) + ["--env-file", str(env_file)]
    process = subprocess.Popen([sys.executable, "main.py", *argv], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().startswith("=")  # the banner: main() runs, its handlers are in place
    time.sleep(2)  # generating by now: 20,000 patients take far longer
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    assert "Traceback" not in err and len(err.splitlines()) == 1 and "interrupted" in err
    assert snapshot(filled) == before


# --- sizes and dates that cannot fit --------------------------------------------------------------------------------


def test_too_many_appointments_for_the_schedule_are_refused_up_front(cli, scratch_db):
    db = scratch_db("too_big", create=False)
    run = cli("--patients", 300000, db=db)
    line = one_line(run)
    assert run.code == 2 and "at most" in line and "appointments" in line
    assert not database_exists(db)


def _config(patients: int, start: date, as_of: date) -> GeneratorConfig:
    return GeneratorConfig(num_patients=patients, num_appointments=3 * patients, num_procedures=4 * patients,
                           start_date=start, as_of=as_of)


def test_ids_past_int4_are_refused_with_the_size_that_fits():
    problems = limits.problems(_config(50_000_000, date(1950, 1, 1), date(2026, 11, 20)))
    assert any("int4" in p and "at most" in p for p in problems)
    fits = int(next(p for p in problems if "int4" in p).split("at most ")[1].split()[0].replace(",", ""))
    _, largest = limits.largest_id(_config(fits, date(1950, 1, 1), date(2026, 11, 20)))
    assert largest <= INT4_MAX


def test_booking_past_2030_is_refused():
    problems = limits.problems(_config(5000, date(2023, 1, 1), date(2030, 10, 1)))
    assert any("2030-12-31" in p for p in problems)
    assert limits.problems(_config(5000, date(2023, 1, 1), date(2026, 11, 20))) == []


def test_long_runs_are_announced_with_an_estimate():
    assert limits.estimated_seconds(200_000, 2) > 60 > limits.estimated_seconds(5_000, 2)


# --- hostile input --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["opendental_demo_x'; DROP DATABASE postgres; --", "opendental_demo x",
                                  "opendental_demo_é"])
def test_hostile_database_names_are_refused(name, cli):
    run = cli(*ARGS, "--db-name", name)
    assert run.code == 2
    line = one_line(run)
    assert "letters, digits and underscores" in line or "only writes to a database named" in line


def test_hostile_user_and_password_are_passed_safely(cli, scratch_db):
    db = scratch_db("hostile_user", create=False)
    password = "pa'ss; DROP TABLE x; --é"
    run = cli(*ARGS, "--db-user", "nobody'; DROP DATABASE postgres; --", "--db-password", password, db=db)
    line = one_line(run)
    assert run.code == 2 and "nobody'" in line and password not in line
    assert database_exists("postgres") and not database_exists(db)


@pytest.mark.parametrize("content, expected", [
    (b"DEMO_NUM_PATIENTS=\xff\xfe\n", "not UTF-8"),
    (b"DEMO_START_DATE = 2023-01-01; DROP TABLE x\n", "DEMO_START_DATE"),
    (b"NOT_A_KEY=1\n", "unknown key"),
    (b"DEMO_POSTGRES_PASSWORD hunter2\n", "line 1"),
])
def test_bad_env_files_name_the_file_and_line(content, expected, cli, tmp_path, scratch_db):
    env = tmp_path / "bad.env"
    env.write_bytes(content)
    run = cli(*ARGS, "--env-file", str(env), db=scratch_db("bad_env", create=False))
    line = one_line(run)
    assert run.code == 2 and expected in line and "hunter2" not in line


def test_unreadable_env_file_is_named(cli, tmp_path, scratch_db):
    folder = tmp_path / "a_folder.env"
    folder.mkdir()  # exists but cannot be read as a file (a permission test would not hold when run as root)
    run = cli(*ARGS, "--env-file", str(folder), db=scratch_db("unreadable_env", create=False))
    line = one_line(run)
    assert run.code == 2 and "a_folder.env" in line


# --- a dry run ------------------------------------------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_touches_nothing(cli, scratch_db):
    db = scratch_db("dry_run", create=False)
    run = cli("--patients", 800, "--dry-run", db=db)
    assert run.code == 0, run.err
    assert "nothing is connected to or written" in run.out and "Estimated time" in run.out
    assert "appointment" in run.out and "2,400" in run.out  # 3 appointments per patient, exactly
    assert not database_exists(db)
