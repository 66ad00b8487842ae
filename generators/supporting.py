"""Phase 6, supporting: communications, documents, referrals and tasks.

Notes are deliberately plain: the dbt models parse commlog notes for 'appt #n', 'claim #n' or ten-digit
numbers and task descriptions for collection campaigns (contract G-12, G-08), so none of these
patterns appear (billing tasks speak of balances and claims, never of a campaign).

Prefix-stable (a later as-of date rewrites none of these rows made before the earlier one): every row belongs to one
visit (or to the patient) and draws from a stream of its own; it exists if its rule says so and everything it stamps
lies before the as-of date's midnight; ids follow the time the rows were made. A row written before a visit does not
depend on how the visit turned out (a visit ahead of the as-of date is only scheduled), and none is written before the
visit was booked (a later as-of date books visits the earlier one did not know of).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from generators import calendar
from generators.clinical import BROKEN, COMPLETE, PLANNED, UNSCHEDULED, Visit
from generators.context import Context
from generators.patients import Patient
from generators.reference.definitions import (
    CATEGORY_DOCUMENTS,
    DOCUMENT_CATEGORY_NAMES,
    TASK_PRIORITIES,
    def_num_of,
)
from generators.reference.places import REFERRAL_SOURCES, ZIP_CODES
from generators.rng import stream, weighted
from generators.story import Story

# Modes: 1 email, 2 mail, 3 phone, 4 in person, 5 text. Direction (as the dbt models read it):
# 2 outbound, 1 inbound, 0 neither.
OUTBOUND, INBOUND, NEITHER = 2, 1, 0
# Automated messages come from the practice's messaging bridge, program 95 in the dbt models' terms;
# notes typed by staff carry no program.
AUTOMATED_PROGRAM = 95
REFERRAL_RATE = 0.4
REMINDER_RATE = 0.52  # of the visits booked at least a day ahead: a reminder text or a confirmation call
FOLLOW_UP_RATE = 0.08  # of the completed visits: a call or message about it days later
DOCUMENT_RATE = 0.25  # of the completed visits: an image or a scanned form filed at it
TO_DO_RATE = 0.026  # of the visits: a front-office to-do in the days before it
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
BILLING_RATE = 0.0095  # of the completed visits: a follow-up on its money, about a quarter of all tasks
BILLING_TASKS = (
    "Verify insurance eligibility before next visit", "Follow up on unpaid insurance claim",
    "Call patient about the balance on the account", "Resubmit denied claim with attachments",
    "Send itemized statement with payment options", "Patient will pay ${amount} toward the balance",
)
BILLING_DAYS = (7, 45)  # from the visit to the follow-up
FINISH_RATE = 0.8  # of the tasks: done some days after they were made; the rest stay open
MAX_NOTES = 2
NOTES_DONE = {0: 0.35, 1: 0.45, 2: 0.20}  # notes on a task that gets done, between its creation and then
NOTES_OPEN = {0: 0.6, 1: 0.4}  # on one that stays open, in the minutes after its creation
OPEN_EDIT = timedelta(minutes=5)  # an open task's last edit after its creation
OFFICE_MINUTES = 570  # 8:00 to 17:30, when notes are written on tasks that stay open for days


@dataclass(frozen=True)
class Task:
    """A task as written, for the modules that add its history, notes and subscriptions."""

    task_num: int
    key: tuple  # (AptNum, kind): what the task's streams are keyed by, the same at every as-of date
    created: datetime
    finished: datetime | None  # when it was done, if before the as-of date
    author: int  # UserNum
    status: int  # 0 new, 1 viewed, 2 done
    edited: datetime
    notes: tuple[datetime, ...]  # when notes were added, before the as-of date
    viewed: datetime | None  # when the colleague following a task that stays open opened it (status 1)
    row: dict  # the task row's values, which its history rows repeat


def bounds(household) -> dict[str, int]:
    people = len(household.members)
    visits = sum(p.appointments for p in household.members)
    # per visit: a reminder and a missed-visit call or a follow-up, one document, a to-do and a billing task
    return {"commlog": 2 * visits + 2 * people, "document": visits, "refattach": people, "task": 2 * visits}


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
    _commlogs(ctx, patient, visits)
    _documents(ctx, patient, visits)
    _referral(ctx, patient, visits)
    return _tasks(ctx, patient, visits)


def _commlog(ctx: Context, made: list, order: tuple, patient: Patient, when: datetime, comm_type: int, mode: int,
             direction: int, note: str, user: int, minutes: int = 0, automated: bool = False) -> None:
    """A communication, kept in `made` with its sort key if it was over before the as-of date; `order` (AptNum,
    rank) breaks ties the same way at every as-of date."""
    entered = when + timedelta(minutes=1)
    end = when + timedelta(minutes=minutes) if minutes else None
    last = max(entered, end or entered)
    if last >= ctx.window.midnight:
        return
    made.append(((last, when, *order), {
        "PatNum": patient.pat_num, "CommDateTime": when, "CommType": comm_type, "Note": note, "Mode_": mode,
        "SentOrReceived": direction, "UserNum": user, "DateTimeEnd": end,
        "ProgramNum": AUTOMATED_PROGRAM if automated else None, "DateTEntry": entered, "DateTStamp": entered,
    }))


def _booked(visit: Visit) -> datetime:
    return visit.booked or datetime.min


def _commlogs(ctx: Context, patient: Patient, visits: list[Visit]) -> None:
    users = [u.user_num for u in ctx.staff.users]
    first = patient.first
    start = ctx.window.start
    made: list[tuple[tuple, dict]] = []
    for visit in visits:
        if visit.status == PLANNED:  # not on the schedule: nothing to remind of
            continue
        rng = stream(ctx.seed, "reminder", visit.apt_num)
        when = visit.start - timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 5))
        if rng.random() >= REMINDER_RATE or when.date() < start or when < _booked(visit):
            continue
        slot = f"{visit.start:%a %b %d} at {visit.start:%I:%M %p}".replace(" 0", " ")
        texted, user, minutes = rng.random() < 0.5, rng.choice(users), rng.randint(1, 6)
        if texted:  # whatever became of the visit: the reminder went before anyone knew
            _commlog(ctx, made, (visit.apt_num, 0), patient, when, 427, 5, OUTBOUND,
                     f"Reminder texted to {first} for {slot}.", user, automated=True)
        else:
            _commlog(ctx, made, (visit.apt_num, 0), patient, when, 224, 3, OUTBOUND,
                     f"Called {first} to confirm {slot}; confirmed.", user, minutes=minutes)
        if visit.status in (BROKEN, UNSCHEDULED):
            after = visit.start + timedelta(hours=rng.randint(1, 30))
            _commlog(ctx, made, (visit.apt_num, 1), patient, after, 224, 3, OUTBOUND,
                     f"Left voicemail for {first} about the missed {visit.start:%b %d} visit; asked to reschedule.",
                     rng.choice(users), minutes=2)
    for visit in visits:
        rng = stream(ctx.seed, "visit follow-up", visit.apt_num)
        if visit.status != COMPLETE or rng.random() >= FOLLOW_UP_RATE:
            continue
        when = visit.start + timedelta(days=rng.randint(2, 20), hours=rng.randint(1, 6))
        kind, text = rng.choice([
            (225, f"{first} asked about the statement; explained insurance portion and remaining amount."),
            (425, f"Spoke with {first} about coverage for the work done {visit.start:%b %d}."),
            (429, f"Followed up with {first} on recommended treatment; will call back to book."),
            (614, f"Sent review request to {first} after the {visit.start:%b %d} visit."),
            (636, f"Post-op check with {first}: healing well, no concerns."),
        ])
        _commlog(ctx, made, (visit.apt_num, 2), patient, when, kind, rng.choice([1, 3, 5]),
                 rng.choice([OUTBOUND, INBOUND]), text, rng.choice(users), minutes=rng.randint(0, 8))
    on_book = [v for v in visits if v.status != PLANNED]
    if patient.person.new_patient and on_book:
        # the forms go out for the first visit ever booked: the same one at every later as-of date
        visit = min(on_book, key=lambda v: (_booked(v), v.apt_num))
        rng = stream(ctx.seed, "welcome", patient.pat_num)
        when = visit.start - timedelta(days=rng.randint(3, 14))
        if when < _booked(visit):  # booked at short notice: sent soon after booking
            when = _booked(visit) + timedelta(minutes=rng.randint(5, 60))
        if when.date() >= start and when < visit.start:
            _commlog(ctx, made, (visit.apt_num, 3), patient, when, 615, 1, OUTBOUND,
                     f"Welcome email with new patient forms sent to {first}.", rng.choice(users), automated=True)
    # ids in the order the rows were made: those a later as-of date adds are all made later
    for _, row in sorted(made, key=lambda m: m[0]):
        ctx.sinks["commlog"].add(CommlogNum=ctx.ids.next("commlog"), **row)
        patient.touch(row["DateTEntry"])


def _documents(ctx: Context, patient: Patient, visits: list[Visit]) -> None:
    filed = []
    for visit in visits:
        rng = stream(ctx.seed, "document", visit.apt_num)
        if visit.status != COMPLETE or rng.random() >= DOCUMENT_RATE:
            continue
        category, description = rng.choice(DOCUMENTS)
        created = visit.start + timedelta(minutes=rng.randint(10, 90))
        if created < ctx.window.midnight:
            filed.append((created, visit.apt_num, visit.prov_num, category, description))
    for created, _, prov_num, category, description in sorted(filed):
        doc_num = ctx.ids.next("document")
        ctx.sinks["document"].add(
            DocNum=doc_num, Description=description, DateCreated=created,
            DocCategory=def_num_of(CATEGORY_DOCUMENTS, category), PatNum=patient.pat_num,
            FileName=f"{patient.last}{patient.first}{patient.pat_num}_{doc_num}.jpg".replace(" ", ""),
            ImgType=1 if category in ("X-Rays", "Patient Photos") else 2, DateTStamp=created, ProvNum=prov_num,
        )
        assert category in DOCUMENT_CATEGORY_NAMES
        patient.touch(created)


def _referral(ctx: Context, patient: Patient, visits: list[Visit]) -> None:
    """A new patient's referral source, recorded at their first kept visit (the same one at every later as-of
    date: visits before the as-of date do not change)."""
    rng = stream(ctx.seed, "referral", patient.pat_num)
    kept = [v for v in visits if v.status == COMPLETE]
    if not patient.person.new_patient or rng.random() >= REFERRAL_RATE or not kept:
        return
    day = kept[0].day
    ctx.sinks["refattach"].add(
        RefAttachNum=ctx.ids.next("refattach"), ReferralNum=rng.choice(ctx.referral_nums), PatNum=patient.pat_num,
        RefDate=day, RefType=True, ProcNum=0, ProvNum=patient.pri_prov, DateTStamp=calendar.at(day, 12 * 60),
    )


def _tasks(ctx: Context, patient: Patient, visits: list[Visit]) -> list[Task]:
    """A visit's tasks: a to-do in the days before it, whatever became of it, and for a completed one a billing
    follow-up weeks after it. Each task's life (notes, when it is done) is drawn whole, then cut at the as-of date."""
    plans = []
    for visit in visits:
        rng = stream(ctx.seed, "visit tasks", visit.apt_num)
        to_do, billing = rng.random() < TO_DO_RATE, rng.random() < BILLING_RATE
        if to_do and visit.status != PLANNED:
            plans.append(_task_plan(ctx, visit, "to-do"))
        if billing and visit.status == COMPLETE:
            plans.append(_task_plan(ctx, visit, "billing"))
    plans = sorted(p for p in plans if p is not None)
    tasks = []
    for created, key, descript, author, done, will_finish, open_status, priority, notes in plans:
        tasks.append(_task(ctx, patient, created, key, descript, author, done if will_finish else None, open_status,
                           priority, notes))
    return tasks


