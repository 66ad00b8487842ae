"""OpenDental's empty values: a column left out or given None holds what OpenDental writes for "unset"
(0001-01-01, 0001-01-01 00:00:00, 00:00:00, 0, -1, '' or false), NULL only where contract/empty.py allows it.

The sink's policy and the writers' encodings are tested without a database; the validator that proves it on the
loaded data (validators/empty_values.py), and the date checks that read a sentinel as "unset", on the shared
practice with hand-broken rows rolled back afterwards.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time

import pytest
from conftest import check_violations
from memory import practice

from contract import empty, schema
from generators.sink import Sinks
from validators import empty_values, timeline
from writers import arrow, copytext, csvtext

UNSET = {"date": date(1, 1, 1), "timestamp": datetime(1, 1, 1, 0, 0), "time": time(0, 0)}


def _row(table: str, **values) -> dict:
    sink = Sinks()[table]
    sink.add(**values)
    return dict(zip((c.name for c in schema.table(table).columns), sink.rows[0]))


# ---------------------------------------------------------------- the sink's policy (no database)


def test_a_column_left_out_holds_the_sentinel_of_its_type():
    claim = _row("claim", ClaimNum=1)
    assert claim["DateSent"] == date(1, 1, 1) and claim["PatNum"] == 0 and claim["ClaimStatus"] == ""
    assert claim["ClaimFee"] == 0 and claim["IsProsthesis"] == ""
    appointment = _row("appointment", AptNum=1)
    assert appointment["DateTimeArrived"] == datetime(1, 1, 1, 0, 0) and appointment["IsNewPatient"] is False
    assert _row("procedurelog", ProcNum=1)["ProcTime"] == time(0, 0)
    assert _row("patient", PatNum=1)["SchedBeforeTime"] == time(0, 0)  # OpenDental writes 00:00:00 there too


def test_none_holds_the_same_sentinel_as_a_column_left_out():
    for name, spec in schema.tables().items():
        given_none = _row(name, **{c.name: None for c in spec.columns})
        left_out = _row(name, **{spec.columns[0].name: None})
        assert given_none == left_out == dict(zip(spec.index, empty.empty_values(name))), name


def test_no_override_is_minus_one():
    claimproc = _row("claimproc", ClaimProcNum=1, AllowedOverride=None, PercentOverride=None)
    assert claimproc["AllowedOverride"] == claimproc["PercentOverride"] == claimproc["WriteOffEstOverride"] == -1
    assert claimproc["CopayAmt"] == claimproc["PaidOtherIns"] == 0  # -1 would fail R-claimproc-024/025
    assert _row("patientnote", PatNum=1)["OrthoMonthsTreatOverride"] == -1
    assert _row("patplan", PatPlanNum=1)["OrthoAutoFeeBilledOverride"] == -1
    assert _row("periomeasure", PerioMeasureNum=1, ToothValue=None)["ToothValue"] == -1


def test_allow_listed_columns_stay_null_and_keep_their_values():
    assert _row("inssub", InsSubNum=1, DateTerm=None)["DateTerm"] is None
    assert _row("inssub", InsSubNum=1)["DateTerm"] is None
    assert _row("inssub", InsSubNum=1, DateTerm=date(2025, 3, 1))["DateTerm"] == date(2025, 3, 1)
    assert _row("appointment", AptNum=1, ProvHyg=None)["ProvHyg"] is None
    assert _row("appointment", AptNum=1, ProvHyg=7)["ProvHyg"] == 7
    assert _row("periomeasure", PerioMeasureNum=1, MBvalue=None)["MBvalue"] is None
    assert _row("etl_load_status", id=1, last_primary_value=None)["last_primary_value"] is None


def test_given_values_are_kept_as_they_are():
    row = _row("claim", ClaimNum=3, DateSent=date(2025, 5, 2), PatNum=0, ClaimStatus="", ClaimFee=0.0)
    assert (row["DateSent"], row["PatNum"], row["ClaimStatus"], row["ClaimFee"]) == (date(2025, 5, 2), 0, "", 0.0)


def test_the_allow_list_names_real_columns_with_a_reason():
    for table, column in list(empty.NULL_ALLOWED) + list(empty.MINUS_ONE):
        assert column in schema.table(table).index, (table, column)
    for (table, column), why in empty.NULL_ALLOWED.items():
        assert "R-" in why or "D-" in why or "ETL" in why, (table, column)
    for table, column in empty.MINUS_ONE:
        kind = schema.table(table).columns[schema.table(table).index[column]].type
        assert kind in ("int2", "int4", "int8", "float4", "float8") and not empty.null_allowed(table, column)


def test_a_generated_practice_holds_no_null_outside_the_allow_list():
    for table, rows in practice().tables.items():
        allowed = [empty.null_allowed(table, c.name) for c in schema.table(table).columns]
        for row in rows:
            nulls = [c.name for c, value, ok in zip(schema.table(table).columns, row, allowed)
                     if value is None and not ok]
            assert not nulls, (table, nulls)


# ---------------------------------------------------------------- the writers encode the sentinels


def test_copy_and_csv_write_the_sentinels_as_postgresql_reads_them():
    sinks = Sinks()
    sinks["procedurelog"].add(ProcNum=1, ProcDate=date(2024, 5, 1))
    sinks["commlog"].add(CommlogNum=1, CommDateTime=datetime(2024, 5, 1, 9, 30))
    expected = {("procedurelog", "DateComplete"): "0001-01-01", ("procedurelog", "ProcTime"): "00:00:00",
                ("commlog", "DateTimeEnd"): "0001-01-01 00:00:00"}
    for (table, column), text in expected.items():
        at = schema.table(table).index[column]
        copied = copytext.encode(table, sinks.rows(table)).rstrip("\n").split("\t")
        assert copied[at] == text, (table, column)
        parsed = next(csv.reader(io.StringIO(csvtext.encode(table, sinks.rows(table)), newline="")))
        assert parsed[at] == text, (table, column)


def test_parquet_holds_year_one():
    pa = pytest.importorskip("pyarrow")
    sinks = Sinks()
    sinks["appointment"].add(AptNum=1, AptDateTime=datetime(2024, 5, 1, 9, 0))
    sinks["procedurelog"].add(ProcNum=1, ProcDate=date(2024, 5, 1))
    expected = {("appointment", "DateTimeArrived"): (pa.timestamp("us"), UNSET["timestamp"]),
                ("procedurelog", "DateComplete"): (pa.date32(), UNSET["date"]),
                ("procedurelog", "ProcTime"): (pa.time64("us"), UNSET["time"])}
    for (table, column), (kind, value) in expected.items():
        encoded = arrow.encode(table, sinks.rows(table))
        assert encoded.schema.field(column).type == kind
        assert encoded.column(column).to_pylist() == [value]


# ---------------------------------------------------------------- on the loaded data


@pytest.fixture
def db(shared_practice):
    return shared_practice.db


@pytest.mark.db
def test_the_loaded_practice_holds_no_null_where_opendental_writes_a_value(db):
    assert set(check_violations(db, empty_values.checks()).values()) == {0}


@pytest.mark.db
def test_a_null_where_opendental_writes_a_value_is_caught(db):
    broken = check_violations(db, empty_values.checks(["claim", "inssub", "periomeasure"]), """
        UPDATE raw.claim SET "DateSent" = NULL WHERE "ClaimNum" = (SELECT min("ClaimNum") FROM raw.claim);
        UPDATE raw.claim SET "ClaimNote" = NULL WHERE "ClaimNum" = (SELECT max("ClaimNum") FROM raw.claim);
        UPDATE raw.inssub SET "DateTerm" = NULL;  -- allowed: the staging filter reads it with IS NULL
        UPDATE raw.periomeasure SET "ToothValue" = NULL
        WHERE "PerioMeasureNum" = (SELECT min("PerioMeasureNum") FROM raw.periomeasure)""")
    assert broken == {"empty values claim": 2, "empty values inssub": 0, "empty values periomeasure": 1}


@pytest.mark.db
def test_date_checks_read_the_sentinel_as_unset(db):
    checks = [c for c in timeline.sequence_checks("claim") + timeline.sequence_checks("appointment")
              + timeline.sequence_checks("claimproc") if c.name in (
                  "claim sent after service", "visit stamps only when completed", "insurance paid after the procedure")]
    assert set(check_violations(db, checks).values()) == {0}  # the generated rows hold 0001-01-01 where unset
    broken = check_violations(db, checks, """
        UPDATE raw.claim SET "DateReceived" = DATE '0001-01-01'
        WHERE "ClaimNum" = (SELECT min("ClaimNum") FROM raw.claim WHERE "ClaimStatus" = 'R');
        UPDATE raw.appointment SET "DateTimeArrived" = "AptDateTime"
        WHERE "AptNum" = (SELECT min("AptNum") FROM raw.appointment WHERE "AptStatus" = 5);
        UPDATE raw.claimproc SET "DateCP" = "ProcDate" - 1
        WHERE "ClaimProcNum" = (SELECT min("ClaimProcNum") FROM raw.claimproc WHERE "Status" = 1)""")
    assert broken == {"claim sent after service": 1, "visit stamps only when completed": 1,
                      "insurance paid after the procedure": 1}
