"""The contract's hand-derived requirements (D-rules) and the data-value global rules (G-rules), as checks.

The D-rules state what the intermediate and mart dbt tests (not available here) require of the raw data. Only
the parts that no R-line (contract_checks.py) and no hand-written validator (money, timeline, volumes,
structure) already enforce are checked here, over the tables the generator fills. Each check counts violating
rows (or groups, for per-group rules; 0/1 for "at least one" rules) on the rows the table's staging model keeps
(structure.staged), with dbt's NULL semantics: a range or expression fails only when FALSE, NOT NULL fails on
NULL, a relationship fails only for a non-NULL child. "Today" is :as_of_date; "now" is :as_of_ts (the as-of
date's midnight, after which nothing may be stamped - the rule timeline.py also enforces).

Checked in validators/extra (with the tables generators/extra fills): D-task-02's tasksubscription, taskhist and
tasknote parts and G-08.5 (office.py); D-claimproc-02's claimsnapshot part, G-08.3, G-15 and the int_claim_tracking
volume of G-09 (billing.py); the perioexam and histappointment parts of G-09 (records.py); D-treatplan-03 / G-14
and D-appointment-09's treatment-plan part (plans.py); G-08.8 and D-userod-01 for userodpref (office.py). The
other users D-userod-01 names (treatplan, tasknote, taskunread, tasksubscription, histappointment) are
relationship R-lines (contract_checks.py).

Not checked here:
- G-16 ETL tables exist: a schema property (create_tables.sql), not a data value.
- D-patient-10 (no patient deleted between staging and tests): a property of the dbt run, not of the data.
- D-procedurelog-08: the same condition on every procedure code is R-procedurecode-013 (C-15).

Covered elsewhere (no check here): D-adjustment-01, D-appointment-07/08, D-appointmenttype-01/02, D-benefit-01,
D-carrier-01, D-claim-01/05, D-clinic-01, D-commlog-01/05, D-definition-01, D-document-01, D-employer-01,
D-etl_load_status-01, D-insplan-02, D-inssub-01, D-patientlink-01, D-patientnote-01, D-procedurecode-01/03,
D-procnote-01, D-provider-01/02, D-recalltrigger-01, D-refattach-01, D-referral-01, D-zipcode-01, G-02, G-13:
by R-lines, structure (keys), timeline (nothing after the as-of date) and volumes (row counts). ClinicNum = 0 of
D-appointment-01, D-patient-03, D-procedurelog-03 and D-payment-02 is checked once per table as G-03.
"""

from __future__ import annotations

from contract import schema
from contract.rules import FLOOR as FLOOR_DATE
from contract.rules import INT4_MAX
from contract.tables import PHASES
from validators.base import Check
from validators.structure import staged

ERROR, WARN = "ERROR", "WARN"
NOW = ":as_of_ts"  # dbt's "now": nothing may be stamped on or after the as-of date's midnight
FLOOR = f"DATE '{FLOOR_DATE.isoformat()}'"  # G-01: the staging date floor

# The raw tables the generator fills (clinic stays empty on purpose: G-03).
FILLED = tuple(t for _, tables in PHASES for t in tables if t != "clinic")
MIN_ID = {"appointmenttype": 0}  # AppointmentTypeNum 0 is a legal id (D-appointmenttype-01)

# G-11 audit columns that no ERROR R-line already requires to be set (staging clean_date also drops 0001-01-01).
AUDIT_COLUMNS = {
    "procedurelog": ("SecUserNumEntry",),
    "payment": ("SecUserNumEntry",),
    "paysplit": ("SecUserNumEntry",),
    "claimproc": ("SecUserNumEntry", "SecDateTEdit"),
    "patient": ("SecUserNumEntry", "DateTStamp"),
    "benefit": ("SecDateTEntry",),
}

DISCOUNT_TYPES = "474, 475, 186, 472, 485, 9, 185, 537"  # D-adjustment-03
PATIENT_PAY_TYPES = "69, 70, 71, 391, 412, 417, 574, 634, 676, 681"  # D-payment-04: all but 0 (admin) and 72 (refund)
PAYMENT_TYPE_IDS = "0, 69, 70, 71, 72, 391, 412, 417, 574, 634, 261, 303, 464, 465, 466, 469"  # D-definition-05
CAMPAIGNS = ("Patient Collections", "Insurance Follow-up", "Treatment Plan Payment Collection")  # G-08.4
# G-12: note patterns int_patient_communications_base turns into links that must then exist
NOTE_LINKS = r"(appt|appointment|claim|insurance|procedure|treatment) #[0-9]|Number [0-9]{10}"


# ---------------------------------------------------------------- helpers


def col(alias: str, name: str) -> str:
    """A quoted raw column of an aliased relation: col("p", "ProcNum") -> p."ProcNum"."""
    return f'{alias}."{name}"'


def clean(column: str) -> str:
    """OpenDental's "no date" (0001-01-01, 1900-01-01) as NULL, like the staging models' clean_date."""
    return f"(CASE WHEN {column}::date IN (DATE '0001-01-01', DATE '1900-01-01') THEN NULL ELSE {column} END)"


