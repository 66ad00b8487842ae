"""The practice's reference data for health records, prescriptions and forms, written once per run.

* medication / rxnorm: the drugs the practice prescribes or sees on medical histories, generic and brand
  (a brand's GenericNum is its generic, a generic's is itself), with RxNorm ingredient codes (RxCui); rxnorm
  holds one row per ingredient code used.
* rxdef: the dentists' prescription templates; pharmacy / pharmclinic: the pharmacies patients use, each
  attached to the one location (ClinicNum 0, contract G-03).
* allergydef / diseasedef: allergies (linked to the medication they name) and problems with ICD-9, ICD-10 and
  SNOMED CT codes, as the medical history lists them.
* sheetdef / sheetfielddef: the practice's own forms (medical history, consents); every field of a form becomes
  a sheetfield of each filled-in sheet (generators/extra/health.py).
* codegroup / autocode / claimform: frequency-limitation code groups, auto codes and the claim forms.

All ids are fixed here so that health.py (and other modules) can import them. Reference rows are stamped on
the setup day (calendar.Window.setup_day), before any visit they serve.
"""

from __future__ import annotations

from dataclasses import dataclass

from generators import calendar
from generators.reference.definitions import CATEGORY_DOCUMENTS, def_num_of

SETUP_MINUTES = 7 * 60  # reference rows are entered at 7:00 on the setup day, before the first patient


# ---------------------------------------------------------------- medications


@dataclass(frozen=True)
class Medication:
    num: int
    name: str
    ingredient: str  # RxNorm ingredient name, as rxnorm.Description
    rxcui: int
    generic: int = 0  # MedicationNum of the generic; 0: this row is the generic
    notes: str = ""


MEDICATIONS = (
    Medication(1, "Amoxicillin", "amoxicillin", 723, notes="Penicillin-class antibiotic"),
    Medication(2, "Amoxil", "amoxicillin", 723, 1),
    Medication(3, "Penicillin V Potassium", "penicillin V", 7984, notes="Penicillin-class antibiotic"),
    Medication(4, "Clindamycin", "clindamycin", 2582, notes="For penicillin-allergic patients"),
    Medication(5, "Cleocin", "clindamycin", 2582, 4),
    Medication(6, "Azithromycin", "azithromycin", 18631, notes="Macrolide antibiotic"),
    Medication(7, "Zithromax", "azithromycin", 18631, 6),
    Medication(8, "Cephalexin", "cephalexin", 2231, notes="Cephalosporin antibiotic"),
    Medication(9, "Metronidazole", "metronidazole", 6922, notes="No alcohol during therapy"),
    Medication(10, "Ibuprofen", "ibuprofen", 5640, notes="NSAID"),
    Medication(11, "Motrin", "ibuprofen", 5640, 10),
    Medication(12, "Acetaminophen", "acetaminophen", 161),
    Medication(13, "Tylenol", "acetaminophen", 161, 12),
    Medication(14, "Hydrocodone Bitartrate and Acetaminophen", "hydrocodone", 5489, notes="Schedule II"),
    Medication(15, "Norco", "hydrocodone", 5489, 14),
    Medication(16, "Chlorhexidine Gluconate", "chlorhexidine", 2358, notes="Oral rinse 0.12%"),
    Medication(17, "Peridex", "chlorhexidine", 2358, 16),
    Medication(18, "Sodium Fluoride", "sodium fluoride", 9853, notes="1.1% prescription toothpaste"),
    Medication(19, "PreviDent 5000 Plus", "sodium fluoride", 9853, 18),
    Medication(20, "Codeine", "codeine", 2670),
    Medication(21, "Sulfamethoxazole", "sulfamethoxazole", 10180),
    Medication(22, "Erythromycin", "erythromycin", 4053),
    Medication(23, "Aspirin", "aspirin", 1191),
    Medication(24, "Lidocaine", "lidocaine", 6387, notes="Local anesthetic"),
    Medication(25, "Tetracycline", "tetracycline", 10395),
    Medication(26, "Naproxen", "naproxen", 7258, notes="NSAID"),
    Medication(27, "Lisinopril", "lisinopril", 29046),
    Medication(28, "Amlodipine", "amlodipine", 17767),
    Medication(29, "Metformin", "metformin", 6809),
    Medication(30, "Atorvastatin", "atorvastatin", 83367),
    Medication(31, "Levothyroxine", "levothyroxine", 10582),
    Medication(32, "Albuterol", "albuterol", 435),
    Medication(33, "Warfarin", "warfarin", 11289, notes="Anticoagulant: check INR before surgery"),
    Medication(34, "Apixaban", "apixaban", 1364430, notes="Anticoagulant"),
    Medication(35, "Eliquis", "apixaban", 1364430, 34),
    Medication(36, "Clopidogrel", "clopidogrel", 32968, notes="Antiplatelet"),
    Medication(37, "Alendronate", "alendronate", 46041, notes="Bisphosphonate: MRONJ risk with extractions"),
    Medication(38, "Omeprazole", "omeprazole", 7646),
    Medication(39, "Sertraline", "sertraline", 36437),
)
MEDICATION = {m.num: m for m in MEDICATIONS}
MED_AMOXICILLIN, MED_PENICILLIN, MED_CLINDAMYCIN, MED_AZITHROMYCIN, MED_CEPHALEXIN = 1, 3, 4, 6, 8
MED_IBUPROFEN, MED_CODEINE, MED_SULFA, MED_ERYTHROMYCIN, MED_ASPIRIN = 10, 20, 21, 22, 23
MED_LIDOCAINE, MED_TETRACYCLINE = 24, 25


