"""Phase 6, supporting: communications, documents, referrals and tasks.

Notes are deliberately plain: the dbt models parse commlog notes for 'appt #n', 'claim #n' or ten-digit
numbers and task descriptions for collection campaigns (contract G-12, G-08), so none of these
patterns appear (billing tasks speak of balances and claims, never of a campaign).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from generators import calendar
from generators.clinical import BROKEN, COMPLETE, SCHEDULED, UNSCHEDULED, Visit
from generators.context import Context
from generators.patients import Patient
from generators.reference.definitions import (
    CATEGORY_DOCUMENTS,
    DOCUMENT_CATEGORY_NAMES,
    TASK_PRIORITIES,
    def_num_of,
)
from generators.reference.places import REFERRAL_SOURCES, ZIP_CODES
from generators.rng import stream
from generators.story import Story

# Modes: 1 email, 2 mail, 3 phone, 4 in person, 5 text. Direction (as the dbt models read it):
# 2 outbound, 1 inbound, 0 neither.
OUTBOUND, INBOUND, NEITHER = 2, 1, 0
# Automated messages come from the practice's messaging bridge, program 95 in the dbt models' terms;
# notes typed by staff carry no program.
AUTOMATED_PROGRAM = 95
REFERRAL_RATE = 0.4
TASK_RATE = 0.25
DOCUMENTS = (
    ("X-Rays", "Bitewing radiographs"), ("X-Rays", "Panoramic image"), ("Patient Photos", "Intraoral photos"),
    ("Insurance Cards", "Insurance card front and back"), ("Consent Forms", "Signed treatment consent"),
    ("Medical History", "Medical history form"), ("Treatment Plans", "Signed treatment plan"),
    ("Correspondence", "Letter from physician"), ("EOBs", "Explanation of benefits"),
)
TASKS = (
    "Follow up on lab case for crown", "Send radiographs to specialist",
    "Update medical history at next visit", "Call to reschedule missed visit", "Order night guard from lab",
    "Request records from previous dentist", "Post-op check call after extraction", "Schedule crown seat",
    "Confirm premedication with physician", "Review treatment plan with patient", "Mail welcome packet",
)
# The front office's money work, by the billing staff after a visit: about a quarter of the tasks (the dbt
# project reads them as collection work by their words: balance, payment, insurance, claim, $). None names a
# collection campaign or says 'collection' (contract G-08.4).
BILLING_SHARE = 0.33  # of the tasks tied to a completed visit: about a quarter of all tasks
BILLING_TASKS = (
    "Verify insurance eligibility before next visit", "Follow up on unpaid insurance claim",
    "Call patient about the balance on the account", "Resubmit denied claim with attachments",
    "Send itemized statement with payment options", "Patient will pay ${amount} toward the balance",
)
BILLING_DAYS = (7, 45)  # from the visit to the follow-up


@dataclass(frozen=True)
class Task:
    """A task as written, for the modules that add its history, notes and subscriptions."""

    task_num: int
    created: datetime
    finished: datetime | None
    author: int  # UserNum
    status: int  # 0 new, 1 viewed, 2 done
    edited: datetime
    row: dict  # the task row's values, which its history rows repeat


def bounds(household) -> dict[str, int]:
    people = len(household.members)
    visits = sum(p.appointments for p in household.members)
    return {"commlog": 2 * visits + 2 * people, "document": 2 * people, "refattach": people, "task": people}


def emit_household(ctx: Context, household, stories: list[Story]) -> None:
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        story.tasks = emit(ctx, story.patient, story.visits)


def emit_reference(ctx: Context) -> None:
    """The referral sources: doctors and the practice's marketing channels."""
    stamp = calendar.at(ctx.window.setup_day, 13 * 60)
    for num, (last, first, doctor, title, specialty) in enumerate(REFERRAL_SOURCES, start=1):
        zip_digits, city, state = ZIP_CODES[num % len(ZIP_CODES)]
        ctx.sinks["referral"].add(
            ReferralNum=num, LName=last, FName=first, MName="", SSN="", UsingTIN=False, Specialty=0, ST=state,
            Telephone=f"219{5550100 + num:07d}"[:10] if doctor else "", Address="", Address2="", City=city,
            Zip=zip_digits, Note=specialty, Phone2="", IsHidden=False, NotPerson=not doctor, Title=title, EMail="",
            PatNum=0, NationalProvID="", Slip=0, IsDoctor=doctor, IsTrustedDirect=False, DateTStamp=stamp,
            IsPreferred=doctor and num <= 3, BusinessName="" if doctor else last, DisplayNote="",
        )
        ctx.referral_nums.append(num)


