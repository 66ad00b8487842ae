"""Dates: events in order, nothing after the as-of date but booked appointments and planned treatment."""

from __future__ import annotations

from contract import schema
from contract.rules import FUTURE_ALLOWED
from validators.base import Check, given


def no_future_checks(table: str) -> list[Check]:
    """Every date and timestamp column stays before the as-of date's midnight."""
    result = []
    for column in schema.table(table).columns:
        if column.type not in ("date", "timestamp") or column.name.startswith("_"):
            continue
        allowed = FUTURE_ALLOWED.get((table, column.name))
        exempt = f" AND NOT ({allowed})" if allowed else ""
        result.append(Check(f"not after as-of {table}.{column.name}", table, relation=f"raw.{table}",
                            predicate=f"{column.ident} >= :as_of_ts{exempt}",
                            description="dated on or after the as-of date"))
    return result


SENT, RECEIVED = given('"DateSent"'), given('"DateReceived"')

SEQUENCES = {
    "appointment": [
        Check("visit stamps in order", "appointment",
              """SELECT count(*) FROM raw.appointment WHERE "AptStatus" = 2 AND NOT (
                 "DateTimeArrived" <= "DateTimeSeated" AND "DateTimeSeated" <= "DateTimeDismissed"
                 AND "DateTimeArrived"::date = "AptDateTime"::date
                 AND "DateTimeDismissed"::date = "AptDateTime"::date)""",
              description="completed visit without arrived <= seated <= dismissed on the same day"),
        Check("visit stamps only when completed", "appointment",
              f"""SELECT count(*) FROM raw.appointment WHERE "AptStatus" <> 2 AND
                 ({given('"DateTimeArrived"')} IS NOT NULL OR {given('"DateTimeSeated"')} IS NOT NULL
                  OR {given('"DateTimeDismissed"')} IS NOT NULL)""",
              description="arrival stamps on an appointment that was not completed"),
        Check("completed visits have completed procedures", "appointment",
              """SELECT count(*) FROM raw.appointment a WHERE a."AptStatus" = 2 AND NOT EXISTS (
                 SELECT 1 FROM raw.procedurelog p WHERE p."AptNum" = a."AptNum" AND p."ProcStatus" = 2)""",
              description="a completed appointment without a completed procedure"),
        Check("booked before the visit", "appointment",
              # a planned appointment is dated at midnight of the day it was made (OpenDental's DateTime.Today)
              """SELECT count(*) FROM raw.appointment WHERE "SecDateTEntry" > "AptDateTime"
                 AND NOT ("AptStatus" = 6 AND "SecDateTEntry"::date = "AptDateTime"::date)""",
              description="appointment entered after it took place (a planned one: after its day)"),
    ],
    "procedurelog": [
        Check("procedures on their visit's day", "procedurelog",
              """SELECT count(*) FROM raw.procedurelog p JOIN raw.appointment a USING ("AptNum")
                 WHERE p."AptNum" <> 0 AND p."ProcDate" <> a."AptDateTime"::date""",
              description="procedure dated differently from its appointment"),
        Check("completed procedures not in the future", "procedurelog",
              """SELECT count(*) FROM raw.procedurelog WHERE "ProcStatus" = 2 AND "ProcDate" >= :as_of_date""",
              description="completed procedure dated on or after the as-of date"),
    ],
    "patient": [
        Check("patient created before updated", "patient",
              """SELECT count(*) FROM raw.patient WHERE "SecDateEntry" > "DateTStamp"::date""",
              description="SecDateEntry after DateTStamp"),
        Check("first visit after birth", "patient",
              f"""SELECT count(*) FROM raw.patient WHERE {given('"DateFirstVisit"')} < {given('"Birthdate"')}""",
              description="first visit before the birth date"),
    ],
    "claim": [
        Check("claim sent after service", "claim",
              f"""SELECT count(*) FROM raw.claim WHERE {SENT} < "DateService" OR {RECEIVED} < {SENT}
                 OR ("ClaimStatus" = 'R' AND {RECEIVED} IS NULL) OR ("ClaimStatus" = 'S' AND {SENT} IS NULL)""",
              description="claim dates out of order or missing for its status"),
    ],
    "paysplit": [
        Check("payments on or after the procedure", "paysplit",
              """SELECT count(*) FROM raw.paysplit s JOIN raw.procedurelog p USING ("ProcNum")
                 WHERE s."ProcNum" <> 0 AND s."DatePay" < p."ProcDate" """,
              description="patient payment dated before its procedure"),
        Check("split dated like its payment", "paysplit",
              """SELECT count(*) FROM raw.paysplit s JOIN raw.payment p USING ("PayNum")
                 WHERE s."DatePay" <> p."PayDate" """,
              description="split DatePay differs from its payment's PayDate"),
    ],
    "claimproc": [
        Check("insurance paid after the procedure", "claimproc",
              f"""SELECT count(*) FROM raw.claimproc WHERE "Status" IN (1, 4) AND {given('"DateCP"')} < "ProcDate" """,
              description="insurance payment dated before the procedure"),
    ],
    "adjustment": [
        Check("adjustments on or after the procedure", "adjustment",
              """SELECT count(*) FROM raw.adjustment WHERE "ProcNum" <> 0 AND "AdjDate" < "ProcDate" """,
              description="adjustment dated before its procedure"),
    ],
    "payment": [
        Check("payment entered before edited", "payment",
              """SELECT count(*) FROM raw.payment WHERE "DateEntry" > "SecDateTEdit"::date""",
              description="DateEntry after SecDateTEdit"),
    ],
}


def sequence_checks(table: str) -> list[Check]:
    return SEQUENCES.get(table, [])
