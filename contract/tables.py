"""The table registry: for every table of schema raw, its phase, its scope, its label and the file that writes it.

This is the one place that says so. A phase is the step of the run whose console section lists the table (and
whose validators check it); the scope says how its rows are made:

    REFERENCE   once per run, before any household (providers, codes, fee schedules, plans, schedules, ...)
    HOUSEHOLD   per household of patients, chunk by chunk (patients, visits, claims, payments, ...)
    ETL         after the load, from what was loaded (the two ETL status tables)

WRITERS lists the generator modules in the order they run, for the reference rows and again for every
household; each writes the tables that name it here and reads what earlier modules decided.
"""

from __future__ import annotations

from dataclasses import dataclass

REFERENCE, HOUSEHOLD, ETL = "reference", "household", "etl"
PHASE_NAMES = ("Foundation", "Patients", "Insurance", "Clinical", "Financial", "Supporting")


@dataclass(frozen=True)
class Table:
    name: str
    phase: str
    scope: str
    writer: str  # the file whose code emits the rows
    label: str  # plural noun for the console: "✓ Generated 5,000 patients"


REGISTRY = (
    # Foundation
    Table("userod", "Foundation", REFERENCE, "generators/foundation.py", "users"),
    Table("provider", "Foundation", REFERENCE, "generators/foundation.py", "providers"),
    Table("operatory", "Foundation", REFERENCE, "generators/foundation.py", "operatories"),
    Table("procedurecode", "Foundation", REFERENCE, "generators/foundation.py", "procedure codes"),
    Table("definition", "Foundation", REFERENCE, "generators/foundation.py", "definitions"),
    Table("feesched", "Foundation", REFERENCE, "generators/foundation.py", "fee schedules"),
    Table("fee", "Foundation", REFERENCE, "generators/foundation.py", "fees"),
    Table("clinic", "Foundation", REFERENCE, "generators/foundation.py", "clinics (single location)"),
    Table("codegroup", "Foundation", REFERENCE, "generators/extra/charting.py", "code groups"),
    Table("autocode", "Foundation", REFERENCE, "generators/extra/charting.py", "auto codes"),
    Table("claimform", "Foundation", REFERENCE, "generators/extra/charting.py", "claim forms"),
    Table("pharmacy", "Foundation", REFERENCE, "generators/extra/charting.py", "pharmacies"),
    Table("pharmclinic", "Foundation", REFERENCE, "generators/extra/charting.py", "pharmacy links"),
    Table("allergydef", "Foundation", REFERENCE, "generators/extra/charting.py", "allergy definitions"),
    Table("diseasedef", "Foundation", REFERENCE, "generators/extra/charting.py", "problem definitions"),
    Table("medication", "Foundation", REFERENCE, "generators/extra/charting.py", "medications"),
    Table("rxdef", "Foundation", REFERENCE, "generators/extra/charting.py", "prescription templates"),
    Table("rxnorm", "Foundation", REFERENCE, "generators/extra/charting.py", "RxNorm codes"),
    Table("sheetdef", "Foundation", REFERENCE, "generators/extra/charting.py", "form definitions"),
    Table("sheetfielddef", "Foundation", REFERENCE, "generators/extra/charting.py", "form field definitions"),
    Table("usergroup", "Foundation", REFERENCE, "generators/extra/office.py", "user groups"),
    Table("usergroupattach", "Foundation", REFERENCE, "generators/extra/office.py", "user group members"),
    Table("apptview", "Foundation", REFERENCE, "generators/extra/office.py", "appointment views"),
    Table("userodapptview", "Foundation", REFERENCE, "generators/extra/office.py", "users' appointment views"),
    Table("userodpref", "Foundation", REFERENCE, "generators/extra/office.py", "user preferences"),
    Table("tasklist", "Foundation", REFERENCE, "generators/extra/office.py", "task lists"),
    Table("employee", "Foundation", REFERENCE, "generators/extra/office.py", "employees"),
    Table("program", "Foundation", REFERENCE, "generators/extra/office.py", "program links"),
    Table("programproperty", "Foundation", REFERENCE, "generators/extra/office.py", "program properties"),
    # Patients
    Table("zipcode", "Patients", REFERENCE, "generators/patients.py", "zipcodes"),
    Table("patient", "Patients", HOUSEHOLD, "generators/patient_rows.py", "patients"),
    Table("patientnote", "Patients", HOUSEHOLD, "generators/patient_rows.py", "patient notes"),
    Table("patientlink", "Patients", HOUSEHOLD, "generators/patient_rows.py", "family links"),
    Table("disease", "Patients", HOUSEHOLD, "generators/extra/health.py", "patient problems"),
    Table("allergy", "Patients", HOUSEHOLD, "generators/extra/health.py", "patient allergies"),
    Table("rxpat", "Patients", HOUSEHOLD, "generators/extra/health.py", "prescriptions"),
    Table("toothinitial", "Patients", HOUSEHOLD, "generators/extra/health.py", "initial tooth states"),
    Table("sheet", "Patients", HOUSEHOLD, "generators/extra/health.py", "filled forms"),
    Table("sheetfield", "Patients", HOUSEHOLD, "generators/extra/health.py", "form fields"),
    Table("entrylog", "Patients", HOUSEHOLD, "generators/extra/office.py", "entry log rows"),
    # Insurance
    Table("carrier", "Insurance", REFERENCE, "generators/insurance.py", "carriers"),
    Table("employer", "Insurance", REFERENCE, "generators/insurance.py", "employers"),
    Table("insplan", "Insurance", REFERENCE, "generators/insurance.py", "insurance plans"),
    Table("inssub", "Insurance", HOUSEHOLD, "generators/insurance.py", "subscribers"),
    Table("patplan", "Insurance", HOUSEHOLD, "generators/insurance.py", "patient plans"),
    Table("benefit", "Insurance", REFERENCE, "generators/insurance.py", "benefits"),
    Table("insbluebook", "Insurance", HOUSEHOLD, "generators/extra/billing.py", "blue book entries"),
    Table("insbluebooklog", "Insurance", HOUSEHOLD, "generators/extra/billing.py", "blue book log rows"),
    Table("insverify", "Insurance", HOUSEHOLD, "generators/extra/verification.py", "insurance verifications"),
    Table("insverifyhist", "Insurance", HOUSEHOLD, "generators/extra/verification.py", "verification history rows"),
    # Clinical
    Table("appointmenttype", "Clinical", REFERENCE, "generators/clinical.py", "appointment types"),
    Table("appointment", "Clinical", HOUSEHOLD, "generators/clinical.py", "appointments"),
    Table("procedurelog", "Clinical", HOUSEHOLD, "generators/clinical.py", "procedures"),
    Table("procnote", "Clinical", HOUSEHOLD, "generators/clinical.py", "procedure notes"),
    Table("recalltype", "Clinical", REFERENCE, "generators/recall.py", "recall types"),
    Table("recalltrigger", "Clinical", REFERENCE, "generators/recall.py", "recall triggers"),
    Table("recall", "Clinical", HOUSEHOLD, "generators/recall.py", "recalls"),
    Table("timeadjust", "Clinical", REFERENCE, "generators/extra/office.py", "time adjustments"),
    Table("treatplan", "Clinical", HOUSEHOLD, "generators/extra/plans.py", "treatment plans"),
    Table("treatplanattach", "Clinical", HOUSEHOLD, "generators/extra/plans.py", "treatment plan procedures"),
    Table("treatplanparam", "Clinical", HOUSEHOLD, "generators/extra/plans.py", "treatment plan print settings"),
    Table("proctp", "Clinical", HOUSEHOLD, "generators/extra/plans.py", "printed treatment plan lines"),
    Table("procgroupitem", "Clinical", HOUSEHOLD, "generators/extra/plans.py", "group note procedures"),
    Table("procmultivisit", "Clinical", HOUSEHOLD, "generators/extra/plans.py", "multi-visit procedures"),
    Table("histappointment", "Clinical", HOUSEHOLD, "generators/extra/records.py", "appointment history rows"),
    Table("perioexam", "Clinical", HOUSEHOLD, "generators/extra/records.py", "perio exams"),
    Table("periomeasure", "Clinical", HOUSEHOLD, "generators/extra/records.py", "perio measures"),
    Table("laboratory", "Clinical", REFERENCE, "generators/extra/records.py", "laboratories"),
    Table("labcase", "Clinical", HOUSEHOLD, "generators/extra/records.py", "lab cases"),
    Table("schedule", "Clinical", REFERENCE, "generators/extra/schedules.py", "schedule blocks"),
    Table("scheduleop", "Clinical", REFERENCE, "generators/extra/schedules.py", "schedule operatories"),
    # Financial
    Table("claim", "Financial", HOUSEHOLD, "generators/claims.py", "claims"),
    Table("claimproc", "Financial", HOUSEHOLD, "generators/claims.py", "claim procedures"),
    Table("claimpayment", "Financial", HOUSEHOLD, "generators/claims.py", "claim payments"),
    Table("payment", "Financial", HOUSEHOLD, "generators/ledger.py", "payments"),
    Table("paysplit", "Financial", HOUSEHOLD, "generators/ledger.py", "payment splits"),
    Table("adjustment", "Financial", HOUSEHOLD, "generators/ledger.py", "adjustments"),
    Table("claimtracking", "Financial", HOUSEHOLD, "generators/extra/billing.py", "claim tracking rows"),
    Table("claimsnapshot", "Financial", HOUSEHOLD, "generators/extra/billing.py", "claim snapshots"),
    Table("eobattach", "Financial", HOUSEHOLD, "generators/extra/billing.py", "EOB attachments"),
    Table("statement", "Financial", HOUSEHOLD, "generators/extra/billing.py", "statements"),
    Table("statementprod", "Financial", HOUSEHOLD, "generators/extra/billing.py", "statement lines"),
    # Supporting
    Table("commlog", "Supporting", HOUSEHOLD, "generators/supporting.py", "communication logs"),
    Table("document", "Supporting", HOUSEHOLD, "generators/supporting.py", "documents"),
    Table("referral", "Supporting", REFERENCE, "generators/supporting.py", "referrals"),
    Table("refattach", "Supporting", HOUSEHOLD, "generators/supporting.py", "referral attachments"),
    Table("task", "Supporting", HOUSEHOLD, "generators/supporting.py", "tasks"),
    Table("taskhist", "Supporting", HOUSEHOLD, "generators/extra/tasks.py", "task history rows"),
    Table("tasknote", "Supporting", HOUSEHOLD, "generators/extra/tasks.py", "task notes"),
    Table("tasksubscription", "Supporting", HOUSEHOLD, "generators/extra/tasks.py", "task subscriptions"),
    Table("taskunread", "Supporting", HOUSEHOLD, "generators/extra/tasks.py", "unread task marks"),
    Table("etl_load_status", "Supporting", ETL, "pipeline.py", "ETL load status rows"),
    Table("etl_transform_status", "Supporting", ETL, "pipeline.py", "ETL transform status rows"),
)

