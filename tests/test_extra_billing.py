"""Insurance verification, Blue Book, claim history, EOBs and statements (generators/extra/verification.py and
billing.py), from one small run into a scratch database, and their checks (validators/extra/billing.py)."""

from __future__ import annotations

from datetime import date, time

import pytest
from conftest import AS_OF, check_violations, query

from generators import calendar
from generators.extra import billing, verification
from validators.extra import billing as billing_checks

pytestmark = pytest.mark.db  # needs PostgreSQL

PATIENTS, SEED = 1000, 7  # the size and seed test_run.py uses: large enough for the rate validators
TODAY = date.fromisoformat(AS_OF)


@pytest.fixture(scope="module")
def db(shared_practice):
    return shared_practice.db


def violations(db: str, changes: str = "") -> dict[str, int]:
    """Each check of validators/extra/billing.py on the run's data, after `changes` (rolled back)."""
    return check_violations(db, billing_checks.checks(), changes or None)


def test_checks_pass_on_generated_data(db):
    assert violations(db) == {c.name: 0 for c in billing_checks.checks()}


def test_checks_catch_broken_rows(db):
    found = violations(db, """
        INSERT INTO raw.insverify ("InsVerifyNum", "UserNum", "VerifyType", "FKey", "SecDateTEdit")
            SELECT 999999, 0, 1, "FKey", "SecDateTEdit" FROM raw.insverify WHERE "VerifyType" = 1 LIMIT 1;
        UPDATE raw.claimtracking SET "DateTimeEntry" = TIMESTAMP '2027-01-04 09:00'
            WHERE "ClaimTrackingNum" = (SELECT min("ClaimTrackingNum") FROM raw.claimtracking);
        UPDATE raw.claimtracking SET "TrackingType" = 'Custom'
            WHERE "ClaimTrackingNum" = (SELECT max("ClaimTrackingNum") FROM raw.claimtracking);
        UPDATE raw.claimsnapshot SET "ClaimProcNum" = 0
            WHERE "ClaimSnapshotNum" = (SELECT min("ClaimSnapshotNum") FROM raw.claimsnapshot);
        UPDATE raw.statement SET "DateRangeFrom" = "DateRangeTo" + 1
            WHERE "StatementNum" = (SELECT min("StatementNum") FROM raw.statement);""")
    assert found["G-08.3 one benefits verification per FKey"] == 1
    assert found["D-claimtracking-01 G-15 DateTimeEntry window"] == 1
    assert found["D-claimtracking-01 TrackingType"] == 1
    assert found["D-claimsnapshot-01 D-claimproc-02 claim procedure resolves"] == 1
    assert found["D-statement-01 S-12 date range"] == 1


def test_insverify_holds_the_latest_check_of_each_patient_plan_and_type(db):
    """A patient plan is checked when its patient has a visit while it covers them (an appointment on the schedule:
    a planned one is not): every plan with such a visit before the as-of date, perhaps one with a visit in the few
    days after it, no other. Each checked plan has one row of each type, from its first check on."""
    (rows, keys, plans_checked, types, users, not_plans, stale), = query(db, """
        SELECT count(*), count(DISTINCT ("FKey", "VerifyType")), count(DISTINCT "FKey"),
               array_agg(DISTINCT "VerifyType"), array_agg(DISTINCT "UserNum"),
               count(*) FILTER (WHERE "FKey" NOT IN (SELECT "PatPlanNum" FROM raw.patplan)),
               count(*) FILTER (WHERE "DateLastVerified" IS DISTINCT FROM (
                   SELECT max(h."DateLastVerified") FROM raw.insverifyhist h WHERE h."InsVerifyNum" = v."InsVerifyNum"))
        FROM raw.insverify v""")
    (visited, soon, visited_unchecked, checked_unvisited), = query(db, """
        WITH plans AS (
            SELECT pp."PatPlanNum", bool_or(a."AptDateTime" < %(as_of)s) AS visited, bool_or(a."AptNum" > 0) AS soon,
                   EXISTS (SELECT 1 FROM raw.insverify v WHERE v."FKey" = pp."PatPlanNum") AS checked
            FROM raw.patplan pp JOIN raw.inssub s USING ("InsSubNum")
            LEFT JOIN raw.appointment a ON a."PatNum" = pp."PatNum" AND a."AptStatus" <> 6  -- 6: planned
                AND a."AptDateTime" >= s."DateEffective"
                AND (NULLIF(s."DateTerm", DATE '0001-01-01') IS NULL OR a."AptDateTime" < s."DateTerm")
                AND a."AptDateTime" < %(as_of)s::date + %(ahead)s  -- checked at most this many days ahead
            GROUP BY pp."PatPlanNum")
        SELECT count(*) FILTER (WHERE visited), count(*) FILTER (WHERE soon),
               count(*) FILTER (WHERE visited AND NOT checked), count(*) FILTER (WHERE checked AND NOT soon)
        FROM plans""", {"as_of": TODAY, "ahead": verification.VERIFY_DAYS_AHEAD})
    assert rows == keys == 2 * plans_checked  # both kinds from the first check on
    assert PATIENTS / 10 < visited <= plans_checked <= soon and visited_unchecked == checked_unvisited == 0
    assert sorted(types) == [1, 2] and users == [0]
    assert not_plans == stale == 0


