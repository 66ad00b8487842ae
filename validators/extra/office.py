"""Checks for generators/extra/office.py and tasks.py: users, views and preferences, task lists, employees and time
adjustments, programs, the appointment-creation log, and the history, notes, subscriptions and unread marks of
tasks.

The contract's R-lines on these tables run from contract_checks.py, keys from structure.py, ids (G-04), ClinicNum 0
(G-03) and "nothing after the as-of date" from derived.py and timeline.py. Here: the rest of the D- and G-rules on
these tables (G-08.5, G-08.8, D-entrylog-01, D-userod-01 for userodpref), and the promises the generator makes
about them (a task's children lie within its life and repeat its description; an entry-log row is its
appointment's creation; the reminder program of automated commlogs exists).
"""

from __future__ import annotations

from contract.tables import written_by
from validators.base import Check

# The office's reference tables, which must all hold rows (timeadjust only in some windows).
OFFICE_TABLES = tuple(t for t in written_by("generators/extra/office.py") if t not in ("entrylog", "timeadjust"))
from validators.derived import FLOOR, at_least_one, clean, groups, missing, rows
from validators.structure import staged

# Contract §6.2 int_collection_tasks: task lists and description keywords it reads as collection work.
COLLECTION_LIST_NUMS = "0, 8, 29, 30, 36, 42, 44, 47, 50, 51"
COLLECTION_KEYWORDS = ("collect", "payment", "balance", "due", "owe", "pay", "bill", "account", "write off", "$",
                       "insurance", "claim")
LOG_SOURCES = "0, 7, 16, 19"  # D-entrylog-01
USER_LOG_SOURCES = "0, 16"  # made by a staff login (Open Dental, mobile app); 7 and 19 are Web Sched


def task_checks() -> list[Check]:
    keywords = " OR ".join(f"""position('{k}' in lower(l."Descript")) > 0""" for k in COLLECTION_KEYWORDS)
    def latest_tie(table: str, stamp: str) -> Check:
        latest = f"""SELECT x."TaskNum", rank() OVER (PARTITION BY x."TaskNum" ORDER BY x."{stamp}" DESC) AS rk
                     FROM {staged(table)} AS x WHERE x."TaskNum" <> 0"""
        return groups(f"G-08.5 latest {table} unique", table,
                      f'SELECT 1 FROM ({latest}) AS l WHERE l.rk = 1 GROUP BY l."TaskNum" HAVING count(*) > 1',
                      f"tasks with two {table} rows on the latest {stamp} (int_task_management duplicates)")

    def one_per_task(table: str) -> Check:
        return groups(f"G-08.5 one {table} per task", table,
                      f'SELECT 1 FROM {staged(table)} AS x WHERE x."TaskNum" <> 0 GROUP BY x."TaskNum" '
                      "HAVING count(*) > 1",
                      f"tasks with more than one {table} row (int_task_management joins them per task)")

    def within_life(table: str, alias: str, stamp: str) -> Check:
        return rows(f"{table} within its task's life", table, alias,
                    f"""NOT EXISTS (SELECT 1 FROM raw.task AS k WHERE k."TaskNum" = {alias}."TaskNum"
                                    AND {alias}."{stamp}" BETWEEN k."DateTimeOriginal" AND k."SecDateTEdit")""",
                    f"{stamp} outside its task's DateTimeOriginal..SecDateTEdit (or no such task)")

    return [
        one_per_task("tasksubscription"),
        one_per_task("taskunread"),
        latest_tie("taskhist", "DateTStamp"),
        latest_tie("tasknote", "DateTimeNote"),
        within_life("taskhist", "h", "DateTStamp"),
        within_life("tasknote", "n", "DateTimeNote"),
        rows("taskhist repeats its task", "taskhist", "h",
             """NOT EXISTS (SELECT 1 FROM raw.task AS k WHERE k."TaskNum" = h."TaskNum" AND k."Descript" = h."Descript"
                            AND k."KeyNum" = h."KeyNum" AND k."ObjectType" = h."ObjectType"
                            AND k."PriorityDefNum" = h."PriorityDefNum"
                            AND k."DateTimeOriginal" = h."DateTimeOriginal")""",
             "history row whose description, patient, priority or creation differs from its task's"),
        rows("taskunread on unopened tasks", "taskunread", "u",
             """NOT EXISTS (SELECT 1 FROM raw.task AS k WHERE k."TaskNum" = u."TaskNum" AND k."TaskStatus" = 0
                            AND k."UserNum" <> u."UserNum")""",
             "unread mark on a task that is viewed or done, or for the task's own author"),
        rows("tasklist not a collection list", "tasklist", "l",
             f"""l."TaskListNum" IN ({COLLECTION_LIST_NUMS})
                 OR {keywords}""",
             "task list id or description that int_collection_tasks reads as collection work (contract §6.2)"),
    ]