# The generator modules, in the order they run (module names; generators/engine.py imports them).
WRITERS = (
    "generators.foundation",
    "generators.patients",  # who the household's members are (no rows yet: see patient_rows)
    "generators.insurance",
    "generators.clinical",
    "generators.recall",
    "generators.financial",  # drives generators/claims.py and generators/ledger.py
    "generators.supporting",
    "generators.extra.billing",
    "generators.extra.charting",
    "generators.extra.health",
    "generators.extra.office",
    "generators.extra.plans",
    "generators.extra.records",
    "generators.extra.schedules",
    "generators.extra.tasks",
    "generators.extra.verification",
    "generators.patient_rows",  # last: the patient rows carry first visits and balances settled above
)

BY_NAME = {t.name: t for t in REGISTRY}
PHASES = tuple((phase, tuple(t.name for t in REGISTRY if t.phase == phase)) for phase in PHASE_NAMES)
REFERENCE_TABLES = tuple(t.name for t in REGISTRY if t.scope == REFERENCE)
ETL_TABLES = tuple(t.name for t in REGISTRY if t.scope == ETL)
GENERATED_TABLES = tuple(t.name for t in REGISTRY if t.scope != ETL)  # what etl_load_status reports on


def table(name: str) -> Table:
    return BY_NAME[name]


def written_by(path: str) -> tuple[str, ...]:
    """The tables a file writes, e.g. written_by("generators/clinical.py")."""
    return tuple(t.name for t in REGISTRY if t.writer == path)


def label(name: str) -> str:
    return BY_NAME[name].label
