"""Phase 4, clinical: each patient's appointments and procedures, and the procedure notes.

generators/visits.py decides which visits a patient has, for when, and how each one ends; here each is booked
on a day its providers work, given a time, a length as the office books it (appointment.Pattern, one character
per five minutes) and its procedures: a recall visit carries the dentist's exam, the cleaning and the films that
are due; a new patient's first visit a comprehensive exam, films and a cleaning, with the work they already have
charted (existing current or other, conditions); treatment found at an exam is presented and, when accepted, done
at the treatment visits that follow (some through a planned appointment first); the rest stays treatment-planned.
Surgery the practice's own oral surgeon cannot take is referred out; now and then a planned procedure entered by
mistake is deleted.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from generators import calendar, treatment, visits
from generators.context import Context
from generators.diary import Request
from generators.fees import UCR_SCHEDULE, fee_cents
from generators.patients import Patient
from generators.reference.definitions import CATEGORY_CONFIRMATION, def_num_of
from generators.reference.procedure_codes import CODE_NUM, ProcCode
from generators.rng import stream, weighted
from generators.scheduling import FULL_DAYS_SEARCHED, Scheduler, cancellation_day, column_runs
from generators.story import Story

SCHEDULED, COMPLETE, UNSCHEDULED, BROKEN, PLANNED = 1, 2, 3, 5, 6  # AptStatus
# ProcStatus: treatment planned, complete, existing current and other provider, referred out, deleted, condition
TREATMENT_PLANNED, COMPLETED, EXISTING_CURRENT, EXISTING_OTHER, REFERRED, DELETED, CONDITION = 1, 2, 3, 4, 5, 6, 7
# How a visit of visits.py ends, as OpenDental records it: a no-show goes to the Unscheduled List to be
# rescheduled; a late cancellation is a broken appointment (the reading of the dbt project, contract §7).
STATUS_OF = {"kept": COMPLETE, "ahead": SCHEDULED, "no-show": UNSCHEDULED, "cancelled": BROKEN, "planned": PLANNED}
PROCNOTE_RATE = 0.9  # completed procedures with a clinical note (the rest are covered by the visit's other notes)
STANDARD_FEE_RATE = 0.80  # procedures charged exactly the usual fee (the seed's rule); the rest within 1-10%
DELETED_RATE = 0.06  # planned procedures entered twice by mistake, the copy deleted
FOLLOW_UP = "D0140"  # the check at the second visit of a one-procedure case
VISIT_PROCEDURES_PER_ROW = 2.1  # procedures of the visits themselves, per appointment row (measured)
MAX_CHARTED = 20  # existing work charted at one exam, at most (generators/census.py bounds procedures by it)
CONDITION_RATE = 0.35  # a patient with a condition noted at that exam (watched decay, a cracked cusp, ...)
OTHER_PROVIDER = {True: 0.6, False: 0.15}  # existing work done elsewhere (EO) rather than by this office (EC),
# for new and for established patients

# (AppointmentTypeNum, name, minutes, codes) - names from the contract's closed list. Appointments use only types
# whose names the marts accept as well; 0 'None' and the others stay for the types table and its history.
APPOINTMENT_TYPES = (
    (0, "None", 30, ""),
    (1, "Adult Cleaning (Existing Patient)", 60, "D0120,D1110,D0274"),
    (2, "Child Cleaning (Existing Patient)", 40, "D0120,D1120,D1206"),
    (3, "Adult Cleaning (New Patient)", 80, "D0150,D0210,D1110"),
    (4, "Child Cleaning (New Patient)", 50, "D0150,D0272,D1120"),
    (5, "30 Minute Appt", 30, ""),
    (6, "Emergency Pain", 30, "D0140,D0220"),
    (7, "Crown Prep", 90, "D2740,D2950"),
    (8, "......", 60, ""),
    (9, "Implant Consult", 40, "D0140,D0330"),
    (10, "Prophy Child New", 50, "D0150,D1120,D1206"),
    (11, "Adult Recare", 60, "D0120,D1110"),
    (12, "Comp, FMX, 4BWX", 90, "D0150,D0210,D0274"),
)
LONG_TREATMENT_TYPE = 8  # '......', the clinic's generic type for longer treatment visits
SHORT_TREATMENT_TYPE = 5
# Chair time as the office books it, by visit kind (minutes); treatment visits take their procedures' time.
VISIT_MINUTES = {("hygiene", False): 60, ("hygiene", True): 40, ("new", False): 80, ("new", True): 50,
                 ("emergency", False): 30, ("emergency", True): 30}


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
    planned_apt: int = 0  # the planned appointment it belongs to (procedurelog.PlannedAptNum)
    made: tuple = ()  # (when it was entered, AptNum, position): the order of ProcNums (_number_procedures)
    moved: datetime | None = None  # when it was moved onto the visit that rebooked its own


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
    pattern: str = ""  # appointment.Pattern: one character per 5 minutes
    next_apt: int = 0  # the planned appointment this one was scheduled from (appointment.NextAptNum)
    rebooks: int = 0  # the AptNum of the lost visit this one rebooks
    booked_at_checkout: bool = False
    dentist: int = 0  # who examines at the visit (the dentist of its column, or supervising a hygiene visit)
    lost_procedures: list[Procedure] = field(default_factory=list)  # a lost visit's work, numbered, not written
    order: tuple = ()  # (day it was asked for, AptNum): the order of bookings in the book (generators/diary.py)
    planned_codes: list[str] = field(default_factory=list)  # a planned appointment's: all of its case's work
    fate: int = 0  # the AptStatus it will end with (its status once its day has passed)

    @property
    def day(self) -> date:
        return self.start.date()


def bounds(household) -> dict[str, int]:
    procedures = sum(p.procedures for p in household.members)
    return {"appointment": sum(p.appointments for p in household.members), "procedurelog": procedures,
            "procnote": procedures}


def emit_household(ctx: Context, household, stories: list[Story]) -> None:
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        story.visits, story.unscheduled, story.presented = simulate(ctx, story.patient)
        emit(ctx, story.patient, story.visits, story.unscheduled)


def emit_reference(ctx: Context) -> None:
    for order, (num, name, minutes, codes) in enumerate(APPOINTMENT_TYPES):
        ctx.sinks["appointmenttype"].add(
            AppointmentTypeNum=num, AppointmentTypeName=name, AppointmentTypeColor=0x80C0FF - num * 4096,
            ItemOrder=order, IsHidden=False, Pattern=pattern(minutes, hygiene=num in (1, 2, 11)), CodeStr=codes,
            CodeStrRequired="", RequiredProcCodesNeeded=0, BlockoutTypes="",
        )


def pattern(minutes: int, hygiene: bool) -> str:
    """OpenDental's time pattern, one character per 5 minutes (its default time increment): '/' for the
    assistant or hygienist, 'X' for the dentist (the exam near the end of a cleaning)."""
    slots = max(2, round(minutes / 5))
    if hygiene:
        return "/" * (slots - 3) + "XX/"
    return "/" + "X" * (slots - 2) + "/"


def _visit_type(kind: str, child: bool, minutes: int, codes: list[str], rng) -> int:
    if kind == "new":
        return rng.choice([4, 10]) if child else 12
    if kind == "hygiene":
        return 2 if child else 11
    if kind == "emergency":
        return 6
    if codes and (codes[0].startswith("D6") or codes[0] == "D9310"):
        return 9
    return SHORT_TREATMENT_TYPE if minutes <= 30 else LONG_TREATMENT_TYPE


@dataclass
class _Booking:
    """One patient's visits while they are being booked (see booking_steps)."""

    patient: Patient
    life: visits.Life
    plan: visits.Plan
    apt_nums: list[int]
    scheduler: Scheduler
    cases: list
    chart: treatment.Chart
    made: list
    by_case: list