def rxnorm_rows() -> list[tuple[int, str, str]]:
    """(RxNormNum, RxCui, Description): one per ingredient code the medications use, in first-use order."""
    seen: dict[int, str] = {}
    for m in MEDICATIONS:
        seen.setdefault(m.rxcui, m.ingredient)
    return [(num, str(cui), name) for num, (cui, name) in enumerate(seen.items(), start=1)]


@dataclass(frozen=True)
class RxTemplate:
    num: int
    drug: str
    sig: str
    disp: str
    medication: int  # MedicationNum of the generic prescribed (its RxCui goes on the prescription)
    refills: str = "0"
    controlled: bool = False
    instruction: str = ""


RX_AMOX, RX_AMOX_PREMED, RX_CLINDA, RX_PEN_VK, RX_ZPAK, RX_AZITH_PREMED = 1, 2, 3, 4, 5, 6
RX_IBU_600, RX_IBU_800, RX_APAP, RX_NORCO, RX_CHX, RX_FLUORIDE, RX_METRO = 7, 8, 9, 10, 11, 12, 13
RX_TEMPLATES = (
    RxTemplate(RX_AMOX, "Amoxicillin 500 mg capsule", "Take 1 capsule by mouth 3 times a day until gone", "21",
               MED_AMOXICILLIN, instruction="Finish all of the medicine even if you feel better."),
    RxTemplate(RX_AMOX_PREMED, "Amoxicillin 500 mg capsule (premedication)",
               "Take 4 capsules (2 g) by mouth 1 hour before the dental appointment", "4", MED_AMOXICILLIN,
               instruction="Take before your next visit as your physician advised."),
    RxTemplate(RX_CLINDA, "Clindamycin 300 mg capsule", "Take 1 capsule by mouth every 6 hours until gone", "28",
               MED_CLINDAMYCIN, instruction="Take with a full glass of water. Call us if you get diarrhea."),
    RxTemplate(RX_PEN_VK, "Penicillin VK 500 mg tablet", "Take 1 tablet by mouth 4 times a day until gone", "28",
               MED_PENICILLIN, instruction="Finish all of the medicine even if you feel better."),
    RxTemplate(RX_ZPAK, "Azithromycin 250 mg tablet", "Take 2 tablets on day 1, then 1 tablet daily for 4 days", "6",
               MED_AZITHROMYCIN),
    RxTemplate(RX_AZITH_PREMED, "Azithromycin 500 mg tablet (premedication)",
               "Take 1 tablet by mouth 1 hour before the dental appointment", "1", MED_AZITHROMYCIN,
               instruction="Take before your next visit as your physician advised."),
    RxTemplate(RX_IBU_600, "Ibuprofen 600 mg tablet", "Take 1 tablet by mouth every 6 hours as needed for pain", "20",
               MED_IBUPROFEN, instruction="Take with food."),
    RxTemplate(RX_IBU_800, "Ibuprofen 800 mg tablet", "Take 1 tablet by mouth every 8 hours as needed for pain", "15",
               MED_IBUPROFEN, instruction="Take with food."),
    RxTemplate(RX_APAP, "Acetaminophen 500 mg tablet",
               "Take 2 tablets by mouth every 6 hours as needed for pain, no more than 6 a day", "24", 12),
    RxTemplate(RX_NORCO, "Hydrocodone/Acetaminophen 5/325 mg tablet",
               "Take 1 tablet by mouth every 6 hours as needed for severe pain", "8", 14, controlled=True,
               instruction="May cause drowsiness. Do not drive or drink alcohol."),
    RxTemplate(RX_CHX, "Chlorhexidine gluconate 0.12% oral rinse",
               "Rinse with 15 mL for 30 seconds twice a day after brushing; do not swallow", "473 mL", 16,
               instruction="May stain teeth; do not eat or drink for 30 minutes after rinsing."),
    RxTemplate(RX_FLUORIDE, "Sodium fluoride 1.1% toothpaste",
               "Brush with a thin ribbon once a day at bedtime; spit, do not rinse", "1 tube", 18, refills="3"),
    RxTemplate(RX_METRO, "Metronidazole 500 mg tablet", "Take 1 tablet by mouth 3 times a day for 7 days", "21",
               9, instruction="No alcohol during and for 3 days after treatment."),
)
RX_TEMPLATE = {t.num: t for t in RX_TEMPLATES}


