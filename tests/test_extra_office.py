"""generators/extra/office.py and tasks.py, and their checks (validators/extra/office.py).

The generator tests read the rows straight from the engine (no database): the reference rows of a prepared run and
the rows of its chunks, parsed back from their COPY text. The validator tests load hand-made rows into a scratch
database, each built to break or satisfy one rule, as tests/test_derived.py does.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from conftest import insert_rows, schema_database, with_defaults

from config import load_config
from contract import schema
from contract import tables as registry
from generators import engine
from generators.extra import office, tasks
from validators.base import run_checks
from validators.extra import office as office_checks
from writers.copytext import NULL, encode

pytestmark = pytest.mark.db  # needs PostgreSQL

PATIENTS, SEED = 1200, 5  # three chunks
AS_OF = "2026-11-20"
END_OF_DATA = "2026-11-20 00:00:00"  # every stamp lies before it
COLLECTION_LIST_NUMS = {0, 8, 29, 30, 36, 42, 44, 47, 50, 51}  # contract §6.2 int_collection_tasks
COLLECTION_KEYWORDS = ("collect", "payment", "balance", "due", "owe", "pay", "bill", "account", "write off", "$",
                       "insurance", "claim")
TASK_CHILDREN = ("taskhist", "tasknote", "tasksubscription", "taskunread")
_UNESCAPE = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


def parse(table: str, text: str) -> list[dict]:
    """COPY text -> one dict per row, column name -> text value (None for NULL)."""
    names = [c.name for c in schema.table(table).columns]
    result = []
    for line in text.splitlines():
        values = [None if v == NULL else _unescape(v) for v in line.split("\t")]
        result.append(dict(zip(names, values)))
    return result


def _unescape(value: str) -> str:
    for escaped, plain in _UNESCAPE.items():
        value = value.replace(escaped, plain)
    return value


# ---------------------------------------------------------------- generated rows


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    config = load_config(with_defaults(["--patients", PATIENTS, "--seed", SEED, "--as-of", AS_OF]), {},
                         tmp_path_factory.mktemp("cwd"), date(2026, 11, 20))
    return engine.prepare(config)


@pytest.fixture(scope="module")
def reference(run) -> dict[str, list[dict]]:
    office_reference = [t for t in registry.written_by("generators/extra/office.py") if t in registry.REFERENCE_TABLES]
    return {t: parse(t, encode(t, run.ctx.sinks.rows(t))) for t in office_reference + ["userod", "definition"]}


@pytest.fixture(scope="module")
def chunks(run) -> list[dict[str, list[tuple]]]:
    return [engine.chunk_rows(run, i) for i in range(len(run.chunks))]


@pytest.fixture(scope="module")
def generated(chunks) -> dict[str, list[dict]]:
    """Per-patient rows of every chunk, by table."""
    tables = ("appointment", "task", "entrylog") + TASK_CHILDREN
    return {t: [row for rows in chunks if t in rows for row in parse(t, encode(t, rows[t]))] for t in tables}


def test_tables_are_declared_once_in_their_phases():
    declared = [t for m in ("office", "tasks") for t in registry.written_by(f"generators/extra/{m}.py")]
    assert len(declared) == len(set(declared)) == 15
    phase_of = {t: phase for phase, tables in registry.PHASES for t in tables}
    assert {t: phase_of[t] for t in ("timeadjust", "entrylog", "tasklist", "taskunread")} == {
        "timeadjust": "Clinical", "entrylog": "Patients", "tasklist": "Foundation", "taskunread": "Supporting"}


def test_task_lists_are_no_collection_lists(reference):
    lists = reference["tasklist"]
    assert len(lists) >= 5
    nums = {int(t["TaskListNum"]) for t in lists}
    assert not nums & COLLECTION_LIST_NUMS
    assert not [t for t in lists if any(k in t["Descript"].lower() for k in COLLECTION_KEYWORDS)]
    assert {int(t["Parent"]) for t in lists} <= nums | {0}
    assert min(t["DateTimeEntry"] for t in lists) >= "2023-01-01"
    assert {t["TaskListStatus"] for t in lists} <= {"0", "1", "2"} and {t["ObjectType"] for t in lists} <= {"0", "1"}


def test_every_user_has_a_group_a_view_and_plain_preferences(reference):
    users = {u["UserNum"] for u in reference["userod"]}
    groups = {g["UserGroupNum"] for g in reference["usergroup"]}
    assert len({g["Description"] for g in reference["usergroup"]}) == len(groups)
    attached = [(a["UserNum"], a["UserGroupNum"]) for a in reference["usergroupattach"]]
    assert len(attached) == len(set(attached)) and {g for _, g in attached} <= groups
    assert {u for u, _ in attached} == users

    views = [v["UserNum"] for v in reference["userodapptview"]]
    assert sorted(views) == sorted(users)  # exactly one per user (G-08.8)
    assert {v["ApptViewNum"] for v in reference["userodapptview"]} <= {v["ApptViewNum"] for v in reference["apptview"]}
    assert {v["ClinicNum"] for v in reference["userodapptview"] + reference["apptview"]} == {"0"}

    prefs = reference["userodpref"]
    assert {p["UserNum"] for p in prefs} <= users
    assert {int(p["FkeyType"]) for p in prefs} <= {0, 3, 4, 8, 9, 10, 11, 12, 13, 17, 19, 20, 21, 23, 24, 26, 27}
    task_views = [p["UserNum"] for p in prefs if p["FkeyType"] == "3"]
    assert task_views and len(task_views) == len(set(task_views))  # at most one per user (G-08.8)
    assert {p["ClinicNum"] for p in prefs} == {"0"} and all(p["ValueString"].strip() for p in prefs)
    blocked = {p["Fkey"] for p in prefs if p["FkeyType"] == "10"}
    assert blocked and blocked <= {t["TaskListNum"] for t in reference["tasklist"]}


def test_program_95_is_the_reminder_service_and_properties_resolve(reference):
    programs = {p["ProgramNum"]: p for p in reference["program"]}
    assert programs["95"]["Enabled"] == "t" and programs["95"]["ProgName"]
    assert len({p["ProgName"] for p in programs.values()}) == len(programs)
    assert all(0 < len(p["ProgName"]) <= 100 and len(p["ProgDesc"]) <= 100 for p in programs.values())
    properties = reference["programproperty"]
    assert {p["ProgramNum"] for p in properties} <= set(programs)
    assert {p["IsMasked"] for p in properties} <= {"t", "f"} and {p["ClinicNum"] for p in properties} == {"0"}


def test_employees_and_their_time_adjustments(run, reference):
    employees = {e["EmployeeNum"]: e for e in reference["employee"]}
    bosses = [e for e in employees.values() if e["ReportsTo"] is None]
    assert len(bosses) == 1 and {e["ReportsTo"] for e in employees.values()} - {None} == {bosses[0]["EmployeeNum"]}
    assert all(e["FName"] and e["LName"] for e in employees.values())
    hygienists = {p.last for p in run.ctx.staff.by_role("hygienist")}
    assert hygienists <= {e["LName"] for e in employees.values()}
    dentists = {p.last for p in run.ctx.staff.by_role("dentist")}
    assert not dentists & {e["LName"] for e in employees.values()}

    adjustments = reference["timeadjust"]
    assert len(adjustments) > 10 * len(employees)  # about one a month each over the window
    working = {e.emp_num: e for e in office.employees(run.ctx.staff)}
    users = {u["UserNum"] for u in reference["userod"]}
    for t in adjustments:
        moment = datetime.fromisoformat(t["TimeEntry"])
        assert "2023-01-01" <= t["TimeEntry"] < END_OF_DATA
        assert working[int(t["EmployeeNum"])].works(moment.date()), t
        assert "00:00:00" in (t["RegHours"], t["OTimeHours"]) and (t["RegHours"], t["OTimeHours"]) != ("00:00:00",) * 2
        assert t["PtoHours"] == "00:00:00" and t["SecuUserNumEntry"] in users and t["ClinicNum"] == "0"
    assert len({t["TimeAdjustNum"] for t in adjustments}) == len(adjustments)


def test_entry_log_is_the_creation_of_each_appointment_booked_since_2023(generated):
    appointments = {a["AptNum"]: a for a in generated["appointment"]}
    entries = generated["entrylog"]
    assert [e["FKey"] for e in entries].count(entries[0]["FKey"]) == 1
    assert {e["FKey"] for e in entries} == {a for a, row in appointments.items() if row["SecDateTEntry"] >= "2023"}
    sources = {}
    for e in entries:
        appointment = appointments[e["FKey"]]
        assert e["EntryDateTime"] == appointment["SecDateTEntry"] < END_OF_DATA
        assert e["FKeyType"] == "f" and e["LogSource"] in ("0", "7", "16", "19")
        expected_user = appointment["SecUserNumEntry"] if e["LogSource"] in ("0", "16") else "0"
        assert e["UserNum"] == expected_user
        sources[e["LogSource"]] = sources.get(e["LogSource"], 0) + 1
    assert sources["0"] > 0.9 * len(entries) and sources["7"] > 0  # most by staff, some new patients online


def test_task_children_follow_the_task(generated, reference):
    tasks_by_num = {t["TaskNum"]: t for t in generated["task"]}
    users = {u["UserNum"] for u in reference["userod"]}
    for table in ("tasksubscription", "taskunread"):
        per_task = [r["TaskNum"] for r in generated[table]]
        assert per_task and len(per_task) == len(set(per_task)), table  # at most one per task (G-08.5)
        assert {r["UserNum"] for r in generated[table]} <= users
    for table, stamp in (("taskhist", "DateTStamp"), ("tasknote", "DateTimeNote")):
        latest: dict[str, list[str]] = {}
        for r in generated[table]:
            task = tasks_by_num[r["TaskNum"]]
            assert task["DateTimeOriginal"] <= r[stamp] <= task["SecDateTEdit"], (table, r)
            latest.setdefault(r["TaskNum"], []).append(r[stamp])
        assert all(len(s) == len(set(s)) for s in latest.values()), table  # no tie on the latest (G-08.5)
    for h in generated["taskhist"]:
        task = tasks_by_num[h["TaskNum"]]
        for column in ("Descript", "KeyNum", "ObjectType", "PriorityDefNum", "DateTimeOriginal", "TaskListNum"):
            assert h[column] == task[column], (column, h)
        assert h["UserNumHist"] in users and h["DateTask"] is not None and h["SecDateTEdit"] <= h["DateTStamp"]
    for u in generated["taskunread"]:
        task = tasks_by_num[u["TaskNum"]]
        assert task["TaskStatus"] == "0" and u["UserNum"] != task["UserNum"]
    notes = [r["TaskNum"] for r in generated["tasknote"]]
    changes = [r["TaskNum"] for r in generated["taskhist"] if r["IsNoteChange"] == "t"]
    assert sorted(notes) == sorted(changes)  # every note leaves a history row


def test_billing_tasks_follow_a_completed_visit_and_are_the_billing_staffs(generated, reference):
    """About a quarter of the tasks are the front office's money work: dated weeks after one of the patient's
    completed visits, by a billing user, in words the dbt project reads as collection work, never naming a
    campaign or 'collection' (contract G-08.4)."""
    billing_users = {u["UserNum"] for u in reference["userod"] if u["UserName"].startswith("billing")}
    completed: dict[str, list[datetime]] = {}
    for a in generated["appointment"]:
        if a["AptStatus"] == "2":
            completed.setdefault(a["PatNum"], []).append(datetime.fromisoformat(a["AptDateTime"]))
    billing = [t for t in generated["task"] if t["FromNum"] in billing_users]
    assert 0.15 < len(billing) / len(generated["task"]) < 0.35
    for t in billing:
        assert any(k in t["Descript"].lower() for k in COLLECTION_KEYWORDS), t["Descript"]
        assert "collection" not in t["Descript"] and "Follow-up" not in t["Descript"]
        created = datetime.fromisoformat(t["DateTimeOriginal"])
        assert any(timedelta(days=7) <= created - seen <= timedelta(days=46)
                   for seen in completed.get(t["KeyNum"], [])), t
    others = [t for t in generated["task"] if t["FromNum"] not in billing_users]
    assert others and not any(k in t["Descript"].lower() for t in others for k in ("insurance", "claim", "$"))


def test_replaying_the_tasks_changes_no_other_row(run, chunks, monkeypatch):
    """The task children come from a replay of supporting.emit; without them every other table is identical."""
    monkeypatch.setattr(tasks, "emit_household", lambda ctx, household, stories: None)
    for index, rows in enumerate(chunks):
        alone = engine.chunk_rows(run, index)
        assert set(rows) - set(alone) <= set(TASK_CHILDREN)
        assert {t: alone[t] for t in alone} == {t: rows[t] for t in alone}


def test_rows_do_not_depend_on_the_chunk_being_generated_again(run, chunks):
    again = engine.chunk_rows(run, len(chunks) - 1)
    for table in ("entrylog",) + TASK_CHILDREN:
        assert again.get(table) == chunks[-1].get(table), table


# ---------------------------------------------------------------- checks

CHECK_AS_OF = date(2025, 6, 15)
T0 = datetime(2024, 1, 1, 9, 0)


def task(num: int, **values) -> dict:
    """A patient task of user 1, done four days after it was created, unless `values` say otherwise."""
    return {"TaskNum": num, "Descript": "Mail packet", "KeyNum": 1, "ObjectType": 1, "PriorityDefNum": 263,
            "TaskStatus": 2, "UserNum": 1, "DateTimeOriginal": T0, "SecDateTEdit": T0 + timedelta(days=4)} | values


def hist(num: int, task_num: int, stamp: datetime, **values) -> dict:
    """A history row repeating task 1's description, patient and priority."""
    return {"TaskHistNum": num, "TaskNum": task_num, "DateTStamp": stamp, "Descript": "Mail packet", "KeyNum": 1,
            "ObjectType": 1, "PriorityDefNum": 263, "DateTimeOriginal": T0} | values