def rows(name: str, table: str, alias: str, where: str, description: str, severity: str = ERROR) -> Check:
    """Staged rows of `table` (named `alias`) for which `where` is true."""
    return Check(name, table, severity=severity, description=description, relation=f"{staged(table)} AS {alias}",
                 predicate=where)


def groups(name: str, table: str, grouped: str, description: str, severity: str = ERROR) -> Check:
    """The number of rows `grouped` (a SELECT ... GROUP BY ... HAVING <violation>) returns."""
    return Check(name, table, f"SELECT count(*) FROM ({grouped}) AS bad", severity, description)


def at_least_one(name: str, table: str, exists: str, description: str, severity: str = ERROR) -> Check:
    """1 when the SELECT `exists` finds nothing, else 0."""
    return Check(name, table, f"SELECT CASE WHEN EXISTS ({exists}) THEN 0 ELSE 1 END", severity, description)


def missing(child: str, parent: str, parent_column: str) -> str:
    """Condition: a non-NULL `child` has no row in the relation `parent` (a table or a staged subquery).

    NOT IN over the parent's non-NULL keys: uncorrelated, so PostgreSQL hashes it once per scan."""
    key = f'parent."{parent_column}"'
    return f"({child} IS NOT NULL AND {child} NOT IN (SELECT {key} FROM {parent} AS parent WHERE {key} IS NOT NULL))"


def outside(expression: str, low: str, high: str) -> str:
    """Condition: FALSE for NULL, like dbt's range tests."""
    return f"NOT ({expression} BETWEEN {low} AND {high})"


# ---------------------------------------------------------------- global rules


def clinic_checks() -> list[Check]:
    """G-03: one location, so every ClinicNum is 0 (not NULL)."""
    tables = [t for t in FILLED if "ClinicNum" in schema.table(t).index]
    return [rows(f"G-03 {t}.ClinicNum is 0", t, "t", 't."ClinicNum" IS DISTINCT FROM 0',
                 "ClinicNum must be 0 (single location, empty clinic table)") for t in tables]


def id_checks() -> list[Check]:
    """G-04: primary keys positive and within int4 (the staging id_cast)."""
    result = []
    for name in FILLED:
        spec = schema.table(name)
        key = spec.columns[spec.index[spec.primary_key[0]]].ident
        low = MIN_ID.get(name, 1)
        result.append(Check(f"G-04 {name} ids in int4", name, relation=f"raw.{name}",
                            predicate=f"{key} < {low} OR {key} > {INT4_MAX}",
                            description=f"primary key outside {low}..2 147 483 647"))
    return result


def audit_checks() -> list[Check]:
    """G-11: audit columns set (and not OpenDental's "no date") on every staged row."""
    result = []
    for table, columns in AUDIT_COLUMNS.items():
        spec = schema.table(table)
        unset = " OR ".join(
            f"{clean(col('t', name))} IS NULL" if spec.columns[spec.index[name]].type in ("date", "timestamp")
            else f"{col('t', name)} IS NULL"
            for name in columns)
        result.append(rows(f"G-11 {table} audit columns", table, "t", unset,
                           f"{', '.join(columns)} must be set"))
    return result


def global_checks() -> list[Check]:
    return clinic_checks() + id_checks() + audit_checks() + [
        rows("G-12 commlog note links", "commlog", "c", f"c.\"Note\" ~* '{NOTE_LINKS}'",
             "note with a parsed link pattern (appt/claim/procedure #n, Number + 10 digits)"),
        rows("G-12 payment INCOME TRANSFER note", "payment", "p", "p.\"PayNote\" ILIKE '%INCOME TRANSFER%'",
             "PayNote 'INCOME TRANSFER' activates the transfer pairing tests (D-payment-05)", WARN),
        rows("G-10 refunds negative", "payment", "p", 'p."PayType" = 72 AND p."PayAmt" >= 0',
             "refund (PayType 72) not negative", WARN),
        commlog_template_check(),
        groups("G-08.7 repeated commlog notes", "commlog", f"""
            SELECT 1 FROM {staged("commlog")} AS c WHERE c."Note" IS NOT NULL
            GROUP BY c."CommType", c."Mode_", c."Note", c."UserNum", c."DateTEntry" HAVING count(*) > 3""",
               "more than 3 identical notes: auto-detected as a communication template", WARN),
        groups("G-08.6 hygiene visits per day", "appointment", f"""
            SELECT 1 FROM {staged("appointment")} AS a WHERE a."ProvHyg" > 0
            GROUP BY a."PatNum", a."AptDateTime"::date HAVING count(*) > 1""",
               "a patient with two hygiene appointments on one day (mart_hygiene_retention duplicates)", WARN),
        groups("G-08.6 recall due-date ties", "recall", f"""
            SELECT 1 FROM (SELECT r."PatNum", rank() OVER (PARTITION BY r."PatNum" ORDER BY r."DateDue" DESC) AS rk
                           FROM {staged("recall")} AS r WHERE r."DateDue" >= :as_of_date - interval '2 years') AS latest
            WHERE latest.rk = 1 GROUP BY latest."PatNum" HAVING count(*) > 1""",
               "a patient with two recalls on the same latest due date of the last 2 years (mart_hygiene_retention "
               "duplicates)", WARN),
    ]


