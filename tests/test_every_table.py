"""Every table the dbt project reads: filled by one run, its checks green, and one of its rules shown to bite.

One run of 1,000 patients. For each of the 93 tables of the contract: the table holds rows (clinic none, G-03);
every check about it passes on the generated rows; and a copy of one of its rows (a duplicated primary key,
inside a transaction rolled back afterwards) makes its primary-key rule fail, as a row in clinic makes
"clinic empty" fail.
"""

from __future__ import annotations

from datetime import date

import psycopg2
import pytest
from conftest import AS_OF, HOST, PORT, USER, generated_database, row_counts, with_defaults

from config import load_config
from contract import schema
from validators import suite
from validators.base import run_checks

pytestmark = pytest.mark.db  # needs PostgreSQL

ARGS = ("--patients", 1000, "--seed", 11)
TABLES = sorted(schema.tables())


@pytest.fixture(scope="module")
def generated(module_cli, module_scratch_db, tmp_path_factory):
    """(database, row counts, every check of the suite by table)."""
    db = generated_database(module_cli, module_scratch_db, "every_table", *ARGS)
    config = load_config(with_defaults(ARGS, db), {}, tmp_path_factory.mktemp("cfg"), date.today())
    by_table: dict[str, list] = {}
    for check in suite.all_checks(config):
        by_table.setdefault(check.table, []).append(check)
    return db, row_counts(db), by_table


@pytest.fixture
def conn(generated):
    connection = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=generated[0])
    try:
        yield connection
    finally:
        connection.rollback()
        connection.close()


def test_the_contract_tables_are_the_schema(generated):
    _, counts, _ = generated
    assert len(TABLES) == 93 and set(counts) == set(TABLES)


@pytest.mark.parametrize("table", TABLES)
def test_table_is_filled_and_its_checks_pass(generated, conn, table):
    _, counts, by_table = generated
    if table == "clinic":
        assert counts[table] == 0
    else:
        assert counts[table] > 0, f"{table} is empty"
    checks = by_table.get(table, [])
    assert checks, f"no validator is about {table}"
    results = run_checks(conn, checks, date.fromisoformat(AS_OF))
    assert [(r.check.name, r.violations) for r in results if r.failed] == []


@pytest.mark.parametrize("table", TABLES)
def test_a_broken_row_fails_a_rule_of_the_table(generated, conn, table):
    _, _, by_table = generated
    with conn.cursor() as cur:
        if table == "clinic":
            cur.execute('INSERT INTO raw.clinic ("ClinicNum") VALUES (1)')
            rule = "clinic empty"
        else:
            cur.execute(f"ALTER TABLE raw.{table} DROP CONSTRAINT IF EXISTS {table}_pkey")
            if table.startswith("etl_"):  # table_name is unique too: the copy keeps only the id
                cur.execute(f"INSERT INTO raw.{table} (id, table_name) SELECT id, 'copy' FROM raw.{table} LIMIT 1")
            else:
                cur.execute(f"INSERT INTO raw.{table} SELECT * FROM raw.{table} LIMIT 1")
            rule = f"primary key {table}"
    checks = [c for c in by_table[table] if c.name == rule]
    assert len(checks) == 1
    results = run_checks(conn, checks, date.fromisoformat(AS_OF))
    assert results[0].failed and results[0].violations == 1