def _start(ctx: Context, patient: Patient) -> _Booking | None:
    person = patient.person
    life = _from_age_one(person.life, patient.birthdate)
    plan = visits.plan(life, ctx.window.as_of, stream(ctx.seed, "recall-rhythm", person.pat_num),
                       stream(ctx.seed, "emergencies", person.pat_num), ctx.window.horizon,
                       lambda exam: stream(ctx.seed, "findings", person.pat_num, exam.target.toordinal(), exam.kind))
    if not plan.slots:
        return None
    child = person.age_group == "child"
    # each case draws from its own stream (keyed by its exam), so cases found later change no earlier one's codes
    cases = [_case_codes(ctx, plan, case, life, child, _case_stream(ctx, person.pat_num, plan.slots[case.found_at]))
             for case in plan.cases]
    return _Booking(patient, life, plan, _appointment_numbers(ctx, plan.slots), Scheduler(ctx, patient), cases,
                    treatment.Chart(), [None] * len(plan.slots), [[] for _ in plan.cases])


def booking_steps(ctx: Context, patient: Patient) -> Iterator[tuple]:
    """Book the patient's visits one at a time, in the order they were made: yields each one's order (day asked
    for, AptNum) before booking it, so that engine.build_book can book every patient's visits in one order
    across the practice; each visit takes its chair in the book as soon as it is booked."""
    story = _start(ctx, patient)
    if story is None:
        return
    for index in _booking_order(story.plan.slots):
        slot = story.plan.slots[index]
        yield (slot.booked.toordinal(), story.apt_nums[index])
        visit = _book_slot(ctx, story, index)
        if visit is not None and visit.status != PLANNED:
            ctx.book.hold(chair_requests([visit])[0])