def commlog_template_check() -> Check:
    """G-08.7: a note repeated more than 3 times becomes a template; the same one under two Mode_s gives two
    templates with one template_id (int_communication_templates unique)."""
    templates = f"""
        SELECT c."CommType", c."Note", c."UserNum", c."DateTEntry" FROM {staged("commlog")} AS c
        WHERE c."Note" IS NOT NULL
        GROUP BY c."CommType", c."Mode_", c."Note", c."UserNum", c."DateTEntry" HAVING count(*) > 3"""
    return groups("G-08.7 commlog templates differing only in Mode_", "commlog",
                  f'SELECT 1 FROM ({templates}) AS t GROUP BY t."CommType", t."Note", t."UserNum", t."DateTEntry" '
                  "HAVING count(*) > 1",
                  "a repeated note (> 3 identical rows) under more than one Mode_")


# ---------------------------------------------------------------- per table


def adjustment_checks() -> list[Check]:
    return [
        rows("D-adjustment-02 provider", "adjustment", "a",
             f'a."ProvNum" IS NULL OR a."ProvNum" <= 0 OR {missing(col("a", "ProvNum"), "raw.provider", "ProvNum")}',
             "ProvNum must be > 0 and an existing provider (S-01)"),
        groups("D-adjustment-03 per-patient discounts", "adjustment", f"""
            SELECT 1 FROM {staged("adjustment")} AS a WHERE a."AdjType" IN ({DISCOUNT_TYPES})
            GROUP BY a."PatNum" HAVING sum(a."AdjAmt") < -50000""",
               "patients whose discount adjustments total below -50 000"),
        groups("D-adjustment-03 per-procedure adjustments", "adjustment", f"""
            SELECT 1 FROM {staged("adjustment")} AS a WHERE a."ProcNum" <> 0
            GROUP BY a."ProcNum" HAVING sum(a."AdjAmt") < -15000 OR count(*) > 20""",
               "procedures with adjustments below -15 000 in total or more than 20 adjustments"),
    ]


def appointment_checks() -> list[Check]:
    appointments = staged("appointment")
    # scheduled production (fact_appointment): the fees of the visit's procedures, else a 200 default
    production = f"""
        SELECT a."AptDateTime"::date AS day, a."ProvNum", coalesce(nullif(f.fees, 0), 200) AS production
        FROM {appointments} AS a
        LEFT JOIN (SELECT p."AptNum", p."ProcDate", sum(p."ProcFee") AS fees FROM raw.procedurelog AS p
                   WHERE p."AptNum" <> 0 GROUP BY 1, 2) AS f
            ON f."AptNum" = a."AptNum" AND f."ProcDate" = a."AptDateTime"::date"""
    missed = f"""
        SELECT 1 FROM {appointments} AS a
        WHERE a."AptDateTime" >= :as_of_date - interval '12 months' AND a."AptDateTime" < {NOW}
          AND (a."AptStatus" = 5 OR (a."AptStatus" <> 2 AND {clean('a."DateTimeArrived"')} IS NULL))
          AND (EXISTS (SELECT 1 FROM raw.appointmenttype AS t WHERE t."AppointmentTypeNum" = a."AppointmentTypeNum"
                       AND trim(t."AppointmentTypeName") <> '')
               OR EXISTS (SELECT 1 FROM raw.procedurelog AS p WHERE p."AptNum" = a."AptNum" AND p."ProcFee" > 0))
        UNION ALL
        SELECT 1 FROM {staged("adjustment")} AS j
        WHERE j."AdjAmt" > 0 AND j."AdjDate" >= :as_of_date - interval '1 year'"""
    return [
        rows("D-appointment-01 provider", "appointment", "a",
             f'a."ProvNum" IS NULL OR {missing(col("a", "ProvNum"), "raw.provider", "ProvNum")}',
             "ProvNum must be set and an existing provider"),
        rows("D-appointment-02 within a year", "appointment", "a",
             "a.\"AptDateTime\" > :as_of_date + interval '1 year'",
             "appointment more than a year after today (mart_patient_retention)"),
        rows("D-appointment-03 pattern", "appointment", "a",
             """a."Pattern" IS NULL OR trim(a."Pattern") = ''
                OR (a."Pattern" ~ '^[0-9]+$' AND a."Pattern"::numeric = 0)""",
             "Pattern missing, empty or '0': the appointment would end at its start"),
        rows("D-appointment-04 Confirmed", "appointment", "a", 'a."Confirmed" IS NULL', "Confirmed must be set"),
        groups("D-appointment-05 arrival delay per provider-day", "appointment", f"""
            SELECT 1 FROM {appointments} AS a WHERE {clean('a."DateTimeArrived"')} IS NOT NULL
            GROUP BY a."AptDateTime"::date, a."ProvNum"
            HAVING {outside('avg(extract(epoch FROM a."DateTimeArrived" - a."AptDateTime") / 60)', "-1500", "240")}""",
               "provider-days whose average arrival delay is outside -1500..240 minutes"),
        groups("D-appointment-06 per provider-day", "appointment", f"""
            SELECT 1 FROM {appointments} AS a GROUP BY a."AptDateTime"::date, a."ProvNum"
            HAVING count(*) > 100 OR count(DISTINCT a."PatNum") > 100
                OR count(*)::numeric / count(DISTINCT date_part('hour', a."AptDateTime")) > 10""",
               "provider-days with > 100 appointments or patients, or > 10 appointments per distinct start hour"),
        groups("D-appointment-06 production per provider-day", "appointment",
               f"SELECT 1 FROM ({production}) AS s GROUP BY s.day, s.\"ProvNum\" HAVING sum(s.production) > 100000",
               "provider-days with scheduled production above 100 000"),
        at_least_one("D-appointment-09 lost revenue", "appointment", missed,
                     "no broken or no-show appointment with production, and no positive adjustment, in the last year"),
    ]


