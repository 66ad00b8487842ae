"""Each patient's health record: medical history, allergies, charted missing teeth, forms and prescriptions.

Everything hangs on the patient's completed visits from 2023 on (the staging floor, contract G-01):

* At the first one the medical history is taken: a new patient fills in the medical history form at check-in
  (sheet + sheetfields), an established patient's history is reviewed in the chair. The problems (disease) and
  allergies are entered minutes later.
* A comprehensive exam (D0150, a new patient's first visit) charts the wisdom teeth removed before (toothinitial).
* Visits with extractions, root canals, implants, crowns, periodontal therapy or sedation have a signed consent.
* Prescriptions (rxpat) are written at the end of completed visits, by the dentist or surgeon, for the work
  done that day (ProcNum): pain relief after surgery and extractions (now and then a short opioid course, for
  severe pain), antibiotics for infections and implants, rinses after periodontal therapy, and premedication for
  the next visit of patients with a prosthetic joint or heart valve (when they leave with it booked).
  They respect the history: no penicillin for penicillin-allergic patients, no NSAIDs for patients who are
  allergic, anticoagulated, pregnant or in kidney failure, no opioids for minors, the pregnant or the codeine
  allergic.

Forms come from generators/extra/charting.py; each sheet holds one sheetfield per field of its form. The
medical history's check boxes show what disease/allergy rows say. Missing teeth are only wisdom teeth, and only
for patients with no impaction surgery on record: other teeth may be treated later in procedurelog.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache

from contract.rules import FLOOR
from generators import calendar
from generators.clinical import COMPLETE, PLANNED, Visit
from generators.extra import charting as ref
from generators.rng import stream, weighted

MAX_DISEASES, MAX_ALLERGIES = 6, 3
MAX_RX_PER_VISIT = 5  # premedication, antibiotic, pain relief, opioid, rinse or fluoride
WISDOM_TEETH = ("1", "16", "17", "32")
# The only codes treatment.py places on wisdom teeth: a patient with one of them keeps their chart as it was.
IMPACTION_CODES = frozenset({"D7220", "D7230", "D7240"})
PROBLEM = "55607006"  # disease.SnomedProblemType: SNOMED CT "Problem"
ACTIVE, RESOLVED = 0, 1  # disease.ProbStatus
MISSING = 0  # toothinitial.InitialType
COMPREHENSIVE_EXAM = "D0150"
SENT_ELECTRONICALLY, PRINTED, CALLED_IN = 2, 3, 5  # rxpat.SendStatus
SEND_WEIGHTS = {SENT_ELECTRONICALLY: 0.55, PRINTED: 0.40, CALLED_IN: 0.05}
FEMALE = 1
FEMALE_SKEW = {6: 1.6, 10: 1.6}  # hypothyroidism and osteoporosis: mostly women
ALLERGY_SKEW = {True: 1.5, False: 0.5}  # women report drug allergies about three times as often as men
PREGNANCY_RATE = 0.04  # women 18-44 at conception
OWN_PHARMACY_RATE = 0.2  # household members who fill prescriptions elsewhere than the family

SURGERY = frozenset({"D7210", "D7220", "D7230", "D7240", "D7250", "D7310", "D6010", "D7953"})
OPIOID_SURGERY = frozenset({"D7210", "D7220", "D7230", "D7240", "D6010"})
EXTRACTION = frozenset({"D7140"})
OPIOID_ODDS_SURGERY, OPIOID_ODDS_EXTRACTION = 0.15, 0.1  # visits of eligible adults given hydrocodone
ENDODONTICS = frozenset({"D3310", "D3320", "D3330", "D3346"})
PERIO_THERAPY = frozenset({"D4341", "D4342", "D4260"})
EMERGENCY = frozenset({"D0140"})  # the limited exam of an emergency visit (toothache)
CLEANINGS = frozenset({"D1110", "D4910", "D4355"})
PREMED_CODES = SURGERY | EXTRACTION | PERIO_THERAPY | CLEANINGS | ENDODONTICS  # gingival manipulation
RX_TRIGGERS = PREMED_CODES | EMERGENCY | {"D7510"}  # visits without these never need a prescription


def bounds(household) -> dict[str, int]:
    people = len(household.members)
    visits = sum(p.appointments for p in household.members)
    procedures = sum(p.procedures for p in household.members)
    history_fields = len(ref.SHEET_DEF[ref.MEDICAL_HISTORY_FORM].fields)
    consent_fields = max(len(form.fields) for form in ref.CONSENTS)
    return {"disease": MAX_DISEASES * people, "allergy": MAX_ALLERGIES * people,
            "rxpat": MAX_RX_PER_VISIT * visits, "toothinitial": len(WISDOM_TEETH) * people,
            # a medical history each, and at most one consent per procedure
            "sheet": people + procedures, "sheetfield": history_fields * people + consent_fields * procedures}


@dataclass
class Chart:
    """What the patient's medical history says."""

    taken: datetime  # when the history was taken: the form at check-in, or the review in the chair
    diseases: dict[int, tuple[date | None, date | None]] = field(default_factory=dict)  # def -> (start, stop)
    notes: dict[int, str] = field(default_factory=dict)
    allergies: dict[int, str] = field(default_factory=dict)  # def -> reaction

    def pregnant_on(self, day: date) -> bool:
        span = self.diseases.get(ref.PREGNANCY)
        return bool(span) and span[0] <= day and (span[1] is None or day <= span[1])


