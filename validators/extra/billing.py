"""Checks of the verification, Blue Book, claim-history and statement tables (generators/extra/billing.py and
verification.py): the contract's D-rules on them and the global rules they are named in (G-08.3, G-09, G-15).

The R-lines of these tables run automatically (contract_checks.py); what they already require is not repeated:
NOT NULLs, VerifyType/UserNum values, amounts >= 0, the 2020/2023 date floors and "not after today" of the
staged rows, PatNum -> patient, insverifyhist.UserNum -> userod.
"""

from __future__ import annotations

from validators.base import Check
from validators.derived import ERROR, FLOOR, NOW, WARN, clean, groups, missing, outside, rows
from validators.structure import staged
from validators.volumes import CONTRACT_MIN_PATIENTS

TRACKING_TYPES = "'ClaimProcReceived', 'StatusHistory', 'ClaimUser'"  # contract §7
TRACKING_LIMIT = "TIMESTAMP '2026-12-31 23:59:59'"  # contract G-15
CLAIM_TRACKING_RANGE = (1_000, 100_000)  # contract G-09: rows of int_claim_tracking


def verification_checks() -> list[Check]:
    return [
        groups("G-08.3 one benefits verification per FKey", "insverify", f"""
            SELECT 1 FROM {staged("insverify")} AS v WHERE v."VerifyType" = 1
            GROUP BY v."FKey" HAVING count(*) > 1""",
               "FKeys with more than one VerifyType 1 row (int_insurance_coverage duplicates)"),
        rows("D-insverify-01 DateLastVerified window", "insverify", "v",
             f"""{clean('v."DateLastVerified"')} < {FLOOR} OR {clean('v."DateLastVerified"')} > {NOW}""",
             "DateLastVerified set outside [2023-01-01, now] (int_ar_analysis last verification)"),
        rows("D-patplan-02 benefits verification keyed by PatPlanNum", "insverify", "v",
             f"""v."VerifyType" = 1 AND {missing('v."FKey"', staged("patplan"), "PatPlanNum")}""",
             "VerifyType 1 FKey that is no staged PatPlanNum: int_insurance_coverage joins it to PatPlanNum", WARN),
    ]


def blue_book_checks() -> list[Check]:
    return [
        rows("D-insbluebook-01 GroupNum and ClaimType", "insbluebook", "b",
             'b."GroupNum" IS NULL OR b."ClaimType" IS NULL',
             "GroupNum or ClaimType unset (used when matched to a paid claimproc)"),
        groups("D-insbluebook-01 one row per procedure, claim and plan", "insbluebook", f"""
            SELECT 1 FROM {staged("insbluebook")} AS b
            GROUP BY b."ProcNum", b."ClaimNum", b."PlanNum" HAVING count(*) > 1""",
               "more than one Blue Book row per (ProcNum, ClaimNum, PlanNum)", WARN),
        rows("D-insbluebooklog-01 AllowedFee", "insbluebooklog", "l", outside('l."AllowedFee"', "0", "10000"),
             "AllowedFee outside 0..10 000"),
    ]


def claim_checks() -> list[Check]:
    claimprocs = staged("claimproc")
    return [
        rows("D-claimtracking-01 TrackingType", "claimtracking", "t",
             f't."TrackingType" IS NULL OR t."TrackingType" NOT IN ({TRACKING_TYPES})',
             "TrackingType outside ClaimProcReceived/StatusHistory/ClaimUser"),
        rows("D-claimtracking-01 G-15 DateTimeEntry window", "claimtracking", "t",
             f't."DateTimeEntry" > {NOW} OR t."DateTimeEntry" > {TRACKING_LIMIT}',
             "DateTimeEntry after now or after 2026-12-31 23:59:59 (int_claim_tracking)"),
        rows("D-claimtracking-01 claim with staged procedures", "claimtracking", "t",
             f"""t."ClaimNum" IS NULL OR t."ClaimNum" <= 0 OR {missing('t."ClaimNum"', claimprocs, "ClaimNum")}""",
             "ClaimNum unset, not positive, or of a claim without staged claim procedures (inner join)"),
        claim_tracking_volume(ERROR), claim_tracking_volume(WARN),
        rows("D-claimsnapshot-01 DateTEntry not after now", "claimsnapshot", "s", f's."DateTEntry" > {NOW}',
             "DateTEntry after now"),
        rows("D-claimsnapshot-01 D-claimproc-02 claim procedure resolves", "claimsnapshot", "s",
             f"""s."ClaimProcNum" IS NULL OR s."ClaimProcNum" NOT IN (
                     SELECT cp."ClaimProcNum" FROM {claimprocs} AS cp
                     WHERE cp."ProcNum" IN (SELECT p."ProcNum" FROM {staged("procedurelog")} AS p)
                       AND cp."ClaimNum" IN (SELECT c."ClaimNum" FROM {staged("claim")} AS c)
                       AND cp."PlanNum" IN (SELECT i."PlanNum" FROM raw.insplan AS i))""",
             "snapshot of a claim procedure that is not staged or lacks a staged procedure, claim or plan"),
        rows("D-eobattach-01 ClaimPaymentNum set", "eobattach", "e", 'e."ClaimPaymentNum" IS NULL',
             "ClaimPaymentNum unset"),
    ]


def claim_tracking_volume(severity: str) -> Check:
    """G-09 / D-claimtracking-02: int_claim_tracking has one row per staged tracking row and staged claim procedure
    of its claim. The lower bound is a size rule: enforced (ERROR) from the contract's practice size on, reported
    (WARN) below it; the upper bound always fails."""
    low, high = CLAIM_TRACKING_RANGE
    joined = f"""SELECT count(*) FROM {staged("claimtracking")} AS t
                 JOIN {staged("claimproc")} AS cp ON cp."ClaimNum" = t."ClaimNum" """
    patients = "SELECT count(*) FROM raw.patient"
    if severity == ERROR:
        bad, scope = f"n > {high} OR (n < {low} AND p >= {CONTRACT_MIN_PATIENTS})", ""
    else:
        bad, scope = f"n < {low} AND p < {CONTRACT_MIN_PATIENTS}", " (below the contract's practice size)"
    return Check(f"G-09 D-claimtracking-02 int_claim_tracking rows{scope}", "claimtracking",
                 f"SELECT CASE WHEN {bad} THEN 1 ELSE 0 END FROM ({joined}) AS x(n), ({patients}) AS y(p)",
                 severity, f"int_claim_tracking rows (tracking x claim procedures) outside {low:,} to {high:,}")


def statement_checks() -> list[Check]:
    return [
        rows("D-statement-01 S-12 date range", "statement", "s",
             f"""{clean('s."DateRangeFrom"')} > {clean('s."DateRangeTo"')}""", "DateRangeFrom after DateRangeTo"),
        rows("D-statementprod-01 statement staged", "statementprod", "sp",
             missing('sp."StatementNum"', staged("statement"), "StatementNum"),
             "line of a statement outside [2023-01-01, today]: dropped by stg_opendental__statementprod", WARN),
    ]


def checks() -> list[Check]:
    return verification_checks() + blue_book_checks() + claim_checks() + statement_checks()