def claim_checks() -> list[Check]:
    return [
        rows("D-claim-02 ClaimStatus", "claim", "c", """c."ClaimStatus" NOT IN ('S', 'W', 'R', 'H', 'U')""",
             "ClaimStatus outside S/W/R/H/U ('I' passes staging only)"),
        rows("D-claim-03 DateReceived window", "claim", "c",
             f"""{clean('c."DateReceived"')} < {FLOOR} OR {clean('c."DateReceived"')} > :as_of_date""",
             "DateReceived before 2023-01-01 or after today"),
    ]


def claimpayment_checks() -> list[Check]:
    return [
        rows("D-claimpayment-01 PayType defined", "claimpayment", "cp",
             missing('cp."PayType"', "raw.definition", "DefNum"), "PayType missing from definition (D-definition-02)"),
        rows("D-claimpayment-01 DepositNum", "claimpayment", "cp", 'cp."DepositNum" IS NULL',
             "DepositNum must be set (0 for none)"),
    ]


def claimproc_checks() -> list[Check]:
    claimprocs = staged("claimproc")
    received = 'cp."Status" IN (1, 3) AND cp."ClaimPaymentNum" <> 0'  # int_insurance_payment_allocated
    on_claim = f"""SELECT cp.*, c."DateService" FROM {claimprocs} AS cp JOIN {staged("claim")} AS c USING ("ClaimNum")
                   WHERE cp."ClaimNum" <> 0"""  # fact_claim
    check_date = 'SELECT k."CheckDate" FROM raw.claimpayment AS k WHERE k."ClaimPaymentNum" = cp."ClaimPaymentNum"'
    amounts = " OR ".join([
        outside('cp."WriteOff"', "0", "10000"), outside('cp."PaidOtherIns"', "0", "10000"),
        outside('cp."BaseEst"', "0", "10000"), outside('cp."InsEstTotal"', "0", "10000"),
        outside('cp."Percentage"', "0", "100"), 'NOT (cp."CopayAmt" = -1 OR cp."CopayAmt" BETWEEN 0 AND 10000)'])
    return [
        rows("D-claimproc-01 FeeBilled on claims", "claimproc", "cp", 'cp."ClaimNum" <> 0 AND cp."FeeBilled" > 15000',
             "FeeBilled above 15 000 on a claim"),
        rows("D-claimproc-02 payment rows resolve", "claimproc", "cp",
             f"""cp."ClaimPaymentNum" IS NOT NULL AND (cp."ProcNum" IS NULL OR cp."ClaimNum" IS NULL
                 OR {missing('cp."ProcNum"', staged("procedurelog"), "ProcNum")}
                 OR {missing('cp."ClaimNum"', staged("claim"), "ClaimNum")})""",
             "ClaimPaymentNum set (0 too) but ProcNum or ClaimNum not in staging (int_claim_payments)"),
        rows("D-claimproc-03 received references", "claimproc", "cp",
             f"""{received} AND ({missing('cp."ProvNum"', "raw.provider", "ProvNum")}
                 OR {missing('cp."ProcNum"', staged("procedurelog"), "ProcNum")}
                 OR {missing('cp."PlanNum"', "raw.insplan", "PlanNum")} OR cp."InsSubNum" IS NULL)""",
             "received insurance row with a dangling provider/procedure/plan or no InsSubNum"),
        rows("D-claimproc-03 received amounts", "claimproc", "cp", f"{received} AND ({amounts})",
             "received row: WriteOff/PaidOtherIns/BaseEst/InsEstTotal 0..10 000, CopayAmt -1 or 0..10 000, "
             "Percentage 0..100"),
        rows("D-claimproc-03 received audit", "claimproc", "cp",
             f"""{received} AND (cp."CodeSent" IS NULL OR cp."EstimateNote" IS NULL OR cp."SecUserNumEntry" IS NULL
                 OR cp."SecDateTEdit" IS NULL OR cp."SecDateTEdit" < {FLOOR} OR cp."SecDateTEdit" > {NOW}
                 OR coalesce({clean('cp."DateInsFinalized"')}, ({check_date})) > :as_of_date)""",
             "received row: CodeSent/EstimateNote/SecUserNumEntry unset, SecDateTEdit outside [2023-01-01, now], "
             "or finalized after today"),
        rows("D-claimproc-04 claim lines", "claimproc", "cp",
             f"""cp."ClaimNum" IN (SELECT c."ClaimNum" FROM {staged("claim")} AS c) AND (
                 cp."FeeBilled" IS NULL OR cp."AllowedOverride" IS NULL OR cp."InsPayAmt" IS NULL
                 OR cp."WriteOff" IS NULL OR cp."CopayAmt" IS NULL
                 OR NOT (cp."AllowedOverride" = -1 OR cp."AllowedOverride" >= 0)
                 OR {outside('cp."InsPayAmt"', "-2000", "15000")} OR {outside('cp."WriteOff"', "-200", "15000")})""",
             "claim line with FeeBilled/AllowedOverride/InsPayAmt/WriteOff/CopayAmt unset or out of range"),
        groups("D-claimproc-04 per-patient FeeBilled", "claimproc", f"""
            SELECT 1 FROM ({on_claim}) AS cp GROUP BY cp."PatNum"
            HAVING sum(cp."FeeBilled") > 200000
                OR sum(cp."FeeBilled") FILTER (WHERE cp."ProcDate" >= :as_of_date - interval '1 year') > 50000
                OR sum(cp."FeeBilled") FILTER (WHERE cp."ProcDate" >= :as_of_date - interval '2 years') > 100000""",
               "patients billed > 200 000 on claims (> 50 000 last year, > 100 000 last 2 years)"),
        groups("D-claimproc-04 per-patient WriteOff and count", "claimproc", f"""
            SELECT 1 FROM ({on_claim}) AS cp GROUP BY cp."PatNum"
            HAVING {outside('sum(cp."WriteOff")', "0", "50000")} OR count(*) > 1000""",
               "patients with claim write-offs outside 0..50 000 or more than 1 000 claim lines"),
        groups("D-claimproc-04 WriteOff per date-provider", "claimproc", f"""
            SELECT 1 FROM ({on_claim}) AS cp WHERE cp."ProvNum" IS NOT NULL
            GROUP BY cp."DateService", cp."ProvNum" HAVING sum(cp."WriteOff") < 0""",
               "(claim date, provider) groups with negative write-offs (mart_claim_summary)"),
        rows("D-claimproc-05 claim rows audit", "claimproc", "cp",
             f"""cp."ClaimNum" <> 0 AND (cp."SecUserNumEntry" IS NULL OR cp."SecDateTEdit" IS NULL
                 OR cp."SecDateTEdit" < DATE '2020-01-01' OR cp."SecDateTEdit" > {NOW})""",
             "claim row with SecUserNumEntry unset or SecDateTEdit outside [2020-01-01, now] (int_claim_payments)"),
    ]