def emit_household(ctx, household, stories) -> None:
    family_pharmacy = weighted(stream(ctx.seed, "pharmacy", household.index), ref.PHARMACY_WEIGHTS)
    floor = max(ctx.window.start, FLOOR)
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        completed = [v for v in story.visits if v.status == COMPLETE and v.day >= floor]
        if completed:
            _emit_patient(ctx, story, completed, family_pharmacy)


def _emit_patient(ctx, story, completed: list[Visit], family_pharmacy: int) -> None:
    # Each draw comes from the stream of what it concerns (the patient's history, a visit's forms and
    # prescriptions): visits a later as-of date completes draw from their own, and nothing earlier moves.
    patient = story.patient
    rng = stream(ctx.seed, "health", patient.pat_num)
    first = completed[0]
    new = patient.person.new_patient and first.kind == "new"  # the patient's very first visit
    taken = first.start + timedelta(minutes=rng.randint(-20, -5) if new else rng.randint(5, 20))
    chart = _draw_chart(rng, patient, taken, ctx.window)
    _emit_history(ctx, patient, chart, rng)
    own = rng.random() < OWN_PHARMACY_RATE
    pharmacy = weighted(rng, ref.PHARMACY_WEIGHTS) if own else family_pharmacy
    _emit_sheets(ctx, story, chart, completed, new)
    _emit_teeth(ctx, story, completed)
    premed = _needs_premed(chart)
    for visit in completed:
        later = premed and _next_booked(story.visits, visit)
        _emit_prescriptions(ctx, patient, chart, visit, later, pharmacy)


def _next_booked(visits: list[Visit], visit: Visit) -> bool:
    """Whether the patient left the visit with a later one on the schedule (booked by the end of its day): what
    the premedication before the next visit is written for. Known on the day, so no later as-of date changes it."""
    day_end = calendar.at(visit.day + timedelta(days=1), 0)
    return any(v.start > visit.start and v.status != PLANNED and v.booked is not None and v.booked < day_end
               for v in visits)


