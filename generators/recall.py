"""Recalls: when each patient is next due for a cleaning, bitewings or a panoramic image.

A recall's due date is the last procedure that satisfied it plus the recall type's interval. The dbt
project reads only recalls due between 2023-01-01 and today and expects 5,000 to 15,000 of them, so in
large practices some overdue recalls are left out (the patient opted out of reminders); see
`keep_rate`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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
EXPECTED_DUE_PER_PATIENT = 2.0  # due recalls a patient yields before thinning, measured at the default size


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
    RecallType(1, "Prophy", 6, 196609, ("D1110", "D0120"), True),
    RecallType(2, "Child Prophy", 6, 196609, ("D1120",), True),
    RecallType(3, "Perio Maintenance", 3, 196608, ("D4910", "D4341", "D4342", "D4355"), True),
    RecallType(4, "Bitewings", 12, 393216, ("D0274", "D0272"), False),
    RecallType(5, "Panoramic X-Ray", 24, 83886081, ("D0330", "D0210"), False),
)


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


def _types_for(patient: Patient) -> list[RecallType]:
    if patient.person.age_group == "child":
        return [RECALL_TYPES[1], RECALL_TYPES[3]]
    cleaning = RECALL_TYPES[2] if patient.perio else RECALL_TYPES[0]
    return [cleaning, RECALL_TYPES[3], RECALL_TYPES[4]]


def bounds(household) -> dict[str, int]:
    return {"recall": 3 * len(household.members)}


def emit_household(ctx: Context, household, stories: list[Story]) -> None:
    for story in stories:
        emit(ctx, story.patient, story.visits)


def emit(ctx: Context, patient: Patient, visits) -> None:
    if patient.person.status not in (0, 2):
        return
    completed = [v for v in visits if v.status == 2]
    if not completed:
        return
    rng = stream(ctx.seed, "recall", patient.pat_num)
    window = ctx.window
    future_hygiene = [v for v in visits if v.status == 1 and v.kind == "hygiene"]
    for rt in _types_for(patient):
        done = [v for v in completed if any(p.code.code in rt.triggers for p in v.procedures)]
        previous = done[-1].day if done else None
        # Never done: due one interval after the first visit, as if it had been done then.
        anchor = previous or completed[0].day
        due = anchor + relativedelta(months=rt.months)
        if FLOOR <= due <= window.as_of and rng.random() >= ctx.recall_keep_rate:
            continue
        scheduled = future_hygiene[0].day if rt.hygiene and future_hygiene else None
        stamp = min(calendar.at(anchor, 17 * 60) + timedelta(minutes=rng.randint(0, 90)), window.end_of_data)
        ctx.sinks["recall"].add(
            RecallNum=ctx.ids.next("recall"), PatNum=patient.pat_num, DateDueCalc=due, DateDue=due,
            DatePrevious=previous, RecallInterval=rt.months, RecallStatus=RECALL_STATUS_SCHEDULED if scheduled else 0,
            DateTStamp=stamp, RecallTypeNum=rt.num, DateScheduled=scheduled,
        )