def commlog_checks() -> list[Check]:
    valid_user = """EXISTS (SELECT 1 FROM raw.userod AS u WHERE u."UserNum" = c."UserNum" AND trim(u."UserName") <> ''
                     AND (coalesce(u."ProvNum", 0) = 0
                          OR EXISTS (SELECT 1 FROM raw.provider AS v WHERE v."ProvNum" = u."ProvNum")))"""
    return [
        rows("D-commlog-02 user", "commlog", "c", f'c."UserNum" IS NULL OR (c."UserNum" <> 0 AND NOT {valid_user})',
             "UserNum must be 0 or a user with a UserName whose ProvNum (if any) is a provider"),
        rows("D-commlog-03 program", "commlog", "c",
             f"""c."ProgramNum" NOT IN (0, 95) AND {missing('c."ProgramNum"', "raw.program", "ProgramNum")}""",
             "ProgramNum must be NULL, 0, 95 or an existing program"),
        rows("D-commlog-04 note present", "commlog", "c",
             """c."Note" IS NULL AND c."SentOrReceived" <> 0 AND c."CommType" NOT IN (224, 228, 603)
                AND EXISTS (SELECT 1 FROM raw.patient AS p WHERE p."PatNum" = c."PatNum" AND p."PatStatus" = 0)""",
             "non-system commlog of an active patient without a Note"),
        rows("D-commlog-04 DateTimeEnd", "commlog", "c",
             f"""{clean('c."DateTimeEnd"')} < c."CommDateTime" OR {clean('c."DateTimeEnd"')} > {NOW}""",
             "DateTimeEnd before CommDateTime or after now"),
        groups("D-commlog-06 per patient", "commlog", f"""
            SELECT 1 FROM {staged("commlog")} AS c GROUP BY c."PatNum"
            HAVING count(*) > 1000
                OR count(*) FILTER (WHERE c."CommDateTime" >= :as_of_date - interval '6 months') > 500""",
               "patients with > 1 000 commlogs (> 500 in the last 6 months)", WARN),
    ]


