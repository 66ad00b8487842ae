"""Checks for generators/extra/plans.py: treatment plans, their lines and print options, group notes and
multi-visit groups.

The contract's D-rules for these tables are mostly R-lines already (contract_checks.py: keys, NOT NULL, the
relationships through staging, TPStatus/TPType 0, (ProcNum, GroupNum) unique). Checked here is what no R-line
sees: raw rows a staging filter would drop while other rows point at them (D-treatplan-01, D-proctp-01,
D-procmultivisit-01, §6.1 for procgroupitem), the mart_revenue_lost delay subtypes (D-treatplan-02, G-14), and
that the rows agree with the procedures they describe.

Covered elsewhere: D-treatplanattach-01 (R-treatplanattach-003/004/012, and the keys of structure.py) and
D-treatplanparam-01 (R-treatplanparam-009/011).
"""

from __future__ import annotations

from validators.base import Check
from validators.derived import ERROR, FLOOR, WARN, at_least_one, clean, col, groups, missing
from validators.structure import staged

# mart_revenue_lost (via int_treatment_plan): a saved plan of the last 2 years with its attached procedures'
# open fees, and the days since the plan and since its latest attached procedure (or the plan when none).
DELAY_BASIS = f"""
    SELECT :as_of_date - t."DateTP" AS age, :as_of_date - coalesce(max(p."ProcDate"), t."DateTP") AS idle,
           coalesce(sum(p."ProcFee"), 0) - coalesce(sum(p."ProcFee") FILTER (WHERE p."ProcStatus" = 2), 0) AS open_fees
    FROM {staged("treatplan")} AS t
    LEFT JOIN raw.treatplanattach AS a ON a."TreatPlanNum" = t."TreatPlanNum"
    LEFT JOIN {staged("procedurelog")} AS p ON p."ProcNum" = a."ProcNum"
    WHERE t."TPStatus" = 0 AND t."DateTP" >= :as_of_date - interval '2 years'
    GROUP BY t."TreatPlanNum", t."DateTP" """
STALLED = "d.idle > 90 AND d.open_fees > 0"


def checks() -> list[Check]:
    return treatplan_checks() + proctp_checks() + procgroupitem_checks() + procmultivisit_checks()


def raw_rows(name: str, table: str, alias: str, where: str, description: str, severity: str = ERROR) -> Check:
    """Every raw row of `table` (named `alias`) for which `where` is true, staged or not."""
    return Check(name, table, severity=severity, description=description, relation=f"raw.{table} AS {alias}",
                 predicate=where)


def treatplan_checks() -> list[Check]:
    return [
        raw_rows("D-treatplan-01 dated from 2023", "treatplan", "t",
                 f'{clean(col("t", "DateTP"))} IS NULL OR t."DateTP" < {FLOOR}',
                 "plan undated or dated before 2023: staging drops it while its attachments, lines and print "
                 "options point at it"),
        groups("D-treatplan-02 no Recent or Delayed plan", "treatplan",
               f"SELECT 1 FROM ({DELAY_BASIS}) AS d WHERE {STALLED} AND d.age > 30 AND d.age <= 180",
               "stalled plans (open fees, nothing attached dated in the last 90 days) 31 to 180 days old: "
               "mart_revenue_lost subtypes 'Recent'/'Delayed' are rejected (G-14)"),
        at_least_one("D-appointment-09 treatment-plan delays", "treatplan",
                     f"SELECT 1 FROM ({DELAY_BASIS}) AS d WHERE {STALLED} AND d.age > 180",
                     "no stalled plan older than 180 days: mart_revenue_lost has no treatment-plan delay", WARN),
        raw_rows("plans list their procedures", "treatplan", "t",
                 missing('t."TreatPlanNum"', "raw.treatplanattach", "TreatPlanNum"),
                 "saved plan without an attached procedure"),
        Check("plans hold their patient's procedures", "treatplanattach", """
              SELECT count(*) FROM raw.treatplanattach AS a
              JOIN raw.treatplan AS t USING ("TreatPlanNum") JOIN raw.procedurelog AS p USING ("ProcNum")
              WHERE p."PatNum" <> t."PatNum" OR p."ProcDate" < t."DateTP" """,
              description="attached procedure of another patient, or dated before the plan"),
        Check("print options of the plan's patient", "treatplanparam", """
              SELECT count(*) FROM raw.treatplanparam AS r JOIN raw.treatplan AS t USING ("TreatPlanNum")
              WHERE r."PatNum" <> t."PatNum" """,
              description="treatplanparam PatNum differs from its plan's"),
    ]


