"""Phase 4, clinical: each patient's appointments and procedures, procedure notes and recalls.

A patient's appointments are spread over their part of the window and booked on days their providers
work. Past appointments are completed, broken or no-shows; the last one may be booked ahead. Completed
visits carry completed procedures; the rest stay treatment-planned, as does work diagnosed but not
yet scheduled.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from generators import calendar, treatment
from generators.context import Context
from generators.fees import UCR_SCHEDULE, fee_cents
from generators.patients import Patient
from generators.reference.definitions import CATEGORY_CONFIRMATION, def_num_of
from generators.reference.procedure_codes import CODE_NUM, ProcCode
from generators.rng import stream, weighted
from generators.staff import Provider
from generators.story import Story

COMPLETE, SCHEDULED, UNSCHEDULED, BROKEN = 2, 1, 3, 5
TREATMENT_PLANNED, COMPLETED = 1, 2
PROCNOTE_RATE = 0.75
# How a past appointment ends when it is not completed: broken (cancelled late) or a no-show.
MISSED_STATUSES = {BROKEN: 0.6, UNSCHEDULED: 0.4}
VISIT_KINDS = {"hygiene": 0.55, "treatment": 0.35, "emergency": 0.10}
EXTRA_PROCEDURE_WEIGHT = {"new": 3.0, "hygiene": 2.0, "treatment": 1.5, "emergency": 0.5, "plan": 1.0}

# (AppointmentTypeNum, name, minutes, codes) - names from the contract's closed list.
APPOINTMENT_TYPES = (
    (0, "None", 30, ""),
    (1, "Adult Cleaning (Existing Patient)", 60, "D0120,D1110,D0274"),
    (2, "Child Cleaning (Existing Patient)", 40, "D0120,D1120,D1208"),
    (3, "Adult Cleaning (New Patient)", 80, "D0150,D0210,D1110"),
    (4, "Child Cleaning (New Patient)", 50, "D0150,D0272,D1120"),
    (5, "30 Minute Appt", 30, ""),
    (6, "Emergency Pain", 30, "D0140,D0220"),
    (7, "Crown Prep", 90, "D2740,D2950"),
    (8, "WebSched New Patient Default", 60, "D0150,D0274,D1110"),
    (9, "Implant Consult", 40, "D0140,D0330"),
    (10, "Prophy Child New", 50, "D0150,D1120,D1208"),
    (11, "Adult Recare", 60, "D0120,D1110"),
    (12, "Comp, FMX, 4BWX", 90, "D0150,D0210,D0274"),
)


@dataclass(slots=True)
class Procedure:
    proc_num: int
    code: ProcCode
    status: int
    day: date
    fee: int  # cents
    prov_num: int
    apt_num: int
    entered: datetime
    site: tuple[str, str] = ("", "")  # (ToothNum, Surf), drawn when the procedurelog row is written


@dataclass(slots=True)
class Visit:
    apt_num: int
    kind: str
    status: int
    start: datetime
    prov_num: int
    prov_hyg: int | None
    type_num: int
    booked: datetime | None = None  # when the appointment was made
    procedures: list[Procedure] = field(default_factory=list)
    end: datetime | None = None

    @property
    def day(self) -> date:
        return self.start.date()


def bounds(household) -> dict[str, int]:
    procedures = sum(p.procedures for p in household.members)
    return {"appointment": sum(p.appointments for p in household.members), "procedurelog": procedures,
            "procnote": procedures}


def emit_household(ctx: Context, household, stories: list[Story]) -> None:
    for story in stories:
        story.visits, story.unscheduled = simulate(ctx, story.patient)
        emit(ctx, story.patient, story.visits, story.unscheduled)


def emit_reference(ctx: Context) -> None:
    for order, (num, name, minutes, codes) in enumerate(APPOINTMENT_TYPES):
        ctx.sinks["appointmenttype"].add(
            AppointmentTypeNum=num, AppointmentTypeName=name, AppointmentTypeColor=0x80C0FF - num * 4096,
            ItemOrder=order, IsHidden=False, Pattern=_pattern(minutes, hygiene=num in (1, 2, 11)), CodeStr=codes,
            CodeStrRequired="", RequiredProcCodesNeeded=0, BlockoutTypes="",
        )


def _pattern(minutes: int, hygiene: bool) -> str:
    """OpenDental time pattern, one character per 10 minutes ('/' assistant or hygienist, 'X' doctor)."""
    slots = max(2, round(minutes / 10))
    if hygiene:
        return "/" * (slots - 2) + "XX"
    return "/" + "X" * (slots - 2) + "/"


def _visit_type(kind: str, child: bool, codes: list[str], rng) -> int:
    if kind == "new":
        if child:
            return rng.choice([4, 10])
        return rng.choice([12, 3, 8])
    if kind == "hygiene":
        return 2 if child else rng.choice([1, 11])
    if kind == "emergency":
        return 6
    if codes[0] in ("D2740", "D2750", "D2790", "D2954"):
        return 7
    if codes[0].startswith("D6") or codes[0] == "D9310":
        return 9
    return 5 if treatment.code(codes[0]).minutes <= 40 else 0


# Visit dates and dentist columns come from a Kronecker (golden-ratio) sequence indexed by AptNum rather
# than from independent draws: every day and every dentist then gets almost exactly its share of the
# appointments, so a large practice never piles 100 visits onto one provider-day (contract
# D-appointment-06), and chunks stay independent because AptNum is planned (idplan.py).
GOLDEN = 0.6180339887498949  # frac of the golden ratio: consecutive ids land far apart
ROOT2 = 0.4142135623730951  # frac of sqrt(2): an independent second coordinate (the dentist)
ROOT3 = 0.7320508075688772  # frac of sqrt(3): a third (the day of the week a moved visit takes)


def _spread(index: int, seed: int, step: float) -> float:
    return (index * step + seed * 0.7548776662466927) % 1.0


class _Scheduler:
    """Finds a day, providers and a time for a visit."""

    def __init__(self, ctx: Context, patient: Patient, rng):
        self.staff = ctx.staff
        self.seed = ctx.seed
        self.open_days = ctx.window.open_days
        self.patient = patient
        self.rng = rng
        self.taken: set[date] = set()  # one visit a day per patient

    def working(self, role: str, day: date) -> list[Provider]:
        return self.staff.working(role, day)

    def target(self, apt_num: int, lo: date, hi: date) -> date:
        """The open day this appointment's place in the sequence falls on, between lo and hi."""
        days = self.open_days
        first, last = bisect.bisect_left(days, lo), bisect.bisect_right(days, hi)
        if first >= last:
            return lo
        return days[first + int(_spread(apt_num, self.seed, GOLDEN) * (last - first))]

    def book(self, apt_num: int, target: date, lo: date, hi: date, kind: str, surgical: bool):
        """`target` when the visit can be seen then; else one of the days it can in the week either side
        (spread by AptNum, so that a surgeon working three days a week gets a third of the surgery on each
        rather than all of it on his first day after a gap); else the nearest day further out. None if none."""
        role = "specialist" if surgical else "dentist"

        def free(day: date) -> bool:
            return (lo <= day <= hi and day not in self.taken and bool(self.working(role, day))
                    and (kind != "hygiene" or bool(self.working("hygienist", day))))

        if free(target):
            day = target
        else:  # a day of the week either side, else further out
            near = [d for d in (target + timedelta(days=k) for k in range(-7, 8)) if free(d)]
            day = near[int(_spread(apt_num, self.seed, ROOT3) * len(near))] if near else None
            further = (target + timedelta(days=k) for k in (*range(8, 21), *range(-8, -21, -1)))
            day = day or next((d for d in further if free(d)), None)
        if day is not None:
            self.taken.add(day)
        return day

    def providers(self, apt_num: int, day: date, kind: str, surgical: bool) -> tuple[int, int | None]:
        column = _spread(apt_num, self.seed, ROOT2)
        if surgical:
            surgeons = self.working("specialist", day)
            return surgeons[int(column * len(surgeons))].prov_num, None
        dentists = self.working("dentist", day)
        dentist = dentists[int(column * len(dentists))].prov_num  # a group practice: whoever's column is free
        if kind not in ("hygiene", "new"):
            return dentist, None
        hygienists = self.working("hygienist", day)
        if not hygienists:
            return dentist, None
        own = [h for h in hygienists if h.prov_num == self.patient.sec_prov]
        return dentist, (own or [self.rng.choice(hygienists)])[0].prov_num

    def start_time(self, day: date) -> datetime:
        first, last = self.staff.opening_minutes
        return calendar.at(day, first + 10 * self.rng.randrange((last - first) // 10 + 1))


def _past_range(ctx: Context, patient: Patient) -> tuple[date, date]:
    """The days a patient's past visits may fall on."""
    window = ctx.window
    hi = window.last_day
    lo = max(window.start, min(patient.birthdate + timedelta(days=365), hi))  # nobody visits before age one
    share = {2: 0.5, 3: 0.25, 4: 0.6}.get(patient.person.status, 1.0)  # inactive patients stopped coming
    return lo, lo + timedelta(days=int((hi - lo).days * share))


def simulate(ctx: Context, patient: Patient) -> tuple[list[Visit], list[Procedure]]:
    """Appointments and procedures of one patient (rows are written by `emit`)."""
    person = patient.person
    if person.appointments == 0:
        return [], []
    rng = stream(ctx.seed, "clinical", person.pat_num)
    child = person.age_group == "child"
    window = ctx.window
    booked_ahead = person.booked_ahead
    past_count = person.appointments - (1 if booked_ahead else 0)
    scheduler = _Scheduler(ctx, patient, rng)
    standard = set(rng.sample(range(person.procedures), person.standard_fees))
    fees = iter(k in standard for k in range(person.procedures))  # which procedures carry the usual fee
    apt_nums = ctx.ids.reserve("appointment", person.appointments)

    # (AptNum, target day, future): past visits in date order, then the one booked ahead
    lo, hi = _past_range(ctx, patient)
    slots = sorted(((n, scheduler.target(n, lo, hi), False) for n in apt_nums[:past_count]), key=lambda s: s[1])
    if booked_ahead:
        first_future = window.as_of + timedelta(days=1)
        slots.append((apt_nums[-1], scheduler.target(apt_nums[-1], first_future, window.booking_horizon), True))
    plans: list[tuple[str, list[str]]] = []
    for k, (_, _, future) in enumerate(slots):
        if future:
            kind = "hygiene" if rng.random() < 0.6 else "treatment"
        else:
            kind = "new" if k == 0 and person.new_patient else weighted(rng, VISIT_KINDS)
        plans.append((kind, _codes_for(kind, child, patient.perio, rng)))

    counts = _procedure_counts(person.procedures, [p[0] for p in plans], person.status == 0, rng)
    first = 1 if person.new_patient and past_count else 0
    kept = set(range(first)) | set(rng.sample(range(first, past_count), person.kept - first))
    visits: list[Visit] = []
    for k, ((apt_num, target, future), (kind, codes), count) in enumerate(zip(slots, plans, counts)):
        surgical = kind == "treatment" and treatment.is_surgical(codes)
        span = (window.as_of + timedelta(days=1), window.booking_horizon) if future else (lo, hi)
        day = scheduler.book(apt_num, target, *span, kind, surgical)
        if day is None:  # nobody works near that date: book with a dentist instead
            surgical = False
            day = scheduler.book(apt_num, target, *span, kind, False) or target
        prov, hyg = scheduler.providers(apt_num, day, kind, surgical)
        if future:
            status = SCHEDULED
        elif k in kept:
            status = COMPLETE
        else:
            status = weighted(rng, MISSED_STATUSES)
        visit = Visit(apt_num, kind, status, scheduler.start_time(day), prov, hyg, _visit_type(kind, child, codes, rng))
        visit.booked = _booked_at(ctx, visit, rng)
        visit.procedures = _procedures(ctx, visit, treatment.fill(codes, count, rng), fees, rng)
        visits.append(visit)
    visits.sort(key=lambda v: v.start)
    unscheduled = _unscheduled_plan(ctx, visits, counts[len(plans):], child, fees, rng)
    past = [v for v in visits if v.status != SCHEDULED]
    completed = [v for v in past if v.status == COMPLETE]
    if patient.first_visit is None and (completed or past):
        patient.first_visit = (completed or past)[0].day  # the first visit that happened, else the first booked
    if patient.created is None and patient.first_visit:
        patient.created = calendar.at(patient.first_visit, 7 * 60 + rng.randrange(60)) - timedelta(
            days=rng.randrange(1, 21))
    return visits, unscheduled


def _codes_for(kind: str, child: bool, perio: bool, rng) -> list[str]:
    if kind == "new":
        return treatment.new_patient_codes(child, perio)
    if kind == "hygiene":
        return treatment.hygiene_codes(child, perio, rng)
    if kind == "emergency":
        return treatment.emergency_codes(rng)
    surgical = not child and rng.random() < treatment.SURGERY_SHARE
    return treatment.treatment_codes(child, surgical, rng)


def _procedure_counts(total: int, kinds: list[str], active: bool, rng) -> list[int]:
    """One procedure per visit, the rest spread by visit kind; a last slot holds unscheduled planned work."""
    buckets = kinds + (["plan"] if active else [])
    counts = [1] * len(kinds) + ([0] if active else [])
    extras = total - len(kinds)
    if extras > 0:
        weights = [EXTRA_PROCEDURE_WEIGHT[k] for k in buckets]
        for i in rng.choices(range(len(buckets)), weights=weights, k=extras):
            counts[i] += 1
    return counts


def _fee(code: ProcCode, standard: bool, rng) -> int:
    """The usual fee, or a fee overridden by 1% to 10% either way."""
    usual = fee_cents(UCR_SCHEDULE, code.code)
    if standard:
        return usual
    return round(usual * (1 + rng.uniform(0.01, 0.10) * rng.choice([-1, 1])))


def _procedures(ctx: Context, visit: Visit, codes: list[str], fees, rng) -> list[Procedure]:
    done = visit.status == COMPLETE
    procedures = []
    for code_text in codes:
        code = treatment.code(code_text)
        prov = visit.prov_hyg if code.hygiene and visit.prov_hyg else visit.prov_num
        entered = visit.start + timedelta(minutes=30) if done else visit.booked
        procedures.append(Procedure(ctx.ids.next("procedurelog"), code, COMPLETED if done else TREATMENT_PLANNED,
                                    visit.day, _fee(code, next(fees), rng), prov, visit.apt_num, entered))
    return procedures


def _booked_at(ctx: Context, visit: Visit, rng) -> datetime:
    """When the appointment was made: days to weeks ahead, never after the end of the data."""
    booked = visit.start - timedelta(days=rng.randrange(1, 60), hours=rng.randrange(6))
    return min(booked, ctx.window.end_of_data - timedelta(hours=rng.randrange(1, 48)))


def _unscheduled_plan(ctx, visits, rest: list[int], child: bool, fees, rng) -> list[Procedure]:
    """Work diagnosed at the last completed visit that the patient has not booked yet."""
    count = rest[0] if rest else 0
    if count == 0:
        return []
    completed = [v for v in visits if v.status == COMPLETE]
    anchor = completed[-1] if completed else visits[0]
    codes = treatment.fill(treatment.treatment_codes(child, False, rng), count, rng)
    entered = anchor.start + timedelta(minutes=45)
    return [Procedure(ctx.ids.next("procedurelog"), treatment.code(c), TREATMENT_PLANNED, anchor.day,
                      _fee(treatment.code(c), next(fees), rng), anchor.prov_num, 0, entered) for c in codes]


def emit(ctx: Context, patient: Patient, visits: list[Visit], unscheduled: list[Procedure]) -> None:
    rng = stream(ctx.seed, "clinical-rows", patient.pat_num)
    front = ctx.staff.users_by_role("front")
    child = patient.person.age_group == "child"
    confirmed = def_num_of(CATEGORY_CONFIRMATION, "Confirmed")
    unconfirmed = def_num_of(CATEGORY_CONFIRMATION, "Unconfirmed")
    for visit in visits:
        minutes = max(20, min(120, sum(p.code.minutes for p in visit.procedures)))
        booked = visit.booked
        arrived = seated = dismissed = None
        stamp = booked
        if visit.status == COMPLETE:
            arrived = visit.start + timedelta(minutes=rng.randint(-15, 10))
            seated = arrived + timedelta(minutes=rng.randint(0, 20))
            dismissed = seated + timedelta(minutes=minutes + rng.randint(-5, 15))
            visit.end = dismissed
            stamp = dismissed + timedelta(minutes=rng.randint(1, 30))
            patient.touch(stamp)
        elif visit.status in (BROKEN, UNSCHEDULED):
            stamp = visit.start + timedelta(minutes=rng.randint(5, 120))
            patient.touch(stamp)
        else:
            patient.touch(booked)
        ctx.sinks["appointment"].add(
            AptNum=visit.apt_num, PatNum=patient.pat_num, AptStatus=visit.status,
            Pattern=_pattern(minutes, hygiene=visit.prov_hyg is not None),
            Confirmed=confirmed if visit.status in (COMPLETE, BROKEN) else unconfirmed, Op=_operatory(ctx, visit),
            ProvNum=visit.prov_num, ProvHyg=visit.prov_hyg, AptDateTime=visit.start, IsNewPatient=visit.kind == "new",
            ProcDescript=", ".join(p.code.abbr for p in visit.procedures), ClinicNum=0,
            IsHygiene=visit.prov_hyg is not None, DateTStamp=stamp, DateTimeArrived=arrived, DateTimeSeated=seated,
            DateTimeDismissed=dismissed, AppointmentTypeNum=visit.type_num,
            SecUserNumEntry=front[visit.apt_num % len(front)].user_num, SecDateTEntry=booked,
        )
        for proc in visit.procedures:
            _emit_procedure(ctx, patient, proc, child, rng, done_at=dismissed)
    for proc in unscheduled:
        _emit_procedure(ctx, patient, proc, child, rng, done_at=None)


def _operatory(ctx: Context, visit: Visit) -> int:
    staff = ctx.staff
    owner = visit.prov_hyg or visit.prov_num
    provider = next(p for p in staff.providers if p.prov_num == owner)
    return provider.operatories[visit.apt_num % len(provider.operatories)] if provider.operatories else 0


def _emit_procedure(ctx: Context, patient: Patient, proc: Procedure, child: bool, rng, done_at) -> None:
    tooth, surf = proc.site = treatment.site(proc.code, child, rng)
    done = proc.status == COMPLETED
    stamp = (done_at or proc.entered) + timedelta(minutes=rng.randint(1, 20))
    stamp = min(stamp, ctx.window.end_of_data)
    entry_user = proc.prov_num if done else ctx.staff.users_by_role("front")[0].user_num
    ctx.sinks["procedurelog"].add(
        ProcNum=proc.proc_num, PatNum=patient.pat_num, AptNum=proc.apt_num, ProcDate=proc.day, ProcFee=proc.fee / 100,
        Surf=surf, ToothNum=tooth, ProcStatus=proc.status, ProvNum=proc.prov_num, PlaceService=0,
        DateEntryC=proc.entered.date(), ClinicNum=0, BillingTypeOne=0, BillingTypeTwo=0,
        CodeNum=CODE_NUM[proc.code.code], UnitQty=1, DateTP=proc.entered.date(), DateTStamp=stamp, StatementNum=0,
        SecUserNumEntry=entry_user, SecDateEntry=proc.entered, DateComplete=proc.day if done else None,
    )
    if done and done_at and rng.random() < PROCNOTE_RATE:
        note_at = min(done_at + timedelta(minutes=rng.randint(2, 45)), ctx.window.end_of_data)
        ctx.sinks["procnote"].add(
            ProcNoteNum=ctx.ids.next("procnote"), PatNum=patient.pat_num, ProcNum=proc.proc_num, EntryDateTime=note_at,
            UserNum=proc.prov_num, Note=_clinical_note(proc.code, rng),
        )


CLINICAL_NOTES = {
    "D0": ("Medical history reviewed; no changes. Findings discussed with patient.",
           "Exam completed. Oral cancer screening negative. Radiographs reviewed.",
           "Reviewed findings and recommended treatment; patient had questions answered."),
    "D1": ("Light calculus, generalized. OHI given; patient tolerated well.",
           "Moderate plaque on lower anteriors. Reviewed flossing technique.",
           "Prophy completed with ultrasonic and hand scaling. Polished, flossed."),
    "D2": ("Topical and local anesthetic. Isolation with rubber dam. Restoration placed and checked.",
           "Prep completed, shade matched, temporary cemented. Bite checked.",
           "Decay removed, liner placed, restored. Occlusion adjusted; patient comfortable."),
    "D3": ("Canals located, cleaned and shaped, obturated. Temporary placed.",
           "Pulp vital on testing; treatment completed without complications."),
    "D4": ("SRP completed with local anesthetic. Post-op instructions given.",
           "Perio maintenance completed; pocket depths charted and reviewed."),
    "D5": ("Denture delivered; adjusted pressure spots. Care instructions given.",
           "Impressions taken for denture; shade and mold selected."),
    "D6": ("Implant placed with good primary stability. Post-op instructions reviewed.",
           "Implant restoration seated and torqued; occlusion verified."),
    "D7": ("Extraction completed without complications. Gauze given, post-op instructions reviewed.",
           "Surgical extraction with sectioning. Sutures placed; follow-up in one week."),
    "D8": ("Ortho records taken; treatment options discussed.",),
    "D9": ("Patient comfortable at dismissal. No adverse reaction.",
           "Appliance fitted and adjusted; wear instructions given."),
}


def _clinical_note(code: ProcCode, rng) -> str:
    return f"{code.code} {code.abbr}: {rng.choice(CLINICAL_NOTES.get(code.code[:2], CLINICAL_NOTES['D9']))}"
