"""A full run at a small size into a scratch database the run creates itself; a --reset rerun; another seed."""

from __future__ import annotations

import re
from datetime import date

import psycopg2
import pytest
from conftest import AS_OF, HOST, PORT, SHARED_ARGS, USER, checksums, database_exists, query, row_counts, with_defaults

from config import load_config
from contract.tables import ETL_TABLES, GENERATED_TABLES
from validators import suite, volumes
from validators.base import run_checks

pytestmark = pytest.mark.db  # needs PostgreSQL

# 1,000 patients: large enough for most of the practice's shapes (several providers, recall rhythms, claims in
# every status), small enough to generate in a few seconds.
PATIENTS, SEED = 1000, 7
ARGS = ("--patients", PATIENTS, "--seed", SEED)
PHASE_TABLES = list(GENERATED_TABLES)


@pytest.fixture(scope="module")
def first(shared_practice):
    """The first run, into a database that did not exist yet: (database, Run, row counts, checksums)."""
    assert SHARED_ARGS == ARGS
    return shared_practice.db, shared_practice.run, shared_practice.counts, shared_practice.checksums


def test_run_exits_0_and_reports_success(first):
    db, run, counts, _ = first
    assert run.err == ""
    assert database_exists(db)
    assert "completed successfully" in run.out
    total = re.search(r"^\s+TOTAL\s+:\s+([\d,]+)$", run.out, re.MULTILINE)
    assert total, run.out[-2000:]
    assert int(total.group(1).replace(",", "")) == sum(counts.values()) > 0


def test_console_reports_every_phase_without_failed_validators(first):
    _, run, _, _ = first
    assert re.findall(r"^\[Phase (\d)\] \w+: loaded$", run.out, re.MULTILINE) == ["1", "2", "3", "4", "5", "6"]
    validator_lines = re.findall(r"Validators: (\d+) passed, \d+ warnings, (\d+) failed", run.out)
    assert len(validator_lines) == 6
    assert all(int(passed) > 0 and failed == "0" for passed, failed in validator_lines)
    assert "✗" not in run.out


def test_summary_counts_are_the_rows_in_the_database(first):
    _, run, counts, _ = first
    summary = run.out.split("Generated Record Counts:")[1]
    reported = {t: int(n.replace(",", "")) for t, n in re.findall(r"^\s+(\w+)\s+:\s+([\d,]+)$", summary, re.MULTILINE)}
    reported.pop("TOTAL")
    assert set(reported) == set(PHASE_TABLES) | set(ETL_TABLES)
    assert reported == {t: counts[t] for t in reported}
    untouched = {t: n for t, n in counts.items() if t not in reported and n}
    assert untouched == {}  # the contract's other tables are created and stay empty


def test_requested_counts_and_empty_clinic(first):
    _, _, counts, _ = first
    assert counts["patient"] == PATIENTS
    # appointments and procedures are simulated (lives lived forward), so they land near the request: 3 visits
    # per patient and 2.6 procedures per visit by default, within the validators' tolerance
    for table, requested in (("appointment", 3 * PATIENTS), ("procedurelog", round(3 * PATIENTS * 2.6))):
        assert abs(counts[table] - requested) <= volumes.volume_tolerance(requested), (table, counts[table])
    assert counts["clinic"] == 0
    assert all(counts[t] > 0 for t in PHASE_TABLES if t != "clinic")


def test_every_error_validator_passes_on_the_committed_data(first, tmp_path):
    """Run every check again, all at once, on what was committed (independently of the run's own per-phase pass)."""
    db, _, _, _ = first
    config = load_config(with_defaults(ARGS, db), {}, tmp_path, date.today())
    checks = suite.all_checks(config)
    assert any(c.severity == "ERROR" for c in checks)
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=db)
    try:
        failed = [f"{r.check.name} [{r.check.table}]: {r.violations}" for r in run_checks(conn, checks, config.as_of)
                  if r.failed]
    finally:
        conn.close()
    assert failed == []


