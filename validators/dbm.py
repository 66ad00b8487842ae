"""Nothing for OpenDental's Database Maintenance to repair.

Database Maintenance (Tools > Database Maintenance) runs one method per known inconsistency and repairs what it
finds. Each check here is one of those methods, named after it ("DBM <Method>"), restricted to the tables this
generator fills, and counts the rows the method would change (or flag for a manual fix). Methods for tables the
contract does not have (securitylog, plannedappt, payplan, deposit, preference, ...) become "that reference must
be 0" where a column points at such a table. A few conditions the method list does not name literally (a write-off
on an estimate, a claim procedure disagreeing with its claim) carry the name of the method closest to them with a
suffix.

Severity ERROR, except:

* an exception the contract forces is carved out of the SQL and named in the comment and in README.md
  ("Nothing for Database Maintenance to repair").

OpenDental's codes used here: ProcStat 1 TP, 2 C, 6 D (deleted); ClaimProc Status 0 NotReceived, 1 Received,
2 Preauth, 3 Adjustment, 4 Supplemental, 6 Estimate, 7 CapComplete, 8 CapEstimate; AptStatus 1 Scheduled,
2 Complete, 3 UnschedList, 6 Planned; PatientStatus 4 Deleted (5 is Deceased).
"""

from __future__ import annotations

from validators.base import Check

DELETED = 4  # PatientStatus.Deleted
BLACK = -16777216  # Color.Black as a signed ARGB int: what OpenDental writes for an empty ItemColor
DEPOSIT_SLIP = 14  # SheetTypeEnum.DepositSlip
LAST_TOOTH_INITIAL_TYPE = 10  # ToothInitialType ends at Text (10)
BILLING_TYPES = 4  # DefCat.BillingTypes
GROUP_NOTE = "~GRP~"  # the procedure code of a group note
HYGIENE_CODES = "'D1110', 'D1120', 'D4910'"  # adult and child prophylaxis, perio maintenance


def _rows(method: str, table: str, where: str, what: str, severity: str = "ERROR") -> Check:
    """Rows of raw.<table> (named t) for which `where` is true."""
    return Check(f"DBM {method}", table, severity=severity, description=what, relation=f"raw.{table} AS t",
                 predicate=where)


def _count(method: str, table: str, sql: str, what: str, severity: str = "ERROR") -> Check:
    """A SELECT returning the number of violations."""
    return Check(f"DBM {method}", table, sql, severity, what)


def _grouped(method: str, table: str, grouped: str, what: str, severity: str = "ERROR") -> Check:
    return _count(method, table, f"SELECT count(*) FROM ({grouped}) AS bad", what, severity)


def _absent(column: str, parent: str, key: str) -> str:
    """`column` names no row of raw.<parent> (uncorrelated, so hashed once per scan)."""
    return f'{column} NOT IN (SELECT p."{key}" FROM raw.{parent} AS p)'


def checks() -> list[Check]:
    return (global_checks() + appointment_checks() + claim_checks() + claimproc_checks() + claimpayment_checks()
            + fee_checks() + insurance_checks() + patient_checks() + payment_checks() + procedure_checks()
            + recall_checks() + schedule_checks() + sheet_checks() + task_checks() + other_checks())


# ---------------------------------------------------------------- across tables


CLINIC_TABLES = ("appointment", "claim", "claimproc", "claimpayment", "histappointment", "patient", "procedurelog")


def global_checks() -> list[Check]:
    negative = " + ".join(f'(SELECT count(*) FROM raw.{t} WHERE "ClinicNum" < 0)' for t in CLINIC_TABLES)
    future = """
        (SELECT count(*) FROM raw.procedurelog WHERE "ProcStatus" = 2 AND "ProcDate" > :as_of_date)
        + (SELECT count(*) FROM raw.adjustment WHERE "AdjDate" > :as_of_date)
        + (SELECT count(*) FROM raw.paysplit WHERE "DatePay" > :as_of_date)
        + (SELECT count(*) FROM raw.claimproc WHERE "Status" IN (1, 4, 5, 7) AND "DateCP" > :as_of_date
                                                AND ("InsPayAmt" <> 0 OR "WriteOff" <> 0))"""
    return [
        _count("TablesWithClinicNumNegative", "appointment", f"SELECT {negative}",
               "rows with a negative ClinicNum in " + ", ".join(CLINIC_TABLES)),
        _count("TransactionsWithFutureDates", "procedurelog", f"SELECT {future}",
               "completed procedures, adjustments, splits and insurance payments dated after the as-of date"),
        # A completed procedure's DateComplete is the ledger date mart_daily_production_by_procedure reads.
        _rows("TransactionsWithFutureDates DateComplete", "procedurelog",
              """t."ProcStatus" = 2 AND (t."DateComplete" IS NULL OR t."DateComplete" < DATE '1880-01-01'
                                         OR t."DateComplete" > :as_of_date)""",
              "completed procedure without a DateComplete, or with one after the as-of date"),
    ]


# ---------------------------------------------------------------- appointments


