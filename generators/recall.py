"""Recalls as OpenDental keeps them: one row per patient and recall type whose trigger procedure they have had.

A row's DatePrevious is the last procedure that satisfied it, DateDue one interval later; DateScheduled the day of
the booked visit that will satisfy it again, if any. The practice's recall types are OpenDental's usual ones:
prophylaxis (child prophylaxis for children, perio maintenance for perio patients), the periodic exam, bitewings,
and the full-mouth series and panoramic films on their longer cycles. Patients the window does not see still
have their recalls from their last visit before it (overdue, most of them).

The dbt project reads only recalls due between 2023-01-01 and today and expects 5,000 to 15,000 of them, so in
large practices some overdue recalls are left out (the patients asked not to be recalled); see `keep_rate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from contract.rules import FLOOR
from generators import calendar
from generators.context import Context
from generators.patients import Patient
from generators.reference.definitions import RECALL_STATUS_SCHEDULED
from generators.reference.procedure_codes import CODE_NUM
from generators.rng import stream
from generators.story import Story

TARGET_DUE_RECALLS = 10_000  # middle of the contract's 5,000-15,000
EXPECTED_DUE_PER_PATIENT = 1.2  # due recalls a patient yields before thinning, measured at the default size
RECALLED_STATUSES = (0, 2)  # OpenDental recalls patients and inactive patients, not archived, deleted or deceased
COMPLETE, SCHEDULED, UNSCHEDULED, BROKEN = 2, 1, 3, 5  # AptStatus (clinical.py)


@dataclass(frozen=True)
class RecallType:
    num: int
    description: str
    months: int
    # The interval as the dbt models decode recalltype.DefaultInterval (their mapping of OpenDental codes).
    encoded_interval: int
    triggers: tuple[str, ...]
    hygiene: bool


RECALL_TYPES = (
    RecallType(1, "Prophy", 6, 196609, ("D1110",), True),
    RecallType(2, "Child Prophy", 6, 196609, ("D1120",), True),
    RecallType(3, "Perio", 3, 196608, ("D4910", "D4341", "D4342", "D4355"), True),
    RecallType(4, "4BW", 12, 393216, ("D0274", "D0272"), False),
    RecallType(5, "Pano", 36, 83886081, ("D0330",), False),
    RecallType(6, "FMX", 60, 83886081, ("D0210",), False),
    RecallType(7, "Exam", 6, 196609, ("D0120", "D0150"), False),
)
BY_NUM = {rt.num: rt for rt in RECALL_TYPES}
LAPSED_DAYS = 600  # mean time since the last visit of a patient the window does not see, at its start
# Films a patient seen only before the window had: bitewings most, a full-mouth series or a panoramic some.
HISTORY_FILMS = {4: 0.85, 6: 0.45, 5: 0.3}


def keep_rate(patients: int) -> float:
    """Share of due recalls kept so that their count lands near TARGET_DUE_RECALLS."""
    return min(1.0, TARGET_DUE_RECALLS / max(1, patients * EXPECTED_DUE_PER_PATIENT))


def emit_reference(ctx: Context) -> None:
    trigger_num = 0
    for rt in RECALL_TYPES:
        ctx.sinks["recalltype"].add(
            RecallTypeNum=rt.num, Description=rt.description, DefaultInterval=rt.encoded_interval,
            TimePattern="/XXXX/" if rt.hygiene else "", Procedures=",".join(rt.triggers), AppendToSpecial=False,
        )
        for code in rt.triggers:
            trigger_num += 1
            ctx.sinks["recalltrigger"].add(RecallTriggerNum=trigger_num, RecallTypeNum=rt.num, CodeNum=CODE_NUM[code])


def bounds(household) -> dict[str, int]:
    return {"recall": len(RECALL_TYPES) * len(household.members)}


def emit_household(ctx: Context, household, stories: list[Story]) -> None:
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        emit(ctx, story.patient, story.visits)


def _cleaning_type(patient: Patient) -> RecallType:
    if patient.person.age_group == "child":
        return BY_NUM[2]
    return BY_NUM[3] if patient.perio else BY_NUM[1]


def _history(patient: Patient, rng) -> dict[int, date]:
    """The recalls a patient not seen in the window has from their last visit before it."""
    first = patient.first_visit
    start = patient.created.date() if patient.created else first
    if first is None or start is None:
        return {}
    window_start = patient.person.life.start if patient.person.life else first
    # most patients who stopped coming stopped in the last few years before the window; some long ago
    last = max(first, window_start - timedelta(days=1 + int(rng.expovariate(1 / LAPSED_DAYS))))
    found = {_cleaning_type(patient).num: last, 7: last}
    for num, share in HISTORY_FILMS.items():
        drawn = rng.random() < share
        if num == 4 or (drawn and patient.person.age_group != "child"):
            found[num] = last
    return found


def emit(ctx: Context, patient: Patient, visits) -> None:
    if patient.person.status not in RECALLED_STATUSES:
        return
    rng = stream(ctx.seed, "recall", patient.pat_num)
    window = ctx.window
    previous: dict[int, date] = {}
    by_code = {code: rt.num for rt in RECALL_TYPES for code in rt.triggers}
    for visit in visits:
        if visit.status != COMPLETE:
            continue
        for proc in visit.procedures:
            num = by_code.get(proc.code.code)
            if num is not None:
                previous[num] = visit.day
    if not previous:
        if patient.person.life.profile != "none":
            return  # seen in the window without a recall procedure (an emergency): no recall yet
        previous = _history(patient, rng)
    cleaning = _cleaning_type(patient).num
    previous = {num: day for num, day in previous.items() if BY_NUM[num].hygiene is False or num == cleaning}
    ahead = sorted((v for v in visits if v.status == SCHEDULED), key=lambda v: v.start)
    for num, last in sorted(previous.items()):
        rt = BY_NUM[num]
        due = last + relativedelta(months=rt.months)
        # Each recall row draws from its own stream and has its own id (one per type), so it is the same row at
        # every as-of date, changed when a visit updates it. A past-due recall some offices clear out goes once
        # it is past due.
        trng = stream(ctx.seed, "recall", patient.pat_num, num, due.toordinal())
        cleared = trng.random() >= ctx.recall_keep_rate
        if FLOOR <= due <= window.as_of and cleared:
            continue
        visit = next((v for v in ahead if any(p.code.code in rt.triggers for p in v.procedures)), None)
        if visit is None and rt.hygiene:
            visit = next((v for v in ahead if v.kind == "hygiene"), None)
        scheduled = visit.day if visit else None
        stamp = calendar.at(last, 17 * 60) + timedelta(minutes=trng.randint(0, 90))
        if visit is not None:  # scheduled when that visit was booked
            stamp = max(stamp, visit.booked)
        # a visit for it lost since the last one: the recall was unscheduled then
        lost = [v.start for v in visits if v.status in (BROKEN, UNSCHEDULED) and v.day > last
                and (v.kind == "hygiene" if rt.hygiene else any(p.code.code in rt.triggers for p in v.lost_procedures))]
        if lost:
            stamp = max(stamp, max(lost) + timedelta(minutes=30))
        stamp = min(stamp, window.end_of_data)
        ctx.sinks["recall"].add(
            RecallNum=ctx.ids.at("recall", RECALL_TYPES.index(rt)), PatNum=patient.pat_num, DateDueCalc=due,
            DateDue=due, DatePrevious=last, RecallInterval=rt.months,
            RecallStatus=RECALL_STATUS_SCHEDULED if scheduled else 0,
            DateTStamp=stamp, RecallTypeNum=rt.num, DateScheduled=scheduled,
        )