# ---------------------------------------------------------------- medical history


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _draw_chart(rng, patient, taken: datetime, window) -> Chart:
    chart = Chart(taken)
    age = _age(patient.birthdate, taken.date())
    female = patient.gender == FEMALE
    found = [d for d, rate in _risks(patient.person.age_group, female) if age >= d.onset and rng.random() < rate]
    if len(found) > MAX_DISEASES:
        found = sorted(rng.sample(found, MAX_DISEASES), key=lambda d: d.num)
    for d in found:
        chart.diseases[d.num] = (_onset(rng, patient.birthdate, d.onset, age, taken.date()), None)
        chart.notes[d.num] = rng.choice(d.notes)
    start = taken.date() - timedelta(days=rng.randint(30, 200))
    if female and 18 <= _age(patient.birthdate, start) <= 44 and len(found) < MAX_DISEASES and (
            rng.random() < PREGNANCY_RATE):
        due = start + timedelta(days=270)
        chart.diseases[ref.PREGNANCY] = (start, due if due <= window.last_day else None)
        chart.notes[ref.PREGNANCY] = f"Due {due:%B %Y}"
    for a, rate in _allergy_risks(female):
        if rng.random() < rate:
            chart.allergies[a.num] = rng.choice(a.reactions)
            if len(chart.allergies) == MAX_ALLERGIES:
                break
    return chart


@cache
def _risks(age_group: str, female: bool) -> tuple[tuple[ref.DiseaseDef, float], ...]:
    """The problems a patient of this group may have, with their prevalence."""
    group = {"child": 0, "adult": 1, "senior": 2}[age_group]
    risks = []
    for d in ref.DISEASE_DEFS:
        skew = FEMALE_SKEW.get(d.num, 1.0)
        rate = d.rates[group] * (skew if female else 2 - skew)
        if rate > 0:
            risks.append((d, rate))
    return tuple(risks)


@cache
def _allergy_risks(female: bool) -> tuple[tuple[ref.AllergyDef, float], ...]:
    return tuple((a, a.rate * ALLERGY_SKEW[female]) for a in ref.ALLERGY_DEFS)


def _onset(rng, born: date, earliest: int, age: int, recorded: date) -> date | None:
    """When a problem started, as the patient remembers it (often not at all)."""
    if rng.random() < 0.3:
        return None
    start = born + timedelta(days=int(rng.uniform(earliest, age + 1) * 365.25))
    return min(start, recorded)


def _emit_history(ctx, patient, chart: Chart, rng) -> None:
    entered = chart.taken + timedelta(minutes=rng.randint(15, 40))  # typed in from the form
    for num, (start, stop) in chart.diseases.items():
        stamp = max(entered, calendar.at(stop, 9 * 60)) if stop else entered
        ctx.sinks["disease"].add(
            DiseaseNum=ctx.ids.next("disease"), PatNum=patient.pat_num, DiseaseDefNum=num, PatNote=chart.notes[num],
            DateTStamp=stamp, ProbStatus=RESOLVED if stop else ACTIVE, DateStart=start, DateStop=stop,
            SnomedProblemType=PROBLEM,
        )
    for num, reaction in chart.allergies.items():
        ctx.sinks["allergy"].add(
            AllergyNum=ctx.ids.next("allergy"), AllergyDefNum=num, PatNum=patient.pat_num, Reaction=reaction,
            StatusIsActive=True, DateTStamp=entered, SnomedReaction=ref.REACTIONS[reaction],
        )


# ---------------------------------------------------------------- forms


def _emit_sheets(ctx, story, chart: Chart, completed: list[Visit], new: bool) -> None:
    patient = story.patient
    if new:
        rng = stream(ctx.seed, "sheet", "history", patient.pat_num)
        _sheet(ctx, patient, chart, ref.SHEET_DEF[ref.MEDICAL_HISTORY_FORM], chart.taken, rng)
    for visit in completed:
        codes = {p.code.code for p in visit.procedures}
        rng = stream(ctx.seed, "sheet", visit.apt_num)
        for form in ref.CONSENTS:
            if codes & form.codes:
                signed = visit.start + timedelta(minutes=rng.randint(0, 8))
                done = [p for p in visit.procedures if p.code.code in form.codes]
                _sheet(ctx, patient, chart, form, signed, rng, procedures=done)