def appointment_checks() -> list[Check]:
    return [
        _rows("AppointmentsNoPattern", "appointment", """t."Pattern" = ''""", "appointment of zero length"),
        _rows("AppointmentsEndingOnDifferentDay", "appointment",
              """t."AptDateTime"::date
                 <> (t."AptDateTime" + (char_length(t."Pattern") - 1) * INTERVAL '5 minutes')::date""",
              "appointment running past midnight"),
        _rows("AppointmentsNoDateOrProcs", "appointment",
              """t."AptStatus" = 1 AND (t."AptDateTime" IS NULL OR t."AptDateTime" < DATE '1880-01-01')
                 AND NOT EXISTS (SELECT 1 FROM raw.procedurelog AS p WHERE p."AptNum" = t."AptNum")""",
              "scheduled appointment without a date and without procedures"),
        _rows("AppointmentCompleteWithTpAttached", "appointment",
              """t."AptStatus" = 2 AND EXISTS (SELECT 1 FROM raw.procedurelog AS p
                                               WHERE p."AptNum" = t."AptNum" AND p."ProcStatus" = 1)""",
              "completed appointment holding treatment-planned procedures"),
        _rows("AppointmentScheduledWithCompletedProcs", "appointment",
              """t."AptStatus" = 1 AND EXISTS (SELECT 1 FROM raw.procedurelog AS p
                                               WHERE p."AptNum" = t."AptNum" AND p."ProcStatus" = 2)""",
              "scheduled appointment holding completed procedures"),
        # Exception: the contract has no plannedappt table (create_tables.sql), so the plannedappt row this method
        # inserts for every planned appointment cannot exist. What it would list must: the procedures planned for it.
        _rows("AppointmentPlannedNoPlannedApt", "appointment",
              """t."AptStatus" = 6 AND NOT EXISTS (SELECT 1 FROM raw.procedurelog AS p
                                                   WHERE p."PlannedAptNum" = t."AptNum")""",
              "planned appointment for which no procedure is planned"),
        _rows("UnscheduledApptsWithInvalidOpNum", "appointment", 't."AptStatus" = 3 AND t."Op" <> 0',
              "appointment on the Unscheduled List that keeps an operatory (OpenDental sets Op 0)"),
        _rows("OperatoryInvalidReference appointment", "appointment",
              f"""t."Op" <> 0 AND {_absent('t."Op"', "operatory", "OperatoryNum")}""",
              "appointment in an operatory that does not exist"),
        _rows("InsPlanInvalidNum appointment", "appointment",
              f"""(t."InsPlan1" <> 0 AND {_absent('t."InsPlan1"', "insplan", "PlanNum")})
                  OR (t."InsPlan2" <> 0 AND {_absent('t."InsPlan2"', "insplan", "PlanNum")})""",
              "appointment naming an insurance plan that does not exist"),
        _rows("ProviderMissingFromDB appointment", "appointment",
              f"""{_absent('t."ProvNum"', "provider", "ProvNum")}
                  OR (t."ProvHyg" <> 0 AND {_absent('t."ProvHyg"', "provider", "ProvNum")})""",
              "appointment whose dentist (ProvNum, never 0) or hygienist is not a provider"),
    ]


# ---------------------------------------------------------------- claims


def claim_checks() -> list[Check]:
    writeoffs = """SELECT c."ClaimNum" FROM raw.claim AS c JOIN raw.claimproc AS cp ON cp."ClaimNum" = c."ClaimNum"
                   GROUP BY c."ClaimNum", c."WriteOff" HAVING abs(sum(cp."WriteOff") - c."WriteOff") > 0.01"""
    missing_procs = """SELECT cp."ClaimNum" FROM raw.claimproc AS cp JOIN raw.claim AS c ON c."ClaimNum" = cp."ClaimNum"
                       WHERE cp."ProcNum" = 0 AND cp."CodeSent" <> '' GROUP BY cp."ClaimNum\""""
    return [
        _rows("ClaimDeleteWithNoClaimProcs", "claim",
              """NOT EXISTS (SELECT 1 FROM raw.claimproc AS cp
                             WHERE cp."ClaimNum" = t."ClaimNum" AND NOT cp."IsOverpay")""",
              "claim without procedures"),
        _rows("ClaimWithInvalidInsSubNum", "claim",
              """t."PlanNum" = 0 OR NOT EXISTS (SELECT 1 FROM raw.inssub AS s
                                                WHERE s."InsSubNum" = t."InsSubNum" AND s."PlanNum" <> 0)""",
              "claim without a plan, or whose subscriber row is missing or has no plan"),
        _rows("ClaimWithInvalidPatNum", "claim", _absent('t."PatNum"', "patient", "PatNum"),
              "claim of a patient who does not exist"),
        _rows("ClaimWithInvalidProvTreat", "claim",
              f"""t."ProvTreat" > 0 AND {_absent('t."ProvTreat"', "provider", "ProvNum")}""",
              "claim whose treating provider does not exist"),
        _grouped("ClaimWriteoffSum", "claim", writeoffs, "claim whose WriteOff is not the sum of its procedures'"),
        _grouped("ClaimMissingProcedures", "claim", missing_procs,
                 "claim with a billed line (CodeSent) not attached to any procedure"),
        # A preauthorization is typed Other (the contract has no 'PreAuth', R-claim-033): it is the claim holding
        # Preauth lines, and then only those.
        _count("ClaimProcPreauthNotMatchClaim", "claimproc",
               """SELECT count(*) FROM raw.claimproc AS cp JOIN raw.claim AS c ON c."ClaimNum" = cp."ClaimNum"
                  WHERE cp."Status" <> 2 AND (c."ClaimType" = 'PreAuth' OR EXISTS (
                      SELECT 1 FROM raw.claimproc AS o WHERE o."ClaimNum" = c."ClaimNum" AND o."Status" = 2))""",
               "line on a preauthorization whose status is not Preauth"),
        _count("ClaimProcStatusNotMatchClaim", "claimproc",
               """SELECT count(*) FROM raw.claimproc AS cp JOIN raw.claim AS c ON c."ClaimNum" = cp."ClaimNum"
                  WHERE c."ClaimStatus" = 'R' AND cp."Status" = 0 AND NOT cp."IsOverpay\"""",
               "procedure still NotReceived on a received claim"),
        _count("ClaimProcTotalPaymentWithInvalidDate", "claimproc",
               """SELECT count(*) FROM raw.claimproc AS cp JOIN raw.claim AS c ON c."ClaimNum" = cp."ClaimNum"
                  WHERE cp."ProcNum" = 0 AND (cp."ProcDate" IS NULL OR cp."ProcDate" < DATE '1880-01-01')
                    AND c."DateService" > DATE '1880-01-01'""",
               "total payment line without a date on a claim that has one"),
        _rows("InsSubNumMismatchPlanNum claim", "claim",
              """NOT EXISTS (SELECT 1 FROM raw.inssub AS s WHERE s."InsSubNum" = t."InsSubNum"
                                                          AND s."PlanNum" = t."PlanNum")
                 OR (t."PlanNum2" <> 0 AND NOT EXISTS (SELECT 1 FROM raw.inssub AS s
                                                       WHERE s."InsSubNum" = t."InsSubNum2"
                                                         AND s."PlanNum" = t."PlanNum2"))""",
              "claim whose PlanNum (or PlanNum2) is not its subscriber row's plan"),
    ]


# ---------------------------------------------------------------- claim procedures