def _task_plan(ctx: Context, visit: Visit, kind: str) -> tuple | None:
    """Everything about one task, the same at every as-of date; None if it was not made before this one."""
    rng = stream(ctx.seed, "task", visit.apt_num, kind)
    if kind == "billing":  # a follow-up on the visit's money, weeks after it
        created = visit.start + timedelta(days=rng.randint(*BILLING_DAYS), hours=rng.randint(1, 4))
        descript = rng.choice(BILLING_TASKS).replace("{amount}", str(rng.choice((25, 40, 50, 75, 100))))
        staff = ctx.staff.users_by_role("billing") or ctx.staff.users_by_role("front")
    else:  # a to-do before the visit, once it is booked
        created = visit.start - timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 4))
        descript = rng.choice(TASKS)
        staff = ctx.staff.users_by_role("front") + ctx.staff.users_by_role("manager")
    author = rng.choice(staff).user_num
    done = created + timedelta(days=rng.randint(0, 10), hours=rng.randint(1, 6))
    will_finish = rng.random() < FINISH_RATE
    open_status = rng.choice([0, 1])  # how a task that stays open was left
    priority = rng.choice(list(TASK_PRIORITIES))
    end = done if will_finish else created + OPEN_EDIT
    notes = _moments(rng, created, end, weighted(rng, NOTES_DONE if will_finish else NOTES_OPEN))
    if created.date() < ctx.window.start or created < _booked(visit) or created + OPEN_EDIT >= ctx.window.midnight:
        return None
    return created, (visit.apt_num, kind), descript, author, done, will_finish, open_status, priority, notes