def _book_slot(ctx: Context, story: _Booking, index: int) -> Visit | None:
    plan, made, cases = story.plan, story.made, story.cases
    slot = plan.slots[index]
    if slot.case >= 0 and cases[slot.case][2]:
        return None  # referred out: no visit here (see _unaccepted)
    child = story.patient.person.age_group == "child"
    # each visit draws from a stream of its own: a visit a later as-of date adds changes no other one
    vrng = stream(ctx.seed, "visit", story.apt_nums[index])
    codes, surgical = _slot_codes(slot, cases, child, story.life.perio, story.chart, vrng)
    lost = made[slot.rebooks] if slot.rebooks >= 0 else None
    moved = lost.lost_procedures if lost is not None else []
    if moved:  # a rebooked visit carries the work of the one it replaces: the same procedures, moved
        codes = [p.code.code for p in moved]
    exam = made[plan.cases[slot.case].found_at] if slot.case >= 0 else None
    visit = _book(ctx, story.scheduler, story.apt_nums[index], slot, codes, surgical, child, made, exam, vrng)
    made[index] = visit
    work = _moved(visit, moved) if moved else _procedures(visit, codes, vrng)
    if visit.status in (COMPLETE, SCHEDULED):
        visit.procedures = work
        if slot.case >= 0:
            story.by_case[slot.case] += visit.procedures
    elif visit.status != PLANNED:  # lost: its work is not on it, but keeps the ProcNums it had while booked
        visit.lost_procedures = work
    return visit


def simulate(ctx: Context, patient: Patient, booking: bool = False) -> tuple[list[Visit], list[Procedure], list]:
    """Appointments and procedures of one patient (rows are written by `emit`), and the treatment presented at
    each exam: (exam visit, its procedures), for the treatment plans (generators/extra/plans.py). `booking`:
    only the visits (a dry run's estimate; the appointment book itself is filled by booking_steps)."""
    person = patient.person
    window = ctx.window
    rng = stream(ctx.seed, "clinical", person.pat_num)  # draws after the visits, in an order the cut leaves alone
    story = _start(ctx, patient)
    if story is None:
        return [], [], []
    plan, made, cases = story.plan, story.made, story.cases
    # in the order the visits were booked: one booked later (such as one a later as-of date adds) can take no day
    # or chair from one booked earlier; a visit is always booked after those it follows from
    for index in _booking_order(plan.slots):
        _book_slot(ctx, story, index)
    if booking:
        return [v for v in made if v is not None], [], []
    unscheduled: list[Procedure] = []
    by_case = story.by_case
    cut = window.midnight
    for index, visit in enumerate(made):  # not made yet on the as-of date: booked later, it is not on file
        if visit is not None and visit.booked >= cut:
            made[index] = None
    by_case = [[p for p in procs if made_on(p, made)] for procs in by_case]
    result = [v for v in made if v is not None]
    _attach_planned(plan, made, cases)
    unscheduled += _unaccepted(ctx, plan, made, cases, by_case)
    unscheduled += _first_exam_chart(ctx, patient, result, rng)
    unscheduled += _deleted(unscheduled, ctx.seed, person.pat_num)
    unscheduled += _not_rebooked(result)
    _number_procedures(ctx, result, unscheduled)
    result.sort(key=lambda v: v.start)
    completed = [v for v in result if v.status == COMPLETE]
    past = [v for v in result if v.status not in (SCHEDULED, PLANNED)]
    if patient.first_visit is None and (completed or past):
        patient.first_visit = (completed or past)[0].day  # the first visit that happened, else the first booked
    if patient.created is None:  # put on file before their first visit was booked
        first_booked = min(v.booked for v in result)
        crng = stream(ctx.seed, "created", person.pat_num)
        patient.created = first_booked - timedelta(days=crng.randrange(0, 3), minutes=crng.randrange(5, 240))
    presented = [(made[case.found_at], by_case[n]) for n, case in enumerate(plan.cases)
                 if by_case[n] and made[case.found_at] is not None and made[case.found_at].status == COMPLETE]
    return result, unscheduled, presented


KIND_ORDER = {"new": 0, "hygiene": 1, "emergency": 2, "treatment": 3}