def claimproc_checks() -> list[Check]:
    on_claim = 'FROM raw.claimproc AS cp JOIN raw.claim AS c ON c."ClaimNum" = cp."ClaimNum"'
    duplicates = """SELECT 1 FROM raw.claimproc AS cp JOIN raw.procedurelog AS p ON p."ProcNum" = cp."ProcNum"
                    WHERE cp."Status" IN (0, 1, 6) AND p."ProcStatus" <> 6
                    GROUP BY cp."ProcNum", cp."InsSubNum", cp."PlanNum" HAVING count(*) > 1"""
    return [
        _rows("ClaimProcDateNotMatchCapComplete", "claimproc", 't."Status" = 7 AND t."DateCP" <> t."ProcDate"',
              "capitation complete line whose DateCP is not the procedure date"),
        _count("ClaimProcDateNotMatchPayment", "claimproc",
               """SELECT count(*) FROM raw.claimproc AS cp
                  JOIN raw.claimpayment AS pay ON pay."ClaimPaymentNum" = cp."ClaimPaymentNum"
                  WHERE cp."DateCP" IS DISTINCT FROM pay."CheckDate\"""",
               "payment line whose DateCP is not its claim payment's CheckDate"),
        # What a Received line's date is when no payment is attached yet: the day the EOB was entered.
        _rows("ClaimProcDateNotMatchPayment received", "claimproc",
              """t."Status" IN (1, 4) AND (t."DateCP" IS NULL OR t."DateCP" < DATE '1880-01-01')""",
              "received line without a DateCP"),
        _rows("ClaimProcDeleteDuplicateEstimateForSameInsPlan", "claimproc",
              """t."Status" = 6 AND t."ClaimNum" = 0 AND EXISTS (
                     SELECT 1 FROM raw.claimproc AS o WHERE o."ProcNum" = t."ProcNum" AND o."PatNum" = t."PatNum"
                        AND o."PlanNum" = t."PlanNum" AND o."InsSubNum" = t."InsSubNum" AND o."Status" IN (0, 1))""",
              "estimate left beside the claim line of the same plan"),
        _rows("ClaimProcDeleteInvalidAdjustments", "claimproc",
              f"""t."Status" = 3 AND t."ClaimNum" = 0 AND {_absent('t."PlanNum"', "insplan", "PlanNum")}""",
              "benefit adjustment line of a plan that does not exist"),
        _rows("ClaimProcWithInvalidClaimNum", "claimproc",
              f"""t."ClaimNum" <> 0 AND {_absent('t."ClaimNum"', "claim", "ClaimNum")}""",
              "line attached to a claim that does not exist"),
        _count("ClaimProcDeleteMismatchPatNum", "claimproc",
               """SELECT count(*) FROM raw.claimproc AS cp JOIN raw.procedurelog AS p ON p."ProcNum" = cp."ProcNum"
                  WHERE cp."ProcNum" > 0 AND cp."PatNum" <> p."PatNum\"""",
               "line of another patient than its procedure's"),
        _rows("ClaimProcDeleteEstimateWithInvalidProcNum", "claimproc",
              f"""t."ProcNum" > 0 AND t."Status" = 6 AND {_absent('t."ProcNum"', "procedurelog", "ProcNum")}""",
              "estimate of a procedure that does not exist"),
        _count("ClaimProcDeleteCapEstimateWithProcComplete", "claimproc",
               """SELECT count(*) FROM raw.claimproc AS cp JOIN raw.procedurelog AS p ON p."ProcNum" = cp."ProcNum"
                  WHERE cp."Status" = 8 AND p."ProcStatus" = 2""",
               "capitation estimate of a completed procedure"),
        _rows("ClaimProcDeleteDroppedInsPlanEstimates", "claimproc",
              """t."ClaimNum" = 0 AND t."Status" IN (6, 8) AND NOT EXISTS (
                     SELECT 1 FROM raw.patplan AS pp JOIN raw.inssub AS s ON s."InsSubNum" = pp."InsSubNum"
                     WHERE pp."PatNum" = t."PatNum" AND s."PlanNum" = t."PlanNum")""",
              "estimate for a plan the patient no longer has"),
        _rows("ClaimProcEstNoBillIns", "claimproc", 't."NoBillIns" AND t."InsPayEst" <> 0 AND NOT t."IsOverpay"',
              "line not billed to insurance that still estimates a payment"),
        _rows("ClaimProcEstWithInsPaidAmt", "claimproc", 't."Status" = 6 AND t."ClaimNum" = 0 AND t."InsPayAmt" > 0',
              "estimate carrying an insurance payment"),
        # An estimate's expected write-off is WriteOffEst; WriteOff is what an EOB wrote off.
        _rows("ClaimProcEstWithInsPaidAmt write-off", "claimproc", 't."Status" = 6 AND t."WriteOff" <> 0',
              "estimate carrying a write-off"),
        _rows("ClaimProcPatNumMissing", "claimproc", 't."PatNum" = 0', "line without a patient"),
        _rows("ClaimProcProvNumMissing", "claimproc", 't."ProvNum" = 0 AND t."Status" IN (0, 1, 4, 6)',
              "estimate or claim line without a provider"),
        _rows("ClaimProcUpdateStatusWithInvalidClaim", "claimproc",
              't."Status" IN (0, 1) AND t."ClaimNum" = 0',
              "line marked NotReceived or Received that is on no claim"),
        _rows("ClaimProcWithInvalidClaimPaymentNum", "claimproc",
              f"""t."ClaimPaymentNum" <> 0 AND {_absent('t."ClaimPaymentNum"', "claimpayment", "ClaimPaymentNum")}""",
              "line attached to a claim payment that does not exist"),
        _rows("ClaimProcWithInvalidProvNum", "claimproc",
              f"""t."ProvNum" > 0 AND {_absent('t."ProvNum"', "provider", "ProvNum")}""",
              "line whose provider does not exist"),
        _rows("ClaimProcWithInvalidSubNum", "claimproc",
              f"""t."InsSubNum" > 0 AND {_absent('t."InsSubNum"', "inssub", "InsSubNum")}""",
              "line whose subscriber row does not exist"),
        _rows("ClaimProcWriteOffNegative", "claimproc", 't."WriteOff" < 0 AND NOT t."IsTransfer" AND t."Status" <> 4',
              "negative write-off"),
        # The contract has no payplan table: a payment plan reference can only dangle.
        _rows("ClaimProcWithInvalidPayPlanNum", "claimproc", 't."PayPlanNum" <> 0',
              "line attached to a payment plan (no payplan table)"),
        _rows("InsSubNumMismatchPlanNum claimproc", "claimproc",
              """t."InsSubNum" <> 0 AND NOT EXISTS (SELECT 1 FROM raw.inssub AS s WHERE s."InsSubNum" = t."InsSubNum"
                                                                               AND s."PlanNum" = t."PlanNum")""",
              "line whose PlanNum is not its subscriber row's plan"),
        _count("InsSubNumMismatchPlanNum claimproc vs claim", "claimproc",
               f"""SELECT count(*) {on_claim}
                   WHERE (cp."PlanNum", cp."InsSubNum") NOT IN ((c."PlanNum", c."InsSubNum"),
                                                                (c."PlanNum2", c."InsSubNum2"))""",
               "claim line whose plan and subscriber are neither of its claim's"),
        _count("CanadaClaimProcForWrongPatient", "claimproc",
               f'SELECT count(*) {on_claim} WHERE cp."PatNum" <> c."PatNum"',
               "claim line of another patient than its claim's"),
        _count("ClaimProcProvNumMissing vs procedure", "claimproc",
               """SELECT count(*) FROM raw.claimproc AS cp JOIN raw.procedurelog AS p ON p."ProcNum" = cp."ProcNum"
                  WHERE cp."ProvNum" <> p."ProvNum\"""",
               "line whose provider is not its procedure's (OpenDental copies it from the procedure)"),
        _grouped("ProcedurelogMultipleClaimProcForInsSub", "claimproc", duplicates,
                 "procedures with two estimate or claim lines for the same plan and subscriber"),
    ]