def emit(ctx: Context, patient: Patient, visits: list[Visit]) -> list[Task]:
    """Communications, documents, referral and tasks of one patient; returns the tasks."""
    rng = stream(ctx.seed, "supporting", patient.pat_num)
    _commlogs(ctx, patient, visits, rng)
    _documents(ctx, patient, visits, rng)
    _referral(ctx, patient, visits, rng)
    task = _task(ctx, patient, visits, rng)
    return [task] if task else []


def _clamp(ctx: Context, moment: datetime) -> datetime:
    return min(moment, ctx.window.end_of_data)


def _commlog(ctx: Context, patient: Patient, when: datetime, comm_type: int, mode: int, direction: int,
             note: str, user: int, minutes: int = 0, automated: bool = False) -> None:
    when = _clamp(ctx, when)
    entered = _clamp(ctx, when + timedelta(minutes=1))
    ctx.sinks["commlog"].add(
        CommlogNum=ctx.ids.next("commlog"), PatNum=patient.pat_num, CommDateTime=when, CommType=comm_type, Note=note,
        Mode_=mode, SentOrReceived=direction, UserNum=user,
        DateTimeEnd=_clamp(ctx, when + timedelta(minutes=minutes)) if minutes else None,
        ProgramNum=AUTOMATED_PROGRAM if automated else None, DateTEntry=entered, DateTStamp=entered,
    )
    patient.touch(entered)


def _commlogs(ctx: Context, patient: Patient, visits: list[Visit], rng) -> None:
    users = [u.user_num for u in ctx.staff.users]
    first = patient.first
    start = ctx.window.start
    for visit in visits:
        when = visit.start - timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
        if when.date() < start or rng.random() > 0.45:
            continue
        slot = f"{visit.start:%a %b %d} at {visit.start:%I:%M %p}".replace(" 0", " ")
        if visit.status == SCHEDULED or rng.random() < 0.5:
            _commlog(ctx, patient, when, 427, 5, OUTBOUND, f"Reminder texted to {first} for {slot}.",
                     rng.choice(users), automated=True)
        else:
            _commlog(ctx, patient, when, 224, 3, OUTBOUND, f"Called {first} to confirm {slot}; confirmed.",
                     rng.choice(users), minutes=rng.randint(1, 6))
        if visit.status in (BROKEN, UNSCHEDULED):
            after = visit.start + timedelta(hours=rng.randint(1, 30))
            _commlog(ctx, patient, after, 224, 3, OUTBOUND,
                     f"Left voicemail for {first} about the missed {visit.start:%b %d} visit; asked to reschedule.",
                     rng.choice(users), minutes=2)
    completed = [v for v in visits if v.status == COMPLETE]
    if completed and rng.random() < 0.5:
        visit = rng.choice(completed)
        when = visit.start + timedelta(days=rng.randint(2, 20), hours=rng.randint(1, 6))
        kind, text = rng.choice([
            (225, f"{first} asked about the statement; explained insurance portion and remaining amount."),
            (425, f"Spoke with {first} about coverage for the work done {visit.start:%b %d}."),
            (429, f"Followed up with {first} on recommended treatment; will call back to book."),
            (614, f"Sent review request to {first} after the {visit.start:%b %d} visit."),
            (636, f"Post-op check with {first}: healing well, no concerns."),
        ])
        _commlog(ctx, patient, when, kind, rng.choice([1, 3, 5]), rng.choice([OUTBOUND, INBOUND]), text,
                 rng.choice(users), minutes=rng.randint(0, 8))
    if patient.person.new_patient and completed:
        when = completed[0].start - timedelta(days=rng.randint(3, 14))
        if when.date() >= start:
            _commlog(ctx, patient, when, 615, 1, OUTBOUND,
                     f"Welcome email with new patient forms sent to {first}.", rng.choice(users), automated=True)