def _appointment_numbers(ctx: Context, slots: list[visits.Slot]) -> list[int]:
    """AptNums in the order the appointments were made, so that those a later as-of date adds (all made after
    the earlier one) come after every one made before it."""
    numbers = ctx.ids.reserve("appointment", len(slots))
    result = [0] * len(slots)
    for rank, index in enumerate(_booking_order(slots)):
        result[index] = numbers[rank]
    return result


def _booking_order(slots: list[visits.Slot]) -> list[int]:
    """Slot indices in the order the appointments were made (ties: the day asked for, then the kind)."""
    return sorted(range(len(slots)), key=lambda i: (slots[i].booked, slots[i].target, KIND_ORDER[slots[i].kind],
                                                   slots[i].outcome == "planned", slots[i].step, i))


def made_on(procedure: Procedure, made: list) -> bool:
    """Whether a visit's procedure is on file (its visit is)."""
    return any(v is not None and v.apt_num == procedure.apt_num for v in made) if procedure.apt_num else True


def _number_procedures(ctx: Context, visits_: list[Visit], unscheduled: list[Procedure]) -> None:
    """ProcNums in the order the procedures were entered, so those a later as-of date adds come after the rest:
    a visit's when it was booked, charted work when it was charted."""
    work = {id(p): p for v in visits_ if v.status != PLANNED for p in v.procedures + v.lost_procedures}
    entries = [(p.made, p) for p in work.values()]
    # charted work: by when and what; the sort keeps the order of equal ones (work charted together)
    entries += [((p.entered, 0, 0, p.code.code), p) for p in unscheduled if id(p) not in work]
    entries.sort(key=lambda e: e[0])
    numbers = ctx.ids.reserve("procedurelog", len(entries))
    for number, (_, procedure) in zip(numbers, entries):
        procedure.proc_num = number


def _case_stream(ctx: Context, pat_num: int, exam: visits.Slot):
    return stream(ctx.seed, "case", pat_num, exam.target.toordinal(), exam.kind)


def _from_age_one(life: visits.Life, birthdate: date) -> visits.Life:
    """Nobody visits before their first birthday: a young child's life starts then (or not in the window)."""
    first = birthdate + timedelta(days=366)
    if life.start >= first:
        return life
    if life.stop is not None and life.stop <= first:
        return replace(life, profile="none")
    return replace(life, start=first)


def _case_codes(ctx: Context, plan: visits.Plan, case: visits.Case, life: visits.Life, child: bool,
                rng) -> tuple[list[list[str]], bool, bool]:
    """The codes of each visit of a case, whether the oral surgeon does it, and whether it is referred out."""
    exam = plan.slots[case.found_at]
    if exam.kind == "emergency":
        codes = treatment.emergency_follow_up(rng)
        return treatment.split(codes, case.visits), False, False
    if exam.kind == "new" and life.perio and not child:
        return treatment.split(list(treatment.PERIO_THERAPY), 2), False, False
    surgical = not child and rng.random() < treatment.SURGERY_SHARE
    codes = treatment.treatment_codes(child, surgical, rng)
    referred = surgical and not ctx.staff.by_role("specialist")
    if referred and tuple(codes) in treatment.GENERAL_DENTIST_SURGERY:
        surgical = referred = False  # the general dentist extracts it
    return treatment.split(codes, case.visits if len(codes) > 1 else 1), surgical and not referred, referred


def _slot_codes(slot: visits.Slot, cases, child: bool, perio: bool, chart: treatment.Chart,
                rng) -> tuple[list[str], bool]:
    day = slot.target
    if slot.kind == "new":
        return treatment.new_patient_codes(child, perio, day, chart, rng), False
    if slot.kind == "hygiene":
        return treatment.hygiene_codes(child, perio, day, chart, rng), False
    if slot.kind == "emergency":
        return treatment.emergency_codes(rng), False
    steps, surgical, _ = cases[slot.case]
    if slot.outcome == "planned":
        return [c for step in steps for c in step], surgical
    step = steps[slot.step] if slot.step < len(steps) else []
    return step or [FOLLOW_UP], surgical  # a one-code case booked over two visits: the second is a check