def test_insverifyhist_checks_come_days_before_a_visit_of_the_covered_patient(db):
    (checks, before_visit, eligibility_too_soon, benefits_twice), = query(db, """
        WITH h AS (SELECT h.*, pp."PatNum",
                          lag("DateTimeEntry") OVER (PARTITION BY "FKey", "VerifyType" ORDER BY "DateTimeEntry") AS prev
                   FROM raw.insverifyhist h JOIN raw.patplan pp ON pp."PatPlanNum" = h."FKey")
        SELECT count(*),
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM raw.appointment a WHERE a."PatNum" = h."PatNum"
                   AND a."AptStatus" <> 6 AND a."AptDateTime" > h."DateTimeEntry"
                   AND a."AptDateTime" < h."DateTimeEntry" + %s * interval '1 day')),
               count(*) FILTER (WHERE "VerifyType" = 2 AND "DateTimeEntry" - prev < interval '30 days'),
               count(*) FILTER (WHERE "VerifyType" = 1)
                   - count(DISTINCT ("FKey", left("Note", 4))) FILTER (WHERE "VerifyType" = 1)  -- the benefit year
        FROM h""", (verification.VERIFY_DAYS_AHEAD + 1,))
    assert checks > PATIENTS
    assert before_visit == checks
    assert eligibility_too_soon == benefits_twice == 0
    # done by the front desk on a day the office is open, from an hour before the first visit to the end of the day
    moments = [m for m, in query(db, 'SELECT DISTINCT "DateTimeEntry" FROM raw.insverifyhist')]
    assert [m for m in moments if not (calendar.is_open(m.date()) and time(7) <= m.time() <= time(17))] == []


def test_blue_book_holds_every_paid_out_of_network_primary_claim_line(db):
    (rows, lines, mismatched), = query(db, """
        WITH paid AS (
            SELECT cp.* FROM raw.claimproc cp JOIN raw.claim c USING ("ClaimNum")
            JOIN raw.insplan i ON i."PlanNum" = cp."PlanNum"
            WHERE cp."Status" = 1 AND c."ClaimType" = 'P' AND i."FeeSched" = 0)
        SELECT (SELECT count(*) FROM raw.insbluebook), (SELECT count(*) FROM paid),
               (SELECT count(*) FROM raw.insbluebook b
                WHERE NOT EXISTS (SELECT 1 FROM paid JOIN raw.insplan i USING ("PlanNum")
                    WHERE paid."ProcNum" = b."ProcNum" AND paid."ClaimNum" = b."ClaimNum"
                      AND paid."PlanNum" = b."PlanNum"
                      AND paid."InsPayAmt" = b."InsPayAmt" AND i."GroupNum" = b."GroupNum"
                      AND i."CarrierNum" = b."CarrierNum" AND paid."DateCP" = b."DateTEntry"::date))""")
    assert rows == lines > 100 and mismatched == 0


