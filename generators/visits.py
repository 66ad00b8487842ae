"""A patient's appointments as a practice books them, lived forward in time: which visits, for when, booked when,
and how each one ends. No rows are written here; generators/clinical.py books the days and fills the chairs.

A recall patient comes back every six months (perio patients every three to four), and at each checkout most book
the next visit there and then; the rest are reminded and book later, some of them late. The exam at a recall or
new-patient visit finds treatment now and then; the patient accepts part of it, and that work is booked in the
following weeks, some of it through a planned appointment first. A few visits are lost (no-shows and late
cancellations) and rebooked a week or two later. Patients also have emergencies; some stop coming (they lapse),
and new patients arrive throughout the window. The as-of date only cuts this story: what lies after it is booked
ahead (or still only planned), and nothing before it depends on where the cut falls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
HYGIENE_INTERVAL = 182  # days between recall visits: six months
PERIO_INTERVAL = (90, 120)  # perio maintenance: three to four months
INTERVAL_JITTER = 10  # the next visit lands this many days either side of the due date
BOOKED_AT_CHECKOUT = 0.93  # hygiene patients who leave with their next visit booked
LATE_RECALL_DAYS = (10, 75)  # how late a patient who did not pre-book comes back
# Of booked visits, as drawn. Published rates are about 3% no-shows and 5% late cancellations; a cancellation
# that finds no day nearby on which its column runs becomes a no-show (clinical._cancellation_day), about three
# in ten, so the draws lean to cancellations and land near 3% and 4.5%.
NO_SHOW, CANCELLATION = 0.01, 0.066
REBOOK_DAYS = (6, 21)  # a lost visit is rebooked this far after it
LAPSE_ON_NO_SHOW = 0.15  # a no-show that is never rebooked: how regulars drift away
FINDING_RATE = {"child": 0.24, "adult": 0.34, "senior": 0.40}  # exams that find treatment
NEW_PATIENT_FINDING_RATE = 0.7
ACCEPTANCE = 0.56  # treatment the patient accepts, by case
SECOND_VISIT = 0.35  # an accepted case that needs two visits (crown prep and seat, endo then buildup, ...)
PLANNED_FIRST = 0.8  # accepted work that goes through a planned appointment before it is scheduled
PLANNED_WAITING = 0.6  # work not accepted yet, left as a planned appointment the office follows up (Planned Tracker)
TREATMENT_DELAY = (5, 40)  # days from the exam to the first treatment visit
EMERGENCY_RATE = {"regular": 0.10, "sporadic": 0.7}  # emergency visits per patient-year
EMERGENCY_FOLLOW_UP = 0.55  # an emergency that leads to a treatment visit
CALIBRATION = 0.89  # plan()'s rows of a recall patient against the estimate above (tools: tests/test_visits.py)
HORIZON_DAYS = 200  # how far ahead anything is booked: a six-month recall booked at today's checkout


@dataclass(slots=True)
class Slot:
    """One appointment to be: what for, the day it is meant for, when it was made and how it ends."""

    kind: str  # "new", "hygiene", "treatment", "emergency"
    target: date
    booked: date
    outcome: str = "kept"  # "kept", "no-show", "cancelled", "ahead" (booked after the as-of date), "planned"
    case: int = -1  # the treatment case it carries out (index into Plan.cases), -1 for none
    step: int = 0  # 0 the case's first visit, 1 its second
    planned: int = -1  # the index of the planned appointment (outcome "planned") it was scheduled from
    rebooks: int = -1  # the index of the lost slot this one rebooks
    booked_at_checkout: bool = False
    booked_during: int = -1  # the index of the visit at which it was booked (its checkout is the booking time)
    fate: str = ""  # how a visit still ahead will end ("kept", "no-show", "cancelled"): drawn when it is booked


@dataclass(slots=True)
class Case:
    """Treatment found at an exam: accepted or not, and its visits."""

    found_at: int  # index of the exam's slot
    accepted: bool
    visits: int  # 1 or 2


@dataclass
class Plan:
    slots: list[Slot] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


@dataclass(frozen=True)
class Life:
    """What the census decided about a patient's visits in the window (see generators/census.py)."""

    profile: str  # "regular", "sporadic" or "none"
    start: date  # first visit in the window (a new patient's first visit), or when their rhythm is picked up
    stop: date | None  # when they stopped coming (lapsed), None if they still come
    new: bool  # a new patient: the first visit is a comprehensive new-patient exam
    perio: bool
    age_group: str


def interval(life: Life, rng) -> int:
    if life.perio:
        return rng.randint(*PERIO_INTERVAL)
    return HYGIENE_INTERVAL + rng.randint(-INTERVAL_JITTER, INTERVAL_JITTER)