def definition_checks() -> list[Check]:
    numeric = """trim(d."ItemValue") ~ '^[+-]?[0-9]+(\\.[0-9]+)?$'"""
    used_statuses = f"""SELECT DISTINCT v."ProvStatus" FROM raw.provider AS v
                        WHERE EXISTS (SELECT 1 FROM {staged("appointment")} AS a WHERE a."ProvNum" = v."ProvNum")"""
    status_rows = """FROM raw.definition AS d WHERE d."Category" = 2 AND trim(d."ItemValue") = s."ProvStatus"::text"""
    return [
        groups("D-provider-04 D-definition-03 status definitions", "definition", f"""
            SELECT 1 FROM ({used_statuses}) AS s
            WHERE (SELECT count(*) {status_rows}) <> 1
               OR EXISTS (SELECT 1 {status_rows} AND d."ItemName" IS DISTINCT FROM '0')""",
               "provider status used by appointments without exactly one Category-2 row with ItemName '0'"),
        Check("D-definition-04 numeric ItemValue unique", "definition", f"""
            SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM raw.definition AS d
                WHERE d."Category" BETWEEN 2 AND 7 AND {numeric}
                GROUP BY d."Category", trim(d."ItemValue")::numeric HAVING count(*) > 1) AS dup""",
              description="rows sharing a numeric ItemValue within one of categories 2..7 (join fan-out)"),
        rows("D-definition-04 category-5 smallint", "definition", "d",
             f"""d."Category" = 5 AND {numeric} AND {outside('trim(d."ItemValue")::numeric', "-32768", "32767")}""",
             "category-5 ItemValue does not fit smallint"),
        groups("D-definition-02 payment types in category 10", "definition", f"""
            SELECT DISTINCT p."PayType" FROM {staged("payment")} AS p WHERE p."PayType" <> 0
              AND NOT EXISTS (SELECT 1 FROM raw.definition AS d
                              WHERE d."DefNum" = p."PayType" AND d."Category" = 10)""",
               "payment types used without a Category-10 definition (fact_payment names)"),
        rows("D-definition-05 category-1 payment ids", "definition", "d",
             f'd."Category" = 1 AND d."DefNum" IN ({PAYMENT_TYPE_IDS})',
             "a Category-1 DefNum equal to a payment type id duplicates payment allocations", WARN),
    ]


def fee_checks() -> list[Check]:
    fees = staged("fee")
    return [
        Check("D-fee-02 one ClinicNum per code", "fee", f"""
            SELECT count(*) FROM {fees} AS f WHERE f."CodeNum" IN (
                SELECT g."CodeNum" FROM {fees} AS g GROUP BY 1
                HAVING count(DISTINCT coalesce(g."ClinicNum", -1)) > 1)""",
              description="fee rows of a CodeNum with different ClinicNums (dim_procedure duplicates)"),
        groups("D-fee-03 fees per code", "fee",
               f'SELECT 1 FROM {fees} AS f GROUP BY f."CodeNum" HAVING count(*) > 100',
               "procedure codes with more than 100 fee rows"),
        groups("D-fee-04 duplicate schedule and code", "fee",
               f'SELECT 1 FROM {fees} AS f GROUP BY f."FeeSched", f."CodeNum" HAVING count(*) > 1',
               "more than one fee per (FeeSched, CodeNum)", WARN),
        rows("D-feesched-01 description", "feesched", "s", """s."Description" IS NULL OR trim(s."Description") = ''""",
             "fee schedule without a Description (dim_fee_schedule)"),
    ]


def insurance_checks() -> list[Check]:
    in_range = """{col} >= DATE '2020-01-01' AND {col} < DATE '2031-01-01'"""
    return [
        rows("D-insplan-01 plans named by a PatPlanNum", "insplan", "i",
             f"""EXISTS (SELECT 1 FROM {staged("patplan")} AS pp WHERE pp."PatPlanNum" = i."PlanNum")
                 AND ({missing('i."CarrierNum"', "raw.carrier", "CarrierNum")}
                      OR NOT ({in_range.format(col='i."SecDateEntry"')})
                      OR NOT ({in_range.format(col='i."SecDateTEdit"')}))""",
             "plan joined as a PatPlanNum (int_insurance_coverage) with a dangling carrier or Sec dates outside "
             "2020..2030"),
        rows("D-patplan-01 coverage start", "patplan", "pp",
             f"""{clean('pp."SecDateTEntry"')} IS NULL OR pp."SecDateTEntry" < DATE '2020-01-01'
                 OR pp."SecDateTEntry"::date > :as_of_date""",
             "SecDateTEntry (coverage start) unset or outside [2020-01-01, today]"),
    ]