def _moments(rng, start: datetime, end: datetime, count: int) -> tuple[datetime, ...]:
    """Up to `count` distinct whole minutes strictly between start and end, in time order: in office hours (8:00 to
    17:30) on the days between when there are such minutes, else any."""
    span = int((end - start).total_seconds() // 60)
    if count == 0 or span < 2:
        return ()
    candidates = {start + timedelta(minutes=m) for m in range(1, span)} if span <= OFFICE_MINUTES else set()
    day = start.date()
    while day <= end.date() and span > OFFICE_MINUTES:
        for _ in range(3):
            moment = calendar.at(day, 8 * 60 + rng.randrange(OFFICE_MINUTES))
            if start < moment < end:
                candidates.add(moment)
        day += timedelta(days=1)
    if not candidates:
        candidates = {start + timedelta(minutes=m) for m in range(1, span)}
    return tuple(sorted(rng.sample(sorted(candidates), min(count, len(candidates)))))


def _task(ctx: Context, patient: Patient, created: datetime, key: tuple, descript: str, author: int,
          done: datetime | None, open_status: int, priority: int, notes: tuple[datetime, ...]) -> Task:
    """The task as it stands on the as-of date: done once its time has come, else open (new until then if it will
    be done, as it was left if it never is), last edited at its latest change."""
    cut = ctx.window.midnight
    finished = done if done is not None and done < cut else None
    notes = tuple(n for n in notes if n < cut)
    if finished:
        status, edited, viewed = 2, finished, None
    elif done is not None:  # to be done after the as-of date: nobody has opened it yet
        status, edited, viewed = 0, max((created + OPEN_EDIT, *notes)), None
    else:
        status, edited = open_status, created + OPEN_EDIT
        viewed = edited if status == 1 else None
    row = {
        "TaskNum": ctx.ids.next("task"), "TaskListNum": 0, "DateTask": created.date(), "KeyNum": patient.pat_num,
        "Descript": descript, "TaskStatus": status, "FromNum": author, "ObjectType": 1,
        "DateTimeEntry": created, "UserNum": author, "DateTimeFinished": finished,
        "PriorityDefNum": priority, "DateTimeOriginal": created, "SecDateTEdit": edited,
    }
    task = Task(row["TaskNum"], key, created, finished, author, status, edited, notes, viewed, row)
    ctx.sinks["task"].add(**row)
    patient.touch(edited)
    return task
