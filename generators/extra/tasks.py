"""What happens to each patient task: its history, notes, subscription and unread mark (Supporting phase).

For every task of a patient's Story (written by supporting.py), all between the task's creation and its last edit
(task.SecDateTEdit), so that the task row stays the latest state:

* tasknote: up to two notes, at distinct minutes (no tie on the latest DateTimeNote, contract G-08.5).
* taskhist: OpenDental keeps the task as it was before each change: one row per note (IsNoteChange) and one for
  the change that gave the task its final state (done, or viewed), each stamped when the change was made. A
  task's stamps are distinct, so its latest history row is unique (G-08.5).
* tasksubscription: at most one per task (G-08.5): a colleague following it - the patient's dentist for clinical
  tasks, else the office manager - subscribed to the task itself (TaskListNum 0).
* taskunread: at most one per task, since int_task_management joins the unread rows of a task too: a task nobody
  has opened yet (TaskStatus 0) is unread for that colleague.

Tasks created before 2023 get none of these: the staging models drop those tasks, so the rows would point nowhere.
The practice's task lists are office.py's (tasklist); patient tasks are on none of them (TaskListNum 0).

The task row itself is supporting.py's; its history rows repeat its values (supporting.Task.row).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from contract.rules import FLOOR
from generators import calendar, supporting
from generators.extra.office import office_manager
from generators.rng import stream, weighted

MAX_NOTES = 2
NOTES_DONE = {0: 0.35, 1: 0.45, 2: 0.20}  # notes on a task that was finished
NOTES_OPEN = {0: 0.6, 1: 0.4}  # on one still open (its last edit is minutes after creation)
SUBSCRIPTION_RATE = 0.3
OFFICE_MINUTES = 570  # 8:00 to 17:30, when notes are written on tasks that stay open for days
# Notes by the task's subject (a word of its description), and for anything else.
NOTES = {
    "will pay": ("Payment received as promised.", "Reminder call made the day before."),
    "insurance claim": ("Carrier says the claim is in process.", "Claim paid; posted to the account."),
    "resubmit": ("Claim resubmitted with the narrative and images.", "Carrier confirmed the attachments."),
    "statement": ("Statement mailed with payment options.", "Patient asked for a payment plan; manager to review."),
    "balance": ("Left a voicemail about the balance.", "Patient paid by card over the phone."),
    "eligibility": ("Eligibility checked online; plan active.", "Waiting on a call back from the carrier."),
    "lab case": ("Lab confirmed the case ships Thursday.", "Case received and checked in."),
    "radiographs": ("Images sent through the secure portal.", "Specialist's office confirmed receipt."),
    "medical history": ("Flagged in the appointment note.", "Patient updated the form at check-in."),
    "reschedule": ("Left a voicemail.", "Sent a text with open times.", "Patient will call back next week."),
    "night guard": ("Impressions sent to the lab.", "Lab confirmed; ready in two weeks."),
    "records": ("Request faxed to the previous office.", "Records received and imported."),
    "post-op": ("Patient doing well, no swelling.", "Left a voicemail; will try again tomorrow."),
    "crown seat": ("Lab case returns Tuesday; seat visit booked.", "Patient confirmed the seat visit."),
    "premedication": ("Physician's office faxed the premed instructions.", "Waiting on the physician's reply."),
    "treatment plan": ("Went over the plan; patient wants to think it over.", "Patient accepted phase one."),
    "welcome packet": ("Packet mailed.", "Patient received the packet."),
}
GENERAL_NOTES = ("Called patient, left a voicemail.", "Spoke with patient; will follow up.", "Done, see chart notes.")
CLINICAL_SUBJECTS = ("lab case", "radiographs", "night guard", "post-op", "crown seat", "premedication",
                     "treatment plan", "medical history")


def bounds(household) -> dict[str, int]:
    tasks = len(household.members)  # supporting.py writes at most one task per patient (idplan's task bound)
    return {"taskhist": tasks * (MAX_NOTES + 1), "tasknote": tasks * MAX_NOTES, "tasksubscription": tasks,
            "taskunread": tasks}


def _subject(descript: str) -> str:
    text = descript.lower()
    return next((s for s in NOTES if s in text), "")


def _colleagues(ctx, author: int) -> list[int]:
    staff = ctx.staff
    pool = staff.users_by_role("front") + staff.users_by_role("manager") + staff.users_by_role("billing")
    return [u.user_num for u in pool if u.user_num != author]


def _follower(ctx, story, subject: str, author: int) -> int:
    """Who should look at the task besides its author: the patient's dentist for clinical work, else the manager."""
    if subject in CLINICAL_SUBJECTS:
        dentist = next((u.user_num for u in ctx.staff.users if u.prov_num == story.patient.pri_prov), 0)
        if dentist and dentist != author:
            return dentist
    manager = office_manager(ctx.staff).user_num
    if manager != author:
        return manager
    others = _colleagues(ctx, author)
    return others[0] if others else 0


