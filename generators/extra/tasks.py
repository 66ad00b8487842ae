"""What happens to each patient task: its history, notes, subscription and unread mark (Supporting phase).

For every task of a patient's Story (written by supporting.py, which also decides when its notes are added, so that
the task's last edit, task.SecDateTEdit, is its latest change), all between the task's creation and its last edit:

* tasknote: up to two notes, at distinct minutes (no tie on the latest DateTimeNote, contract G-08.5).
* taskhist: OpenDental keeps the task as it was before each change: one row per note (IsNoteChange) and one for
  the change that gave the task its final state (done, or viewed), each stamped when the change was made. A
  task's stamps are distinct, so its latest history row is unique (G-08.5).
* tasksubscription: at most one per task (G-08.5): a colleague following it - the patient's dentist for clinical
  tasks, else the office manager - subscribed to the task itself (TaskListNum 0).
* taskunread: at most one per task, since int_task_management joins the unread rows of a task too: a task nobody
  has opened yet (TaskStatus 0) is unread for that colleague.

Prefix-stable: each note and change draws from a stream of its own task (keyed by its visit, not by its id), the
rows a later as-of date adds (notes, a task done since) are made later and take later ids, and every task that can
be unread holds an unread id whether or not it is unread on the as-of date (a task done since loses the row, no
other row moves).

Tasks created before 2023 get none of these: the staging models drop those tasks, so the rows would point nowhere.
The practice's task lists are office.py's (tasklist); patient tasks are on none of them (TaskListNum 0).

The task row itself is supporting.py's; its history rows repeat its values (supporting.Task.row).
"""

from __future__ import annotations

from datetime import datetime

from contract.rules import FLOOR
from generators import supporting
from generators.extra.office import office_manager
from generators.rng import stream

SUBSCRIPTION_RATE = 0.3
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
    tasks = supporting.bounds(household)["task"]
    return {"taskhist": tasks * (supporting.MAX_NOTES + 1), "tasknote": tasks * supporting.MAX_NOTES,
            "tasksubscription": tasks, "taskunread": tasks}


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


def emit_household(ctx, household, stories) -> None:
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        tasks = [t for t in story.tasks if t.created.date() >= FLOOR]
        changes, followers = [], []
        for task in tasks:  # in the order of their ids: the order they were made
            follower = _follower(ctx, story, _subject(task.row["Descript"]), task.author)
            followers.append(follower)
            changes += _changes(ctx, task, follower)
        # a patient's notes and history rows take ids in the order they were made, across tasks
        changes.sort(key=lambda c: (c[0], c[1].task_num))
        previous = {task.task_num: task.created for task in tasks}
        for moment, task, user, note in changes:
            row = task.row
            if note is not None:
                ctx.sinks["tasknote"].add(TaskNoteNum=ctx.ids.next("tasknote"), TaskNum=task.task_num, UserNum=user,
                                          DateTimeNote=moment, Note=note)
            ctx.sinks["taskhist"].add(
                TaskHistNum=ctx.ids.next("taskhist"), UserNumHist=user, DateTStamp=moment,
                IsNoteChange=note is not None, TaskNum=task.task_num, TaskListNum=row["TaskListNum"],
                DateTask=row["DateTask"], KeyNum=row["KeyNum"], Descript=row["Descript"], TaskStatus=0,
                IsRepeating=False, DateType=False, FromNum=row["FromNum"], ObjectType=row["ObjectType"],
                DateTimeEntry=row["DateTimeEntry"], UserNum=row["UserNum"], DateTimeFinished=None,
                PriorityDefNum=row["PriorityDefNum"], ReminderGroupId="", ReminderType=0, ReminderFrequency=0,
                DateTimeOriginal=row["DateTimeOriginal"], SecDateTEdit=previous[task.task_num], DescriptOverride="",
                IsReadOnly=False, Category=0,
            )
            previous[task.task_num] = moment
        for task, follower in zip(tasks, followers):
            if follower and stream(ctx.seed, "task subscription", *task.key).random() < SUBSCRIPTION_RATE:
                ctx.sinks["tasksubscription"].add(TaskSubscriptionNum=ctx.ids.next("tasksubscription"),
                                                  UserNum=follower, TaskListNum=0, TaskNum=task.task_num)
        for task, follower in zip(tasks, followers):
            if follower:
                unread = ctx.ids.next("taskunread")  # held while the task is done, so no later mark moves
                if task.status == 0:
                    ctx.sinks["taskunread"].add(TaskUnreadNum=unread, TaskNum=task.task_num, UserNum=follower)


def _changes(ctx, task: supporting.Task, follower: int) -> list[tuple[datetime, supporting.Task, int, str | None]]:
    """(moment, task, user, note text or None for the status change) of one task, each drawn from its own stream;
    the status change (done, or viewed) is the task's last edit."""
    subject = _subject(task.row["Descript"])
    colleagues = _colleagues(ctx, task.author)
    changes = []
    for index, moment in enumerate(task.notes):
        rng = stream(ctx.seed, "task note", *task.key, index)
        user = task.author if rng.random() < 0.6 or not colleagues else rng.choice(colleagues)
        changes.append((moment, task, user, rng.choice(NOTES.get(subject, GENERAL_NOTES))))
    if task.finished:
        rng = stream(ctx.seed, "task done", *task.key)
        changes.append((task.finished, task, task.author if rng.random() < 0.8 or not colleagues
                        else rng.choice(colleagues), None))
    elif task.viewed:  # viewed by the colleague following it
        changes.append((task.viewed, task, follower or task.author, None))
    return changes