def patient_checks() -> list[Check]:
    buckets = 'pt."Bal_0_30" + pt."Bal_31_60" + pt."Bal_61_90" + pt."BalOver90"'
    billed = f"""SELECT 1 FROM {staged("procedurelog")} AS p WHERE p."PatNum" = pt."PatNum" AND p."ProcStatus" = 2
                 AND (p."BillingTypeOne" IS NOT NULL OR p."BillingTypeTwo" IS NOT NULL)"""
    return [
        rows("D-patient-01 Guarantor set", "patient", "pt", 'pt."Guarantor" IS NULL', "Guarantor must be set"),
        rows("D-patient-02 PriProv set", "patient", "pt", 'pt."PriProv" IS NULL OR pt."PriProv" <= 0',
             "PriProv must be set and > 0"),
        rows("D-patient-05 active patients born", "patient", "pt",
             f'pt."PatStatus" = 0 AND {clean(col("pt", "Birthdate"))} IS NULL',
             "active patient without a Birthdate"),
        rows("D-patient-06 first visit not future", "patient", "pt",
             f'{clean(col("pt", "DateFirstVisit"))} > :as_of_date', "DateFirstVisit after today"),
        rows("D-patient-08 balances within 25 000", "patient", "pt",
             f"""{outside('pt."EstBalance"', "-25000", "25000")} OR {outside('pt."BalTotal"', "-25000", "25000")}""",
             "EstBalance or BalTotal outside -25 000..25 000 (dim_patient)"),
        rows("D-patient-08 S-09 patient rules", "patient", "pt",
             f"""pt."PatStatus" NOT IN (2, 3, 4) AND ((pt."BalTotal" > 0 AND pt."BalTotal" + 0.01 < {buckets})
                 OR {outside('pt."AskToArriveEarly"', "0", "120")})""",
             "BalTotal below its aging buckets or AskToArriveEarly outside 0..120 (patient_validation_rules)"),
        rows("D-patient-09 HasIns needs billed procedure", "patient", "pt",
             f"""pt."HasIns" = '1' AND pt."PatStatus" IN (0, 1, 2, 3) AND NOT EXISTS ({billed})""",
             "HasIns '1' without a completed procedure with BillingTypeOne/Two set (insurance_validation_test)"),
    ]


def payment_checks() -> list[Check]:
    per_patient = f"""
        SELECT p."PatNum",
               coalesce(sum(p."PayAmt") FILTER (WHERE p."PayType" IN ({PATIENT_PAY_TYPES})), 0) AS paid,
               coalesce(sum(p."PayAmt") FILTER (WHERE p."PayDate" >= :as_of_date - interval '1 year'), 0) AS last_year
        FROM {staged("payment")} AS p GROUP BY 1"""
    return [
        rows("D-payment-02 MerchantFee", "payment", "p", 'coalesce(p."MerchantFee", 0) > 1000',
             "MerchantFee above 1 000"),
        rows("D-payment-03 entry and recurring dates", "payment", "p",
             f"""{clean('p."DateEntry"')} < {FLOOR} OR {clean('p."RecurringChargeDate"')} < {FLOOR}
                 OR {clean('p."RecurringChargeDate"')} > :as_of_date""",
             "DateEntry before 2023-01-01, or RecurringChargeDate set outside [2023-01-01, today]"),
        groups("D-payment-04 per-patient sums", "payment",
               f"""SELECT 1 FROM ({per_patient}) AS t
                   WHERE {outside("t.paid", "0", "100000")} OR {outside("t.last_year", "-10000", "50000")}""",
               "patients paying outside 0..100 000 in total or -10 000..50 000 in the last year"),
    ]


def paysplit_checks() -> list[Check]:
    return [
        rows("D-paysplit-01 payment staged", "paysplit", "s", missing('s."PayNum"', staged("payment"), "PayNum"),
             "split whose payment is not in stg payment (PayDate window)"),
        rows("D-paysplit-01 amounts and stamps", "paysplit", "s",
             f"""{outside('s."SplitAmt"', "-100000", "100000")} OR {clean('s."DateEntry"')} < {FLOOR}
                 OR {clean('s."DateEntry"')} > :as_of_date OR {clean('s."SecDateTEdit"')} < {FLOOR}
                 OR {clean('s."SecDateTEdit"')} > {NOW}""",
             "SplitAmt outside +/-100 000, DateEntry outside [2023-01-01, today] or SecDateTEdit outside "
             "[2023-01-01, now]"),
        rows("D-paysplit-03 UnearnedType", "paysplit", "s", 's."UnearnedType" NOT IN (0, 288, 439)',
             "UnearnedType outside 0/288/439 (int_payment_split)"),
        rows("D-paysplit-03 ProcDate", "paysplit", "s",
             f"""{clean('s."ProcDate"')} < {FLOOR} OR {clean('s."ProcDate"')} > :as_of_date""",
             "ProcDate set outside [2023-01-01, today]"),
        rows("D-paysplit-04 allocated", "paysplit", "s", 'coalesce(s."ProcNum", 0) = 0 AND coalesce(s."AdjNum", 0) = 0',
             "split on neither a procedure nor an adjustment (silently dropped by int_payment_split)"),
    ]