def test_blue_book_log_estimates_each_out_of_network_primary_line_when_claimed(db):
    """One log row per procedure line (Status 0 or 1: not a supplemental payment, a pre-authorization or an estimate)
    of each primary claim of an out-of-network plan, when the claim is created (its SecDateEntry)."""
    (logs, logged, lines, not_lines, late, above_ucr, from_history), = query(db, """
        SELECT count(*), count(DISTINCT l."ClaimProcNum"),
               (SELECT count(*) FROM raw.claimproc cp JOIN raw.claim c USING ("ClaimNum")
                JOIN raw.insplan i ON i."PlanNum" = cp."PlanNum"
                WHERE cp."Status" IN (0, 1) AND c."ClaimType" = 'P' AND i."FeeSched" = 0),
               count(*) FILTER (WHERE cp."Status" NOT IN (0, 1) OR c."ClaimType" <> 'P' OR i."FeeSched" <> 0),
               count(*) FILTER (WHERE l."DateTEntry"::date <> cp."SecDateEntry"),
               count(*) FILTER (WHERE l."AllowedFee" > f."Amount"),
               count(*) FILTER (WHERE l."Description" LIKE 'Allowed fees from received claims%')
        FROM raw.insbluebooklog l JOIN raw.claimproc cp USING ("ClaimProcNum")
        JOIN raw.claim c ON c."ClaimNum" = cp."ClaimNum" JOIN raw.insplan i ON i."PlanNum" = cp."PlanNum"
        JOIN raw.procedurelog p ON p."ProcNum" = cp."ProcNum"
        JOIN raw.fee f ON f."CodeNum" = p."CodeNum" AND f."FeeSched" = 1""")
    assert logs == logged == lines > 100 and not_lines == late == above_ucr == 0
    assert 0 < from_history < logs  # repeat work on a plan uses what it paid before


def test_claimtracking_records_sending_follow_up_and_payment(db):
    (sent, sent_rows, received, received_rows, follow_ups, slow), = query(db, """
        SELECT count(*) FILTER (WHERE c."DateSent" > DATE '0001-01-01'),
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM raw.claimtracking t WHERE t."ClaimNum" = c."ClaimNum"
                   AND t."TrackingType" = 'StatusHistory' AND t."DateTimeEntry"::date = c."DateSent")),
               count(*) FILTER (WHERE c."DateReceived" > DATE '0001-01-01'),
               count(*) FILTER (WHERE (SELECT count(*) FROM raw.claimtracking t WHERE t."ClaimNum" = c."ClaimNum"
                   AND t."TrackingType" = 'ClaimProcReceived' AND t."DateTimeEntry"::date = c."DateReceived") = 1),
               (SELECT count(*) FROM raw.claimtracking WHERE "TrackingType" = 'ClaimUser'),
               count(*) FILTER (WHERE coalesce(NULLIF(c."DateReceived", DATE '0001-01-01'), %s) - c."DateSent" > 30)
        FROM raw.claim c WHERE c."DateService" >= '2023-01-01'""", (TODAY,))
    assert sent == sent_rows and received == received_rows
    assert 0 < follow_ups <= slow  # only claims the carrier took more than 30 days over