# ---------------------------------------------------------------- pharmacies

# (PharmacyNum, store, NCPDP id, phone, street, city, zip, note)
PHARMACIES = (
    (1, "CVS Pharmacy #6412", "1534120", "(219) 555-0131", "1700 E 80th Ave", "Merrillville", "46410", ""),
    (2, "Walgreens #5039", "1560213", "(219) 555-0144", "8000 Broadway", "Merrillville", "46410", "24-hour"),
    (3, "Meijer Pharmacy #242", "1579385", "(219) 555-0158", "2201 W 81st Ave", "Merrillville", "46410", ""),
    (4, "Jewel-Osco Pharmacy #3117", "1521087", "(219) 555-0162", "1250 N Main St", "Crown Point", "46307", ""),
    (5, "Walmart Pharmacy 10-1664", "1546329", "(219) 555-0176", "2600 E 37th Ave", "Hobart", "46342", ""),
    (6, "Walgreens #7421", "1587742", "(219) 555-0183", "2505 LaPorte Ave", "Valparaiso", "46383", ""),
    (7, "CVS Pharmacy #8830", "1599016", "(219) 555-0190", "1551 US-41", "Schererville", "46375", ""),
    (8, "Ross Family Pharmacy", "1512264", "(219) 555-0127", "5995 Broadway", "Merrillville", "46410",
     "Independent; delivers locally"),
)
PHARMACY_WEIGHTS = {1: 20, 2: 22, 3: 12, 4: 10, 5: 12, 6: 8, 7: 9, 8: 7}  # where patients fill prescriptions


# ---------------------------------------------------------------- allergies and problems

ALLERGY_SUBSTANCE, ALLERGY_DRUG = 1, 2  # allergydef.SnomedType (OpenDental SnomedAllergy)


@dataclass(frozen=True)
class AllergyDef:
    num: int
    description: str
    snomed_type: int
    medication: int  # MedicationNum, 0 for a substance that is not a medication
    rate: float  # share of patients with a medical history who report it
    reactions: tuple[str, ...]  # keys of REACTIONS


# Reaction (allergy.Reaction) -> SNOMED CT code (allergy.SnomedReaction)
REACTIONS = {"Hives": "126485001", "Rash": "271807003", "Swelling": "41291007", "Anaphylaxis": "39579001",
             "Nausea and vomiting": "422587007", "Itching": "418290006", "Shortness of breath": "267036007",
             "Contact dermatitis": "40275004"}
DRUG_REACTIONS = ("Hives",) * 3 + ("Rash",) * 4 + ("Swelling", "Itching", "Itching", "Shortness of breath",
                                                    "Anaphylaxis")