def plan(life: Life, as_of: date, rng, emergencies_rng=None, bounded_to: date | None = None,
         findings_rng=None) -> Plan:
    """Every appointment of the patient from life.start that is booked by the as-of date (those after it ahead).

    The recall rhythm draws from `rng` and the emergencies from a stream of their own, each in the order the
    story is lived, so a later as-of date only continues both: everything before the earlier date is drawn the
    same. `bounded_to`: the date the patient's rows are bounded up to (census.py), which caps the emergencies.
    `findings_rng(exam slot)`: the stream of what one exam finds and books, so that treatment an exam leads to after
    the as-of date does not move the next recall visit booked before it."""
    result = Plan()
    if life.profile == "none":
        return result
    # The story runs until a visit is not booked yet on the as-of date (visits.py's _book), or the patient stops;
    # not to a fixed distance past the as-of date, which would leave out a visit booked before it for further on.
    end = life.stop or date.max
    if life.profile == "regular":
        _recall_rhythm(result, life, as_of, end, rng, findings_rng or (lambda slot: rng))
    _emergencies(result, life, as_of, end, emergencies_rng or rng, bounded_to or as_of)
    return result  # in the order made, which slots' indices (case, planned, rebooks) refer to


def _recall_rhythm(result: Plan, life: Life, as_of: date, end: date, rng, findings_rng) -> None:
    kind = "new" if life.new else "hygiene"
    due = life.start
    booked = life.start - timedelta(days=rng.randint(7, 28))
    at_checkout, during = False, -1
    while due <= end:
        kept = _book(result, kind, due, booked, as_of, rng, at_checkout, during=during)
        if kept is None:  # lost and never rebooked: the patient drifted away
            return
        slot = result.slots[kept]
        if slot.outcome == "ahead":
            return
        _exam_findings(result, kept, life, as_of, findings_rng(slot))
        kind = "hygiene"
        next_due = slot.target + timedelta(days=interval(life, rng))
        if rng.random() < BOOKED_AT_CHECKOUT:
            at_checkout, booked, due, during = True, slot.target, next_due, kept
        else:  # reminded later; books a few weeks ahead, often past the due date
            at_checkout, during = False, -1
            due = next_due + timedelta(days=rng.randint(*LATE_RECALL_DAYS))
            booked = due - timedelta(days=rng.randint(7, 30))


def _book(result: Plan, kind: str, target: date, booked: date, as_of: date, rng, at_checkout: bool = False,
          case: int = -1, step: int = 0, planned: int = -1, during: int = -1) -> int | None:
    """Book a visit; if it is lost, rebook it once. The index of the slot that was kept (or lies ahead); None when
    nothing more follows (lost for good, or not booked yet on the as-of date)."""
    slots = result.slots
    if booked >= as_of:  # not booked yet on the as-of date: the story goes on past the cut
        return None
    # how it ends is drawn when it is booked, so a visit still ahead on one as-of date ends the same way on a later
    # one (and is booked on the same day: generators/clinical.py books by how it will end)
    draw = rng.random()
    fate = "kept" if draw >= NO_SHOW + CANCELLATION else "no-show" if draw < NO_SHOW else "cancelled"
    if target > as_of:
        slots.append(Slot(kind, target, booked, "ahead", case, step, planned, booked_at_checkout=at_checkout,
                          booked_during=during, fate=fate))
        return len(slots) - 1
    if draw < NO_SHOW + CANCELLATION:
        outcome = "no-show" if draw < NO_SHOW else "cancelled"
        slots.append(Slot(kind, target, booked, outcome, case, step, planned, booked_at_checkout=at_checkout,
                          booked_during=during))
        lost = len(slots) - 1
        if outcome == "no-show" and kind == "hygiene" and rng.random() < LAPSE_ON_NO_SHOW:
            return None
        again = target + timedelta(days=rng.randint(*REBOOK_DAYS))
        slots.append(Slot(kind, again, min(target, as_of - ONE_DAY), "ahead" if again > as_of else "kept", case,
                          step, planned, rebooks=lost))
        return len(slots) - 1
    slots.append(Slot(kind, target, booked, "kept", case, step, planned, booked_at_checkout=at_checkout,
                      booked_during=during))
    return len(slots) - 1