def user_checks() -> list[Check]:
    return [
        groups("G-08.8 one appointment view per user", "userodapptview",
               'SELECT 1 FROM raw.userodapptview AS v GROUP BY v."UserNum", v."ClinicNum" HAVING count(*) > 1',
               "users with more than one userodapptview row (int_user_preferences fan-out)"),
        groups("G-08.8 one task-view preference per user", "userodpref",
               'SELECT 1 FROM raw.userodpref AS p WHERE p."FkeyType" = 3 GROUP BY p."UserNum", p."ClinicNum" '
               "HAVING count(*) > 1",
               "users with more than one FkeyType 3 preference (int_user_preferences fan-out)"),
        rows("D-userod-01 userodpref users", "userodpref", "p", missing('p."UserNum"', "raw.userod", "UserNum"),
             "preference of a user missing from userod"),
        rows("users in a group", "userod", "u",
             """NOT EXISTS (SELECT 1 FROM raw.usergroupattach AS a WHERE a."UserNum" = u."UserNum"
                            AND EXISTS (SELECT 1 FROM raw.usergroup AS g WHERE g."UserGroupNum" = a."UserGroupNum"))""",
             "a login in no user group"),
    ]


def entrylog_checks() -> list[Check]:
    return [
        rows("D-entrylog-01 LogSource", "entrylog", "e", f'e."LogSource" NOT IN ({LOG_SOURCES})',
             f"LogSource outside {LOG_SOURCES}"),
        rows("G-01 entrylog from 2023", "entrylog", "e",
             f"""{clean('e."EntryDateTime"')} < {FLOOR}""",
             "log entry before 2023-01-01"),
        rows("entrylog is an appointment's creation", "entrylog", "e",
             f"""NOT EXISTS (SELECT 1 FROM raw.appointment AS a WHERE a."AptNum" = e."FKey"
                             AND a."SecDateTEntry" = e."EntryDateTime"
                             AND (CASE WHEN e."LogSource" IN ({USER_LOG_SOURCES}) THEN a."SecUserNumEntry" ELSE 0 END)
                                 = e."UserNum")""",
             "FKey not an appointment, or stamp or user unlike the appointment's entry (UserNum 0 for Web Sched)"),
    ]


def office_checks() -> list[Check]:
    filled = " AND ".join(f"EXISTS (SELECT 1 FROM raw.{t})" for t in OFFICE_TABLES)
    return [
        at_least_one("office reference data", "usergroup", f"SELECT 1 WHERE {filled}",
                     f"one of {', '.join(OFFICE_TABLES)} is empty"),
        rows("D-commlog-03 automated program exists", "commlog", "c",
             f"""coalesce(c."ProgramNum", 0) <> 0 AND {missing('c."ProgramNum"', "raw.program", "ProgramNum")}""",
             "ProgramNum (95 included) that is no program row"),
        rows("timeadjust adds time", "timeadjust", "t",
             """NOT (t."RegHours" > TIME '00:00' OR t."OTimeHours" > TIME '00:00' OR t."PtoHours" > TIME '00:00')""",
             "time adjustment without positive hours"),
    ]


def checks() -> list[Check]:
    return task_checks() + user_checks() + entrylog_checks() + office_checks()