ALLERGY_DEFS = (
    AllergyDef(1, "Penicillin", ALLERGY_DRUG, MED_PENICILLIN, 0.08, DRUG_REACTIONS),
    AllergyDef(2, "Amoxicillin", ALLERGY_DRUG, MED_AMOXICILLIN, 0.01, DRUG_REACTIONS),
    AllergyDef(3, "Cephalosporins", ALLERGY_DRUG, MED_CEPHALEXIN, 0.01, DRUG_REACTIONS),
    AllergyDef(4, "Sulfa drugs", ALLERGY_DRUG, MED_SULFA, 0.03, DRUG_REACTIONS),
    AllergyDef(5, "Codeine", ALLERGY_DRUG, MED_CODEINE, 0.02, ("Nausea and vomiting", "Itching", "Rash")),
    AllergyDef(6, "Aspirin", ALLERGY_DRUG, MED_ASPIRIN, 0.01, ("Hives", "Shortness of breath", "Swelling")),
    AllergyDef(7, "Ibuprofen", ALLERGY_DRUG, MED_IBUPROFEN, 0.01, ("Hives", "Swelling", "Shortness of breath")),
    AllergyDef(8, "Erythromycin", ALLERGY_DRUG, MED_ERYTHROMYCIN, 0.01, ("Nausea and vomiting", "Rash")),
    AllergyDef(9, "Clindamycin", ALLERGY_DRUG, MED_CLINDAMYCIN, 0.004, ("Rash", "Hives")),
    AllergyDef(10, "Tetracycline", ALLERGY_DRUG, MED_TETRACYCLINE, 0.004, ("Rash",)),
    AllergyDef(11, "Lidocaine", ALLERGY_DRUG, MED_LIDOCAINE, 0.002, ("Swelling", "Hives")),
    AllergyDef(12, "Latex", ALLERGY_SUBSTANCE, 0, 0.012, ("Contact dermatitis", "Hives", "Itching")),
    AllergyDef(13, "Nickel", ALLERGY_SUBSTANCE, 0, 0.015, ("Contact dermatitis",)),
)
ALLERGY_DEF = {a.num: a for a in ALLERGY_DEFS}
# Which drugs an allergy rules out (cross-reactivity), by allergydef number.
PENICILLIN_CLASS = frozenset({1, 2, 3})
ALLERGY_CODEINE, ALLERGY_CLINDAMYCIN = 5, 9
MACROLIDES = frozenset({8})
NSAIDS = frozenset({6, 7})


@dataclass(frozen=True)
class DiseaseDef:
    num: int
    name: str
    icd9: str
    icd10: str
    snomed: str
    onset: int  # earliest age at onset
    rates: tuple[float, float, float]  # prevalence among children, adults (18-64), seniors (65+)
    notes: tuple[str, ...] = ("",)  # PatNote choices: usually the treatment