def _book(ctx: Context, scheduler: Scheduler, apt_num: int, slot: visits.Slot, codes: list[str], surgical: bool,
          child: bool, made: list, exam: Visit | None, rng) -> Visit:
    window = ctx.window
    minutes = _minutes(slot.kind, child, codes)
    # The day, chair and column follow from how the visit will end (its fate), known when it was booked; only
    # then does the as-of date decide what is seen: a visit on or after it is still ahead (SCHEDULED).
    status = STATUS_OF[slot.fate if slot.outcome == "ahead" and slot.fate else slot.outcome]
    scheduler.order = (slot.booked.toordinal(), apt_num)
    if status == PLANNED:
        # Not on the schedule. OpenDental dates a planned appointment at midnight of the day it is made (the
        # exam's); it is the examining dentist's, whose day it joins (a column holding only planned appointments
        # at midnight would read as a day of one start hour, contract D-appointment-06).
        made_at = exam.start + timedelta(minutes=5 * len(exam.pattern))
        type_num = _visit_type("treatment", child, minutes, codes, rng)
        return Visit(apt_num, "treatment", PLANNED, calendar.at(exam.day, 0), exam.dentist or exam.prov_num, None,
                     type_num, booked=made_at, pattern=pattern(minutes, False), dentist=exam.dentist,
                     planned_codes=codes)
    # The days searched do not depend on the as-of date (only from the day asked for onwards, never earlier), so
    # a later as-of date books every visit already made on the same day; one that lands on or after the as-of
    # date is still ahead then, whatever its outcome will be.
    lo = window.start
    # A visit comes after the visits it follows from: the exam that found its work, the lost visit it rebooks,
    # the visit at whose checkout it was made (moving a visit to a free day must not put it before them).
    lost = made[slot.rebooks] if slot.rebooks >= 0 else None
    during = made[slot.booked_during] if slot.booked_during >= 0 else None
    before = [v.day for v in (exam, lost, during) if v is not None]
    after = max(lo, max(before) + timedelta(days=1)) if before else lo
    hi = max(slot.target, after) + timedelta(days=FULL_DAYS_SEARCHED)
    booked_on = ctx.book.day_of(apt_num) if ctx.book is not None else None
    if booked_on is not None:  # writing the rows: the day and outcome the run booked it with (generators/diary.py)
        day, surgical, status = booked_on
    else:
        day = None
        for earliest in dict.fromkeys((after, lo)):  # in the rare case nothing fits after them, as before
            target = min(max(slot.target, earliest), hi)
            # the surgeon's few days are not overfilled: with no room near the date, a dentist does it
            day = scheduler.book(apt_num, target, earliest, hi, slot.kind, surgical, minutes, overfill=not surgical)
            if day is None and surgical:  # nobody works near that date, or no room: booked with a dentist instead
                surgical = False
                day = scheduler.book(apt_num, target, earliest, hi, slot.kind, False, minutes)
            if day is not None:
                break
        day = day or min(max(slot.target, lo), hi)
        if status == BROKEN:
            day = cancellation_day(ctx.column_days, scheduler, apt_num, day, after, hi, slot.kind, surgical, minutes)
    prov, hyg, dentist = scheduler.providers(apt_num, day, slot.kind, surgical)
    if booked_on is None:
        status = _column_outcome(ctx.column_days, day, prov, status, scheduler.order)
        if ctx.book is not None:
            ctx.book.booked(apt_num, day, surgical, status)
    start = scheduler.start_time(day, minutes, rng)
    if ctx.book is not None and not ctx.book.live:  # the time asked for is drawn all the same: streams stay in step
        start = ctx.book.start(apt_num, day, start)
    if during is not None and during.start < calendar.at(day, 0):  # booked at that visit's checkout
        booked = during.start + timedelta(minutes=5 * len(during.pattern) + rng.randrange(5, 20))
    else:  # a lost visit is rebooked when the office calls the patient back, from the day after it
        made_on = lost.day + timedelta(days=1) if lost is not None else slot.booked
        booked = calendar.at(min(made_on, day - timedelta(days=1)), 8 * 60 + rng.randrange(9 * 60))
    if lost is not None:
        booked = max(booked, lost.start + timedelta(hours=2))
    if exam is not None:  # work found at an exam is booked after it
        booked = max(booked, exam.start + timedelta(minutes=5 * len(exam.pattern) + 5))
    booked = min(booked, start - timedelta(hours=1))
    fate = status
    if day >= window.as_of:
        status = SCHEDULED
    visit = Visit(apt_num, slot.kind, status, start, prov, hyg, _visit_type(slot.kind, child, minutes, codes, rng),
                  booked=booked, pattern=pattern(minutes, hyg is not None), booked_at_checkout=slot.booked_at_checkout,
                  dentist=dentist, order=scheduler.order, fate=fate)
    if slot.planned >= 0 and made[slot.planned] is not None:
        visit.next_apt = made[slot.planned].apt_num
    if slot.rebooks >= 0 and made[slot.rebooks] is not None:
        visit.rebooks = made[slot.rebooks].apt_num
    return visit


