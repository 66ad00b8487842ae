"""OpenDental's empty values: what a column holds when nothing was entered in it.

OpenDental declares nearly every column NOT NULL and stores "unset" as a value of the column's type:
0001-01-01 for a date, 0001-01-01 00:00:00 for a datetime, 00:00:00 for a time, 0 for an id, a count or an
amount, '' for text, false for a flag, and -1 where its schema documents -1 as "no override" or "empty". The
ETL copies these as they are and the staging models turn them into NULL themselves (clean_date, NULLIF(id, 0)),
so a query written the OpenDental way (`DateTerm = '0001-01-01'`, `AptNum = 0`) sees every row it should.

The generator writes them too: generators/sink.py gives every column a generator leaves out, or passes None
for, the value `empty_values` names. NULL stays only in the columns NULL_ALLOWED lists, each with the reason: a
dbt test or staging filter reads the raw value and would treat the sentinel differently from NULL, or the table
is not OpenDental's. validators/empty_values.py checks that no other column holds a NULL.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache

from contract import schema
from contract.tables import ETL_TABLES

UNSET_DATE = date(1, 1, 1)  # written '0001-01-01', which clean_opendental_date turns into NULL
UNSET_TIMESTAMP = datetime(1, 1, 1, 0, 0)  # '0001-01-01 00:00:00'
UNSET_TIME = time(0, 0)  # '00:00:00', as OpenDental writes procedurelog.ProcTime and patient.SchedBeforeTime

_NUMBERS = ("int2", "int4", "int8", "integer", "float4", "float8")

# Columns whose "unset" is -1 in OpenDental's schema documentation (0 would be a real value there).
MINUS_ONE = {
    **{("claimproc", c): "-1 if blank: no override of the calculated value"
       for c in ("AllowedOverride", "CopayOverride", "DedEstOverride", "InsEstTotalOverride", "PaidOtherInsOverride",
                 "WriteOffEstOverride", "PercentOverride")},
    ("insbluebook", "AllowedOverride"): "the claimproc's AllowedOverride, copied (R-insbluebook-019 allows -1)",
    ("patientnote", "OrthoMonthsTreatOverride"): "-1: use the practice's default months of treatment",
    ("patplan", "OrthoAutoFeeBilledOverride"): "-1: use the plan's OrthoAutoFeeBilled",
    ("benefit", "Percent"): "-1 indicates empty (only coinsurance rows carry a percentage)",
    ("benefit", "MonetaryAmt"): "-1 indicates empty (only copay, limitation and deductible rows carry an amount)",
    ("periomeasure", "ToothValue"): "-1: no measurement taken (only mobility and skipped teeth use it)",
}
# claimproc's calculated Percentage, CopayAmt, PaidOtherIns, DedEst and WriteOffEst are also "-1 if blank" in
# OpenDental, but R-claimproc-024/025/028 and D-claimproc-03 reject -1 there: unset, they take 0.

_WARN_FK = "id_cast keeps 0 (no NULLIF) and no row has id 0, so a 0 would fail {rule} ({what}, WARN)"

# The only columns that keep NULL for "unset", and why (rule ids of ../shared/contract/rules.md).
NULL_ALLOWED = {
    ("appointment", "ProvHyg"): _WARN_FK.format(rule="R-appointment-015", what="hygienist_id -> provider")
    + " on every visit without a hygienist",
    ("claimproc", "ClaimPaymentNum"): "id_cast keeps 0, and int_claim_payments takes every claimproc whose "
    "ClaimPaymentNum is not NULL (0 too): an estimate's ClaimNum 0 would fail its ERROR relationships (D-claimproc-02)",
    ("commlog", "ProgramNum"): _WARN_FK.format(rule="R-commlog-009", what="program_id -> program")
    + "; and int_automated_communication_flags_simple takes any non-NULL ProgramNum for automated (D-commlog-01)",
    ("employee", "ReportsTo"): "passthrough: a 0 would fail R-employee-014 (reports_to_employee_id -> employee "
    "WHERE NOT NULL, WARN) for whoever reports to nobody",
    ("eobattach", "ClaimNumPreAuth"): _WARN_FK.format(rule="R-eobattach-010", what="claim_preauth_id -> claim"),
    ("inssub", "DateTerm"): "read raw by the stg_opendental__inssub filter (\"DateTerm\" IS NULL OR >= current_date) "
    "and by subscriber_status (R-inssub-018/019): NULL stages as ACTIVE, 0001-01-01 would stage as TERMINATED",
    ("patient", "DateFirstVisit"): "passthrough: staged as is, 0001-01-01 would fail int_ar_analysis' date_range_test "
    "(1900-01-01 .. today, WARN) and pass as a first visit where the marts ask first_visit_date IS NOT NULL "
    "(D-patient-06)",
    **{("periomeasure", c): "OpenDental's 'no measurement' is -1, which R-periomeasure-014..019 (value >= 0 or "
       "NULL; WARN from 1 row, ERROR from 50) reject, and 0 would be a reading"
       for c in ("MBvalue", "Bvalue", "DBvalue", "MLvalue", "Lvalue", "DLvalue")},
    ("schedule", "ProvNum"): _WARN_FK.format(rule="R-schedule-010", what="provider_id -> provider")
    + " on blockout rows",
    ("schedule", "EmployeeNum"): _WARN_FK.format(rule="R-schedule-015", what="employee_id -> employee"),
    ("statement", "DocNum"): _WARN_FK.format(rule="R-statement-008", what="document_id -> document"),
    ("statementprod", "DocNum"): _WARN_FK.format(rule="R-statementprod-008", what="doc_id -> document"),
    ("statementprod", "LateChargeAdjNum"): _WARN_FK.format(rule="R-statementprod-009",
                                                            what="late_charge_adj_id -> adjustment"),
    # Not OpenDental's tables: the ETL's status tables (etl.md) follow their own DDL, which allows NULL here.
    **{(t, c.name): "the ETL's own status table: its DDL leaves the column nullable"
       for t in ETL_TABLES for c in schema.table(t).columns if not c.not_null},
}


def null_allowed(table: str, column: str) -> bool:
    return (table, column) in NULL_ALLOWED


def sentinel(pg_type: str, table: str = "", column: str = ""):
    """OpenDental's value for "unset" in a column of this type (-1 for the MINUS_ONE columns)."""
    base = pg_type.split("(")[0]
    if base == "bool":
        return False
    if base in _NUMBERS:
        return -1 if (table, column) in MINUS_ONE else 0
    if base == "date":
        return UNSET_DATE
    if base == "timestamp":
        return UNSET_TIMESTAMP
    if base == "time":
        return UNSET_TIME
    return ""


@cache
def empty_values(table: str) -> tuple:
    """Per column of the table, in order: the value written for "unset" (None where NULL is allowed)."""
    return tuple(None if null_allowed(table, c.name) else sentinel(c.type, table, c.name)
                 for c in schema.table(table).columns)
