"""Refusals and failures leave the database exactly as it was: compared by per-table row counts and checksums."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import (
    HOST,
    create_raw_schema,
    database_exists,
    execute,
    raw_tables,
    row_counts,
    snapshot,
)

import loader
from generators import financial, supporting
from validators import volumes
from validators.base import Check

pytestmark = pytest.mark.db  # needs PostgreSQL

# The filled database and every run that must get through the validators use 1,000 patients: at a few hundred,
# many seeds fail the rate validators by chance (test_run.py, test_small_runs_pass_the_validators_for_any_seed).
# Runs that are made to fail while generating use 200 patients: they never reach a validator.
PATIENTS, SEED, OTHER = 1000, 3, 5
ARGS = ("--patients", PATIENTS, "--seed", SEED)
OTHER_SEED = ("--patients", PATIENTS, "--seed", OTHER)  # what a leaked write would look like: different rows
SMALL = ("--patients", 200, "--seed", OTHER)
PASSWORD = "secret123"


@pytest.fixture(scope="module")
def filled_original(module_cli, module_scratch_db):
    db = module_scratch_db("safety", create=False)
    run = module_cli(*ARGS, db=db)
    assert run.code == 0, run.out[-3000:] + run.err
    state = snapshot(db)
    assert state["counts"]["patient"] == PATIENTS
    return db, state


@pytest.fixture
def filled(filled_original, module_cli):
    """A database filled by a successful run, restored first if an earlier (failing) test changed it."""
    db, original = filled_original
    if snapshot(db) != original:
        run = module_cli(*ARGS, "--reset", db=db)
        assert run.code == 0 and snapshot(db) == original, "could not restore the filled database"
    return db, original


def one_line(run) -> str:
    assert len(run.err_lines) == 1, run.err
    assert run.err_lines[0].startswith("error: ")
    return run.err_lines[0]


# --- (a) a database name that is not opendental_demo* --------------------------------------------------------------


@pytest.mark.parametrize("name", [f"dental_prod_{os.getpid()}", f"opendental_demox_{os.getpid()}",
                                  f"Opendental_Demo_{os.getpid()}"])
@pytest.mark.parametrize("source", ["command line", "environment", ".env_demo"])
def test_foreign_database_name_is_refused_before_connecting(name, source, cli, monkeypatch):
    args = []
    if source == "command line":
        args = ["--db-name", name]
    elif source == "environment":
        monkeypatch.setenv("DEMO_POSTGRES_DB", name)
    else:
        (Path.cwd() / ".env_demo").write_text(f"DEMO_POSTGRES_DB={name}\n")  # cli runs in an empty directory
    assert not database_exists(name)
    run = cli(*args)
    assert run.code == 2
    message = one_line(run)
    assert name in message and "opendental_demo" in message
    assert run.out == ""  # not even the banner
    assert not database_exists(name)


def test_foreign_database_name_is_refused_without_any_connection_attempt(cli_process):
    """With an unreachable port a connection attempt would fail with 'cannot connect'; the name check comes first."""
    name = f"dental_prod_{os.getpid()}"
    run = cli_process("--db-name", name, "--db-port", "1")
    assert run.code == 2
    message = one_line(run)
    assert name in message and "cannot connect" not in message and "port" not in message


# --- (b) a second run without --reset -------------------------------------------------------------------------------


def test_second_run_without_reset_is_refused_and_changes_nothing(filled, cli):
    db, before = filled
    run = cli(*OTHER_SEED, db=db)
    assert run.code == 2
    message = one_line(run)
    assert "--reset" in message and db in message
    assert "completed successfully" not in run.out
    assert snapshot(db) == before


def test_a_single_row_in_a_table_the_generator_never_fills_is_enough_to_refuse(cli, scratch_db):
    db = scratch_db("onerow")
    create_raw_schema(db)
    execute(db, 'INSERT INTO raw.perioexam ("PerioExamNum", "ExamDate") VALUES (1, DATE \'2024-05-01\')')
    before = snapshot(db)
    run = cli(*ARGS, db=db)
    assert run.code == 2
    message = one_line(run)
    assert "--reset" in message and "perioexam" in message
    assert snapshot(db) == before


# --- (c) an unreachable server ------------------------------------------------------------------------------------


def test_unreachable_server_fails_fast_with_one_line_and_no_password(cli_process):
    name = f"opendental_demo_test_unreachable_{os.getpid()}"
    run = cli_process("--db-host", HOST, "--db-port", "1", "--db-password", PASSWORD, db=name, timeout=60)
    assert run.code == 2
    assert run.seconds < 10
    message = one_line(run)
    for part in (f"host {HOST}", "port 1", f"database {name}", "user postgres"):
        assert part in message
    assert PASSWORD not in run.out + run.err
    assert not database_exists(name)


def test_unknown_user_fails_with_one_line_naming_the_target(cli, scratch_db):
    db = scratch_db("nouser")
    before = snapshot(db)
    run = cli("--db-user", "no_such_role_xyz", "--db-password", PASSWORD, *ARGS, db=db)
    assert run.code == 2
    message = one_line(run)
    for part in (f"host {HOST}", "port 5432", f"database {db}", "user no_such_role_xyz"):
        assert part in message
    assert PASSWORD not in run.out + run.err
    assert snapshot(db) == before


def test_password_is_never_printed_by_a_successful_command(filled, cli):
    db, before = filled
    run = cli(*ARGS, "--validate-only", "--db-password", PASSWORD, db=db)
    assert run.code == 0, run.out[-2000:] + run.err
    assert PASSWORD not in run.out + run.err
    assert snapshot(db) == before


# --- (d) failures in late phases ----------------------------------------------------------------------------------


def fail_after(monkeypatch, module, name: str, calls: int, exception: type[BaseException]) -> dict:
    """Make module.name raise `exception` once it has been called `calls` times (it works normally until then)."""
    real = getattr(module, name)
    seen = {"calls": 0}

    def failing(*args, **kwargs):
        seen["calls"] += 1
        if seen["calls"] > calls:
            raise exception(f"injected failure in {module.__name__}.{name}")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)
    return seen


def failing_validator(monkeypatch) -> dict:
    """An ERROR check scheduled after the last phase (it reads raw.task), with one violating row."""
    real = volumes.checks
    seen = {"calls": 0}

    def checks(phase, config):
        extra = []
        if phase == "Supporting":
            seen["calls"] += 1
            extra = [Check("injected failure", "task", "SELECT count(*) + 1 FROM raw.task WHERE false", "ERROR",
                           "always one violating row")]
        return real(phase, config) + extra

    monkeypatch.setattr(volumes, "checks", checks)
    return seen


LATE = 150  # of the 200 patients of SMALL: households are generated one by one, fail three quarters of the way
# failure -> (how to inject it, the run's arguments, what the run does: raises RuntimeError / exits 1 / exits 2)
FAILURES = {
    "supporting.emit raises": (lambda mp: fail_after(mp, supporting, "emit", LATE, RuntimeError), SMALL, "raise"),
    "financial.settle raises": (lambda mp: fail_after(mp, financial, "settle", LATE, RuntimeError), SMALL, "raise"),
    "raise after every table was copied": (
        lambda mp: fail_after(mp, loader, "upsert_status", 0, RuntimeError), OTHER_SEED, "raise"),
    "validator fails after the last phase": (failing_validator, OTHER_SEED, 1),
    # in-process: a Ctrl-C reaches the main process (workers ignore SIGINT and are terminated by it)
    "ctrl-c in supporting.emit": (lambda mp: fail_after(mp, supporting, "emit", LATE, KeyboardInterrupt),
                                  SMALL + ("--workers", 1), 2),
}
SCENARIOS = ("empty database", "empty raw schema", "filled, with --reset", "created by the run")


def prepare(scenario: str, request, scratch_db) -> tuple[str, list[str]]:
    if scenario == "filled, with --reset":
        db, _ = request.getfixturevalue("filled")
        return db, ["--reset"]
    if scenario == "created by the run":
        return scratch_db("created", create=False), []
    db = scratch_db("empty")
    if scenario == "empty raw schema":
        create_raw_schema(db)
    return db, []


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("failure", list(FAILURES))
def test_late_failure_leaves_the_database_as_it_was(failure, scenario, cli, scratch_db, monkeypatch, request):
    db, extra = prepare(scenario, request, scratch_db)
    before = snapshot(db)
    inject, args, outcome = FAILURES[failure]
    injected = inject(monkeypatch)

    if outcome == "raise":
        with pytest.raises(RuntimeError, match="injected failure"):
            cli(*args, *extra, db=db)
    else:
        run = cli(*args, *extra, db=db)
        assert run.code == outcome, run.out[-3000:] + run.err
        if outcome == 1:
            assert "✗ injected failure [task]: 1 rows" in run.out and "[Phase 6]" in run.out
            assert "nothing was written" in run.out and "completed successfully" not in run.out
        else:
            assert "interrupted" in one_line(run)
    assert injected["calls"] > 0, "the failure was never injected"

    after = snapshot(db)
    if scenario == "created by the run":
        assert before == after == {"exists": False}, "the database the failed run created was not dropped"
    else:
        assert after == before


def test_validator_failure_in_validate_only_exits_1_and_changes_nothing(filled, cli, monkeypatch):
    db, before = filled
    failing_validator(monkeypatch)
    run = cli(*ARGS, "--validate-only", db=db)
    assert run.code == 1
    assert "✗ injected failure [task]: 1 rows" in run.out
    assert snapshot(db) == before


def test_concurrent_run_creating_the_database_is_not_dropped(cli, cli_process, scratch_db, monkeypatch):
    """Two runs start on a missing database; the other run creates and fills it first. This run finds rows, refuses
    (no --reset), and must leave the other run's database alone."""
    db = scratch_db("race", create=False)
    real_create = loader._create_database

    def other_run_wins_the_race(config):
        other = cli_process(*ARGS, db=db)  # a separate process creates and fills the database meanwhile
        assert other.code == 0, other.out[-2000:] + other.err
        real_create(config)  # CREATE DATABASE now fails with duplicate_database

    monkeypatch.setattr(loader, "_create_database", other_run_wins_the_race)
    run = cli(*OTHER_SEED, db=db)
    assert run.code == 2 and "--reset" in one_line(run)
    assert database_exists(db), "the refused run dropped a database another run had created and filled"
    assert row_counts(db)["patient"] == PATIENTS


# --- (e) --validate-only ------------------------------------------------------------------------------------------


def test_validate_only_on_a_filled_database_exits_0_and_changes_nothing(filled, cli):
    db, before = filled
    run = cli(*ARGS, "--validate-only", db=db)
    assert run.code == 0, run.out[-3000:] + run.err
    assert run.out.count(": checked\n") == 6 and ": loaded" not in run.out
    assert run.out.count("Validators:") == 6 and "✗" not in run.out
    assert snapshot(db) == before


def test_validate_only_on_a_missing_database_exits_2_and_creates_nothing(cli, scratch_db):
    db = scratch_db("vmissing", create=False)
    run = cli(*ARGS, "--validate-only", db=db)
    assert run.code == 2
    message = one_line(run)
    assert db in message and "does not exist" in message
    assert not database_exists(db)


def test_validate_only_on_a_database_without_the_schema_exits_2_and_creates_nothing(cli, scratch_db):
    db = scratch_db("vbare")
    run = cli(*ARGS, "--validate-only", db=db)
    assert run.code == 2
    assert "--validate-only" in one_line(run)
    assert raw_tables(db) == []