def _column_outcome(column_days: dict, day: date, prov: int, status: int, order: tuple) -> int:
    """A late cancellation leaves a hole in a column that otherwise runs: where this chunk has no more kept
    visits in that column that day than broken ones (see scheduling.cancellation_day), the lost visit is a
    no-show instead. A column-day of mostly broken visits is a day the office would have closed, and the dbt
    project's lost-appointment rate counts a broken visit twice and fails above 100%. Chunks are disjoint, so
    the rule holds for the whole practice."""
    if status == BROKEN and not column_runs(column_days, day, prov, order):
        status = UNSCHEDULED
    if status in (COMPLETE, BROKEN):
        # with the order it was booked in: a visit sees only those booked before it (see diary.Book.room)
        column_days.setdefault((day, prov), []).append((order, status == COMPLETE, status == BROKEN))
    return status


LONG_WORK = ("D6", "D7", "D5", "D4260", "D3")  # surgery, implants, dentures, endodontics: up to two hours


def _minutes(kind: str, child: bool, codes: list[str]) -> int:
    if kind == "treatment":
        longest = 120 if any(c.startswith(LONG_WORK) for c in codes) else 90
        return max(30, min(longest, 10 * round(sum(treatment.code(c).minutes for c in codes) / 10)))
    return VISIT_MINUTES[(kind, child)]


def _fee(code: ProcCode, rng) -> int:
    """The usual fee, or a fee overridden by 1% to 10% either way."""
    usual = fee_cents(UCR_SCHEDULE, code.code)
    if rng.random() < STANDARD_FEE_RATE:
        return usual
    return round(usual * (1 + rng.uniform(0.01, 0.10) * rng.choice([-1, 1])))


def _procedures(visit: Visit, codes: list[str], rng) -> list[Procedure]:
    done = visit.status == COMPLETE
    procedures = []
    for k, code_text in enumerate(codes):
        code = treatment.code(code_text)
        entered = visit.start + timedelta(minutes=30) if done else visit.booked
        procedures.append(Procedure(0, code, COMPLETED if done else TREATMENT_PLANNED,
                                    visit.day, _fee(code, rng), _provider(visit, code), visit.apt_num, entered,
                                    planned_apt=visit.next_apt, made=(visit.booked, visit.apt_num, k, "")))
    return procedures


def _provider(visit: Visit, code: ProcCode) -> int:
    """Who does a procedure of the visit: the hygienist their hygiene work, the examining dentist the rest."""
    return visit.prov_hyg if code.hygiene and visit.prov_hyg else (visit.dentist or visit.prov_num)


def _not_rebooked(visits_: list[Visit]) -> list[Procedure]:
    """The work of lost visits not (yet) on a visit that rebooks them: still treatment-planned, on no appointment
    (OpenDental's unscheduled treatment), dated the lost visit's day and changed when it was lost."""
    shown = {v.apt_num for v in visits_}
    left: dict[int, Procedure] = {}
    for visit in sorted(visits_, key=lambda v: v.order or (0, 0)):
        for p in visit.lost_procedures:
            if p.apt_num not in shown or p.apt_num == visit.apt_num:
                p.status, p.apt_num, p.day = TREATMENT_PLANNED, 0, visit.day
                p.moved = visit.start + timedelta(minutes=5)
                left[id(p)] = p
            else:
                left.pop(id(p), None)
    return list(left.values())


def _moved(visit: Visit, procedures: list[Procedure]) -> list[Procedure]:
    """A lost visit's procedures, moved onto the visit that rebooks it (ProcNum and fee kept)."""
    done = visit.status == COMPLETE
    for p in procedures:
        p.status, p.day, p.apt_num, p.planned_apt = COMPLETED if done else TREATMENT_PLANNED, visit.day, \
            visit.apt_num, visit.next_apt
        p.prov_num = _provider(visit, p.code)
        if done:
            p.entered = visit.start + timedelta(minutes=30)
        p.moved = visit.booked
    return procedures


def _attach_planned(plan: visits.Plan, made: list, cases) -> None:
    """A planned appointment lists the procedures of its case; once scheduled, those procedures are the
    scheduled visits' (PlannedAptNum names the planned appointment on each)."""
    for index, slot in enumerate(plan.slots):
        if slot.outcome != "planned":
            continue
        planned = made[index]
        if planned is None:
            continue
        done = [v for i, v in enumerate(made) if v is not None and plan.slots[i].planned == index and v.procedures]
        planned.procedures = [p for v in done for p in v.procedures]