# ---------------------------------------------------------------- claim payments


def claimpayment_checks() -> list[Check]:
    amounts = """SELECT pay."ClaimPaymentNum" FROM raw.claimpayment AS pay
                 JOIN raw.claimproc AS cp ON cp."ClaimPaymentNum" = pay."ClaimPaymentNum"
                 GROUP BY pay."ClaimPaymentNum", pay."CheckAmt"
                 HAVING round(sum(cp."InsPayAmt")::numeric, 2) <> round(pay."CheckAmt"::numeric, 2)"""
    hidden_paid = """SELECT 1 FROM raw.provider AS pr JOIN raw.claimproc AS cp ON cp."ProvNum" = pr."ProvNum"
                     WHERE pr."IsHidden" AND cp."InsPayAmt" > 0 GROUP BY pr."ProvNum\""""
    return [
        _grouped("ClaimPaymentCheckAmt", "claimpayment", amounts,
                 "claim payment whose CheckAmt is not the sum of its lines' InsPayAmt"),
        # The contract has no deposit table.
        _rows("ClaimPaymentDetachMissingDeposit", "claimpayment", 't."DepositNum" <> 0',
              "claim payment on a deposit (no deposit table)"),
        _rows("ClaimPaymentsNotPartialWithNoClaimProcs", "claimpayment",
              """NOT t."IsPartial" AND NOT EXISTS (SELECT 1 FROM raw.claimproc AS cp
                                                   WHERE cp."ClaimPaymentNum" = t."ClaimPaymentNum")""",
              "finalized claim payment paying nothing"),
        # Manual fix in OpenDental: the provider must be unhidden for the payments to show in reports.
        _grouped("ProviderHiddenWithClaimPayments", "provider", hidden_paid,
                 "hidden providers with insurance payments"),
    ]


# ---------------------------------------------------------------- fees


def fee_checks() -> list[Check]:
    return [
        _grouped("FeeDeleteDuplicates", "fee",
                 """SELECT 1 FROM raw.fee GROUP BY "FeeSched", "CodeNum", "ClinicNum", "ProvNum"
                    HAVING count(*) > 1""",
                 "fee schedule entries with two fees for the same code"),
        _rows("FeeDeleteForInvalidProc", "fee", _absent('t."CodeNum"', "procedurecode", "CodeNum"),
              "fee for a procedure code that does not exist"),
        _rows("FeeScheduleHiddenWithPatient", "patient",
              f"""t."PatStatus" <> {DELETED} AND t."FeeSched" IN (SELECT f."FeeSchedNum" FROM raw.feesched AS f
                                                                WHERE f."IsHidden")""",
              "patient on a hidden fee schedule"),
        _rows("ProviderWithInvalidFeeSched", "provider", _absent('t."FeeSched"', "feesched", "FeeSchedNum"),
              "provider whose fee schedule does not exist"),
    ]


# ---------------------------------------------------------------- insurance


def insurance_checks() -> list[Check]:
    exact = """SELECT 1 FROM raw.benefit GROUP BY "PlanNum", "PatPlanNum", "CovCatNum", "BenefitType", "Percent",
                  "MonetaryAmt", "TimePeriod", "QuantityQualifier", "Quantity", "CodeNum", "CoverageLevel",
                  "CodeGroupNum", "TreatArea" HAVING count(*) > 1"""
    partial = """SELECT 1 FROM raw.benefit GROUP BY "PlanNum", "PatPlanNum", "CovCatNum", "BenefitType", "TimePeriod",
                    "QuantityQualifier", "Quantity", "CodeNum", "CoverageLevel", "CodeGroupNum", "TreatArea"
                 HAVING count(DISTINCT ("Percent", "MonetaryAmt")) > 1"""
    return [
        _rows("InsPlanInvalidCarrier", "insplan", _absent('t."CarrierNum"', "carrier", "CarrierNum"),
              "plan whose carrier does not exist"),
        _rows("InsPlanNoClaimForm", "insplan",
              't."ClaimFormNum" = 0 AND EXISTS (SELECT 1 FROM raw.claimform)',
              "plan without a claim form while the practice has claim forms (OpenDental sets DefaultClaimForm)"),
        _rows("InsPlanInvalidNum benefit", "benefit",
              f"""t."PlanNum" <> 0 AND {_absent('t."PlanNum"', "insplan", "PlanNum")}""",
              "benefit of a plan that does not exist"),
        _rows("InsPlanInvalidNum inssub", "inssub", _absent('t."PlanNum"', "insplan", "PlanNum"),
              "subscriber row of a plan that does not exist"),
        _count("InsSubInvalidSubscriber", "inssub",
               f"""SELECT count(DISTINCT s."Subscriber") FROM raw.inssub AS s
                   JOIN raw.patient AS p ON p."PatNum" = s."Subscriber" WHERE p."PatStatus" = {DELETED}""",
               "deleted patients (PatStatus 4) still subscribers of plans"),
        _rows("PatPlanDeleteWithInvalidInsSubNum", "patplan", _absent('t."InsSubNum"', "inssub", "InsSubNum"),
              "patient plan whose subscriber row does not exist"),
        _rows("PatPlanDeleteWithInvalidPatNum", "patplan", _absent('t."PatNum"', "patient", "PatNum"),
              "patient plan of a patient who does not exist"),
        _grouped("PatPlanOrdinalDuplicates", "patplan",
                 'SELECT 1 FROM raw.patplan GROUP BY "PatNum", "Ordinal" HAVING count(*) > 1',
                 "patients with two plans of the same ordinal"),
        _rows("PatPlanOrdinalZeroToOne", "patplan", 't."Ordinal" = 0', "patient plan of ordinal 0"),
        _rows("PatPlanOrdinalTwoToOne", "patplan",
              """t."Ordinal" = 2 AND NOT EXISTS (SELECT 1 FROM raw.patplan AS o
                                                 WHERE o."PatNum" = t."PatNum" AND o."Ordinal" = 1)""",
              "secondary plan of a patient without a primary"),
        _grouped("BenefitsWithExactDuplicatesForInsPlan", "benefit", exact, "benefits repeated exactly"),
        _grouped("BenefitsWithPartialDuplicatesForInsPlan", "benefit", partial,
                 "benefits of one kind given twice with different amounts or percentages"),
    ]


