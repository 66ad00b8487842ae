"""Insurance verification, Blue Book, claim history, EOBs and statements (generators/extra/verification.py and
billing.py), from one small run into a scratch database, and their checks (validators/extra/billing.py)."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import AS_OF, check_violations, query

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
    (rows, keys, plans_checked, types, users, not_plans, stale), = query(db, """
        SELECT count(*), count(DISTINCT ("FKey", "VerifyType")), count(DISTINCT "FKey"),
               array_agg(DISTINCT "VerifyType"), array_agg(DISTINCT "UserNum"),
               count(*) FILTER (WHERE "FKey" NOT IN (SELECT "PatPlanNum" FROM raw.patplan)),
               count(*) FILTER (WHERE "DateLastVerified" IS DISTINCT FROM (
                   SELECT max(h."DateLastVerified") FROM raw.insverifyhist h WHERE h."InsVerifyNum" = v."InsVerifyNum"))
        FROM raw.insverify v""")
    (plans,), = query(db, "SELECT count(*) FROM raw.patplan")
    assert rows == keys == 2 * plans_checked and plans_checked > plans / 2  # both kinds from the first check on
    assert sorted(types) == [1, 2] and users == [0]
    assert not_plans == stale == 0


def test_insverifyhist_checks_come_days_before_a_visit_of_the_covered_patient(db):
    (checks, before_visit, eligibility_too_soon, benefits_twice), = query(db, """
        WITH h AS (SELECT h.*, pp."PatNum",
                          lag("DateTimeEntry") OVER (PARTITION BY "FKey", "VerifyType" ORDER BY "DateTimeEntry") AS prev
                   FROM raw.insverifyhist h JOIN raw.patplan pp ON pp."PatPlanNum" = h."FKey")
        SELECT count(*),
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM raw.appointment a WHERE a."PatNum" = h."PatNum"
                   AND a."AptDateTime" > h."DateTimeEntry"
                   AND a."AptDateTime" < h."DateTimeEntry" + %s * interval '1 day')),
               count(*) FILTER (WHERE "VerifyType" = 2 AND "DateTimeEntry" - prev < interval '30 days'),
               count(*) FILTER (WHERE "VerifyType" = 1)
                   - count(DISTINCT ("FKey", left("Note", 4))) FILTER (WHERE "VerifyType" = 1)  -- the benefit year
        FROM h""", (verification.VERIFY_DAYS_AHEAD + 1,))
    assert checks > PATIENTS
    assert before_visit == checks
    assert eligibility_too_soon == benefits_twice == 0


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
    (logs, lines, late, above_ucr, from_history), = query(db, """
        SELECT count(*),
               (SELECT count(*) FROM raw.claimproc cp JOIN raw.claim c USING ("ClaimNum")
                JOIN raw.insplan i ON i."PlanNum" = cp."PlanNum" WHERE c."ClaimType" = 'P' AND i."FeeSched" = 0),
               count(*) FILTER (WHERE l."DateTEntry"::date <> cp."DateEntry"),
               count(*) FILTER (WHERE l."AllowedFee" > f."Amount"),
               count(*) FILTER (WHERE l."Description" LIKE 'Allowed fees from received claims%')
        FROM raw.insbluebooklog l JOIN raw.claimproc cp USING ("ClaimProcNum")
        JOIN raw.procedurelog p ON p."ProcNum" = cp."ProcNum"
        JOIN raw.fee f ON f."CodeNum" = p."CodeNum" AND f."FeeSched" = 1""")
    assert logs == lines and late == above_ucr == 0
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


def test_claimsnapshot_keeps_the_estimates_of_every_sent_claim_line(db):
    (snapshots, lines, differing), = query(db, """
        SELECT (SELECT count(*) FROM raw.claimsnapshot),
               (SELECT count(*) FROM raw.claimproc cp JOIN raw.claim c USING ("ClaimNum")
                WHERE c."DateSent" > DATE '0001-01-01'),
               (SELECT count(*) FROM raw.claimsnapshot s JOIN raw.claimproc cp USING ("ClaimProcNum")
                JOIN raw.claim c ON c."ClaimNum" = cp."ClaimNum"
                WHERE s."DateTEntry"::date <> c."DateSent" OR s."ProcNum" <> cp."ProcNum" OR s."Fee" <> cp."FeeBilled"
                   OR s."InsPayEst" <> cp."InsPayEst" OR s."Writeoff" <> cp."WriteOffEst"
                   OR s."ClaimType" <> c."ClaimType")""")
    assert snapshots == lines and differing == 0


def test_eobattach_scans_most_claim_payments_on_their_check_date(db):
    (payments, scanned, off_date), = query(db, """
        SELECT count(*), count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM raw.eobattach e WHERE e."ClaimPaymentNum" = p."ClaimPaymentNum")),
               (SELECT count(*) FROM raw.eobattach e JOIN raw.claimpayment q USING ("ClaimPaymentNum")
                WHERE e."DateTCreated"::date <> q."CheckDate")
        FROM raw.claimpayment p""")
    assert abs(scanned / payments - billing.EOB_SCAN_RATE) < 0.05 and off_date == 0


def test_statements_bill_guarantors_what_their_household_still_owes(db):
    """Each statement's BalTotal is what its listed procedures and fees still owe (the ledger as loaded), all of
    them the guarantor's household's and dated before it; at most one a month and MAX_STATEMENTS a guarantor."""
    statements = query(db, """
        WITH owed AS (
            SELECT 0 AS kind, p."ProcNum" AS fkey, p."ProcDate" AS day, pt."Guarantor",
                   p."ProcFee" - coalesce(i.amt, 0) - coalesce(s.amt, 0) + coalesce(a.amt, 0) AS balance
            FROM raw.procedurelog p JOIN raw.patient pt USING ("PatNum")
            LEFT JOIN (SELECT "ProcNum", sum("InsPayAmt") AS amt FROM raw.claimproc GROUP BY 1) i USING ("ProcNum")
            LEFT JOIN (SELECT "ProcNum", sum("SplitAmt") AS amt FROM raw.paysplit GROUP BY 1) s USING ("ProcNum")
            LEFT JOIN (SELECT "ProcNum", sum("AdjAmt") AS amt FROM raw.adjustment GROUP BY 1) a USING ("ProcNum")
            WHERE p."ProcStatus" = 2
            UNION ALL
            SELECT 1, j."AdjNum", j."AdjDate", pt."Guarantor", j."AdjAmt" - coalesce(s.amt, 0)
            FROM raw.adjustment j JOIN raw.patient pt USING ("PatNum")
            LEFT JOIN (SELECT "AdjNum", sum("SplitAmt") AS amt FROM raw.paysplit GROUP BY 1) s USING ("AdjNum")
            WHERE j."ProcNum" = 0 AND j."AdjAmt" > 0)
        SELECT s."StatementNum", s."PatNum", s."DateSent", s."BalTotal", sum(o.balance), count(*), count(o.fkey),
               bool_and(o."Guarantor" = s."PatNum" AND o.day < s."DateSent" AND o.balance > 0)
        FROM raw.statement s JOIN raw.statementprod sp USING ("StatementNum")
        LEFT JOIN owed o ON o.kind = sp."ProdType" AND o.fkey = sp."FKey"
        GROUP BY 1, 2, 3, 4""")
    (total,), = query(db, "SELECT count(*) FROM raw.statement")
    assert len(statements) == total > PATIENTS / 10  # every statement lists what it bills
    for num, _, _, billed, owed, lines, found, household in statements:
        assert lines == found and household, num
        assert abs(billed - owed) < 0.005, num
    per_guarantor = query(db, """SELECT count(*), count(DISTINCT date_trunc('month', "DateSent"))
                                 FROM raw.statement GROUP BY "PatNum" """)
    assert all(n == months <= billing.MAX_STATEMENTS for n, months in per_guarantor)
    (non_guarantors,), = query(db, """SELECT count(*) FROM raw.statement s JOIN raw.patient p USING ("PatNum")
                                      WHERE p."Guarantor" <> p."PatNum" """)
    assert non_guarantors == 0