def test_etl_load_status_has_one_row_per_loaded_table_with_its_row_count(first):
    db, _, counts, _ = first
    rows = query(db, "SELECT table_name, rows_loaded, load_status, last_loaded FROM raw.etl_load_status")
    names = [r[0] for r in rows]
    assert len(names) == len(set(names)), "a table is listed twice"
    non_empty = {t for t, n in counts.items() if n and t not in ETL_TABLES}
    assert non_empty <= set(names), f"non-empty tables without a status row: {sorted(non_empty - set(names))}"
    # Besides the non-empty tables only loaded-but-empty tables may appear (clinic: the practice has one location).
    assert set(names) - non_empty == {t for t in PHASE_TABLES if counts[t] == 0} == {"clinic"}
    assert all(n == counts[t] for t, n, _, _ in rows), "rows_loaded differs from the table's row count"
    assert {status for _, _, status, _ in rows} == {"completed"}
    assert {str(loaded.date()) for _, _, _, loaded in rows} == {"2026-11-19"}  # end of data, not the clock
    assert counts["etl_load_status"] == len(rows)


def test_etl_transform_status_is_pending_and_takes_the_dbt_hooks_upsert(first):
    db = first[0]
    assert query(db, "SELECT table_name, transform_status, rows_transformed FROM raw.etl_transform_status") == [
        ("dbt_transformation_run", "pending", 0)]
    # the on-run-start hook's statement (contract etl.md), as dbt runs it: no id given, upsert on table_name
    hook = """INSERT INTO raw.etl_transform_status (table_name, transform_status, last_transformed, rows_transformed,
                  _transformed_at)
              VALUES ('dbt_transformation_run', 'started', CURRENT_TIMESTAMP, 0, CURRENT_TIMESTAMP)
              ON CONFLICT (table_name) DO UPDATE SET transform_status = EXCLUDED.transform_status,
                  last_transformed = EXCLUDED.last_transformed, _transformed_at = EXCLUDED._transformed_at"""
    model_run = "INSERT INTO raw.etl_transform_status (table_name) VALUES ('stg_opendental__patient')"
    conn = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=db)
    try:
        with conn.cursor() as cur:
            cur.execute(hook)
            cur.execute(model_run)  # a new row takes the next id without colliding with ours
            cur.execute("SELECT table_name, transform_status FROM raw.etl_transform_status ORDER BY id")
            assert cur.fetchall() == [("dbt_transformation_run", "started"), ("stg_opendental__patient", "pending")]
    finally:
        conn.rollback()
        conn.close()


def test_reset_rerun_in_a_subprocess_gives_identical_tables(first, cli_process):
    db, _, counts, before = first
    run = cli_process(*ARGS, "--reset", db=db)
    assert run.code == 0, run.out[-3000:] + run.err
    assert "completed successfully" in run.out
    assert row_counts(db) == counts
    after = checksums(db)
    assert set(after) == set(before)
    assert {t for t in before if after[t] != before[t]} == set()


def test_other_seed_gives_other_rows_but_the_same_patient_count(first, cli, scratch_db):
    _, _, counts, seven = first
    other = scratch_db("seed")  # exists and is empty before the run
    run = cli("--patients", PATIENTS, "--seed", SEED + 1, db=other)
    assert run.code == 0, run.out[-3000:] + run.err
    eight, other_counts = checksums(other), row_counts(other)
    assert other_counts["patient"] == counts["patient"] == PATIENTS
    for table in ("patient", "appointment", "procedurelog"):
        assert eight[table] != seven[table], table
    assert f"Seed: {SEED + 1}" in run.out and f"Date range: 2023-01-01 to {AS_OF}" in run.out


def test_small_runs_pass_the_validators_for_any_seed(cli, scratch_db):
    """Any accepted configuration should generate: a small demo must not fail for the seed it was given."""
    db = scratch_db("small", create=False)
    failures = {}
    for seed in range(1, 7):
        run = cli("--patients", 200, "--seed", seed, "--reset", db=db)
        if run.code != 0:
            failures[seed] = [line.strip() for line in run.out.splitlines()
                              if line.strip().startswith("✗ ") and "Validation failed" not in line]
    assert failures == {}
