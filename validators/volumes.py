"""Volumes and rates: the requested counts exactly, the seed's business rates within 2 points, and the
contract's row-count rules (G-09).

The contract's absolute bounds assume a practice of a few thousand patients or more (for example 5,000 to
15,000 due recalls, at least 1,000 retention-eligible patients). For smaller runs they are reported as
warnings: a 500-patient demo cannot meet them and should not fail for it.
"""

from __future__ import annotations

import math

from config import GeneratorConfig
from contract.rules import FLOOR
from validators.base import Check

CONTRACT_MIN_PATIENTS = 4_000  # below this the contract's absolute row counts cannot all hold
RATE_TOLERANCE = 2.0  # percentage points
NO_DATE = "DATE '0001-01-01', DATE '1900-01-01'"  # what the models' clean_date reads as "no date"


def _rate(name: str, table: str, numerator: str, denominator: str, target: float, description: str) -> Check:
    """Violations = 1 when the share (in %) is further from target than RATE_TOLERANCE points or three standard
    errors of a share of that many rows, whichever is wider: a 600-row sample of a 75% rate has a standard
    error of 1.8 points, so a fixed 2 points would fail honest small runs about one time in four."""
    p = target / 100
    sql = (f"SELECT CASE WHEN d.n = 0 OR abs(100.0 * d.k / d.n - {target}) <= "
           f"greatest({RATE_TOLERANCE}, 300.0 * sqrt({p * (1 - p)} / d.n)) THEN 0 ELSE 1 END "
           f"FROM (SELECT ({numerator}) AS k, ({denominator}) AS n) d")
    return Check(name, table, sql, description=f"{description} {target:g}% +/- {RATE_TOLERANCE:g} points "
                                                f"(or three standard errors, if wider)")


def _count(name: str, table: str, count_sql: str, low: int | None, high: int | None, severity: str,
           description: str) -> Check:
    bounds = []
    if low is not None:
        bounds.append(f"c < {low}")
    if high is not None:
        bounds.append(f"c > {high}")
    sql = f"SELECT CASE WHEN {' OR '.join(bounds)} THEN 1 ELSE 0 END FROM ({count_sql}) x(c)"
    span = f"{low:,}" if low is not None else "0"
    span += f" to {high:,}" if high is not None else " or more"
    return Check(name, table, sql, severity=severity, description=f"{description}: {span}")


VOLUME_TOLERANCE = 0.05  # the appointments and procedures land within 5% of what was asked (they are simulated)


def volume_tolerance(target: int) -> int:
    """How far a simulated count may land from the request: 5%, or three standard errors of a count of that size
    (its square root) when wider. Lives are drawn per patient, so a 600-row request varies by about 25 rows."""
    return max(round(target * VOLUME_TOLERANCE), math.ceil(3 * math.sqrt(target)))


def _near(name: str, table: str, count_sql: str, target: int, what: str) -> Check:
    spread = volume_tolerance(target)
    return _count(name, table, count_sql, target - spread, target + spread, "ERROR",
                  f"{what} (requested {target:,}, within {spread:,})")


def expected_counts(config: GeneratorConfig) -> tuple[int, int, int]:
    """The patients, appointments and procedures the run should hold: as requested, or for a practice advanced
    past the date it was sized for, what its pace gives by now (config.expected, see engine.with_expected)."""
    return config.expected or (config.num_patients, config.num_appointments, config.num_procedures)


def contract_size(config: GeneratorConfig) -> bool:
    """Whether the run is sized and dated as the contract's absolute row counts assume, so that they are
    enforced: a few thousand patients, and activity from 2023 (an earlier start leaves the recalls of patients
    who stopped coming in 2021 or 2022 due before 2023, where the models no longer count them)."""
    return CONTRACT_MIN_PATIENTS <= config.num_patients <= 100_000 and config.start_date >= FLOOR


