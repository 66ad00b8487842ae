"""Money: the AR identity per procedure, patient balances and aging, payment splits and transfers, claims.

The identity, with OpenDental's signs (write-offs and discounts are negative adjustments):
    AR = ProcFee - insurance paid - patient paid + adjustments
"""

from __future__ import annotations

from validators.base import Check

CENT = 0.005

PROCEDURE_AR = """
    SELECT p."ProcNum", p."PatNum", p."ProcDate" AS day,
           p."ProcFee" - coalesce(i.amt, 0) - coalesce(s.amt, 0) + coalesce(a.amt, 0) AS ar
    FROM raw.procedurelog p
    LEFT JOIN (SELECT "ProcNum", sum("InsPayAmt") amt FROM raw.claimproc GROUP BY 1) i USING ("ProcNum")
    LEFT JOIN (SELECT "ProcNum", sum("SplitAmt") amt FROM raw.paysplit WHERE "ProcNum" <> 0 GROUP BY 1) s
        USING ("ProcNum")
    LEFT JOIN (SELECT "ProcNum", sum("AdjAmt") amt FROM raw.adjustment WHERE "ProcNum" <> 0 GROUP BY 1) a
        USING ("ProcNum")
    WHERE p."ProcStatus" = 2
"""

FEE_AR = """
    SELECT a."PatNum", a."AdjDate" AS day, a."AdjAmt" - coalesce(s.amt, 0) AS ar
    FROM raw.adjustment a
    LEFT JOIN (SELECT "AdjNum", sum("SplitAmt") amt FROM raw.paysplit WHERE "AdjNum" <> 0 GROUP BY 1) s
        USING ("AdjNum")
    WHERE a."ProcNum" = 0
"""

EXPECTED_BALANCES = f"""
    WITH items AS (SELECT "PatNum", day, ar FROM ({PROCEDURE_AR}) p
                   UNION ALL SELECT "PatNum", day, ar FROM ({FEE_AR}) f)
    SELECT "PatNum",
           sum(ar) FILTER (WHERE ar > 0 AND :as_of_date - day <= 30) AS b0,
           sum(ar) FILTER (WHERE ar > 0 AND :as_of_date - day BETWEEN 31 AND 60) AS b31,
           sum(ar) FILTER (WHERE ar > 0 AND :as_of_date - day BETWEEN 61 AND 90) AS b61,
           sum(ar) FILTER (WHERE ar > 0 AND :as_of_date - day > 90) AS b90,
           sum(ar) FILTER (WHERE ar > 0) AS total
    FROM items GROUP BY "PatNum"
"""


def _differs(column: str, expected: str) -> str:
    return f'abs(pt."{column}" - coalesce(e.{expected}, 0)) > {CENT}'


