"""The run's record in the database (manifest.py): written with the data, read back by --validate-only, which
then checks the data against the settings it was made with and names the tables changed since."""

from __future__ import annotations

import re

import psycopg2
import pytest
from conftest import AS_OF, ROOT, SHARED_ARGS, _admin, db_name, drop_database, execute, query, row_counts

import manifest
from contract.tables import GENERATED_TABLES


def test_the_recorded_version_is_the_projects():
    declared = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert declared and declared.group(1) == manifest.VERSION


@pytest.mark.db
def test_a_run_records_its_settings_and_rows(shared_practice):
    conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname=shared_practice.db)
    try:
        recorded = manifest.read(conn)
    finally:
        conn.close()
    assert recorded is not None
    settings = dict(zip(SHARED_ARGS[::2], SHARED_ARGS[1::2]))
    assert (recorded.patients, recorded.seed) == (settings["--patients"], settings["--seed"])
    assert str(recorded.as_of) == AS_OF and recorded.version == manifest.VERSION
    assert recorded.appointments == 3 * recorded.patients  # the default pace, as the run used it
    counts = row_counts(shared_practice.db)
    assert recorded.row_counts == {t: counts[t] for t in GENERATED_TABLES}
    assert query(shared_practice.db, "SELECT count(*) FROM generator.run") == [(1,)]


@pytest.fixture
def copy_of_shared(shared_practice):
    """A copy of the shared practice that a test may change."""
    name = db_name("manifestcopy")
    drop_database(name)
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{shared_practice.db}"')
    try:
        yield name
    finally:
        drop_database(name)


@pytest.mark.db
def test_validate_only_checks_against_the_recorded_settings(copy_of_shared, cli):
    # Configured now: the defaults (5,000 patients). The database holds 1,000: the record decides.
    run = cli("--validate-only", db=copy_of_shared)
    assert run.code == 0, run.out[-3000:] + run.err
    assert "1,000 patients" in run.err + run.out and "✗" not in run.out
    assert "changed since" not in run.err + run.out


@pytest.mark.db
def test_validate_only_names_a_table_changed_by_hand(copy_of_shared, cli):
    (before,) = query(copy_of_shared, "SELECT count(*) FROM raw.commlog")[0]
    execute(copy_of_shared, 'DELETE FROM raw.commlog WHERE "CommlogNum" = (SELECT min("CommlogNum") FROM raw.commlog)')
    run = cli("--validate-only", db=copy_of_shared)
    said = run.err + run.out
    assert f"raw.commlog holds {before - 1:,} rows where the generator wrote {before:,}" in said
    assert said.count("changed since") == 1


@pytest.mark.db
def test_without_a_record_validate_only_uses_the_configured_settings(copy_of_shared, cli):
    execute(copy_of_shared, "DROP SCHEMA generator CASCADE")
    run = cli("--validate-only", db=copy_of_shared)
    assert run.code == 1  # 5,000 patients expected, 1,000 found
    assert "patients as requested" in run.out and "recorded" not in run.err + run.out