def _sheet(ctx, patient, chart: Chart, form: ref.SheetDef, when: datetime, rng, procedures=()) -> None:
    sheet_num = ctx.ids.next("sheet")
    edited = when + timedelta(minutes=rng.randint(1, 6))
    ctx.sinks["sheet"].add(
        SheetNum=sheet_num, SheetType=form.sheet_type, PatNum=patient.pat_num, DateTimeSheet=when, FontSize=10.0,
        FontName=ref.FONT, Width=850, Height=1100, IsLandscape=False, InternalNote="", Description=form.description,
        ShowInTerminal=0, IsWebForm=False, IsMultiPage=False, IsDeleted=False, SheetDefNum=form.num, DocNum=0,
        ClinicNum=0, DateTSheetEdited=edited, HasMobileLayout=True, RevID=form.rev,
    )
    add = ctx.sinks["sheetfield"].add
    for field_num, (def_num, columns, kind, arg) in zip(ctx.ids.reserve("sheetfield", len(form.fields)),
                                                        _layout(form.num)):
        if kind == "signature":
            add(**columns, SheetFieldNum=field_num, SheetNum=sheet_num, SheetFieldDefNum=def_num,
                FieldValue=f"{rng.getrandbits(128):032x}", DateTimeSig=edited)  # the signature's hash
        else:
            add(**columns, SheetFieldNum=field_num, SheetNum=sheet_num, SheetFieldDefNum=def_num,
                FieldValue=_field_value(kind, arg, chart, procedures))


@cache
def _layout(form_num: int) -> tuple[tuple[int, dict, str, object], ...]:
    """Each field of a form: its number, the columns its sheetfields copy from it, and what it holds (the kind of
    value and its argument: a fixed text, or the disease or allergy definitions a check box stands for)."""
    layout = []
    for order, f in enumerate(ref.SHEET_DEF[form_num].fields):
        kind, _, arg = f.source.partition(":")
        if kind in ("problem", "allergy"):
            arg = frozenset(int(n) for n in arg.split(","))
        layout.append((f.num, ref.field_columns(f, order), kind, arg))
    return tuple(layout)


def _field_value(kind: str, arg, chart: Chart, procedures) -> str:
    if kind == "text":
        return arg
    if kind == "problem":  # every problem of the history is current when it is taken
        return "X" if chart.diseases.keys() & arg else ""
    if kind == "allergy":
        return "X" if chart.allergies.keys() & arg else ""
    if kind == "other_problems":
        return ", ".join(ref.DISEASE_DEF[n].name for n in chart.diseases if n not in ref.BOXED_PROBLEMS)
    if kind == "other_allergies":
        return ", ".join(ref.ALLERGY_DEF[n].description for n in chart.allergies if n not in ref.BOXED_ALLERGIES)
    if kind == "medications":
        return "; ".join(note for note in chart.notes.values() if note) or "None"
    if kind == "procedures":
        return ", ".join(f"{p.code.code} {p.code.descript}" for p in procedures)
    if kind == "checked":
        return "X"
    raise ValueError(f"unknown field source {kind!r}")


# ---------------------------------------------------------------- tooth chart


def removed_wisdom_teeth(seed: int, pat_num: int) -> tuple[str, ...]:
    """The wisdom teeth a patient had removed before coming here (charted if an adult has a comprehensive exam):
    a trait of the patient, the same at every as-of date."""
    rng = stream(seed, "toothinitial", pat_num)
    draw = rng.random()
    if draw < 0.5:
        return WISDOM_TEETH
    if draw < 0.65:
        return tuple(sorted(rng.sample(WISDOM_TEETH, rng.randint(1, 3)), key=int))
    return ()