def proctp_checks() -> list[Check]:
    lines = """
        FROM raw.proctp AS l
        LEFT JOIN raw.treatplan AS t USING ("TreatPlanNum")
        LEFT JOIN raw.procedurelog AS p ON p."ProcNum" = l."ProcNumOrig"
        LEFT JOIN raw.procedurecode AS c ON c."CodeNum" = p."CodeNum" """
    amounts = " OR ".join(f'l."{c}" < 0' for c in ("FeeAmt", "PriInsAmt", "SecInsAmt", "PatAmt", "Discount"))
    return [
        raw_rows("D-proctp-01 dated from 2023", "proctp", "l",
                 f'{clean(col("l", "DateTP"))} IS NULL OR l."DateTP" < {FLOOR}',
                 "plan line undated or dated before 2023: staging drops it"),
        Check("plan lines copy their attached procedures", "proctp", f"""
              SELECT count(*) {lines}
              WHERE t."TreatPlanNum" IS NULL OR p."ProcNum" IS NULL OR l."PatNum" <> t."PatNum"
                 OR l."DateTP" <> t."DateTP" OR l."ProcCode" <> c."ProcCode" OR l."FeeAmt" <> p."ProcFee"
                 OR l."ProvNum" <> p."ProvNum"
                 OR (l."TreatPlanNum", l."ProcNumOrig") NOT IN (SELECT a."TreatPlanNum", a."ProcNum"
                                                               FROM raw.treatplanattach AS a)""",
              description="line not matching an attachment of its plan, or with another patient, date, code, "
                          "fee or provider than its plan and procedure"),
        raw_rows("plan line amounts add up", "proctp", "l",
                 f'{amounts} OR abs(l."PriInsAmt" + l."SecInsAmt" + l."Discount" + l."PatAmt" - l."FeeAmt") > 0.005'
                 ' OR l."FeeAllowed" > l."FeeAmt" OR abs(l."FeeAmt" - l."Discount" - l."FeeAllowed") > 0.005',
                 "negative amount, or insurance + discount + patient portion differing from the fee, or an allowed "
                 "fee other than fee minus discount"),
        Check("proctp tooth and surface", "proctp", f"""
              SELECT count(*) {lines}
              WHERE l."ToothNumTP" IS DISTINCT FROM p."ToothNum" OR l."Surf" IS DISTINCT FROM p."Surf" """,
              description="tooth or surface differing from the procedure's"),
    ]


def procgroupitem_checks() -> list[Check]:
    return [
        Check("D-procgroupitem-01 procedures from 2023", "procgroupitem", f"""
              SELECT count(*) FROM raw.procgroupitem AS g JOIN raw.procedurelog AS p USING ("ProcNum")
              WHERE p."ProcDate" < {FLOOR}""",
              description="grouped procedure dated before 2023: procgroupitem pulls it into staging (§6.1)"),
        groups("group notes cover one visit", "procgroupitem", """
            SELECT 1 FROM raw.procgroupitem AS g JOIN raw.procedurelog AS p USING ("ProcNum") GROUP BY g."GroupNum"
            HAVING count(*) < 2 OR count(DISTINCT p."PatNum") > 1 OR count(DISTINCT p."AptNum") > 1
                OR bool_or(p."ProcStatus" <> 2) OR NOT bool_or(p."ProcNum" = g."GroupNum")""",
               "group of fewer than two procedures, of several patients or visits, with a procedure not complete, "
               "or not numbered by one of its procedures"),
    ]


def procmultivisit_checks() -> list[Check]:
    return [
        raw_rows("D-procmultivisit-01 entered from 2023", "procmultivisit", "m",
                 f'm."SecDateTEntry" IS NULL OR m."SecDateTEntry" < {FLOOR}',
                 "multi-visit row entered before 2023: staging drops it"),
        Check("multi-visit rows copy their procedures", "procmultivisit", """
              SELECT count(*) FROM raw.procmultivisit AS m
              LEFT JOIN raw.procedurelog AS p USING ("ProcNum")
              LEFT JOIN raw.procmultivisit AS g ON g."ProcMultiVisitNum" = m."GroupProcMultiVisitNum"
              WHERE p."ProcNum" IS NULL OR m."PatNum" <> p."PatNum" OR m."ProcStatus" <> p."ProcStatus"
                 OR g."ProcMultiVisitNum" IS NULL OR g."PatNum" <> m."PatNum"
                 OR g."GroupProcMultiVisitNum" <> g."ProcMultiVisitNum" """,
              description="row of another patient or status than its procedure, or whose group's first row is "
                          "missing, of another patient, or not its own group"),
        groups("multi-visit groups in process", "procmultivisit", """
            SELECT 1 FROM raw.procmultivisit AS m GROUP BY m."GroupProcMultiVisitNum"
            HAVING bool_or(m."IsInProcess") <> bool_and(m."IsInProcess")
                OR bool_or(m."IsInProcess") <> (count(DISTINCT m."ProcStatus") > 1)""",
               "IsInProcess not set exactly on the groups whose procedures are partly complete"),
    ]