DISEASE_DEFS = (
    DiseaseDef(1, "Hypertension", "401.9", "I10", "38341003", 25, (0, 0.22, 0.55),
               ("Controlled with lisinopril", "Takes amlodipine", "Diet controlled", "")),
    DiseaseDef(2, "Type 2 diabetes mellitus", "250.00", "E11.9", "44054006", 30, (0, 0.08, 0.22),
               ("Takes metformin", "A1C 7.2 per patient", "Diet controlled", "")),
    DiseaseDef(3, "Type 1 diabetes mellitus", "250.01", "E10.9", "46635009", 4, (0.003, 0.005, 0.004),
               ("Insulin pump", "Check glucose before long visits")),
    DiseaseDef(4, "Hyperlipidemia", "272.4", "E78.5", "55822004", 30, (0, 0.12, 0.35), ("Takes atorvastatin", "")),
    DiseaseDef(5, "Asthma", "493.90", "J45.909", "195967001", 2, (0.08, 0.08, 0.06),
               ("Bring albuterol inhaler to visits", "Mild, exercise induced", "")),
    DiseaseDef(6, "Hypothyroidism", "244.9", "E03.9", "40930008", 20, (0, 0.05, 0.10), ("Takes levothyroxine",)),
    DiseaseDef(7, "Gastroesophageal reflux disease", "530.81", "K21.9", "235595009", 18, (0, 0.08, 0.12),
               ("Takes omeprazole", "")),
    DiseaseDef(8, "Depression", "311", "F32.9", "35489007", 14, (0.01, 0.08, 0.06), ("Takes sertraline", "")),
    DiseaseDef(9, "Anxiety disorder", "300.00", "F41.9", "197480006", 8, (0.02, 0.08, 0.04),
               ("Dental anxiety; prefers nitrous", "")),
    DiseaseDef(10, "Osteoporosis", "733.00", "M81.0", "64859006", 50, (0, 0.01, 0.12),
               ("Takes alendronate - MRONJ risk", "")),
    DiseaseDef(11, "Atrial fibrillation", "427.31", "I48.91", "49436004", 45, (0, 0.01, 0.08),
               ("On apixaban", "On warfarin - check INR before extractions")),
    DiseaseDef(12, "Coronary artery disease", "414.00", "I25.10", "53741008", 40, (0, 0.02, 0.12),
               ("Stent 2019, takes clopidogrel", "Takes aspirin daily", "")),
    DiseaseDef(13, "Presence of artificial joint", "V43.60", "Z96.60", "", 45, (0, 0.01, 0.10),
               ("Knee replacement", "Hip replacement", "Knee replacement - surgeon requests premedication")),
    DiseaseDef(14, "Presence of prosthetic heart valve", "V43.3", "Z95.2", "", 40, (0, 0.001, 0.01),
               ("Antibiotic prophylaxis required",)),
    DiseaseDef(15, "Heart murmur", "785.2", "R01.1", "88610006", 1, (0.01, 0.02, 0.02), ("Functional, no premed",)),
    DiseaseDef(16, "Chronic obstructive pulmonary disease", "496", "J44.9", "13645005", 45, (0, 0.01, 0.06),
               ("Uses inhaler", "")),
    DiseaseDef(17, "Obstructive sleep apnea", "327.23", "G47.33", "78275009", 25, (0, 0.05, 0.08),
               ("Uses CPAP", "")),
    DiseaseDef(18, "Epilepsy", "345.90", "G40.909", "84757009", 3, (0.006, 0.01, 0.01), ("Well controlled",)),
    DiseaseDef(19, "Pregnancy", "V22.2", "Z33.1", "77386006", 18, (0, 0, 0)),  # drawn separately
    DiseaseDef(20, "Tobacco use", "305.1", "F17.210", "77176002", 16, (0, 0.12, 0.08),
               ("Smokes 1/2 pack a day", "Cessation discussed", "")),
    DiseaseDef(21, "Hepatitis C", "070.54", "B18.2", "50711007", 20, (0, 0.01, 0.01), ("Treated, cured", "")),
    DiseaseDef(22, "HIV infection", "042", "B20", "86406008", 20, (0, 0.004, 0.002), ("On antiretroviral therapy",)),
    DiseaseDef(23, "Chronic kidney disease", "585.9", "N18.9", "709044004", 40, (0, 0.01, 0.06), ("Stage 3", "")),
    DiseaseDef(24, "Blood coagulation disorder", "286.9", "D68.9", "64779008", 1, (0.002, 0.004, 0.004),
               ("Bleeds easily; consult before surgery",)),
    DiseaseDef(25, "Rheumatoid arthritis", "714.0", "M06.9", "69896004", 30, (0, 0.01, 0.03), ("Takes methotrexate",)),
    DiseaseDef(26, "Xerostomia", "527.7", "R68.2", "87715008", 18, (0, 0.02, 0.08), ("Medication related",)),
)
DISEASE_DEF = {d.num: d for d in DISEASE_DEFS}
PREGNANCY, XEROSTOMIA = 19, 26
PROSTHETIC_JOINT, PROSTHETIC_VALVE = 13, 14
BLEEDING_RISK = frozenset({11, 24})  # anticoagulated or a coagulation disorder: no NSAIDs
NO_NSAID = BLEEDING_RISK | {23}  # and chronic kidney disease


# ---------------------------------------------------------------- forms