def entry(num: int, **values) -> dict:
    """The creation of appointment 1 by user 2 in Open Dental."""
    return {"EntryLogNum": num, "UserNum": 2, "FKeyType": False, "FKey": 1, "LogSource": 0,
            "EntryDateTime": datetime(2024, 1, 10, 10, 0)} | values


ROWS = {
    "userod": [{"UserNum": n, "UserName": name} for n, name in ((1, "amy"), (2, "bob"), (3, "cat"))],
    "usergroup": [{"UserGroupNum": 1, "Description": "Front Office"}],
    "usergroupattach": [
        {"UserGroupAttachNum": 1, "UserNum": 1, "UserGroupNum": 1},
        {"UserGroupAttachNum": 2, "UserNum": 2, "UserGroupNum": 1},
        {"UserGroupAttachNum": 3, "UserNum": 3, "UserGroupNum": 99},  # users in a group: no group 99
    ],
    "userodapptview": [
        {"UserodApptViewNum": 1, "UserNum": 1, "ClinicNum": 0, "ApptViewNum": 1},
        {"UserodApptViewNum": 2, "UserNum": 1, "ClinicNum": 0, "ApptViewNum": 2},  # G-08.8: user 1 twice
        {"UserodApptViewNum": 3, "UserNum": 2, "ClinicNum": 0, "ApptViewNum": 1},
    ],
    "userodpref": [
        {"UserOdPrefNum": 1, "UserNum": 1, "FkeyType": 3, "Fkey": 0, "ClinicNum": 0, "ValueString": "1"},
        {"UserOdPrefNum": 2, "UserNum": 1, "FkeyType": 3, "Fkey": 0, "ClinicNum": 0, "ValueString": "0"},  # G-08.8
        {"UserOdPrefNum": 3, "UserNum": 2, "FkeyType": 3, "Fkey": 0, "ClinicNum": 0, "ValueString": "1"},
        {"UserOdPrefNum": 4, "UserNum": 2, "FkeyType": 4, "Fkey": 0, "ClinicNum": 0, "ValueString": "1"},
        {"UserOdPrefNum": 5, "UserNum": 7, "FkeyType": 4, "Fkey": 0, "ClinicNum": 0, "ValueString": "1"},  # no user 7
    ],
    "tasklist": [
        {"TaskListNum": 1, "Descript": "Front Desk", "DateTimeEntry": T0},
        {"TaskListNum": 8, "Descript": "Scheduling", "DateTimeEntry": T0},  # a collection list id
        {"TaskListNum": 12, "Descript": "Past-Due Accounts", "DateTimeEntry": T0},  # collection keywords
    ],
    "task": [
        task(1),
        task(2, TaskStatus=0, DateTimeOriginal=datetime(2024, 2, 1, 9, 0), SecDateTEdit=datetime(2024, 2, 1, 9, 5)),
    ],
    "taskhist": [
        hist(1, 1, datetime(2024, 1, 2, 10, 0)),
        hist(2, 1, datetime(2024, 1, 5, 9, 0)),  # G-08.5: two rows on the latest stamp of task 1 ...
        hist(3, 1, datetime(2024, 1, 5, 9, 0), Descript="Other"),  # ... and this one's description differs
        hist(4, 2, datetime(2024, 3, 1, 9, 0), DateTimeOriginal=datetime(2024, 2, 1, 9, 0)),  # after task 2's last edit
        hist(5, 99, datetime(2024, 1, 2, 9, 0)),  # no task 99: outside its life and repeating nothing
        hist(6, 1, datetime(2022, 6, 1, 9, 0), Descript="Old"),  # before 2023: not staged, so not checked
    ],
    "tasknote": [
        {"TaskNoteNum": 1, "TaskNum": 1, "UserNum": 1, "DateTimeNote": datetime(2024, 1, 3, 9, 0), "Note": "a"},
        {"TaskNoteNum": 2, "TaskNum": 1, "UserNum": 2, "DateTimeNote": datetime(2024, 1, 3, 9, 0), "Note": "b"},  # tie
        {"TaskNoteNum": 3, "TaskNum": 2, "UserNum": 1, "DateTimeNote": datetime(2024, 1, 20), "Note": "c"},  # early
    ],
    "tasksubscription": [
        {"TaskSubscriptionNum": 1, "TaskNum": 1, "UserNum": 2, "TaskListNum": 0},
        {"TaskSubscriptionNum": 2, "TaskNum": 1, "UserNum": 3, "TaskListNum": 0},  # G-08.5: task 1 twice
        {"TaskSubscriptionNum": 3, "TaskNum": 2, "UserNum": 2, "TaskListNum": 0},
        {"TaskSubscriptionNum": 4, "TaskNum": 0, "UserNum": 2, "TaskListNum": 1},  # a list subscription
        {"TaskSubscriptionNum": 5, "TaskNum": 0, "UserNum": 3, "TaskListNum": 1},
    ],
    "taskunread": [
        {"TaskUnreadNum": 1, "TaskNum": 1, "UserNum": 2},  # task 1 is done
        {"TaskUnreadNum": 2, "TaskNum": 2, "UserNum": 1},  # task 2 twice; user 1 is its author
        {"TaskUnreadNum": 3, "TaskNum": 2, "UserNum": 2},
    ],
    "appointment": [{"AptNum": 1, "PatNum": 1, "SecUserNumEntry": 2, "SecDateTEntry": datetime(2024, 1, 10, 10, 0)}],
    "entrylog": [
        entry(1),
        entry(2, UserNum=0, LogSource=7),  # Web Sched: no user
        entry(3, UserNum=1),  # not the user who entered the appointment
        entry(4, FKey=5),  # no appointment 5
        entry(5, LogSource=3),  # not a contract source, and not made by a user
        entry(6, EntryDateTime=datetime(2022, 12, 31, 10, 0)),  # before 2023, and not the appointment's stamp
    ],
    "program": [{"ProgramNum": 12, "ProgName": "VixWin", "Enabled": False}],
    "commlog": [{"CommlogNum": n, "PatNum": 1, "CommDateTime": datetime(2024, 5, 1, 9, n), "ProgramNum": program}
                for n, program in ((1, 95), (2, 0), (3, None), (4, 12))],  # no program 95
    "timeadjust": [
        {"TimeAdjustNum": 1, "EmployeeNum": 1, "TimeEntry": T0, "RegHours": "00:00", "OTimeHours": "00:00",
         "PtoHours": "00:00"},
        {"TimeAdjustNum": 2, "EmployeeNum": 1, "TimeEntry": T0, "RegHours": "01:00", "OTimeHours": "00:00",
         "PtoHours": "00:00"},
    ],
}