def checks() -> list[Check]:
    paid_settlement = f"""
        WITH last_ins AS (
            SELECT "ProcNum", max("DateCP") AS last_cp, bool_and("Status" = 1) AS all_received
            FROM raw.claimproc GROUP BY 1),
        paid AS (
            SELECT DISTINCT s."ProcNum" FROM raw.paysplit s LEFT JOIN last_ins l USING ("ProcNum")
            WHERE s."ProcNum" <> 0 AND s."UnearnedType" = 0 AND s."SplitAmt" > 0
              AND (l."ProcNum" IS NULL OR (l.all_received AND s."DatePay" >= l.last_cp)))
        SELECT count(*) FROM ({PROCEDURE_AR}) ar JOIN paid USING ("ProcNum") WHERE abs(ar.ar) > {CENT}"""
    return [
        Check("AR never below -0.01", "procedurelog", f"SELECT count(*) FROM ({PROCEDURE_AR}) ar WHERE ar < -0.01",
              description="fee - insurance paid - patient paid + adjustments < -0.01"),
        Check("AR zero once paid", "procedurelog", paid_settlement,
              description="procedures settled by the patient after insurance do not balance to exactly 0"),
        Check("patient balance and aging", "patient",
              f"SELECT count(*) FROM raw.patient pt LEFT JOIN ({EXPECTED_BALANCES}) e USING (\"PatNum\") WHERE "
              + " OR ".join([_differs("Bal_0_30", "b0"), _differs("Bal_31_60", "b31"), _differs("Bal_61_90", "b61"),
                             _differs("BalOver90", "b90"), _differs("BalTotal", "total")]),
              description="balance buckets disagree with the ledger as of the as-of date"),
        Check("paysplit allocated to exactly one item", "paysplit",
              """SELECT count(*) FROM raw.paysplit WHERE (("ProcNum" <> 0)::int + ("AdjNum" <> 0)::int
                 + ("PayPlanChargeNum" <> 0)::int) <> 1""",
              description="not exactly one of ProcNum, AdjNum, PayPlanChargeNum"),
        Check("payment equals its splits", "payment",
              f"""SELECT count(*) FROM raw.payment p LEFT JOIN (SELECT "PayNum", sum("SplitAmt") amt
                  FROM raw.paysplit GROUP BY 1) s USING ("PayNum")
                  WHERE abs(p."PayAmt" - coalesce(s.amt, 0)) > {CENT}""",
              description="PayAmt differs from the sum of its splits"),
        Check("transfer pairs", "payment",
              f"""SELECT count(*) FROM raw.payment p LEFT JOIN (
                      SELECT "PayNum", coalesce(sum("SplitAmt") FILTER (WHERE "UnearnedType" = 288), 0) AS out_amt,
                             coalesce(sum("SplitAmt") FILTER (WHERE "UnearnedType" = 0), 0) AS in_amt
                      FROM raw.paysplit GROUP BY 1) s USING ("PayNum")
                  WHERE p."PayType" = 0 AND (p."PayAmt" <> 0 OR coalesce(s.out_amt, 0) >= 0
                      OR abs(s.out_amt + s.in_amt) > {CENT})""",
              description="a transfer must move unearned (288) out and the same amount onto procedures (0)"),
        Check("unearned deposits transferred", "paysplit",
              f"""SELECT count(*) FROM (SELECT "ProcNum" FROM raw.paysplit WHERE "UnearnedType" = 288
                  GROUP BY 1 HAVING abs(sum("SplitAmt")) > {CENT}) d""",
              description="unearned (288) money left on a procedure without a matching transfer"),
        Check("claim totals", "claim",
              f"""SELECT count(*) FROM raw.claim c JOIN (SELECT "ClaimNum", sum("FeeBilled") fee, sum("InsPayAmt") paid
                  FROM raw.claimproc GROUP BY 1) cp USING ("ClaimNum")
                  WHERE abs(c."ClaimFee" - cp.fee) > {CENT} OR abs(c."InsPayAmt" - cp.paid) > {CENT}""",
              description="ClaimFee / InsPayAmt differ from the claim's procedures"),
        Check("claim payment totals", "claimpayment",
              f"""SELECT count(*) FROM raw.claimpayment p JOIN (SELECT "ClaimPaymentNum", sum("InsPayAmt") amt
                  FROM raw.claimproc WHERE "ClaimPaymentNum" <> 0 GROUP BY 1) cp USING ("ClaimPaymentNum")
                  WHERE abs(p."CheckAmt" - cp.amt) > {CENT}""",
              description="CheckAmt differs from the claim procedures it paid"),
        Check("claim and claimproc patient", "claimproc",
              """SELECT count(*) FROM raw.claimproc cp JOIN raw.claim c USING ("ClaimNum")
                 WHERE cp."PatNum" <> c."PatNum" """,
              description="claimproc.PatNum differs from its claim's PatNum (contract D-claim-05)"),
        Check("insured visits are claimed", "claim",
              """SELECT count(*) FROM raw.procedurelog p
                 JOIN raw.patplan pp ON pp."PatNum" = p."PatNum" AND pp."Ordinal" = 1
                 JOIN raw.inssub s ON s."InsSubNum" = pp."InsSubNum"
                 JOIN raw.procedurecode pc ON pc."CodeNum" = p."CodeNum"
                 WHERE p."ProcStatus" = 2 AND p."ProcFee" > 0 AND pc."ProcCat" NOT IN (667, 300)
                   AND s."DateEffective" <= p."ProcDate" AND (s."DateTerm" IS NULL OR p."ProcDate" < s."DateTerm")
                   AND NOT EXISTS (SELECT 1 FROM raw.claimproc cp WHERE cp."ProcNum" = p."ProcNum")""",
              description="a completed procedure of an insured patient has no claim"),
        Check("payment and claim payment ids disjoint", "claimpayment",
              """SELECT count(*) FROM raw.claimpayment c JOIN raw.payment p ON p."PayNum" = c."ClaimPaymentNum" """,
              description="PayNum and ClaimPaymentNum overlap (contract G-13)"),
        Check("discounts net negative per patient", "adjustment",
              """SELECT count(*) FROM (SELECT "PatNum" FROM raw.adjustment
                 WHERE "AdjType" IN (474, 475, 186, 472, 485, 9, 185, 537) GROUP BY 1 HAVING sum("AdjAmt") > 0
                 UNION ALL SELECT "PatNum" FROM raw.adjustment WHERE "AdjType" = 188
                 GROUP BY 1 HAVING sum("AdjAmt") > 0) bad""",
              description="discount or write-off adjustments net positive for a patient (contract D-adjustment-03)"),
    ]