def test_claimsnapshot_keeps_the_estimates_of_every_claim_line_when_the_claim_is_created(db):
    """OpenDental's ClaimCreate snapshot: one per procedure line (Status 0 or 1) of each primary or secondary claim,
    on the day the claim is created (its SecDateEntry); none of a pre-authorization (never in this table), of a
    supplemental payment (added later) or of an estimate (on no claim). It keeps the fee, the insurance estimate and
    the write-off estimated then: the line's WriteOffEst while it is unanswered; once answered (WriteOffEst 0), the
    network write-off its allowed fee implies (the same whether posted on the line or as a write-off adjustment);
    none on a secondary claim."""
    (snapshots, snapshot_lines, lines, differing), = query(db, """
        SELECT (SELECT count(*) FROM raw.claimsnapshot), (SELECT count(DISTINCT "ClaimProcNum") FROM raw.claimsnapshot),
               (SELECT count(*) FROM raw.claimproc cp JOIN raw.claim c USING ("ClaimNum")
                WHERE cp."Status" IN (0, 1) AND c."ClaimType" IN ('P', 'S')),
               (SELECT count(*) FROM raw.claimsnapshot s JOIN raw.claimproc cp USING ("ClaimProcNum")
                JOIN raw.claim c ON c."ClaimNum" = cp."ClaimNum"
                WHERE cp."Status" NOT IN (0, 1) OR s."DateTEntry"::date <> c."SecDateEntry"
                   OR s."ProcNum" <> cp."ProcNum" OR s."Fee" <> cp."FeeBilled" OR s."InsPayEst" <> cp."InsEstTotal"
                   OR s."ClaimType" <> c."ClaimType"
                   OR abs(s."Writeoff" - CASE WHEN cp."Status" = 0 THEN cp."WriteOffEst" WHEN c."ClaimType" = 'S' THEN 0
                                              ELSE cp."FeeBilled" - cp."AllowedOverride" END) >= 0.005)""")
    assert snapshots == snapshot_lines == lines > 1000 and differing == 0


def test_eobattach_scans_most_claim_payments_on_their_check_date(db):
    (payments, scanned, off_date), = query(db, """
        SELECT count(*), count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM raw.eobattach e WHERE e."ClaimPaymentNum" = p."ClaimPaymentNum")),
               (SELECT count(*) FROM raw.eobattach e JOIN raw.claimpayment q USING ("ClaimPaymentNum")
                WHERE e."DateTCreated"::date <> q."CheckDate")
        FROM raw.claimpayment p""")
    assert abs(scanned / payments - billing.EOB_SCAN_RATE) < 0.05 and off_date == 0


