"""The contract's constants: dates, id bounds and limits that generators and validators must agree on.

Each names the rule of ../shared/contract it comes from.
"""

from __future__ import annotations

from datetime import date

FLOOR = date(2023, 1, 1)  # G-01: the staging models drop activity before this date
LAST_DATE = date(2030, 12, 31)  # G-15: dim_date ends here; procedure dates are tested against it
INT4_MAX = 2_147_483_647  # the dbt models cast ids to int4
# G-13: a model joins claim-payment ids to patient-payment ids by mistake, so the two never overlap.
CLAIM_PAYMENT_ID_OFFSET = 500_000_000
ID_OFFSETS = {"claimpayment": CLAIM_PAYMENT_ID_OFFSET}  # first id - 1 of tables that do not start at 1
MAX_APPOINTMENTS_PER_PROVIDER_DAY = 100  # D-appointment-06
MAX_PROVIDER_DAYS = 10_000  # D-appointment-06: distinct (date, ProvNum) since FLOOR
# The dbt tests compare dates with the day dbt runs (current_date), which may come up to this many days after
# the data's as-of date (a database refreshed monthly): what depends on that day must hold for all of them.
DBT_LAG_DAYS = 30

# Columns allowed to lie after the as-of date (planning data), with the rows for which they may (SQL over the
# table's columns). Every other date and timestamp stays before the as-of date's midnight.
FUTURE_ALLOWED = {
    ("appointment", "AptDateTime"): '"AptStatus" = 1',
    # the history row written when a visit is booked, for a visit still ahead (OpenDental's own history)
    ("histappointment", "AptDateTime"): '"AptStatus" = 1',
    ("procedurelog", "ProcDate"): '"ProcStatus" = 1',
    ("recall", "DateDue"): "true",
    ("recall", "DateDueCalc"): "true",
    ("recall", "DateScheduled"): "true",
    ("inssub", "DateTerm"): "true",
    ("claimproc", "ProcDate"): '"Status" IN (2, 6)',  # the pre-authorization and estimate of planned work
    # Provider schedules are set months ahead, as the booked visits need; int_provider_availability reads the
    # 30 days before the day dbt runs, which stay filled when dbt runs up to DBT_LAG_DAYS after the as-of date.
    ("schedule", "SchedDate"): "true",
}


def future_allowed(table: str, column: str) -> bool:
    """Whether a column may hold dates after the as-of date (for some of its rows)."""
    return (table, column) in FUTURE_ALLOWED
