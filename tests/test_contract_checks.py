"""The contract checks against a real PostgreSQL: a scratch database with the raw schema and a few hand-made rows.

Each row below is built to pass or break one specific dbt test; the expected counts follow from the rows, the
staging filters (rows a staging model drops are never counted) and dbt's NULL semantics.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date, timedelta
from pathlib import Path

import psycopg2
import pytest
from conftest import insert_rows, schema_database

from validators import contract_checks
from validators.base import render, run_checks

pytestmark = pytest.mark.db  # needs PostgreSQL

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "contract"
AS_OF = date(2025, 6, 15)
PAST, FUTURE = AS_OF - timedelta(days=10), AS_OF + timedelta(days=5)
NO_DATE = date(1, 1, 1)  # OpenDental's "no date"; the clean_date transform turns it into NULL

ROWS = {
    "patient": [{"PatNum": 1}, {"PatNum": 2}],
    "payment": [
        {"PayNum": 1, "PatNum": 1, "PayDate": PAST, "PayType": 0, "PayAmt": 5, "DateEntry": PAST},  # R-payment-032
        {"PayNum": 2, "PatNum": 1, "PayDate": FUTURE, "PayType": 0, "PayAmt": 5, "DateEntry": PAST},  # filtered out
        {"PayNum": 3, "PatNum": 2, "PayDate": PAST, "PayType": 69, "PayAmt": 10, "DateEntry": NO_DATE},  # -018
    ],
    "paysplit": [
        {"SplitNum": 1, "PayNum": 1, "PatNum": 1, "DatePay": PAST},
        {"SplitNum": 2, "PayNum": 3, "PatNum": 99, "DatePay": PAST},  # R-paysplit-012: no patient 99
        {"SplitNum": 3, "PayNum": 2, "PatNum": 1, "DatePay": PAST},  # R-paysplit-010: payment 2 is not staged
        {"SplitNum": 4, "PayNum": 1, "PatNum": 98, "DatePay": FUTURE},  # filtered out: counts nowhere in staging
        {"SplitNum": 5, "PayNum": 1, "PatNum": -5, "DatePay": PAST},  # id_cast -> NULL: R-paysplit-011 only
    ],
    "appointment": [
        {"AptNum": 1, "PatNum": 1, "AptStatus": 4, "AptDateTime": date(2024, 3, 1)},  # R-appointment-019, -028
        {"AptNum": 2, "PatNum": 1, "AptStatus": 2, "AptDateTime": date(2024, 3, 2)},
        {"AptNum": 3, "PatNum": 1, "AptStatus": 4, "AptDateTime": date(2022, 1, 1)},  # before 2023: source only
        {"AptNum": 4, "PatNum": 2, "AptStatus": 2, "AptDateTime": FUTURE},  # completed in the future: -029
    ],
    "procedurelog": [
        {"ProcNum": 1, "PatNum": 1, "ProcStatus": 2, "ProcDate": None},  # staged through procgroupitem: -018
        {"ProcNum": 2, "PatNum": 1, "ProcStatus": 2, "ProcDate": date(2024, 1, 1)},
        {"ProcNum": 3, "PatNum": 1, "ProcStatus": 2, "ProcDate": None},  # not staged: source R-procedurelog-004 only
    ],
    "procgroupitem": [
        {"ProcGroupItemNum": 1, "ProcNum": 1, "GroupNum": 7},
        {"ProcGroupItemNum": 2, "ProcNum": 1, "GroupNum": 7},  # R-procgroupitem-014: (procedure, group) twice
    ],
    "procedurecode": [
        {"CodeNum": 1, "ProcCode": "D0120"},
        {"CodeNum": 2, "ProcCode": "DX"},  # C-15 (R-procedurecode-013): a D code must go on with a digit
        {"CodeNum": 3, "ProcCode": "!!bad"},  # C-16 (R-procedurecode-014): no accepted code format
    ],
    "periomeasure": [{"PerioMeasureNum": 1, "PerioExamNum": 1, "IntTooth": 40}],  # R-periomeasure-013
    "perioexam": [{"PerioExamNum": 1, "ExamDate": date(2024, 5, 1)}],
}

EXPECTED = {
    "R-payment-032": 1,  # PayType 0 with an amount; the future payment 2 is dropped by the staging filter
    "R-payment-025": 0,  # payment_date <= today: the only future payment is filtered out
    "R-payment-018": 1,  # entry_date NOT NULL after clean_date
    "R-payment-004": 0,  # patient_id -> patient
    "R-paysplit-012": 1,
    "R-paysplit-010": 1,
    "R-paysplit-011": 1,
    "R-paysplit-006": 0,  # source PatNum NOT NULL: -5 is not NULL in raw
    "R-appointment-019": 1,  # staged appointments only
    "R-appointment-028": 1,
    "R-appointment-006": 2,  # source test: every raw row, the 2022 one too
    "R-appointment-029": 1,
    "R-appointment-022": 0,  # bool_text1 always yields a boolean
    "R-procedurelog-004": 2,
    "R-procedurelog-018": 1,
    "R-procgroupitem-014": 1,  # duplicates count the rows beyond the first
    "R-procedurecode-013": 1,
    "R-procedurecode-014": 1,
    "R-periomeasure-013": 1,
    "R-definition-013": 1,  # row count 100..10 000 and there is no definition
}


@pytest.fixture(scope="module")
def database():
    with schema_database("contract") as conn:
        yield conn


@pytest.fixture
def loaded(database):
    """The hand-made rows, inside a transaction rolled back afterwards (the schema stays empty for other tests)."""
    database.autocommit = False
    with database.cursor() as cur:
        insert_rows(cur, ROWS)
    try:
        yield database
    finally:
        database.rollback()
        database.autocommit = True


def test_every_check_runs_on_the_empty_schema(database):
    failures = []
    with database.cursor() as cur:
        for check in contract_checks.checks():
            try:
                cur.execute(render(check.query, AS_OF))
                cur.fetchone()
            except psycopg2.Error as error:
                failures.append(f"{check.name}: {str(error).splitlines()[0]}")
                database.rollback()
    assert failures == []
    # and batched, as the runner evaluates them
    assert all(r.violations >= 0 for r in run_checks(database, contract_checks.checks(), AS_OF))


def test_checks_are_named_after_rules_and_filtered_by_table():
    all_checks = contract_checks.checks()
    names = [c.name for c in all_checks]
    assert len(names) == len(set(names)) > 1000
    assert all(c.severity in {"ERROR", "WARN"} and c.description for c in all_checks)
    payment = contract_checks.checks({"payment"})
    assert payment and {c.table for c in payment} == {"payment"}
    assert {c.name for c in payment} <= set(names)
    # never approximated: a dbt-added column, and a staging column whose SQL tables.json truncated
    assert "R-adjustment-026" not in names and "R-adjustment-033" not in names


@pytest.mark.skipif(not CONTRACT.is_dir(), reason="contract directory not available")
def test_committed_rules_match_the_contract():
    spec = importlib.util.spec_from_file_location("import_rules", ROOT / "tools" / "import_rules.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tables = json.loads((CONTRACT / "tables.json").read_text())["tables"]
    result = tool.import_rules((CONTRACT / "rules.md").read_text(), tables)
    assert json.loads(tool.to_json(result)) == contract_checks.contract()


def test_hand_made_rows_give_the_expected_violations(loaded):
    by_name = {c.name: c for c in contract_checks.checks(set(ROWS) | {"definition"})}
    results = run_checks(loaded, [by_name[name] for name in EXPECTED], AS_OF)
    assert {r.check.name: r.violations for r in results} == EXPECTED


def test_severity_and_failure_follow_the_rule(loaded):
    by_name = {c.name: c for c in contract_checks.checks({"payment", "periomeasure"})}
    results = {r.check.name: r for r in run_checks(loaded, list(by_name.values()), AS_OF)}
    assert results["R-payment-032"].failed  # ERROR rule with a violation
    assert results["R-periomeasure-013"].violations == 1 and not results["R-periomeasure-013"].failed  # WARN


def test_threshold_hides_counts_below_it(loaded):
    rule = {
        "id": "t",
        "table": "appointment",
        "model": "source",
        "kind": "expression",
        "expression": '"AptStatus" IN (1, 2, 3, 5, 6)',
    }
    for threshold, expected in ((None, 2), ({"op": ">=", "value": 2}, 2), ({"op": ">=", "value": 3}, 0)):
        check = contract_checks.rule_check(rule | {"threshold": threshold, "severity": "ERROR", "description": "t"})
        assert run_checks(loaded, [check], AS_OF)[0].violations == expected