EXPECTED = {
    "G-08.5 one tasksubscription per task": 1,
    "G-08.5 one taskunread per task": 1,
    "G-08.5 latest taskhist unique": 1,
    "G-08.5 latest tasknote unique": 1,
    "taskhist within its task's life": 2,
    "tasknote within its task's life": 1,
    "taskhist repeats its task": 2,
    "taskunread on unopened tasks": 2,
    "tasklist not a collection list": 2,
    "G-08.8 one appointment view per user": 1,
    "G-08.8 one task-view preference per user": 1,
    "D-userod-01 userodpref users": 1,
    "users in a group": 1,
    "D-entrylog-01 LogSource": 1,
    "G-01 entrylog from 2023": 1,
    "entrylog is an appointment's creation": 4,
    "office reference data": 1,  # no apptview, employee or programproperty rows
    "D-commlog-03 automated program exists": 1,
    "timeadjust adds time": 1,
}


@pytest.fixture(scope="module")
def database():
    with schema_database("office") as conn:
        with conn.cursor() as cur:
            insert_rows(cur, ROWS)
            cur.execute("ANALYZE")
        yield conn


def test_every_check_counts_what_the_rows_break(database):
    checks = office_checks.checks()
    assert {c.name for c in checks} == set(EXPECTED)
    found = {r.check.name: r.violations for r in run_checks(database, checks, CHECK_AS_OF)}
    assert found == EXPECTED


def test_checks_are_errors_and_run_with_the_suite():
    from validators import extra

    names = {c.name for c in extra.checks()}
    assert set(EXPECTED) <= names
    assert {c.severity for c in office_checks.checks()} == {"ERROR"}