def _moments(rng, start: datetime, end: datetime, count: int) -> list[datetime]:
    """Up to `count` distinct whole minutes strictly between start and end, in time order: in office hours (8:00 to
    17:30) on the days between when there are such minutes, else any."""
    span = int((end - start).total_seconds() // 60)
    if count == 0 or span < 2:
        return []
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
    return sorted(rng.sample(sorted(candidates), min(count, len(candidates))))


def emit_household(ctx, household, stories) -> None:
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        if story.tasks:
            for task in story.tasks:
                if task.created.date() >= FLOOR:
                    _task_children(ctx, story, task, task.row)


def _task_children(ctx, story, task: supporting.Task, row: dict) -> None:
    rng = stream(ctx.seed, "task-children", task.task_num)
    subject = _subject(row["Descript"])
    notes = weighted(rng, NOTES_DONE if task.finished else NOTES_OPEN)
    colleagues = _colleagues(ctx, task.author)
    follower = _follower(ctx, story, subject, task.author)

    # (moment, user, note text or None for the status change), in time order at distinct minutes; the status
    # change (done, or viewed) is the task's last edit
    events: list[tuple[datetime, int, str | None]] = []
    for moment in _moments(rng, task.created, task.edited, notes):
        user = task.author if rng.random() < 0.6 or not colleagues else rng.choice(colleagues)
        events.append((moment, user, rng.choice(NOTES.get(subject, GENERAL_NOTES))))
    if task.finished:
        events.append((task.edited, task.author if rng.random() < 0.8 or not colleagues else rng.choice(colleagues),
                       None))
    elif task.status == 1:  # viewed by the colleague following it
        events.append((task.edited, follower or task.author, None))

    previous = task.created
    for moment, user, note in events:
        if note is not None:
            ctx.sinks["tasknote"].add(TaskNoteNum=ctx.ids.next("tasknote"), TaskNum=task.task_num, UserNum=user,
                                      DateTimeNote=moment, Note=note)
        ctx.sinks["taskhist"].add(
            TaskHistNum=ctx.ids.next("taskhist"), UserNumHist=user, DateTStamp=moment, IsNoteChange=note is not None,
            TaskNum=task.task_num, TaskListNum=row["TaskListNum"], DateTask=row["DateTask"], KeyNum=row["KeyNum"],
            Descript=row["Descript"], TaskStatus=0, IsRepeating=False, DateType=False, FromNum=row["FromNum"],
            ObjectType=row["ObjectType"], DateTimeEntry=row["DateTimeEntry"], UserNum=row["UserNum"],
            DateTimeFinished=None, PriorityDefNum=row["PriorityDefNum"], ReminderGroupId="", ReminderType=0,
            ReminderFrequency=0, DateTimeOriginal=row["DateTimeOriginal"], SecDateTEdit=previous, DescriptOverride="",
            IsReadOnly=False, Category=0,
        )
        previous = moment

    if follower and rng.random() < SUBSCRIPTION_RATE:
        ctx.sinks["tasksubscription"].add(TaskSubscriptionNum=ctx.ids.next("tasksubscription"), UserNum=follower,
                                          TaskListNum=0, TaskNum=task.task_num)
    if follower and task.status == 0:
        ctx.sinks["taskunread"].add(TaskUnreadNum=ctx.ids.next("taskunread"), TaskNum=task.task_num, UserNum=follower)
