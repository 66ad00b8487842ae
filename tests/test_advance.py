"""--advance-to on a database: path independence (two steps, one step and a fresh run with the same pace give
the same tables), what it reports, and every refusal and failure leaving the database as it was."""

from __future__ import annotations

import psycopg2
import psycopg2.extras
import pytest
from conftest import HOST, PORT, USER, checksums, sigterm_on_call, snapshot

import advance
from generators import engine

pytestmark = pytest.mark.db  # needs PostgreSQL

BEFORE, MIDDLE, AFTER = "2026-10-22", "2026-11-05", "2026-11-20"  # AFTER is conftest's AS_OF
ARGS = ("--patients", 400, "--seed", 11)


# --- a database advanced ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def practices(module_cli, module_scratch_db):
    """Three databases that must end up identical: advanced in two steps (one worker), in one step (two workers),
    and generated afresh on the later date with the earlier one's pace."""
    dbs = {}
    for name in ("steps", "one", "fresh"):
        dbs[name] = module_scratch_db(f"advance_{name}", create=False)
    for name in ("steps", "one"):
        run = module_cli(*ARGS, "--as-of", BEFORE, db=dbs[name])
        assert run.code == 0, run.out[-2000:] + run.err
    dbs["before"] = checksums(dbs["one"])
    runs = {"middle": module_cli("--advance-to", MIDDLE, "--workers", 1, db=dbs["steps"])}
    runs["last"] = module_cli("--advance-to", AFTER, "--workers", 1, db=dbs["steps"])
    runs["one"] = module_cli("--advance-to", AFTER, "--workers", 2, db=dbs["one"])
    runs["fresh"] = module_cli(*ARGS, "--as-of", AFTER, "--paced-by", BEFORE, db=dbs["fresh"])
    for name, run in runs.items():
        assert run.code == 0, (name, run.out[-3000:] + run.err)
    return dbs, runs


def test_advancing_in_two_steps_or_one_or_afresh_gives_the_same_tables(practices):
    dbs, _ = practices
    steps, one, fresh = checksums(dbs["steps"]), checksums(dbs["one"]), checksums(dbs["fresh"])
    assert steps == one
    # the pending dbt run's row is the dbt project's (its hooks update it): an advance leaves it as it was, a
    # fresh run writes its own
    assert {t: c for t, c in one.items() if t != "etl_transform_status"} == \
        {t: c for t, c in fresh.items() if t != "etl_transform_status"}
    assert one != dbs["before"]


def test_an_advance_reports_each_table_and_the_totals(practices):
    _, runs = practices
    out = runs["one"].out
    assert "Advance: 2026-10-22 to 2026-11-20 (29 days)" in out
    assert "inserted" in out and "updated" in out and "deleted" in out
    assert "✓ Advanced:" in out
    appointment = next(line for line in out.splitlines() if line.strip().startswith("appointment "))
    assert int(appointment.split()[1].replace(",", "")) > 0  # new visits were booked


def test_the_record_follows_the_advance(practices):
    dbs, _ = practices
    rows = _query(dbs["one"], "SELECT as_of, paced_by FROM generator.run")
    assert [(str(a), str(b)) for a, b in rows] == [(AFTER, BEFORE)]


def test_advancing_to_the_as_of_date_does_nothing_and_says_so(practices, cli):
    dbs, _ = practices
    before = snapshot(dbs["steps"])
    run = cli("--advance-to", AFTER, db=dbs["steps"])
    assert run.code == 0 and "nothing to do" in run.out
    assert snapshot(dbs["steps"]) == before


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(module_cli, module_scratch_db, cli):
    db = module_scratch_db("advance_dry", create=False)
    assert module_cli(*ARGS, "--as-of", BEFORE, db=db).code == 0
    before = snapshot(db)
    run = cli("--advance-to", AFTER, "--dry-run", db=db)
    assert run.code == 0, run.err
    assert "--dry-run: nothing is written" in run.out and "appointment" in run.out
    assert snapshot(db) == before


# --- refusals and failures leave the database as it was --------------------------------------------------------