# OpenDental SheetTypeEnum and SheetFieldType values
CONSENT, MEDICAL_HISTORY = 6, 11
INPUT_FIELD, STATIC_TEXT, CHECK_BOX, SIG_BOX = 1, 2, 8, 9
FONT = "Microsoft Sans Serif"
# Color.Black as a signed ARGB int: Database Maintenance (SheetFieldsWithEmptyItemColor) repaints a field drawn in
# no colour (0) black.
BLACK = -16777216


@dataclass(frozen=True)
class FieldDef:
    """One field of a form; `source` tells health.py what to fill in (see health._field_value)."""

    num: int
    field_type: int
    name: str  # FieldName: '' for static text and signature boxes
    source: str  # what it holds: "text:<fixed text>", "problem:<disease nums>", "allergy:<nums>", "medications", ...
    x: int
    y: int
    width: int
    height: int
    radio_value: str = ""
    reportable: str = ""
    label: str = ""  # UiLabelMobile
    bold: bool = False
    size: float = 10.0


@dataclass(frozen=True)
class SheetDef:
    num: int
    description: str
    sheet_type: int
    codes: frozenset[str]  # procedure codes that call for this consent (consents only)
    fields: tuple[FieldDef, ...]
    document_category: str  # where a signed copy is filed (a document category, definition category 18)
    rev: int = 1


def _form(num: int, specs: list[tuple]) -> tuple[FieldDef, ...]:
    """Fields numbered num * 100 + k, laid out top to bottom on a letter page (850 x 1100)."""
    fields, y = [], 40
    for k, spec in enumerate(specs, start=1):
        field_type, name, source, height = spec[:4]
        extra = spec[4] if len(spec) > 4 else {}
        x, width = (60, 20) if field_type == CHECK_BOX else (60, 730)
        fields.append(FieldDef(num * 100 + k, field_type, name, source, x, y, width, height, **extra))
        y += height + 12
    return tuple(fields)


def _title(text: str, height: int = 28) -> tuple:
    return (STATIC_TEXT, "", f"text:{text}", height, {"bold": True, "size": 14.0})


def _signature() -> tuple:
    return (SIG_BOX, "", "signature", 80, {"label": "Signature"})


MEDICAL_HISTORY_FORM = 1
# Check boxes of the medical history: (label, the disease or allergy definitions it stands for)
PROBLEM_BOXES = (("High Blood Pressure", "1"), ("Diabetes", "2,3"), ("Heart Disease", "11,12,14,15"),
                 ("Artificial Joint", "13"), ("Bleeding Problems", "11,24"), ("Pregnant", "19"))
ALLERGY_BOXES = (("Penicillin", "1,2"),)
BOXED_PROBLEMS = frozenset(int(n) for _, nums in PROBLEM_BOXES for n in nums.split(","))
BOXED_ALLERGIES = frozenset(int(n) for _, nums in ALLERGY_BOXES for n in nums.split(","))
CONSENT_TEXT = "I have been told about the treatment, its risks and alternatives, and my questions were answered."


def _consent(num: int, description: str, codes: str) -> SheetDef:
    fields = _form(num, [_title(f"{description}. {CONSENT_TEXT}", height=56),
                         (INPUT_FIELD, "misc", "procedures", 40, {"reportable": "Procedures", "label": "Treatment"}),
                         (CHECK_BOX, "misc", "checked", 20, {"reportable": "UnderstandsRisks", "label": "I agree"}),
                         _signature()])
    return SheetDef(num, description, CONSENT, frozenset(codes.split()), fields, "Consent Forms")