def _unaccepted(ctx: Context, plan: visits.Plan, made: list, cases, by_case: list) -> list[Procedure]:
    """Treatment presented but not accepted (or accepted and planned, not yet scheduled): treatment-planned
    procedures with no appointment; referred-out work is charted as referred."""
    result = []
    for number, case in enumerate(plan.cases):
        exam = made[case.found_at]
        if exam is None or exam.status != COMPLETE:
            continue
        rng = stream(ctx.seed, "unaccepted", exam.apt_num)  # its own stream: cases found later change nothing here
        steps, _, referred = cases[number]
        planned = next((i for i, s in enumerate(plan.slots) if s.case == number and s.outcome == "planned"), -1)
        scheduled = any(s.case == number and s.outcome in ("kept", "ahead") for s in plan.slots)
        if case.accepted and scheduled and not referred:
            continue
        status = REFERRED if referred else TREATMENT_PLANNED
        planned_apt = made[planned].apt_num if planned >= 0 and made[planned] is not None else 0
        entered = exam.start + timedelta(minutes=45)
        codes = [c for step in steps for c in step]
        procs = [Procedure(0, treatment.code(c), status, exam.day,
                           _fee(treatment.code(c), rng), exam.dentist or exam.prov_num, 0, entered,
                           planned_apt=planned_apt)
                 for c in codes]
        if planned_apt:
            made[planned].procedures = procs
        by_case[number] += procs
        result += procs
    return result


def charting_mean(procedures: int, expected_rows: float, seen: int) -> float:
    """How much existing work a first exam charts on average, so that the procedures come to about the number
    asked for (the visits' own procedures follow from the visits)."""
    return max(0.0, min(MAX_CHARTED / 2, (procedures - VISIT_PROCEDURES_PER_ROW * expected_rows) / max(seen, 1)))


def _poisson(mean: float, rng, cap: int) -> int:
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit and count < cap:
        count += 1
        product *= rng.random()
    return count


def _first_exam_chart(ctx: Context, patient: Patient, result: list[Visit], rng) -> list[Procedure]:
    """At the patient's first exam of the window: the work they already have (done here before, or elsewhere) and
    conditions to watch, charted with no fee."""
    first = next((v for v in sorted(result, key=lambda v: v.start) if v.status == COMPLETE
                  and v.kind in ("new", "hygiene", "emergency")), None)
    if first is None:
        return []
    entered = first.start + timedelta(minutes=20)
    elsewhere = OTHER_PROVIDER[patient.person.new_patient]
    charted = []
    for _ in range(_poisson(ctx.charting_mean, rng, MAX_CHARTED)):
        code = treatment.code(weighted(rng, treatment.EXISTING_WORK))
        charted.append((code, EXISTING_OTHER if rng.random() < elsewhere else EXISTING_CURRENT))
    if rng.random() < CONDITION_RATE:
        charted.append((treatment.code(weighted(rng, treatment.CONDITIONS)), CONDITION))
    return [Procedure(0, code, status, first.day, 0, first.dentist or first.prov_num, 0,
                      entered) for code, status in charted]


def _deleted(unscheduled: list[Procedure], seed: int, pat_num: int) -> list[Procedure]:
    """A planned procedure entered twice by mistake, the copy deleted the same day."""
    planned = [p for p in unscheduled if p.status == TREATMENT_PLANNED]
    return [Procedure(0, p.code, DELETED, p.day, p.fee, p.prov_num, 0,
                      p.entered + timedelta(minutes=2)) for p in planned
            if stream(seed, "deleted", pat_num, p.entered.isoformat(), p.code.code).random() < DELETED_RATE]