def _documents(ctx: Context, patient: Patient, visits: list[Visit], rng) -> None:
    completed = [v for v in visits if v.status == COMPLETE]
    if not completed:
        return
    for k in range(rng.randint(1, 2)):
        visit = rng.choice(completed)
        category, description = rng.choice(DOCUMENTS)
        created = _clamp(ctx, visit.start + timedelta(minutes=rng.randint(10, 90)))
        doc_num = ctx.ids.next("document")
        ctx.sinks["document"].add(
            DocNum=doc_num, Description=description, DateCreated=created,
            DocCategory=def_num_of(CATEGORY_DOCUMENTS, category), PatNum=patient.pat_num,
            FileName=f"{patient.last}{patient.first}{patient.pat_num}_{doc_num}.jpg".replace(" ", ""),
            ImgType=1 if category in ("X-Rays", "Patient Photos") else 2, DateTStamp=created, ProvNum=visit.prov_num,
        )
        assert category in DOCUMENT_CATEGORY_NAMES
        patient.touch(created)


def _referral(ctx: Context, patient: Patient, visits: list[Visit], rng) -> None:
    if not patient.person.new_patient or rng.random() >= REFERRAL_RATE or not patient.first_visit:
        return
    day = patient.first_visit
    ctx.sinks["refattach"].add(
        RefAttachNum=ctx.ids.next("refattach"), ReferralNum=rng.choice(ctx.referral_nums), PatNum=patient.pat_num,
        RefDate=day, RefType=True, ProcNum=0, ProvNum=patient.pri_prov,
        DateTStamp=_clamp(ctx, calendar.at(day, 12 * 60)),
    )


def _task(ctx: Context, patient: Patient, visits: list[Visit], rng) -> Task | None:
    if not visits or rng.random() >= TASK_RATE:
        return None
    visit = rng.choice(visits)
    billing = visit.status == COMPLETE and rng.random() < BILLING_SHARE
    if billing:  # a follow-up on the visit's money, weeks after it
        created = visit.start + timedelta(days=rng.randint(*BILLING_DAYS), hours=rng.randint(1, 4))
        descript = rng.choice(BILLING_TASKS).replace("{amount}", str(rng.choice((25, 40, 50, 75, 100))))
        staff = ctx.staff.users_by_role("billing") or ctx.staff.users_by_role("front")
    else:  # a to-do before the visit
        created = visit.start - timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 4))
        descript = rng.choice(TASKS)
        staff = ctx.staff.users_by_role("front") + ctx.staff.users_by_role("manager")
    if created.date() < ctx.window.start or created > ctx.window.end_of_data:
        return None
    author = rng.choice(staff).user_num
    done = created + timedelta(days=rng.randint(0, 10), hours=rng.randint(1, 6))
    finished = done if done <= ctx.window.end_of_data and rng.random() < 0.8 else None
    edited = _clamp(ctx, finished or created + timedelta(minutes=5))
    status = 2 if finished else rng.choice([0, 1])
    row = {
        "TaskNum": ctx.ids.next("task"), "TaskListNum": 0, "DateTask": created.date(), "KeyNum": patient.pat_num,
        "Descript": descript, "TaskStatus": status, "FromNum": author, "ObjectType": 1,
        "DateTimeEntry": created, "UserNum": author, "DateTimeFinished": finished,
        "PriorityDefNum": rng.choice(list(TASK_PRIORITIES)), "DateTimeOriginal": created, "SecDateTEdit": edited,
    }
    task = Task(row["TaskNum"], created, finished, author, status, edited, row)
    ctx.sinks["task"].add(**row)
    patient.touch(edited)
    return task