# ---------------------------------------------------------------- patients


# PatientMissing's tables (OpenDental's PatientMissingTableHelper list): (table, patient column, rows that count)
PATIENT_TABLES = (("appointment", "PatNum", ""), ("claim", "PatNum", ""), ("claimproc", "PatNum", ""),
                  ("commlog", "PatNum", 'AND x."ReferralNum" = 0'), ("document", "PatNum", ""),
                  ("procedurelog", "PatNum", ""), ("inssub", "Subscriber", ""), ("payment", "PatNum", ""),
                  ("paysplit", "PatNum", ""))


def patient_checks() -> list[Check]:
    orphans = " + ".join(
        f"""(SELECT count(*) FROM raw.{t} AS x WHERE {_absent(f'x."{column}"', "patient", "PatNum")} {extra})"""
        for t, column, extra in PATIENT_TABLES)
    hidden = """SELECT 1 FROM raw.provider AS pr JOIN raw.patient AS p ON p."PriProv" = pr."ProvNum"
                WHERE pr."IsHidden" AND p."PatStatus" NOT IN (4, 5) GROUP BY pr."ProvNum\""""
    return [
        _rows("PatientBadGuarantor", "patient", _absent('t."Guarantor"', "patient", "PatNum"),
              "patient whose guarantor does not exist"),
        _rows("PatientBadGuarantor deleted", "patient", f't."PatStatus" = {DELETED} AND t."Guarantor" <> t."PatNum"',
              "deleted patient (PatStatus 4) still in another guarantor's family (OpenDental makes them their own)",
              ),
        _rows("PatientBadGuarantor deleted guarantor", "patient",
              f"""t."Guarantor" <> t."PatNum" AND t."Guarantor" IN (SELECT p."PatNum" FROM raw.patient AS p
                                                                    WHERE p."PatStatus" = {DELETED})""",
              "patient whose guarantor is a deleted patient (PatStatus 4)"),
        _rows("PatientBadGuarantorWithAnotherGuarantor", "patient",
              """t."Guarantor" IN (SELECT g."PatNum" FROM raw.patient AS g WHERE g."Guarantor" <> g."PatNum")""",
              "patient whose guarantor has a guarantor of their own"),
        _rows("PatientDeletedWithClinicNumSet", "patient", f't."PatStatus" = {DELETED} AND t."ClinicNum" <> 0',
              "deleted patient still assigned to a clinic"),
        _rows("PatientInvalidGradeLevel", "patient", 't."GradeLevel" < 0', "negative grade level"),
        _rows("PatientInvalidSuperFamilyHead", "patient",
              """t."SuperFamily" <> 0 AND t."SuperFamily" NOT IN (SELECT h."PatNum" FROM raw.patient AS h
                                                                  WHERE h."SuperFamily" = h."PatNum")""",
              "super family whose head is not its own head"),
        _grouped("PatientPriProvHidden", "patient", hidden, "hidden providers who are patients' primary provider"),
        _rows("PatientPriProvMissing", "patient", f't."PriProv" = 0 AND t."PatStatus" <> {DELETED}',
              "patient without a primary provider"),
        _rows("PatientUnDeleteWithBalance", "patient",
              f"""t."PatStatus" = {DELETED} AND (t."Bal_0_30" <> 0 OR t."Bal_31_60" <> 0 OR t."Bal_61_90" <> 0
                  OR t."BalOver90" <> 0 OR t."InsEst" <> 0 OR t."BalTotal" <> 0)""",
              "deleted patient (PatStatus 4) with a balance (OpenDental undeletes them)"),
        _rows("PatientUnDeleteWithBalance procedures", "procedurelog",
              f"""t."ProcStatus" <> 6 AND t."PatNum" IN (SELECT p."PatNum" FROM raw.patient AS p
                                                       WHERE p."PatStatus" = {DELETED})""",
              "procedure of a deleted patient (PatStatus 4)"),
        _rows("BillingTypesInvalid", "patient",
              f"""t."BillingType" NOT IN (SELECT d."DefNum" FROM raw.definition AS d
                                          WHERE d."Category" = {BILLING_TYPES})""",
              "patient whose billing type is 0 or not a billing-type definition"),
        _count("ProviderMissingFromDB", "patient",
               """SELECT count(DISTINCT n) FROM (
                      SELECT "PriProv" AS n FROM raw.patient UNION ALL SELECT "SecProv" FROM raw.patient
                      UNION ALL SELECT "ProvNum" FROM raw.procedurelog) AS used
                  WHERE n <> 0 AND n NOT IN (SELECT "ProvNum" FROM raw.provider)""",
               "provider numbers used by patients or procedures that are not providers"),
        _count("PatientMissing", "patient", f"SELECT {orphans}",
               "rows of a patient who does not exist (or PatNum 0) in " + ", ".join(t for t, _, _ in PATIENT_TABLES)),
    ]


# ---------------------------------------------------------------- payments


