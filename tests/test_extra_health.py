"""The health-record tables (generators/extra/charting.py and health.py) and their checks (validators/extra/health.py)
against a real PostgreSQL: one small generated practice, queried table by table, and hand-made rows that break each
check a known number of times."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from conftest import check_violations, create_raw_schema, insert_rows, query

from generators.extra import charting as ref
from generators.extra import health
from validators.extra import health as health_checks

pytestmark = pytest.mark.db  # needs PostgreSQL

PATIENTS, SEED = 1000, 7  # as tests/test_run.py: small runs pass the rate validators for this seed


@pytest.fixture(scope="module")
def practice(shared_practice):
    return shared_practice.db


def one(db: str, statement: str, params=None):
    return query(db, statement, params)[0][0]


# ---------------------------------------------------------------- generated data


def test_the_generated_data_passes_every_health_check(practice):
    found = check_violations(practice, health_checks.checks())
    assert {name: n for name, n in found.items() if n} == {}


def test_reference_tables_hold_the_module_constants(practice):
    counts = dict(query(practice, """
        SELECT 'codegroup', count(*) FROM raw.codegroup UNION ALL SELECT 'autocode', count(*) FROM raw.autocode
        UNION ALL SELECT 'claimform', count(*) FROM raw.claimform UNION ALL SELECT 'rxdef', count(*) FROM raw.rxdef
        UNION ALL SELECT 'diseasedef', count(*) FROM raw.diseasedef
        UNION ALL SELECT 'allergydef', count(*) FROM raw.allergydef"""))
    assert counts == {"codegroup": len(ref.CODE_GROUPS), "autocode": len(ref.AUTO_CODES),
                      "claimform": len(ref.CLAIM_FORMS), "rxdef": len(ref.RX_TEMPLATES),
                      "diseasedef": len(ref.DISEASE_DEFS), "allergydef": len(ref.ALLERGY_DEFS)}
    assert one(practice, """SELECT count(*) FROM raw.claimform WHERE "Width" <= 0 OR "Height" <= 0""") == 0


def test_code_groups_name_procedure_codes_of_the_practice(practice):
    unknown = query(practice, """
        SELECT g."GroupName", c FROM raw.codegroup AS g, unnest(string_to_array(g."ProcCodes", ',')) AS c
        WHERE c NOT IN (SELECT "ProcCode" FROM raw.procedurecode)""")
    assert unknown == []
    assert one(practice, """SELECT count(DISTINCT "Description") FROM raw.autocode""") == len(ref.AUTO_CODES)


def test_brands_point_to_their_generic_and_share_its_rxnorm_code(practice):
    bad = query(practice, """
        SELECT m."MedName" FROM raw.medication AS m JOIN raw.medication AS g ON g."MedicationNum" = m."GenericNum"
        WHERE g."GenericNum" <> g."MedicationNum" OR g."RxCui" <> m."RxCui" """)
    assert bad == []
    # rxnorm lists exactly the codes the medications, templates and prescriptions use
    missing = query(practice, """
        SELECT "RxCui"::text FROM raw.medication UNION SELECT "RxCui"::text FROM raw.rxdef
        UNION SELECT "RxCui"::text FROM raw.rxpat EXCEPT SELECT "RxCui" FROM raw.rxnorm""")
    assert missing == []
    assert one(practice, "SELECT count(*) FROM raw.rxnorm") == len({m.rxcui for m in ref.MEDICATIONS})


def test_allergies_name_real_medications_and_pharmacies_serve_the_one_location(practice):
    assert one(practice, """SELECT count(*) FROM raw.allergydef WHERE "MedicationNum" <> 0
                            AND "MedicationNum" NOT IN (SELECT "MedicationNum" FROM raw.medication)""") == 0
    assert query(practice, """SELECT count(*), count(DISTINCT "PharmacyNum"), max("ClinicNum") FROM raw.pharmclinic
                              WHERE "PharmacyNum" IN (SELECT "PharmacyNum" FROM raw.pharmacy)""") == [
        (len(ref.PHARMACIES), len(ref.PHARMACIES), 0)]


def test_problems_fit_the_patient(practice):
    pregnant = query(practice, """
        SELECT p."Gender", date_part('year', age(d."DateStart", p."Birthdate"))::int FROM raw.disease AS d
        JOIN raw.patient AS p USING ("PatNum") WHERE d."DiseaseDefNum" = %s""", (ref.PREGNANCY,))
    assert pregnant and all(gender == 1 and 18 <= age <= 44 for gender, age in pregnant)
    # a history is entered on the day of a completed visit
    assert one(practice, """
        SELECT count(*) FROM raw.disease AS d WHERE d."DateStop" IS NULL AND (d."PatNum", d."DateTStamp"::date)
            NOT IN (SELECT "PatNum", "ProcDate" FROM raw.procedurelog WHERE "ProcStatus" = 2)""") == 0


def test_allergic_patients_get_another_drug_of_the_class(practice):
    penicillins = {ref.MEDICATION[t.medication].rxcui for t in ref.RX_TEMPLATES
                   if t.medication in (ref.MED_AMOXICILLIN, ref.MED_PENICILLIN)}
    given = query(practice, """
        SELECT r."Drug" FROM raw.rxpat AS r JOIN raw.allergy AS a USING ("PatNum")
        WHERE a."AllergyDefNum" = ANY(%s) AND r."RxCui" = ANY(%s)""",
                  (sorted(ref.PENICILLIN_CLASS), sorted(penicillins)))
    assert given == []
    assert one(practice, "SELECT count(*) FROM raw.allergy") > 0


def test_prescriptions_follow_the_rules_of_practice(practice):
    minors_on_opioids = one(practice, """
        SELECT count(*) FROM raw.rxpat AS r JOIN raw.patient AS p USING ("PatNum")
        WHERE r."IsControlled" AND age(r."RxDate", p."Birthdate") < interval '18 years'""")
    assert minors_on_opioids == 0
    drugs = dict(query(practice, """SELECT "Drug", count(*) FROM raw.rxpat GROUP BY 1"""))
    assert drugs[ref.RX_TEMPLATE[ref.RX_IBU_600].drug] > drugs.get(ref.RX_TEMPLATE[ref.RX_NORCO].drug, 0) > 0


def test_only_wisdom_teeth_are_charted_missing_at_a_comprehensive_exam(practice):
    assert {t for (t,) in query(practice, 'SELECT DISTINCT "ToothNum" FROM raw.toothinitial')} <= set(
        health.WISDOM_TEETH)
    assert one(practice, """
        SELECT count(*) FROM raw.toothinitial AS t WHERE (t."PatNum", t."SecDateTEntry"::date) NOT IN (
            SELECT "PatNum", "ProcDate" FROM raw.procedurelog AS p JOIN raw.procedurecode AS c USING ("CodeNum")
            WHERE c."ProcCode" = %s AND p."ProcStatus" = 2)""", (health.COMPREHENSIVE_EXAM,)) == 0


def test_new_patients_fill_in_one_medical_history_at_their_first_visit(practice):
    histories = query(practice, """
        SELECT s."PatNum", s."DateTimeSheet"::date, p."DateFirstVisit" FROM raw.sheet AS s
        JOIN raw.patient AS p USING ("PatNum") WHERE s."SheetType" = %s""", (ref.MEDICAL_HISTORY,))
    assert histories and len({pat for pat, _, _ in histories}) == len(histories)
    assert all(day == first_visit for _, day, first_visit in histories)


def test_every_sheet_holds_each_field_of_its_form_once(practice):
    expected = {s.num: len(s.fields) for s in ref.SHEET_DEFS}
    per_sheet = query(practice, """
        SELECT s."SheetDefNum", count(f.*), count(DISTINCT f."SheetFieldDefNum") FROM raw.sheet AS s
        LEFT JOIN raw.sheetfield AS f USING ("SheetNum") GROUP BY s."SheetNum", s."SheetDefNum" """)
    assert per_sheet and all(n == distinct == expected[form] for form, n, distinct in per_sheet)
    assert one(practice, 'SELECT count(*) FROM raw.sheetfielddef') == sum(expected.values())


def test_medical_history_boxes_show_the_recorded_problems(practice):
    mismatched = one(practice, """
        SELECT count(*) FROM raw.sheetfield AS f JOIN raw.sheet AS s USING ("SheetNum")
        WHERE f."FieldName" = 'problem:High Blood Pressure'
          AND (f."FieldValue" = 'X') <> EXISTS (SELECT 1 FROM raw.disease AS d
                                                 WHERE d."PatNum" = s."PatNum" AND d."DiseaseDefNum" = 1)""")
    assert mismatched == 0
    assert one(practice, """SELECT count(*) FROM raw.sheetfield WHERE "FieldName" = 'problem:High Blood Pressure'
                            AND "FieldValue" = 'X'""") > 0


# ---------------------------------------------------------------- hand-made rows

DAY = date(2024, 3, 1)
ROWS = {
    "provider": [{"ProvNum": 1, "IsSecondary": False}, {"ProvNum": 2, "IsSecondary": True}],  # 2: hygienist
    "userod": [{"UserNum": 1, "ProvNum": 1}, {"UserNum": 2, "ProvNum": 2}, {"UserNum": 3, "ProvNum": 0}],
    "procedurelog": [
        {"ProcNum": 1, "PatNum": 1, "ProcDate": DAY, "ProcStatus": 2, "ToothNum": "30"},
        {"ProcNum": 2, "PatNum": 1, "ProcDate": date(2024, 3, 5), "ProcStatus": 1, "ToothNum": "1"},  # planned
        {"ProcNum": 3, "PatNum": 2, "ProcDate": date(2024, 2, 1), "ProcStatus": 2, "ToothNum": "16"},
    ],
    "medication": [{"MedicationNum": 3, "RxCui": 7984}],
    "allergydef": [{"AllergyDefNum": 1, "MedicationNum": 3}],
    "allergy": [{"AllergyNum": 1, "AllergyDefNum": 1, "PatNum": 1}, {"AllergyNum": 2, "AllergyDefNum": 1, "PatNum": 2}],
    "rxpat": [
        {"RxNum": 1, "PatNum": 1, "ProcNum": 1, "RxDate": DAY, "ProvNum": 1, "UserNum": 1, "RxCui": 5640},
        {"RxNum": 2, "PatNum": 1, "ProcNum": 1, "RxDate": date(2024, 3, 2), "ProvNum": 1, "UserNum": 1},  # at visit
        {"RxNum": 3, "PatNum": 1, "ProcNum": 2, "RxDate": date(2024, 3, 5), "ProvNum": 1, "UserNum": 1},  # at visit
        {"RxNum": 4, "PatNum": 1, "ProcNum": 1, "RxDate": DAY, "ProvNum": 2, "UserNum": 2},  # prescriber: hygienist
        {"RxNum": 5, "PatNum": 1, "ProcNum": 1, "RxDate": DAY, "ProvNum": 1, "UserNum": 3},  # prescriber: login
        {"RxNum": 6, "PatNum": 1, "ProcNum": 1, "RxDate": DAY, "ProvNum": 1, "UserNum": 1, "RxCui": 7984},  # allergen
    ],
    "diseasedef": [{"DiseaseDefNum": 1}],
    "disease": [{"DiseaseNum": 1, "PatNum": 1, "DiseaseDefNum": 1},
                {"DiseaseNum": 2, "PatNum": 1, "DiseaseDefNum": 99}],  # no such problem
    "sheetdef": [{"SheetDefNum": 1}, {"SheetDefNum": 2}],
    "sheetfielddef": [{"SheetFieldDefNum": 101, "SheetDefNum": 1}, {"SheetFieldDefNum": 201, "SheetDefNum": 2}],
    "sheet": [
        {"SheetNum": 1, "SheetType": 11, "PatNum": 1, "SheetDefNum": 1, "DateTimeSheet": datetime(2024, 3, 1, 8, 0),
         "DateTSheetEdited": datetime(2024, 3, 1, 8, 5)},
        {"SheetNum": 2, "SheetType": 6, "PatNum": 1, "SheetDefNum": 2, "DateTimeSheet": datetime(2024, 3, 1, 9, 0),
         "DateTSheetEdited": datetime(2024, 3, 1, 9, 5)},
        {"SheetNum": 3, "SheetType": 6, "PatNum": 1, "SheetDefNum": 2, "DateTimeSheet": datetime(2024, 3, 5, 9, 0),
         "DateTSheetEdited": datetime(2024, 3, 5, 9, 5)},  # consent: procedure 2 was not done
        {"SheetNum": 4, "SheetType": 6, "PatNum": 2, "SheetDefNum": 2, "DateTimeSheet": datetime(2022, 6, 1, 9, 0),
         "DateTSheetEdited": datetime(2022, 6, 1, 9, 5)},  # before 2023: not staged
        {"SheetNum": 5, "SheetType": 11, "PatNum": 2, "SheetDefNum": 1, "DateTimeSheet": datetime(2024, 2, 1, 9, 0),
         "DateTSheetEdited": None},
    ],
    "sheetfield": [
        {"SheetFieldNum": 1, "SheetNum": 1, "SheetFieldDefNum": 101},
        {"SheetFieldNum": 2, "SheetNum": 1, "SheetFieldDefNum": 201},  # form: 201 is a field of sheetdef 2
        {"SheetFieldNum": 3, "SheetNum": 2, "SheetFieldDefNum": 201},
        {"SheetFieldNum": 4, "SheetNum": 5, "SheetFieldDefNum": 101},  # stamps: sheet never saved, no signature
        {"SheetFieldNum": 5, "SheetNum": 5, "SheetFieldDefNum": 101, "DateTimeSig": datetime(2024, 2, 1, 9, 3)},
        {"SheetFieldNum": 6, "SheetNum": 99, "SheetFieldDefNum": 0},  # stamps: no sheet, no signature
        {"SheetFieldNum": 7, "SheetNum": 99, "SheetFieldDefNum": 0, "DateTimeSig": datetime(1, 1, 1)},  # stamps
    ],
    "toothinitial": [
        {"ToothInitialNum": 1, "PatNum": 1, "ToothNum": "30", "InitialType": 0,
         "SecDateTEntry": datetime(2024, 1, 1, 9, 0)},  # procedure 1 later on tooth 30
        {"ToothInitialNum": 2, "PatNum": 2, "ToothNum": "16", "InitialType": 0,
         "SecDateTEntry": datetime(2024, 5, 1, 9, 0)},  # procedure 3 on 16 came before
        {"ToothInitialNum": 3, "PatNum": 1, "ToothNum": "1", "InitialType": 2,
         "SecDateTEntry": datetime(2024, 1, 1, 9, 0)},  # not a missing tooth
        {"ToothInitialNum": 4, "PatNum": 1, "ToothNum": "1", "InitialType": 0,
         "SecDateTEntry": datetime(2024, 3, 5, 10, 0)},  # procedure 2 planned that day on tooth 1
    ],
}
EXPECTED = {
    "D-sheetfield-01 created and updated stamps": 3,
    "D-sheetfield-01 field of the sheet's form": 1,
    "D-sheet-01 consent on a visit day": 1,
    "D-disease-01 problem defined": 1,
    "D-rxpat-01 written at the visit": 2,
    "D-rxpat-01 prescriber": 2,
    "D-allergy-01 allergen not prescribed": 1,
    "D-toothinitial-01 missing tooth not treated": 2,
}


def test_each_check_counts_the_rows_that_break_it(module_scratch_db):
    db = module_scratch_db("health_rows")
    create_raw_schema(db)
    assert check_violations(db, health_checks.checks(), lambda cur: insert_rows(cur, ROWS)) == EXPECTED