SHEET_DEFS = (
    SheetDef(MEDICAL_HISTORY_FORM, "Medical History", MEDICAL_HISTORY, frozenset(), _form(MEDICAL_HISTORY_FORM, [
        _title("Medical History"),
        *[(CHECK_BOX, f"problem:{label}", f"problem:{nums}", 20, {"radio_value": "Y", "label": label})
          for label, nums in PROBLEM_BOXES],
        *[(CHECK_BOX, f"allergy:{label}", f"allergy:{nums}", 20, {"radio_value": "Y", "label": label})
          for label, nums in ALLERGY_BOXES],
        (INPUT_FIELD, "misc", "other_problems", 40, {"reportable": "OtherConditions", "label": "Other conditions"}),
        (INPUT_FIELD, "misc", "other_allergies", 40, {"reportable": "OtherAllergies", "label": "Other allergies"}),
        (INPUT_FIELD, "misc", "medications", 60, {"reportable": "CurrentMedications", "label": "Medications"}),
        _signature()]), "Medical History", rev=3),
    _consent(2, "Consent - Extraction and Oral Surgery", "D7140 D7210 D7220 D7230 D7240 D7250 D7310 D7953"),
    _consent(3, "Consent - Root Canal Treatment", "D3220 D3310 D3320 D3330 D3346"),
    _consent(4, "Consent - Dental Implant Surgery", "D6010"),
    _consent(5, "Consent - Crown and Bridge", "D2740 D2750 D2790 D6240"),
    _consent(6, "Consent - Periodontal Therapy", "D4341 D4342 D4260"),
    _consent(7, "Consent - Sedation and Nitrous Oxide", "D9230 D9239"),
)
SHEET_DEF = {s.num: s for s in SHEET_DEFS}
CONSENTS = tuple(s for s in SHEET_DEFS if s.sheet_type == CONSENT)
assert all(len(s.fields) < 100 for s in SHEET_DEFS)  # field ids are num * 100 + k
# A procedure code calls for at most one consent, so a visit has no more consents than procedures.
assert sum(len(s.codes) for s in CONSENTS) == len(frozenset().union(*(s.codes for s in CONSENTS)))


# ---------------------------------------------------------------- code groups, auto codes, claim forms

# (GroupName, ProcCodes, CodeGroupFixed, ShowInAgeLimit): OpenDental's frequency-limitation groups
CODE_GROUPS = (
    ("BWs", "D0272,D0274", 1, False), ("Pano/FMX", "D0210,D0330", 2, False),
    ("Exams", "D0120,D0150,D0180", 3, False), ("Perio Maintenance", "D4910", 4, False),
    ("Prophylaxis", "D1110,D1120", 5, False), ("SRP", "D4341,D4342", 6, False),
    ("Full Mouth Debridement", "D4355", 7, False), ("Fluoride", "D1206,D1208", 8, True),
    ("Sealants", "D1351", 9, True), ("Crowns", "D2740,D2750,D2790", 0, False),
    ("Dentures", "D5110,D5120,D5213,D5214", 0, False), ("Implants", "D6010", 0, False),
)
# (Description, IsHidden, LessIntrusive)
AUTO_CODES = (("Amalgam", True, False), ("Composite", False, False), ("Crown", False, True),
              ("Root Canal", False, False), ("Build Up / Post and Core", False, True), ("Sealant", False, True),
              ("Denture", False, False), ("Extraction", False, True))
# (Description, IsHidden, UniqueID): the ADA forms in use, older revisions kept but hidden
CLAIM_FORMS = (("ADA 2019", False, "OD14"), ("ADA 2012", True, "OD11"), ("ADA 2006", True, "OD9"),
               ("CMS-1500 (02/12)", False, "OD12"))
# ClaimFormNum of the practice's default form (OpenDental's preference DefaultClaimForm), which every plan names:
# Database Maintenance (InsPlanNoClaimForm) gives it to any plan left without one.
DEFAULT_CLAIM_FORM = 1 + [name for name, _, _ in CLAIM_FORMS].index("ADA 2019")


# ---------------------------------------------------------------- rows


def emit_reference(ctx) -> None:
    setup = calendar.at(ctx.window.setup_day, SETUP_MINUTES)
    sinks = ctx.sinks
    _medications(sinks, setup)
    _pharmacies(sinks, setup)
    _health_definitions(sinks, setup)
    _forms(sinks, setup)
    _billing_setup(sinks)


def _medications(sinks, setup) -> None:
    for m in MEDICATIONS:
        sinks["medication"].add(MedicationNum=m.num, MedName=m.name, GenericNum=m.generic or m.num, Notes=m.notes,
                                DateTStamp=setup, RxCui=m.rxcui)
    for num, cui, name in rxnorm_rows():
        sinks["rxnorm"].add(RxNormNum=num, RxCui=cui, MmslCode="", Description=name)
    for t in RX_TEMPLATES:
        sinks["rxdef"].add(RxDefNum=t.num, Drug=t.drug, Sig=t.sig, Disp=t.disp, Refills=t.refills, Notes="",
                           IsControlled=t.controlled, RxCui=MEDICATION[t.medication].rxcui, IsProcRequired=t.controlled,
                           PatientInstruction=t.instruction)