def payment_checks() -> list[Check]:
    totals = """SELECT pay."PayNum" FROM raw.payment AS pay JOIN raw.paysplit AS s ON s."PayNum" = pay."PayNum"
                WHERE pay."PayAmt" <> 0 GROUP BY pay."PayNum", pay."PayAmt"
                HAVING round(pay."PayAmt"::numeric, 2) <> round(sum(s."SplitAmt")::numeric, 2)"""
    unearned_on_done = """SELECT s."ProcNum" FROM raw.paysplit AS s
                          JOIN raw.procedurelog AS p ON p."ProcNum" = s."ProcNum"
                          WHERE s."UnearnedType" <> 0 AND s."ProcNum" <> 0 AND p."ProcStatus" = 2
                          GROUP BY s."ProcNum" HAVING sum(s."SplitAmt") > 0.005"""
    return [
        _grouped("PaymentAmtNotMatchPaySplitTotal", "payment", totals, "payment whose amount is not its splits' sum"),
        _rows("PaymentDetachMissingDeposit", "payment", 't."DepositNum" <> 0',
              "payment on a deposit (no deposit table)"),
        _rows("PaymentMissingPaySplit", "payment",
              'NOT EXISTS (SELECT 1 FROM raw.paysplit AS s WHERE s."PayNum" = t."PayNum")', "payment without splits"),
        _count("PaySplitAttachedToDeletedProc", "paysplit",
               """SELECT count(*) FROM raw.paysplit AS s JOIN raw.procedurelog AS p ON p."ProcNum" = s."ProcNum"
                  WHERE s."ProcNum" <> 0 AND p."ProcStatus" = 6""",
               "split paying a deleted procedure"),
        _rows("PaySplitAttachedToItself", "paysplit", 't."FSplitNum" = t."SplitNum"',
              "split that is its own prepayment"),
        _rows("PaySplitTransfersWithNoUnearnedType", "paysplit",
              """t."SplitAmt" < 0 AND t."FSplitNum" <> 0 AND t."UnearnedType" = 0 AND t."AdjNum" = 0
                 AND t."ProcNum" = 0 AND t."PayPlanNum" = 0
                 AND t."FSplitNum" IN (SELECT f."SplitNum" FROM raw.paysplit AS f WHERE f."UnearnedType" <> 0)""",
              "negative transfer out of unearned income that lost its unearned type"),
        _grouped("PaySplitUnearnedAttachedToCompletedProcedures", "paysplit", unearned_on_done,
                 "completed procedures paid with unearned (prepayment) splits"),
        _rows("PaySplitWithInvalidPayNum", "paysplit", _absent('t."PayNum"', "payment", "PayNum"),
              "split of a payment that does not exist"),
        _rows("PaySplitWithInvalidPayPlanChargeNum", "paysplit", 't."PayPlanNum" = 0 AND t."PayPlanChargeNum" <> 0',
              "split on a payment plan charge without its plan"),
        _rows("PaySplitWithInvalidPayPlanNum", "paysplit", 't."PayPlanNum" <> 0',
              "split on a payment plan (no payplan table)"),
        _rows("PaySplitWithInvalidPrePayNum", "paysplit",
              f"""t."FSplitNum" <> 0 AND {_absent('t."FSplitNum"', "paysplit", "SplitNum")}""",
              "split allocating a prepayment split that does not exist"),
    ]


# ---------------------------------------------------------------- procedures and codes


TOOTH_OK = r"""(t."ToothNum" ~ '^[A-T]S?$'
               OR (t."ToothNum" ~ '^[1-9][0-9]?$' AND (t."ToothNum"::int BETWEEN 1 AND 32
                                                       OR t."ToothNum"::int BETWEEN 51 AND 82)))"""


def procedure_checks() -> list[Check]:
    return [
        _rows("ProcedurecodeCategoryNotSet", "procedurecode", 't."ProcCat" = 0', "code without a category"),
        _grouped("ProcedurecodeFixDuplicateProcedureCodes", "procedurecode",
                 'SELECT 1 FROM raw.procedurecode GROUP BY "ProcCode" HAVING count(*) > 1', "codes entered twice"),
        _rows("ProcedurecodeInvalidProvNum", "procedurecode",
              f"""t."ProvNumDefault" <> 0 AND {_absent('t."ProvNumDefault"', "provider", "ProvNum")}""",
              "code whose default provider does not exist"),
        _rows("ProcedurelogAttachedToApptWithProcStatusDeleted", "procedurelog",
              't."ProcStatus" = 6 AND (t."AptNum" <> 0 OR t."PlannedAptNum" <> 0)',
              "deleted procedure still on an appointment"),
        _count("ProcedurelogAttachedToWrongAppts", "procedurelog",
               """SELECT count(*) FROM raw.procedurelog AS p JOIN raw.appointment AS a ON a."AptNum" = p."AptNum"
                  WHERE p."AptNum" <> 0 AND p."PatNum" <> a."PatNum\"""",
               "procedure on another patient's appointment"),
        _count("ProcedurelogAttachedToWrongApptDate", "procedurelog",
               """SELECT count(*) FROM raw.procedurelog AS p JOIN raw.appointment AS a ON a."AptNum" = p."AptNum"
                  WHERE p."AptNum" <> 0 AND p."ProcStatus" = 2 AND p."ProcDate" <> a."AptDateTime"::date""",
               "completed procedure dated another day than its appointment"),
        _count("ProcedurelogBaseUnitsZero", "procedurelog",
               """SELECT count(*) FROM raw.procedurelog AS p JOIN raw.procedurecode AS c ON c."CodeNum" = p."CodeNum"
                  WHERE (p."BaseUnits" = 0 AND c."BaseUnits" <> 0) OR (p."BaseUnits" <> 0 AND c."BaseUnits" = 0)""",
               "procedure whose base units are not its code's"),
        _rows("ProcedurelogCodeNumInvalid", "procedurelog", _absent('t."CodeNum"', "procedurecode", "CodeNum"),
              "procedure of a code that does not exist"),
        _rows("ProcedurelogProvNumMissing", "procedurelog", 't."ProvNum" = 0 AND t."ProcStatus" <> 6',
              "procedure without a provider"),
        _rows("ProcedurelogToothNums", "procedurelog", f"""t."ToothNum" <> '' AND NOT {TOOTH_OK}""",
              "procedure on a tooth number OpenDental does not know"),
        _rows("ProcedurelogFixInvalidToothranges", "procedurelog", """t."ToothRange" ~ '[A-Z]{2}|[0-9]{3}'""",
              "tooth range not separated by commas"),
        # Exception: the contract allows ClaimType P, S and Other only (R-claim-033), so a preauthorization is a claim
        # of type Other whose lines are Preauth (Status 2); its treatment-planned procedures are left out.
        _count("ProcedurelogTpAttachedToClaim", "procedurelog",
               """SELECT count(*) FROM raw.procedurelog AS p JOIN raw.claimproc AS cp ON cp."ProcNum" = p."ProcNum"
                  JOIN raw.claim AS c ON c."ClaimNum" = cp."ClaimNum"
                  WHERE p."ProcStatus" <> 2 AND c."ClaimStatus" IN ('W', 'S', 'R')
                    AND c."ClaimType" IN ('P', 'S', 'Other') AND cp."Status" <> 2""",
               "procedure not complete on a sent or received claim (preauthorizations excepted)"),
        _rows("ProcedurelogUnitQtyZero", "procedurelog", 't."UnitQty" = 0', "procedure of quantity 0"),
        _rows("ProcedurelogWithInvalidProvNum", "procedurelog",
              f"""t."ProvNum" > 0 AND {_absent('t."ProvNum"', "provider", "ProvNum")}""",
              "procedure whose provider does not exist"),
        _rows("ProcedurelogWithInvalidAptNum", "procedurelog",
              f"""(t."AptNum" <> 0 AND {_absent('t."AptNum"', "appointment", "AptNum")})
                  OR (t."PlannedAptNum" <> 0 AND t."PlannedAptNum" NOT IN (
                      SELECT a."AptNum" FROM raw.appointment AS a WHERE a."AptStatus" = 6))""",
              "procedure on an appointment (or planned appointment) that does not exist"),
        _rows("ProcedurelogWithInvalidClinicNum", "procedurelog", 't."ClinicNum" <> 0',
              "procedure in a clinic (the practice has none)"),
        _count("GroupNoteWithInvalidAptNum", "procedurelog",
               f"""SELECT count(*) FROM raw.procedurelog AS p JOIN raw.procedurecode AS c ON c."CodeNum" = p."CodeNum"
                   WHERE c."ProcCode" = '{GROUP_NOTE}' AND p."AptNum" <> 0""",
               "group note attached to an appointment"),
    ]


