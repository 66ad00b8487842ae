"""Money: OpenDental's ledger per procedure and per family, the aging on the guarantor, splits, transfers, claims.

The ledger, as OpenDental counts it (each dollar once; write-offs and discounts are negative adjustments, a claim
write-off is claimproc.WriteOff):
    balance = production - insurance paid - claim write-offs - patient paid + adjustments
per procedure (never below -0.01), and per family on the guarantor's row to the cent (BalTotal), with the practice
total reconciling the same way. The aging buckets are OpenDental's: the family's credits applied to its oldest
charges first, what is left aged by the charge's date; InsEst is the estimate of the family's pending claims.
"""

from __future__ import annotations

from validators.base import Check

CENT = 0.005
# claimproc statuses that pay: received and supplemental
PAID = "(1, 4)"

PROCEDURE_AR = f"""
    SELECT p."ProcNum", p."PatNum", p."ProcDate" AS day,
           p."ProcFee" - coalesce(i.amt, 0) - coalesce(s.amt, 0) + coalesce(a.amt, 0) AS ar
    FROM raw.procedurelog p
    LEFT JOIN (SELECT "ProcNum", sum("InsPayAmt" + "WriteOff") amt FROM raw.claimproc WHERE "Status" IN {PAID}
               GROUP BY 1) i USING ("ProcNum")
    LEFT JOIN (SELECT "ProcNum", sum("SplitAmt") amt FROM raw.paysplit WHERE "ProcNum" <> 0 GROUP BY 1) s
        USING ("ProcNum")
    LEFT JOIN (SELECT "ProcNum", sum("AdjAmt") amt FROM raw.adjustment WHERE "ProcNum" <> 0 GROUP BY 1) a
        USING ("ProcNum")
    WHERE p."ProcStatus" = 2
"""

# every family's ledger: production, insurance paid, claim write-offs, patient paid and adjustments of its members
FAMILY_LEDGER = f"""
    SELECT pt."Guarantor" AS g,
           coalesce(sum(m.production), 0) AS production, coalesce(sum(m.ins_paid), 0) AS ins_paid,
           coalesce(sum(m.write_off), 0) AS write_off, coalesce(sum(m.pat_paid), 0) AS pat_paid,
           coalesce(sum(m.adjustments), 0) AS adjustments, coalesce(sum(m.pending), 0) AS pending
    FROM raw.patient pt LEFT JOIN (
        SELECT "PatNum", sum("ProcFee") AS production, 0 AS ins_paid, 0 AS write_off, 0 AS pat_paid,
               0 AS adjustments, 0 AS pending FROM raw.procedurelog WHERE "ProcStatus" = 2 GROUP BY 1
        UNION ALL SELECT "PatNum", 0, sum("InsPayAmt") FILTER (WHERE "Status" IN {PAID}),
               sum("WriteOff") FILTER (WHERE "Status" IN {PAID}), 0, 0,
               sum("InsPayEst" + "WriteOffEst") FILTER (WHERE "Status" = 0) FROM raw.claimproc GROUP BY 1
        UNION ALL SELECT "PatNum", 0, 0, 0, sum("SplitAmt"), 0, 0 FROM raw.paysplit GROUP BY 1
        UNION ALL SELECT "PatNum", 0, 0, 0, 0, sum("AdjAmt"), 0 FROM raw.adjustment GROUP BY 1
    ) m ON m."PatNum" = pt."PatNum"
    GROUP BY pt."Guarantor"
"""
FAMILY_BALANCE = "(f.production - f.ins_paid - f.write_off - f.pat_paid + f.adjustments)"