def _exam_findings(result: Plan, exam: int, life: Life, as_of: date, rng) -> None:
    """Treatment found at this exam: presented, accepted or not, and the accepted work booked."""
    slot = result.slots[exam]
    rate = NEW_PATIENT_FINDING_RATE if slot.kind == "new" else FINDING_RATE[life.age_group]
    if rng.random() >= rate:
        return
    accepted = rng.random() < ACCEPTANCE
    visits = 2 if rng.random() < SECOND_VISIT else 1
    result.cases.append(Case(exam, accepted, visits))
    case = len(result.cases) - 1
    if not accepted:
        if rng.random() < PLANNED_WAITING:
            result.slots.append(Slot("treatment", slot.target, slot.target, "planned", case))
        return
    planned = -1
    if rng.random() < PLANNED_FIRST:  # a planned appointment made at the exam, scheduled from it later
        result.slots.append(Slot("treatment", slot.target, slot.target, "planned", case))
        planned = len(result.slots) - 1
    day = slot.target + timedelta(days=rng.randint(*TREATMENT_DELAY))
    booked = slot.target if planned < 0 else slot.target + timedelta(days=rng.randint(1, 4))
    during = exam if planned < 0 else -1
    for step in range(visits):
        kept = _book(result, "treatment", day, booked, as_of, rng, case=case, step=step, planned=planned,
                     during=during)
        if kept is None or result.slots[kept].outcome == "ahead":
            return
        booked, during = result.slots[kept].target, kept
        day = booked + timedelta(days=rng.randint(14, 28))


def _emergencies(result: Plan, life: Life, as_of: date, end: date, rng, bounded_to: date) -> None:
    """Emergency visits; a sporadic patient's first visit in the window is the emergency that brought them."""
    rate = EMERGENCY_RATE["regular" if life.profile == "regular" else "sporadic"]

    def gap() -> timedelta:
        return timedelta(days=max(1, int(rng.expovariate(rate) * 365.25)))

    day = life.start if life.profile == "sporadic" else life.start + gap()
    left = max_emergencies(life, bounded_to)
    while day - ONE_DAY < as_of and day <= end and left:  # booked the day before: by the as-of date
        left -= 1
        slot = _book(result, "emergency", day, day - ONE_DAY, as_of, rng)
        if slot is not None and result.slots[slot].outcome == "kept" and rng.random() < EMERGENCY_FOLLOW_UP:
            result.cases.append(Case(slot, True, 1))
            seen = result.slots[slot].target
            _book(result, "treatment", seen + timedelta(days=rng.randint(2, 14)), seen, as_of, rng,
                  case=len(result.cases) - 1)
        day += gap()


def _days(life: Life, as_of: date) -> int:
    """Days from the first visit to the last on which the patient could come, plus the booking horizon."""
    end = min(life.stop or as_of, as_of)
    return max(0, (end - life.start).days) + HORIZON_DAYS


def max_emergencies(life: Life, as_of: date) -> int:
    """A cap on emergencies (far above their rate), so the census can bound every patient's rows."""
    return 6 + _days(life, as_of) // 120


def max_rows(life: Life, as_of: date) -> int:
    """The most appointment rows plan() can give: every cycle lost once and rebooked, every exam finding a
    two-visit case through a planned appointment, its visits lost and rebooked too, and every emergency too."""
    if life.profile == "none":
        return 0
    shortest = PERIO_INTERVAL[0] if life.perio else HYGIENE_INTERVAL - INTERVAL_JITTER
    cycles = _days(life, as_of) // shortest + 2
    return cycles * (2 + 1 + 2 * 2) + max_emergencies(life, as_of) * 4


def expected_rows(life: Life, as_of: date) -> float:
    """About how many appointment rows plan() gives (the census sizes the practice by it)."""
    if life.profile == "none":
        return 0.0
    end = min(life.stop or as_of, as_of)
    years = max(0.0, (end - life.start).days / 365.25)
    lost = (NO_SHOW + CANCELLATION) / (1 - NO_SHOW - CANCELLATION)
    emergencies = EMERGENCY_RATE["regular" if life.profile == "regular" else "sporadic"] * years
    emergencies *= 1 + lost + EMERGENCY_FOLLOW_UP * (1 + lost)
    if life.profile == "sporadic":
        return 1.3 * (1 + emergencies)
    cycle_days = sum(PERIO_INTERVAL) / 2 if life.perio else HYGIENE_INTERVAL + 0.13 * sum(LATE_RECALL_DAYS) / 2
    cycles = years * 365.25 / cycle_days + 1
    found = FINDING_RATE[life.age_group]
    per_cycle = 1 + lost + found * (ACCEPTANCE * (PLANNED_FIRST + (1 + SECOND_VISIT) * (1 + lost))
                                    + (1 - ACCEPTANCE) * PLANNED_WAITING)
    ahead = 1.0 if life.stop is None else 0.0
    # lapses after a no-show and late recalls not booked yet by the as-of date: measured against plan()
    return CALIBRATION * (cycles * per_cycle + ahead) + emergencies