# ---------------------------------------------------------------- recalls


def recall_checks() -> list[Check]:
    return [
        _rows("RecallsWithInvalidRecallType", "recall", _absent('t."RecallTypeNum"', "recalltype", "RecallTypeNum"),
              "recall of a recall type that does not exist"),
        _grouped("RecallDuplicatesWarn", "recall",
                 'SELECT 1 FROM raw.recall GROUP BY "PatNum", "RecallTypeNum" HAVING count(*) > 1',
                 "patients with two recalls of one type"),
        # OpenDental names the special prophy and perio types in preferences (no table here): they are the types
        # triggered by the prophylaxis (D1110, D1120) and perio maintenance (D4910) codes.
        _grouped("RecallDuplicatesWarn prophy and perio", "recall",
                 f"""SELECT 1 FROM raw.recall AS r WHERE NOT r."IsDisabled" AND r."RecallTypeNum" IN (
                         SELECT g."RecallTypeNum" FROM raw.recalltrigger AS g
                         JOIN raw.procedurecode AS c ON c."CodeNum" = g."CodeNum"
                         WHERE c."ProcCode" IN ({HYGIENE_CODES}))
                     GROUP BY r."PatNum" HAVING count(*) > 1""",
                 "patients due for more than one of prophylaxis and perio maintenance"),
        _rows("RecallTriggerDeleteBadCodeNum", "recalltrigger", _absent('t."CodeNum"', "procedurecode", "CodeNum"),
              "recall trigger of a code that does not exist"),
        _rows("RefAttachDeleteWithInvalidReferral", "refattach", _absent('t."ReferralNum"', "referral", "ReferralNum"),
              "referral attachment of a referral that does not exist"),
        _grouped("RefAttachesWithDuplicateOrder", "refattach",
                 'SELECT DISTINCT "PatNum" FROM raw.refattach GROUP BY "PatNum", "ItemOrder" HAVING count(*) > 1',
                 "patients with two referral attachments in the same place of the list"),
    ]


# ---------------------------------------------------------------- schedules


def schedule_checks() -> list[Check]:
    return [
        _rows("OperatoryInvalidReference scheduleop", "scheduleop",
              f"""t."OperatoryNum" <> 0 AND {_absent('t."OperatoryNum"', "operatory", "OperatoryNum")}""",
              "schedule in an operatory that does not exist"),
        _rows("ScheduleOpsInvalidScheduleNum", "scheduleop", _absent('t."ScheduleNum"', "schedule", "ScheduleNum"),
              "operatory of a schedule that does not exist"),
        _rows("SchedulesBlockoutStopBeforeStart", "schedule", 't."StopTime" < t."StartTime"',
              "schedule ending before it starts"),
        _rows("SchedulesDeleteHiddenProviders", "schedule",
              """t."SchedDate" > :as_of_date AND t."ProvNum" IN (SELECT p."ProvNum" FROM raw.provider AS p
                                                                 WHERE p."IsHidden")""",
              "future schedule of a hidden provider"),
        _rows("SchedulesDeleteShort", "schedule",
              """t."Status" = 0 AND t."StopTime" - t."StartTime" < INTERVAL '5 minutes' AND t."Note" = ''""",
              "open schedule shorter than five minutes without a note"),
        _rows("SchedulesDeleteProvClosed", "schedule", 't."SchedType" = 1 AND t."Status" = 1',
              "provider schedule marked closed"),
    ]


# ---------------------------------------------------------------- sheets, statements, documents


def sheet_checks() -> list[Check]:
    return [
        _rows("SheetDepositSlips", "sheet", f't."SheetType" = {DEPOSIT_SLIP}', "deposit slip saved as a sheet"),
        _rows("SheetsWithNoSheetFields", "sheet",
              't."IsWebForm" AND NOT EXISTS (SELECT 1 FROM raw.sheetfield AS f WHERE f."SheetNum" = t."SheetNum")',
              "web form without fields"),
        _rows("SheetFieldsWithEmptyItemColor", "sheetfield", 't."ItemColor" = 0',
              f"sheet field without a colour (OpenDental sets black, {BLACK})"),
        _rows("SheetFieldsWithEmptyItemColor sheetfielddef", "sheetfielddef", 't."ItemColor" = 0',
              f"sheet field definition without a colour (OpenDental sets black, {BLACK})"),
        _rows("LaboratoryWithInvalidSlip", "laboratory",
              f"""t."Slip" <> 0 AND {_absent('t."Slip"', "sheetdef", "SheetDefNum")}""",
              "laboratory whose lab slip is not a sheet definition"),
        _rows("LabCaseWithInvalidLaboratory", "labcase", _absent('t."LaboratoryNum"', "laboratory", "LaboratoryNum"),
              "lab case of a laboratory that does not exist"),
        _rows("StatementDateRangeMax", "statement", """t."DateRangeTo" = DATE '9999-12-31'""",
              "statement running to 9999-12-31"),
        _rows("StatementsWithInvalidDocNum", "statement",
              f"""t."DocNum" > 0 AND {_absent('t."DocNum"', "document", "DocNum")}""",
              "statement whose document does not exist"),
        _rows("DocumentWithInvalidDate", "document",
              """t."DateCreated" IS NULL OR t."DateCreated" < DATE '1880-01-01'""", "document without a date"),
        _rows("DocumentWithNoCategory", "document", 't."DocCategory" = 0', "document in no image category"),
    ]