# OpenDental's aging: charges (fees, positive adjustments, money paid back) with every credit applied oldest first
FAMILY_AGING = f"""
    WITH debits AS (
        SELECT pt."Guarantor" AS g, d.day, d.amount FROM raw.patient pt JOIN (
            SELECT "PatNum", "ProcDate" AS day, "ProcFee" AS amount FROM raw.procedurelog WHERE "ProcStatus" = 2
            UNION ALL SELECT "PatNum", "AdjDate", "AdjAmt" FROM raw.adjustment WHERE "AdjAmt" > 0
            UNION ALL SELECT "PatNum", "DatePay", -"SplitAmt" FROM raw.paysplit WHERE "SplitAmt" < 0
        ) d ON d."PatNum" = pt."PatNum"),
    families AS (SELECT f.g, {FAMILY_BALANCE} AS balance, f.pending FROM ({FAMILY_LEDGER}) f),
    credit AS (SELECT f.g, coalesce(sum(d.amount), 0) - f.balance AS credit FROM families f
               LEFT JOIN debits d ON d.g = f.g GROUP BY f.g, f.balance),
    aged AS (
        SELECT d.g, :as_of_date - d.day AS age,
               greatest(0, least(d.amount, sum(d.amount) OVER (PARTITION BY d.g ORDER BY d.day, d.amount
                                                              ROWS UNBOUNDED PRECEDING) - c.credit)) AS left_over
        FROM debits d JOIN credit c ON c.g = d.g)
    SELECT f.g, f.balance, f.pending,
           coalesce(sum(a.left_over) FILTER (WHERE a.age <= 30), 0) AS b0,
           coalesce(sum(a.left_over) FILTER (WHERE a.age BETWEEN 31 AND 60), 0) AS b31,
           coalesce(sum(a.left_over) FILTER (WHERE a.age BETWEEN 61 AND 90), 0) AS b61,
           coalesce(sum(a.left_over) FILTER (WHERE a.age > 90), 0) AS b90
    FROM families f LEFT JOIN aged a ON a.g = f.g GROUP BY f.g, f.balance, f.pending
"""


def _differs(column: str, expected: str) -> str:
    return f'abs(pt."{column}" - e.{expected}) > {CENT}'


def checks() -> list[Check]:
    return [
        Check("AR never below -0.01", "procedurelog", f"SELECT count(*) FROM ({PROCEDURE_AR}) ar WHERE ar < -0.01",
              description="fee - insurance paid - claim write-offs - patient paid + adjustments < -0.01"),
        Check("family ledger on the guarantor", "patient",
              f"""SELECT count(*) FROM raw.patient pt JOIN ({FAMILY_LEDGER}) f ON f.g = pt."PatNum"
                  WHERE pt."PatNum" = pt."Guarantor" AND abs(pt."BalTotal" - {FAMILY_BALANCE}) > {CENT}""",
              description="guarantor's BalTotal is not production - insurance paid - write-offs - patient paid "
                          "+ adjustments of the family, to the cent"),
        Check("practice ledger reconciles", "patient",
              f"""SELECT CASE WHEN abs((SELECT sum("BalTotal") FROM raw.patient)
                                       - (SELECT sum({FAMILY_BALANCE}) FROM ({FAMILY_LEDGER}) f)) > {CENT}
                              THEN 1 ELSE 0 END""",
              description="the sum of the families' balances is not the practice's ledger total"),
        Check("balances only on guarantors", "patient",
              """SELECT count(*) FROM raw.patient WHERE "PatNum" <> "Guarantor" AND ("BalTotal" <> 0
                 OR "Bal_0_30" <> 0 OR "Bal_31_60" <> 0 OR "Bal_61_90" <> 0 OR "BalOver90" <> 0 OR "InsEst" <> 0)""",
              description="a family member other than the guarantor holds family balance or aging"),
        Check("family aging", "patient",
              f"""SELECT count(*) FROM raw.patient pt JOIN ({FAMILY_AGING}) e ON e.g = pt."PatNum"
                  WHERE pt."PatNum" = pt."Guarantor" AND ("""
              + " OR ".join([_differs("Bal_0_30", "b0"), _differs("Bal_31_60", "b31"), _differs("Bal_61_90", "b61"),
                             _differs("BalOver90", "b90"), _differs("InsEst", "pending")]) + ")",
              description="aging buckets or InsEst differ from OpenDental's aging of the family on the as-of date"),
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
                  FROM raw.claimproc WHERE "ClaimPaymentNum" <> 0 AND "Status" IN (1, 4) GROUP BY 1) cp
                  USING ("ClaimPaymentNum")
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