def test_statements_bill_guarantors_what_their_household_owes_on_the_statement_date(db):
    """Each statement lists every procedure and office fee of the guarantor's household dated before it that owed
    something on its date, and only those; BalTotal is what they owed then, outside what insurance was still expected
    to pay (the estimate and write-off estimate of each line of a claim created by then and answered after it), and
    InsEst is that insurance estimate. At most one statement a month and MAX_STATEMENTS a guarantor."""
    statements = query(db, """
        WITH items AS (  -- what a statement can bill: completed procedures and office fees
            SELECT 0 AS kind, "ProcNum" AS fkey, "PatNum", "ProcDate" AS day, "ProcFee" AS amount
            FROM raw.procedurelog WHERE "ProcStatus" = 2
            UNION ALL
            SELECT 1, "AdjNum", "PatNum", "AdjDate", "AdjAmt" FROM raw.adjustment WHERE "ProcNum" = 0 AND "AdjAmt" > 0),
        moves AS (  -- every later movement on them, dated: insurance paid and written off, payments, adjustments
            SELECT 0 AS kind, "ProcNum" AS fkey, "DateCP" AS day, -"InsPayAmt" - "WriteOff" AS amount
            FROM raw.claimproc WHERE "Status" IN (1, 4)
            UNION ALL
            SELECT 0, "ProcNum", "DatePay", -"SplitAmt" FROM raw.paysplit WHERE "ProcNum" <> 0
            UNION ALL
            SELECT 1, "AdjNum", "DatePay", -"SplitAmt" FROM raw.paysplit WHERE "ProcNum" = 0 AND "AdjNum" <> 0
            UNION ALL
            SELECT 0, "ProcNum", "AdjDate", "AdjAmt" FROM raw.adjustment WHERE "ProcNum" <> 0),
        pending AS (  -- what a claim line leaves to insurance from the claim's creation to its answer
            SELECT cp."PatNum", cp."ProcNum", c."SecDateEntry" AS created, cp."InsPayEst" AS estimate,
                   NULLIF(c."DateReceived", DATE '0001-01-01') AS received,
                   CASE WHEN cp."Status" = 0 THEN cp."WriteOffEst" WHEN c."ClaimType" = 'S' THEN 0
                        ELSE cp."FeeBilled" - cp."AllowedOverride" END AS write_off  -- as the snapshot test reads it
            FROM raw.claimproc cp JOIN raw.claim c USING ("ClaimNum")
            WHERE cp."Status" IN (0, 1) AND c."ClaimType" IN ('P', 'S')),
        billable AS (  -- the household's items dated before each statement
            SELECT s."StatementNum", s."DateSent", i.* FROM raw.statement s
            JOIN raw.patient pt ON pt."Guarantor" = s."PatNum" JOIN items i ON i."PatNum" = pt."PatNum"
            WHERE i.day < s."DateSent"),
        moved AS (
            SELECT b."StatementNum", b.kind, b.fkey, b.amount + coalesce(sum(m.amount), 0) AS balance
            FROM billable b LEFT JOIN moves m ON m.kind = b.kind AND m.fkey = b.fkey AND m.day <= b."DateSent"
            GROUP BY 1, 2, 3, b.amount),
        expected AS (
            SELECT b."StatementNum", b.fkey, sum(q.estimate + q.write_off) AS amount
            FROM billable b JOIN pending q ON b.kind = 0 AND q."ProcNum" = b.fkey AND q.created <= b."DateSent"
                AND (q.received IS NULL OR q.received > b."DateSent")
            GROUP BY 1, 2),
        owed AS (  -- what each item owed on the statement's date
            SELECT m."StatementNum", m.kind, m.fkey, m.balance - coalesce(e.amount, 0) AS balance
            FROM moved m LEFT JOIN expected e ON e."StatementNum" = m."StatementNum" AND m.kind = 0 AND e.fkey = m.fkey)
        SELECT s."StatementNum", s."BalTotal", s."InsEst",
               (SELECT count(*) FROM raw.statementprod sp WHERE sp."StatementNum" = s."StatementNum"),
               count(sp."StatementProdNum") FILTER (WHERE o.balance >= 0.005),
               count(*) FILTER (WHERE sp."StatementProdNum" IS NULL AND o.balance >= 0.005),
               coalesce(sum(o.balance) FILTER (WHERE sp."StatementProdNum" IS NOT NULL), 0),
               (SELECT coalesce(sum(q.estimate), 0) FROM pending q JOIN raw.patient pt USING ("PatNum")
                WHERE pt."Guarantor" = s."PatNum" AND q.created <= s."DateSent"
                  AND (q.received IS NULL OR q.received > s."DateSent"))
        FROM raw.statement s LEFT JOIN owed o USING ("StatementNum")
        LEFT JOIN raw.statementprod sp ON sp."StatementNum" = s."StatementNum" AND sp."ProdType" = o.kind
            AND sp."FKey" = o.fkey
        GROUP BY s."StatementNum", s."BalTotal", s."InsEst", s."PatNum", s."DateSent" """)
    assert len(statements) > PATIENTS / 10
    for num, billed, ins_est, lines, owing, unlisted, owed, expected in statements:
        assert 0 < lines == owing and unlisted == 0, num  # what it lists owed then; nothing else did
        assert abs(billed - owed) < 0.005 and abs(ins_est - expected) < 0.005, num
    assert any(ins_est > 0 for _, _, ins_est, *_ in statements)  # some are sent while a claim is pending
    per_guarantor = query(db, """SELECT count(*), count(DISTINCT date_trunc('month', "DateSent"))
                                 FROM raw.statement GROUP BY "PatNum" """)
    assert all(n == months <= billing.MAX_STATEMENTS for n, months in per_guarantor)
    (non_guarantors,), = query(db, """SELECT count(*) FROM raw.statement s JOIN raw.patient p USING ("PatNum")
                                      WHERE p."Guarantor" <> p."PatNum" """)
    assert non_guarantors == 0