# ---------------------------------------------------------------- tasks


def task_checks() -> list[Check]:
    cycles = """WITH RECURSIVE up(start, at, depth) AS (
                    SELECT "TaskListNum", "Parent", 1 FROM raw.tasklist WHERE "Parent" <> 0
                    UNION ALL
                    SELECT up.start, l."Parent", up.depth + 1 FROM up JOIN raw.tasklist AS l ON l."TaskListNum" = up.at
                    WHERE up.at <> 0 AND up.at <> up.start AND up.depth < 100)
                SELECT count(DISTINCT start) FROM up WHERE at = start"""
    return [
        _count("TaskListsWithCircularParentChild", "tasklist", cycles, "task lists that are their own ancestor"),
        _rows("TaskListsAbandonedRepeating", "tasklist",
              f"""t."Parent" = 0 AND t."FromNum" <> 0 AND {_absent('t."FromNum"', "tasklist", "TaskListNum")}""",
              "top-level task list made from a repeating list (FromNum) that does not exist"),
        _rows("TasksCompletedWithInvalidFinishDateTime", "task",
              """t."TaskStatus" = 2 AND (t."DateTimeFinished" IS NULL OR t."DateTimeFinished" < DATE '1880-01-01')""",
              "task done without a finish time"),
        # Exception: int_task_management reads a task's subscription by TaskNum (contract G-08.5), and OpenDental's
        # own table says a subscription to a task has TaskListNum 0, which this method (written before task
        # subscriptions) would delete. Subscriptions to lists must name a real list.
        _rows("TaskSubscriptionsInvalid", "tasksubscription",
              f"""NOT (t."TaskListNum" = 0 AND t."TaskNum" IN (SELECT k."TaskNum" FROM raw.task AS k))
                  AND {_absent('t."TaskListNum"', "tasklist", "TaskListNum")}""",
              "subscription to a task list that does not exist (task subscriptions excepted)"),
        _rows("TaskUnreadsWithoutTasksAttached", "taskunread", _absent('t."TaskNum"', "task", "TaskNum"),
              "unread mark of a task that does not exist"),
    ]


# ---------------------------------------------------------------- everything else


def other_checks() -> list[Check]:
    return [
        _rows("ToothChartInvalidDrawingSegments", "toothinitial",
              """t."DrawingSegment" LIKE '%,;%' OR t."DrawingSegment" LIKE '%;,%' OR t."DrawingSegment" LIKE ',%'
                 OR t."DrawingSegment" LIKE '%,'""",
              "tooth chart drawing with an empty coordinate"),
        _rows("ToothChartInvalidInitialTypes", "toothinitial", f't."InitialType" > {LAST_TOOTH_INITIAL_TYPE}',
              "tooth chart annotation of an unknown type"),
        _count("TreatPlansInvalid", "treatplan",
               """SELECT count(DISTINCT n) FROM (
                      SELECT tp."PatNum" AS n FROM raw.treatplanattach AS a
                      JOIN raw.treatplan AS tp ON tp."TreatPlanNum" = a."TreatPlanNum"
                      JOIN raw.procedurelog AS p ON p."ProcNum" = a."ProcNum" WHERE p."PatNum" <> tp."PatNum"
                      UNION ALL
                      SELECT "PatNum" FROM raw.treatplan WHERE "TPStatus" = 1 GROUP BY "PatNum" HAVING count(*) > 1
                  ) AS bad""",
               "patients with another patient's procedure on a plan, or more than one active plan"),
        _grouped("TreatPlanAttachDuplicateProc", "treatplanattach",
                 'SELECT 1 FROM raw.treatplanattach GROUP BY "TreatPlanNum", "ProcNum" HAVING count(*) > 1',
                 "procedures attached twice to one treatment plan"),
        _grouped("TreatPlanOrphanedProcTps", "proctp",
                 f"""SELECT DISTINCT "TreatPlanNum" FROM raw.proctp AS t
                     WHERE {_absent('t."TreatPlanNum"', "treatplan", "TreatPlanNum")}""",
                 "treatment plans missing under their printed procedures"),
        _grouped("UserodDuplicateUser", "userod",
                 'SELECT 1 FROM raw.userod WHERE NOT "IsHidden" GROUP BY "UserName" HAVING count(*) > 1',
                 "user names given to two visible users"),
        _rows("UserodInvalidClinicNum", "userod", 't."ClinicNum" <> 0', "user in a clinic (the practice has none)"),
        _rows("UserodInvalidRestrictedClinic", "userod", 't."ClinicNum" = 0 AND t."ClinicIsRestricted"',
              "user restricted to no clinic"),
        _rows("MedicationWithInvalidGenericNum", "medication", _absent('t."GenericNum"', "medication", "MedicationNum"),
              "medication whose generic does not exist (a generic is its own)"),
        _rows("DiseaseWithInvalidDiseaseDef", "disease", _absent('t."DiseaseDefNum"', "diseasedef", "DiseaseDefNum"),
              "problem of a problem definition that does not exist"),
        _grouped("ProgramPropertiesDuplicateLocalPath", "programproperty",
                 """SELECT 1 FROM raw.programproperty WHERE "PropertyDesc" = ''
                    GROUP BY "ProgramNum", "ComputerName", "ClinicNum" HAVING count(*) > 1""",
                 "program local-path overrides given twice for one computer"),
        _rows("PerioMeasureWithInvalidIntTooth", "periomeasure", 't."IntTooth" NOT BETWEEN 1 AND 32',
              "perio measure of a tooth outside 1-32"),
    ]
