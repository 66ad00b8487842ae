"""Checks for the health-record tables (generators/extra/charting.py and health.py).

The contract's D-rules for these tables are almost entirely restated by R-lines, which run automatically
(contract_checks.py): D-allergy-01 (R-allergy-009/011/017), D-allergydef-01 (R-allergydef-004/005/009/012),
D-claimform-01 (R-claimform-011/013), D-codegroup-01 (R-codegroup-006..010), D-disease-01 (R-disease-008/010/012/020),
D-diseasedef-01 (R-diseasedef-008..010/013), D-medication-01 (R-medication-004/005/010), D-pharmacy-01
(R-pharmacy-003/010), D-pharmclinic-01 (R-pharmclinic-003/004/012), D-rxdef-01 (R-rxdef-003), D-rxnorm-01
(R-rxnorm-003), D-rxpat-01 (R-rxpat-007/012/013/017/022/025/028), D-sheet-01 (R-sheet-011..014/027/029; sheets
before 2023 are dropped by staging, and the fields of such a sheet fail "fk sheetfield.SheetNum -> sheet"),
D-sheetdef-01 (R-sheetdef-009/011/013/017/025/032), D-sheetfielddef-01 (R-sheetfielddef-008/024..027 and
"fk sheetfielddef.SheetDefNum -> sheetdef") and D-toothinitial-01 (R-toothinitial-006/011/013/014).

Checked here: the part no R-line translates (D-sheetfield-01's stamps: R-sheetfield-021/022 are skipped), and
what makes the records agree with each other and with the visits, under the D-rule of the table they refine.
"""

from __future__ import annotations

from validators.base import Check
from validators.derived import clean, col, missing, rows

CONSENT = 6  # sheet.SheetType
MISSING_TOOTH = 0  # toothinitial.InitialType


def checks() -> list[Check]:
    return [sheetfield_stamps(), sheetfield_form(), consent_day(), disease_defined(), rx_at_visit(), rx_prescriber(),
            allergen_prescribed(), missing_tooth_treated()]


def sheetfield_stamps() -> Check:
    """stg_opendental__sheetfield's _created_at/_updated_at: the sheet's stamps, else the field's signature time.

    As the model does, the raw values are coalesced first and cleaned after: a sheet's 0001-01-01 is not replaced
    by the signature time, it makes the stamp NULL."""
    signed = col("f", "DateTimeSig")
    created = clean(f'coalesce({col("s", "DateTimeSheet")}, {signed})')
    updated = clean(f'coalesce({col("s", "DateTSheetEdited")}, {signed})')
    return Check("D-sheetfield-01 created and updated stamps", "sheetfield",
                 relation='raw.sheetfield AS f LEFT JOIN raw.sheet AS s ON s."SheetNum" = f."SheetNum"',
                 predicate=f"{created} IS NULL OR {updated} IS NULL",
                 description="field whose sheet has no DateTimeSheet/DateTSheetEdited and that has no DateTimeSig")


def sheetfield_form() -> Check:
    return Check("D-sheetfield-01 field of the sheet's form", "sheetfield",
                 relation='raw.sheetfield AS f JOIN raw.sheet AS s ON s."SheetNum" = f."SheetNum"',
                 predicate="""f."SheetFieldDefNum" <> 0 AND (f."SheetFieldDefNum", s."SheetDefNum") NOT IN (
                     SELECT d."SheetFieldDefNum", d."SheetDefNum" FROM raw.sheetfielddef AS d)""",
                 description="field made from a field definition of another form than its sheet's")


def consent_day() -> Check:
    return rows("D-sheet-01 consent on a visit day", "sheet", "s",
                f"""s."SheetType" = {CONSENT} AND (s."PatNum", s."DateTimeSheet"::date) NOT IN (
                    SELECT p."PatNum", p."ProcDate" FROM raw.procedurelog AS p WHERE p."ProcStatus" = 2)""",
                "consent signed on a day the patient had no completed procedure")


def disease_defined() -> Check:
    return rows("D-disease-01 problem defined", "disease", "d",
                missing('d."DiseaseDefNum"', "raw.diseasedef", "DiseaseDefNum"),
                "DiseaseDefNum names no diseasedef row")


def rx_at_visit() -> Check:
    return rows("D-rxpat-01 written at the visit", "rxpat", "r",
                """(r."ProcNum", r."PatNum", r."RxDate") NOT IN (SELECT p."ProcNum", p."PatNum", p."ProcDate"
                    FROM raw.procedurelog AS p WHERE p."ProcStatus" = 2)""",
                "prescription not for a completed procedure of the same patient on the prescription's date")


def rx_prescriber() -> Check:
    return rows("D-rxpat-01 prescriber", "rxpat", "r",
                """r."ProvNum" NOT IN (SELECT v."ProvNum" FROM raw.provider AS v WHERE NOT v."IsSecondary")
                   OR (r."UserNum", r."ProvNum") NOT IN (SELECT u."UserNum", u."ProvNum" FROM raw.userod AS u)""",
                "prescriber missing or a hygienist (IsSecondary), or UserNum not the prescriber's login")


def allergen_prescribed() -> Check:
    return rows("D-allergy-01 allergen not prescribed", "rxpat", "r",
                """(r."PatNum", r."RxCui") IN (
                    SELECT a."PatNum", m."RxCui" FROM raw.allergy AS a
                    JOIN raw.allergydef AS d ON d."AllergyDefNum" = a."AllergyDefNum"
                    JOIN raw.medication AS m ON m."MedicationNum" = d."MedicationNum")""",
                "prescription of the drug (RxCui) one of the patient's allergies names")


def missing_tooth_treated() -> Check:
    return Check("D-toothinitial-01 missing tooth not treated", "toothinitial", f"""
        SELECT count(*) FROM raw.toothinitial AS t
        JOIN raw.procedurelog AS p ON p."PatNum" = t."PatNum" AND p."ToothNum" = t."ToothNum"
        WHERE t."InitialType" = {MISSING_TOOTH} AND p."ProcDate" >= t."SecDateTEntry"::date""",
                 description="procedure on a tooth charted missing, dated on or after the charting")