@pytest.fixture(scope="module")
def target(module_cli, module_scratch_db):
    db = module_scratch_db("advance_target", create=False)
    run = module_cli(*ARGS, "--as-of", BEFORE, db=db)
    assert run.code == 0, run.out[-2000:] + run.err
    return db


def _query(db: str, statement: str, params=None):
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=db)
    try:
        with conn.cursor() as cur:
            cur.execute(statement, params)
            rows = cur.fetchall() if cur.description else None
        conn.commit()
        return rows
    finally:
        conn.close()


def _refused(cli, db: str, *args) -> str:
    before = snapshot(db)
    run = cli(*args, db=db)
    assert run.code == 2, run.out[-2000:] + run.err
    assert len(run.err_lines) == 1 and "Traceback" not in run.err, run.err
    assert snapshot(db) == before
    return run.err_lines[0]


def test_a_date_before_the_as_of_date_is_refused(target, cli):
    assert "before the database's as-of date" in _refused(cli, target, "--advance-to", "2026-10-01")


def test_other_options_are_refused(target, cli):
    assert "made with --patients 400" in _refused(cli, target, "--advance-to", AFTER, "--patients", 500)
    assert "made with --seed 11" in _refused(cli, target, "--advance-to", AFTER, "--seed", 12)


def test_a_date_after_today_is_refused(target, cli):
    assert "in the future" in _refused(cli, target, "--advance-to", "2999-01-01")


def test_another_version_is_refused(target, cli):
    _query(target, "UPDATE generator.run SET generator_version = '0.0.1'")
    try:
        assert "made by generator 0.0.1" in _refused(cli, target, "--advance-to", AFTER)
    finally:
        _query(target, "UPDATE generator.run SET generator_version = %s", (advance.manifest.VERSION,))


def test_a_database_the_generator_did_not_make_is_refused(target, cli):
    saved = _query(target, "SELECT * FROM generator.run")
    _query(target, "DELETE FROM generator.run")
    try:
        assert "no record of a generator run" in _refused(cli, target, "--advance-to", AFTER)
    finally:
        conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=target)
        with conn, conn.cursor() as cur:
            cur.execute(f"INSERT INTO generator.run VALUES ({', '.join(['%s'] * len(saved[0]))})",
                        [psycopg2.extras.Json(v) if isinstance(v, dict) else v for v in saved[0]])
        conn.close()


@pytest.mark.parametrize("change, undo", [
    ("""UPDATE raw.patient SET "LName" = 'Changed' WHERE "PatNum" = 1""", None),
    ("""DELETE FROM raw.commlog WHERE "CommlogNum" = (SELECT min("CommlogNum") FROM raw.commlog)""", None),
])
def test_rows_changed_by_hand_are_refused(change, undo, module_cli, module_scratch_db, cli):
    db = module_scratch_db("advance_hand", create=False)
    assert module_cli(*ARGS, "--as-of", BEFORE, db=db).code == 0
    _query(db, change)
    assert "since it was generated" in _refused(cli, db, "--advance-to", AFTER)


def test_a_failed_check_rolls_the_advance_back(target, cli, monkeypatch):
    real = advance.apply

    def apply_then_break_a_rule(conn, changes):
        seconds = real(conn, changes)
        with conn.cursor() as cur:  # as a bug in the generator would: an appointment status OpenDental lacks
            cur.execute('UPDATE raw.appointment SET "AptStatus" = 42 WHERE "AptNum" = (SELECT min("AptNum") '
                        'FROM raw.appointment)')
        return seconds

    monkeypatch.setattr(advance, "apply", apply_then_break_a_rule)
    before = snapshot(target)
    run = cli("--advance-to", AFTER, "--workers", 1, db=target)
    assert run.code == 1, run.out[-2000:] + run.err
    assert snapshot(target) == before


def test_sigterm_during_an_advance_rolls_it_back(target, cli, monkeypatch):
    sigterm_on_call(monkeypatch, engine, "chunk_rows", 2)
    before = snapshot(target)
    run = cli("--advance-to", AFTER, "--workers", 1, db=target)
    assert run.code == 2 and "interrupted" in run.err
    assert snapshot(target) == before