def emit(ctx: Context, patient: Patient, visits_: list[Visit], unscheduled: list[Procedure]) -> None:
    front = ctx.staff.users_by_role("front")
    child = patient.person.age_group == "child"
    confirmed = def_num_of(CATEGORY_CONFIRMATION, "Confirmed")
    unconfirmed = def_num_of(CATEGORY_CONFIRMATION, "Unconfirmed")
    for visit in visits_:
        rng = stream(ctx.seed, "appointment-row", visit.apt_num)  # each row its own stream (see simulate)
        booked = visit.booked
        arrived = seated = dismissed = None
        stamp = booked
        minutes = 5 * len(visit.pattern)
        if visit.status == COMPLETE:
            arrived = visit.start + timedelta(minutes=rng.randint(-15, 5))
            seated = max(arrived, visit.start - timedelta(minutes=5)) + timedelta(minutes=rng.randint(0, 10))
            dismissed = seated + timedelta(minutes=round(minutes * rng.uniform(0.85, 1.15)))
            visit.end = dismissed
            stamp = dismissed + timedelta(minutes=rng.randint(1, 30))
            patient.touch(stamp)
        elif visit.status in (BROKEN, UNSCHEDULED):
            stamp = visit.start + timedelta(minutes=rng.randint(5, 120))
            patient.touch(stamp)
        else:
            patient.touch(booked)
        stamp = min(stamp, ctx.window.end_of_data)
        on_list = visit.status == UNSCHEDULED  # OpenDental takes an appointment off its chair on the list
        ctx.sinks["appointment"].add(
            AptNum=visit.apt_num, PatNum=patient.pat_num, AptStatus=visit.status, Pattern=visit.pattern,
            Confirmed=confirmed if visit.status in (COMPLETE, BROKEN) else unconfirmed,
            Op=0 if on_list or visit.status == PLANNED else _operatory(ctx, visit), ProvNum=visit.prov_num,
            ProvHyg=visit.prov_hyg, AptDateTime=visit.start, IsNewPatient=visit.kind == "new",
            ProcDescript=description(visit), ClinicNum=0,
            IsHygiene=visit.prov_hyg is not None, DateTStamp=stamp, DateTimeArrived=arrived, DateTimeSeated=seated,
            DateTimeDismissed=dismissed, AppointmentTypeNum=visit.type_num, NextAptNum=visit.next_apt,
            SecUserNumEntry=front[visit.apt_num % len(front)].user_num, SecDateTEntry=booked,
        )
        if visit.status != PLANNED:
            for proc in visit.procedures:
                _emit_procedure(ctx, patient, proc, child, done_at=dismissed)
    for proc in unscheduled:
        _emit_procedure(ctx, patient, proc, child, done_at=None)


def description(visit: Visit, as_booked: bool = False) -> str:
    """appointment.ProcDescript: the procedures on it; a planned appointment's are its case's, known when it is
    made at the exam (not only those booked so far). `as_booked`: a lost visit's too, as it was booked (for its
    history rows)."""
    if visit.status == PLANNED and visit.planned_codes:
        return ", ".join(treatment.code(c).abbr for c in visit.planned_codes)
    return ", ".join(p.code.abbr for p in visit.procedures or (visit.lost_procedures if as_booked else []))


def chair_requests(visits_: list[Visit]) -> list[Request]:
    """The visits that hold a chair in the book, for generators/diary.py: every one on the schedule (all but planned
    appointments), whatever became of it: the chair was kept for it from the day it was booked, and whether a visit
    holds one must not change when a later as-of date learns how it ended."""
    return [Request(v.apt_num, v.day, v.prov_hyg or v.prov_num, 5 * len(v.pattern), v.start.hour * 60 + v.start.minute,
                    v.booked, v.prov_num) for v in visits_ if v.status != PLANNED]


def _operatory(ctx: Context, visit: Visit) -> int:
    chair = ctx.book.chair(visit.apt_num, visit.day) if ctx.book is not None else None
    if chair is not None:
        return chair
    owner = visit.prov_hyg or visit.prov_num
    provider = ctx.staff.provider(owner)
    return provider.operatories[visit.apt_num % len(provider.operatories)] if provider.operatories else 0


def _emit_procedure(ctx: Context, patient: Patient, proc: Procedure, child: bool, done_at) -> None:
    rng = stream(ctx.seed, "procedure-row", proc.proc_num)
    tooth, surf = proc.site = treatment.site(proc.code, child, rng)
    done = proc.status == COMPLETED
    stamp = max(done_at or proc.entered, proc.moved or proc.entered) + timedelta(minutes=rng.randint(1, 20))
    stamp = min(stamp, ctx.window.end_of_data)
    entry_user = proc.prov_num if done else ctx.staff.users_by_role("front")[0].user_num
    ctx.sinks["procedurelog"].add(
        ProcNum=proc.proc_num, PatNum=patient.pat_num, AptNum=proc.apt_num, ProcDate=proc.day, ProcFee=proc.fee / 100,
        Surf=surf, ToothNum=tooth, ProcStatus=proc.status, ProvNum=proc.prov_num, PlaceService=0,
        DateEntryC=proc.entered.date(), ClinicNum=0, BillingTypeOne=0, BillingTypeTwo=0,
        CodeNum=CODE_NUM[proc.code.code], UnitQty=1, DateTP=proc.entered.date(), DateTStamp=stamp, StatementNum=0,
        SecUserNumEntry=entry_user, SecDateEntry=proc.entered, DateComplete=proc.day if done else None,
        PlannedAptNum=proc.planned_apt,
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