def procedure_checks() -> list[Check]:
    procedures = staged("procedurelog")
    # int_ar_balance's current_balance = fee - insurance - patient - adjustments, for recent completed work
    balance = f"""
        SELECT p."ProcFee" - coalesce(i.amt, 0) - coalesce(s.amt, 0) - coalesce(j.amt, 0) AS balance,
               coalesce(j.amt, 0) AS adjustments
        FROM {procedures} AS p
        LEFT JOIN (SELECT "ProcNum", sum("InsPayAmt") AS amt FROM {staged("claimproc")} AS c GROUP BY 1) AS i
            USING ("ProcNum")
        LEFT JOIN (SELECT "ProcNum", sum("SplitAmt") AS amt FROM {staged("paysplit")} AS t GROUP BY 1) AS s
            USING ("ProcNum")
        LEFT JOIN (SELECT "ProcNum", sum("AdjAmt") AS amt FROM {staged("adjustment")} AS a GROUP BY 1) AS j
            USING ("ProcNum")
        WHERE p."ProcStatus" = 2 AND p."ProcDate" >= :as_of_date - interval '18 months'"""
    return [
        rows("D-procedurecode-02 TreatArea and BaseUnits", "procedurecode", "c",
             'c."TreatArea" IS NULL OR c."BaseUnits" IS NULL', "TreatArea and BaseUnits must be set (dim_procedure)"),
        rows("D-procedurelog-01 ProcDate by 2030", "procedurelog", "p", """p."ProcDate" > DATE '2030-12-31'""",
             "ProcDate after 2030-12-31 (dim_date)"),
        rows("D-procedurelog-02 procedure code", "procedurelog", "p",
             f'p."CodeNum" IS NULL OR {missing(col("p", "CodeNum"), "raw.procedurecode", "CodeNum")}',
             "CodeNum must be set and an existing procedure code"),
        rows("D-procedurelog-03 completed provider", "procedurelog", "p",
             f'p."ProcStatus" = 2 AND (p."ProvNum" IS NULL '
             f'OR {missing(col("p", "ProvNum"), "raw.provider", "ProvNum")})',
             "completed procedure without an existing provider"),
        rows("D-procedurelog-03 AptNum", "procedurelog", "p", 'p."AptNum" IS NULL', "AptNum must be set (0 for none)"),
        rows("D-procedurelog-04 fee set", "procedurelog", "p", 'p."ProcStatus" IN (2, 3, 4) AND p."ProcFee" IS NULL',
             "ProcFee unset on a completed or existing procedure"),
        rows("D-procedurelog-05 DateEntryC", "procedurelog", "p",
             f"""{clean('p."DateEntryC"')} IS NULL AND (p."ProcStatus" IN (2, 4) OR p."ProcDate" >= {FLOOR})""",
             "DateEntryC unset on a completed/existing-prior procedure or one dated from 2023"),
        groups("D-procedurelog-06 AR balance bounds", "procedurelog",
               f"""SELECT 1 FROM ({balance}) AS b
                   WHERE {outside("b.balance", "-2000", "100000")} OR {outside("b.adjustments", "-15000", "100000")}""",
               "completed procedures of the last 18 months with balance outside -2 000..100 000 or adjustments "
               "outside -15 000..100 000"),
        rows("D-provider-03 active providers not terminated", "provider", "v",
             f'v."ProvStatus" = 0 AND {clean(col("v", "DateTerm"))} IS NOT NULL',
             "active provider with a DateTerm"),
    ]


def recall_checks() -> list[Check]:
    usable = """EXISTS (SELECT 1 FROM raw.recalltype AS t WHERE t."RecallTypeNum" = r."RecallTypeNum"
                 AND trim(t."Description") <> ''
                 AND EXISTS (SELECT 1 FROM raw.recalltrigger AS g WHERE g."RecallTypeNum" = t."RecallTypeNum"))"""
    return [
        rows("D-recall-01 recall type usable", "recall", "r", f'r."RecallTypeNum" IS NOT NULL AND NOT {usable}',
             "recall type missing, without a Description or without a recalltrigger (D-recalltype-01)"),
        rows("D-recall-01 RecallStatus", "recall", "r", 'r."RecallStatus" NOT IN (0, 95, 298)',
             "RecallStatus outside 0/95/298"),
    ]


def task_checks() -> list[Check]:
    campaigns = " OR ".join(f"""k."Descript" LIKE '%{name}%'""" for name in CAMPAIGNS)
    return [
        rows("D-task-01 timestamps in order", "task", "k",
             f"""k."SecDateTEdit" < k."DateTimeOriginal" OR {clean('k."DateTimeFinished"')} < k."DateTimeOriginal\"""",
             "SecDateTEdit or DateTimeFinished before DateTimeOriginal"),
        rows("D-task-01 user", "task", "k",
             f"""k."UserNum" <> 0 AND {missing('k."UserNum"', "raw.userod", "UserNum")}""",
             "UserNum must be 0 or an existing user"),
        rows("D-task-02 collection campaigns", "task", "k", f"""k."Descript" LIKE '%collection%' OR {campaigns}""",
             "description contains 'collection' or a campaign name (int_collection_tasks fan-out, G-08.4)"),
    ]


def checks() -> list[Check]:
    return (global_checks() + adjustment_checks() + appointment_checks() + claim_checks() + claimpayment_checks()
            + claimproc_checks() + commlog_checks() + definition_checks() + fee_checks() + insurance_checks()
            + patient_checks() + payment_checks() + paysplit_checks() + procedure_checks() + recall_checks()
            + task_checks())