def _emit_teeth(ctx, story, completed: list[Visit]) -> None:
    """Wisdom teeth an adult had removed before coming here, charted at a comprehensive exam. A patient with an
    impaction on record keeps their chart as it was (D-toothinitial-01): when a later as-of date adds one, the
    chart goes (treatment.py does not know it)."""
    patient = story.patient
    exam = next((v for v in completed if any(p.code.code == COMPREHENSIVE_EXAM for p in v.procedures)), None)
    if exam is None or patient.person.age_group == "child" or any(
            p.code.code in IMPACTION_CODES for p in story.procedures):
        return
    missing = removed_wisdom_teeth(ctx.seed, patient.pat_num)
    charted = exam.start + timedelta(minutes=stream(ctx.seed, "toothinitial", exam.apt_num).randint(20, 50))
    for tooth in missing:
        ctx.sinks["toothinitial"].add(
            ToothInitialNum=ctx.ids.next("toothinitial"), PatNum=patient.pat_num, ToothNum=tooth,
            InitialType=MISSING, SecDateTEntry=charted, SecDateTEdit=charted,
        )


# ---------------------------------------------------------------- prescriptions


def _emit_prescriptions(ctx, patient, chart: Chart, visit: Visit, later: bool, pharmacy: int) -> None:
    rng = stream(ctx.seed, "rxpat", visit.apt_num)
    written = _prescriptions(patient, chart, visit, later, rng)
    if not written:
        return
    assert len(written) <= MAX_RX_PER_VISIT
    hygienists = {p.prov_num for p in ctx.staff.by_role("hygienist")}  # only for visits with prescriptions
    done = (visit.end or visit.start + timedelta(minutes=30)) - timedelta(minutes=rng.randint(0, 10))
    store = ref.PHARMACIES[pharmacy - 1][1]
    for template_num, proc, note in written:
        t = ref.RX_TEMPLATE[template_num]
        # hygienists do not prescribe: the examining dentist does
        prescriber = (visit.dentist or visit.prov_num) if proc.prov_num in hygienists else proc.prov_num
        status = weighted(rng, SEND_WEIGHTS)
        guid = _guid(rng) if status == SENT_ELECTRONICALLY else ""
        ctx.sinks["rxpat"].add(
            RxNum=ctx.ids.next("rxpat"), PatNum=patient.pat_num, RxDate=visit.day, Drug=t.drug, Sig=t.sig,
            Disp=t.disp, Refills=t.refills, ProvNum=prescriber, Notes=note, PharmacyNum=pharmacy,
            IsControlled=t.controlled, DateTStamp=max(done, visit.start),
            SendStatus=status, RxCui=ref.MEDICATION[t.medication].rxcui, ErxGuid=guid,
            ErxPharmacyInfo=store if guid else "", IsProcRequired=t.controlled, ProcNum=proc.proc_num,
            PatientInstruction=t.instruction, ClinicNum=0, UserNum=prescriber,  # DaysOfSupply 0 (R-rxpat-029)
        )


def _guid(rng) -> str:
    text = f"{rng.getrandbits(128):032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _prescriptions(patient, chart: Chart, visit: Visit, later: bool, rng) -> list[tuple[int, object, str]]:
    """(rxdef number, procedure it is for, note) of each prescription written at the visit."""
    by_code = {}
    for p in visit.procedures:
        by_code.setdefault(p.code.code, p)
    codes = by_code.keys()
    if not codes & RX_TRIGGERS:
        return []
    age = _age(patient.birthdate, visit.day)
    allergies = set(chart.allergies)
    plan = []  # (rxdef number, the codes it is for, note)
    if later and codes & PREMED_CODES and _needs_premed(chart):
        premed = _premedication(allergies)
        if premed:
            plan.append((premed, PREMED_CODES, "Antibiotic prophylaxis before the next visit"))
    reason = _antibiotic_reason(codes, rng)
    if reason:
        plan.append((_antibiotic(allergies, rng), *reason))
    plan += _pain_relief(codes, age, chart, allergies, visit.day, rng)
    plan += _aftercare(codes, age, chart, rng)
    return [(rx, by_code[min(codes & group)], note) for rx, group, note in plan]