def _pharmacies(sinks, setup) -> None:
    for num, store, ncpdp, phone, street, city, zip_code, note in PHARMACIES:
        sinks["pharmacy"].add(PharmacyNum=num, PharmID=ncpdp, StoreName=store, Phone=phone,
                              Fax=f"{phone[:-4]}{int(phone[-4:]) + 50:04d}", Address=street, Address2="", City=city,
                              State="IN", Zip=zip_code, Note=note, DateTStamp=setup)
        sinks["pharmclinic"].add(PharmClinicNum=num, PharmacyNum=num, ClinicNum=0)


def _health_definitions(sinks, setup) -> None:
    for a in ALLERGY_DEFS:
        sinks["allergydef"].add(AllergyDefNum=a.num, Description=a.description, IsHidden=False, DateTStamp=setup,
                                SnomedType=a.snomed_type, MedicationNum=a.medication, UniiCode="")
    for order, d in enumerate(DISEASE_DEFS):
        sinks["diseasedef"].add(DiseaseDefNum=d.num, DiseaseName=d.name, ItemOrder=order, IsHidden=False,
                                DateTStamp=setup, ICD9Code=d.icd9, SnomedCode=d.snomed, Icd10Code=d.icd10)


def _forms(sinks, setup) -> None:
    for s in SHEET_DEFS:
        sinks["sheetdef"].add(
            SheetDefNum=s.num, Description=s.description, SheetType=s.sheet_type, FontSize=10.0, FontName=FONT,
            Width=850, Height=1100, IsLandscape=False, PageCount=1, IsMultiPage=False, BypassGlobalLock=False,
            HasMobileLayout=True, DateTCreated=setup, RevID=s.rev, AutoCheckSaveImage=True,
            AutoCheckSaveImageDocCategory=def_num_of(CATEGORY_DOCUMENTS, s.document_category),
        )
        for order, f in enumerate(s.fields):
            sinks["sheetfielddef"].add(**field_columns(f, order), SheetFieldDefNum=f.num, SheetDefNum=s.num,
                                       FieldValue=f.source[5:] if f.source.startswith("text:") else "")


def field_columns(f: FieldDef, order: int) -> dict:
    """The columns a sheetfielddef and the sheetfields made from it share; columns left at their default (0, '',
    false) are omitted, which keeps the many sheetfield rows cheap to write."""
    columns = {"FieldType": f.field_type, "FieldName": f.name, "FontSize": f.size, "FontName": FONT,
               "FontIsBold": f.bold, "XPos": f.x, "YPos": f.y, "Width": f.width, "Height": f.height,
               "RadioButtonValue": f.radio_value, "IsRequired": f.field_type == SIG_BOX, "TabOrder": order,
               "ReportableName": f.reportable, "IsLocked": f.field_type == STATIC_TEXT, "UiLabelMobile": f.label,
               "CanElectronicallySign": f.field_type == SIG_BOX, "ItemColor": BLACK}
    return {name: value for name, value in columns.items() if value not in (0, "")}  # False == 0


def _billing_setup(sinks) -> None:
    for num, (name, codes, fixed, age_limit) in enumerate(CODE_GROUPS, start=1):
        sinks["codegroup"].add(CodeGroupNum=num, GroupName=name, ProcCodes=codes, ItemOrder=num - 1,
                               CodeGroupFixed=fixed, IsHidden=False, ShowInAgeLimit=age_limit)
    for num, (name, hidden, less_intrusive) in enumerate(AUTO_CODES, start=1):
        sinks["autocode"].add(AutoCodeNum=num, Description=name, IsHidden=hidden, LessIntrusive=less_intrusive)
    for num, (name, hidden, unique_id) in enumerate(CLAIM_FORMS, start=1):
        sinks["claimform"].add(ClaimFormNum=num, Description=name, IsHidden=hidden, FontName="Arial", FontSize=9.0,
                               UniqueID=unique_id, PrintImages=True, OffsetX=0, OffsetY=0, Width=850, Height=1100)