def checks(phase: str, config: GeneratorConfig) -> list[Check]:
    contract = "ERROR" if contract_size(config) else "WARN"
    patients, appointments, procedures = expected_counts(config)
    by_phase = {
        "Foundation": [
            _count("definitions 100-10,000", "definition", "SELECT count(*) FROM raw.definition", 100, 10_000,
                   "ERROR", "definitions (contract G-06)"),
            _count("providers 1-1,000", "provider", "SELECT count(*) FROM raw.provider", 1, 1_000, "ERROR",
                   "providers (contract G-09)"),
            _count("clinic empty", "clinic", "SELECT count(*) FROM raw.clinic", None, 0, "ERROR",
                   "clinic rows (contract G-03)"),
        ],
        "Patients": [
            _count("patients as requested", "patient", "SELECT count(*) FROM raw.patient", patients, patients,
                   "ERROR", "patients" if config.paced_by is None else "patients, with those new since the pace date"),
            _rate("children share", "patient",
                  "SELECT count(*) FROM raw.patient WHERE age(:as_of_date, \"Birthdate\") < interval '18 years'",
                  "SELECT count(*) FROM raw.patient", 5, "patients under 18"),
            _rate("seniors share", "patient",
                  "SELECT count(*) FROM raw.patient WHERE age(:as_of_date, \"Birthdate\") >= interval '65 years'",
                  "SELECT count(*) FROM raw.patient", 25, "patients 65 and over"),
            _count("retention-eligible patients", "patient",
                   f"""SELECT count(*) FROM raw.patient WHERE "PatStatus" IN (0, 2) AND "Position" <> 1
                      AND "DateFirstVisit" BETWEEN DATE '2000-01-01' AND :as_of_date AND "Birthdate" NOT IN ({NO_DATE})
                      AND "PriProv" > 0""", min(1_000, config.num_patients), None, contract,
                   "retention-eligible patients (contract D-patient-06)"),
            _count("new patients", "patient",
                   f"""SELECT count(*) FROM raw.patient
                       WHERE "PatStatus" = 0 AND "DateFirstVisit" NOT IN ({NO_DATE})""",
                   100, None, contract, "active patients with a first visit (contract D-patient-06)"),
        ],
        "Insurance": [
            _rate("insured share", "patplan", 'SELECT count(DISTINCT "PatNum") FROM raw.patplan',
                  "SELECT count(*) FROM raw.patient", 60, "patients with insurance"),
            _count("employers 500-10,000", "employer", "SELECT count(*) FROM raw.employer", 500, 10_000, "WARN",
                   "employers (contract, WARN)"),
            _count("plans cover every PatPlanNum", "insplan",
                   'SELECT count(*) FROM raw.patplan p WHERE NOT EXISTS (SELECT 1 FROM raw.insplan i '
                   'WHERE i."PlanNum" = p."PatPlanNum")', None, 0, "WARN",
                   "patient plans whose PatPlanNum names no plan (contract D-insplan-03)"),
        ],
        "Clinical": [
            _near("appointments about as requested", "appointment", "SELECT count(*) FROM raw.appointment",
                  appointments, "appointments"),
            _near("procedures about as requested", "procedurelog", "SELECT count(*) FROM raw.procedurelog",
                  procedures, "procedures"),
            _rate("appointment completion", "appointment", 'SELECT count(*) FROM raw.appointment WHERE "AptStatus" = 2',
                  "SELECT count(*) FROM raw.appointment", 75, "appointments completed (of all rows: the rest are "
                  "lost, booked ahead or planned)"),
            _rate("standard fee match", "procedurelog",
                  """SELECT count(*) FROM raw.procedurelog p JOIN raw.fee f ON f."CodeNum" = p."CodeNum"
                     AND f."FeeSched" = 1 WHERE p."ProcStatus" IN (1, 2) AND abs(p."ProcFee" - f."Amount") < 0.005""",
                  'SELECT count(*) FROM raw.procedurelog WHERE "ProcStatus" IN (1, 2)', 80,
                  "planned and completed procedures at the standard fee"),
            _count("provider-days since 2023", "appointment",
                   """SELECT count(DISTINCT ("AptDateTime"::date, "ProvNum")) FROM raw.appointment
                      WHERE "AptDateTime" >= DATE '2023-01-01'""", None, 10_000, "ERROR",
                   "distinct (date, provider) appointment groups (contract D-appointment-07)"),
            _count("appointments per provider-day", "appointment",
                   """SELECT coalesce(max(n), 0) FROM (SELECT count(*) n FROM raw.appointment
                      GROUP BY "AptDateTime"::date, "ProvNum") d""", None, 100, "ERROR",
                   "appointments on the busiest provider-day (contract D-appointment-06)"),
            _count("hygiene combinations", "appointment",
                   """SELECT count(*) FROM (SELECT DISTINCT "PatNum", "ProvNum", "ProvHyg" FROM raw.appointment
                      WHERE "ProvHyg" > 0 AND "AptDateTime" >= :as_of_date - interval '3 years') h""",
                   100, None, contract, "patient/dentist/hygienist combinations (contract D-appointment-08)"),
            _count("due recalls 5,000-15,000", "recall",
                   """SELECT count(*) FROM raw.recall WHERE "DateDue" BETWEEN DATE '2023-01-01' AND :as_of_date""",
                   5_000, 15_000, contract, "recalls due since 2023 (contract D-recall-01)"),
        ],
        "Financial": [
            _count("adjustments per patient", "adjustment",
                   "SELECT count(*) FROM raw.adjustment WHERE \"AdjDate\" BETWEEN DATE '2023-01-01' AND :as_of_date",
                   round(config.num_patients * 0.882), round(config.num_patients * 2.0), "WARN",
                   "adjustments since 2023 (contract: 4,410-10,000 at 5,000 patients)"),
            _count("claims exist", "claim", "SELECT count(*) FROM raw.claim", 1, None, "ERROR",
                   "claims (contract G-09)"),
        ],
        "Supporting": [
            Check("dbt transform run pending", "etl_transform_status", """
                SELECT count(*) FROM raw.etl_transform_status AS s, raw.etl_transform_status_id_seq AS q
                WHERE s.id > q.last_value OR (s.id = q.last_value AND NOT q.is_called)
                   OR (s.table_name = 'dbt_transformation_run' AND s.transform_status <> 'pending')""",
                  description="ids the sequence would hand out again (the dbt hooks' insert would fail), or a dbt "
                              "run not pending (contract etl.md)"),
            _count("dbt transform run row", "etl_transform_status",
                   "SELECT count(*) FROM raw.etl_transform_status WHERE table_name = 'dbt_transformation_run'",
                   1, 1, "ERROR", "rows of the dbt run the on-run hooks update (contract etl.md)"),
        ],
    }
    return by_phase.get(phase, [])