def _pain_relief(codes, age: int, chart: Chart, allergies: set[int], day: date, rng) -> list[tuple]:
    plan = []
    pain = codes & (SURGERY | EXTRACTION | ENDODONTICS | EMERGENCY)
    odds = 0.85 if codes & SURGERY else 0.5 if codes & EXTRACTION else 0.4 if codes & ENDODONTICS else 0.3
    if pain and age >= 12 and rng.random() < odds:  # younger children take over-the-counter doses
        treated = frozenset(pain - EMERGENCY)
        plan.append((_analgesic(chart, allergies, day, rng), treated or EMERGENCY,
                     "Post-operative pain" if treated else "Toothache"))
    # A short opioid course for severe pain: now and then after surgery, less often after a simple extraction
    # (in a practice without an oral surgeon, the general dentist's extractions give most of them).
    opioid_ok = age >= 18 and ref.ALLERGY_CODEINE not in allergies and not chart.pregnant_on(day)
    opioid_odds = OPIOID_ODDS_SURGERY if codes & OPIOID_SURGERY else OPIOID_ODDS_EXTRACTION if codes & EXTRACTION else 0
    if opioid_odds and opioid_ok and rng.random() < opioid_odds:
        plan.append((ref.RX_NORCO, OPIOID_SURGERY | EXTRACTION, "Severe pain only; short course"))
    return plan


def _aftercare(codes, age: int, chart: Chart, rng) -> list[tuple]:
    if codes & (PERIO_THERAPY | SURGERY) and rng.random() < 0.45:
        return [(ref.RX_CHX, PERIO_THERAPY | SURGERY, "Rinse during healing")]
    if age >= 18 and codes & CLEANINGS and rng.random() < (0.15 if ref.XEROSTOMIA in chart.diseases else 0.02):
        return [(ref.RX_FLUORIDE, CLEANINGS, "High caries risk")]
    return []


def _needs_premed(chart: Chart) -> bool:
    if ref.PROSTHETIC_VALVE in chart.diseases:
        return True
    # Joint replacement: only when the orthopedic surgeon asked for it (decided once per patient).
    return ref.PROSTHETIC_JOINT in chart.diseases and "premedication" in chart.notes[ref.PROSTHETIC_JOINT]


def _premedication(allergies: set[int]) -> int | None:
    if not allergies & ref.PENICILLIN_CLASS:
        return ref.RX_AMOX_PREMED
    return None if allergies & ref.MACROLIDES else ref.RX_AZITH_PREMED


def _antibiotic_reason(codes: set[str], rng) -> tuple[frozenset[str], str] | None:
    if "D7510" in codes:
        return frozenset({"D7510"}), "Abscess"
    if codes & EMERGENCY and rng.random() < 0.35:
        return EMERGENCY, "Infection"
    if "D6010" in codes and rng.random() < 0.6:
        return frozenset({"D6010"}), "Implant surgery"
    if codes & SURGERY and rng.random() < 0.15:
        return SURGERY, "After surgery"
    if codes & ENDODONTICS and rng.random() < 0.15:
        return ENDODONTICS, "Infection"
    return None


def _antibiotic(allergies: set[int], rng) -> int:
    if not allergies & ref.PENICILLIN_CLASS:
        return ref.RX_AMOX if rng.random() < 0.75 else ref.RX_PEN_VK
    clindamycin_ok = ref.ALLERGY_CLINDAMYCIN not in allergies
    if clindamycin_ok and (allergies & ref.MACROLIDES or rng.random() < 0.7):
        return ref.RX_CLINDA
    return ref.RX_ZPAK if not allergies & ref.MACROLIDES else ref.RX_METRO


def _analgesic(chart: Chart, allergies: set[int], day: date, rng) -> int:
    if allergies & ref.NSAIDS or chart.diseases.keys() & ref.NO_NSAID or chart.pregnant_on(day):
        return ref.RX_APAP
    return ref.RX_IBU_600 if rng.random() < 0.6 else ref.RX_IBU_800
