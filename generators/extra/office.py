"""The office behind the chairs: user groups and preferences, appointment views, employees and their time-clock
adjustments, program bridges, and the appointment-creation log.

Reference rows (written once, ids fixed here):

* usergroup / usergroupattach: one group per kind of login; every user in the group of their role (the office
  manager also administers). userod.UserGroupNum stays 0 (foundation.py writes the users).
* apptview / userodapptview: the appointment-book views, and each user's last view: one row per user, ClinicNum 0
  (contract G-08.8).
* userodpref: a few preferences per user (task list collapse, log-off timer, ...), at most one with FkeyType 3 per
  user, ClinicNum 0 (G-08.8); every ValueString set.
* tasklist: the lists the office works from, a few nested. Patient tasks are on none of them (TaskListNum 0,
  supporting.py). Ids and descriptions avoid what the collection models treat specially (contract §6.2
  int_collection_tasks: TaskListNum 0, 8, 29, 30, 36, 42, 44, 47, 50, 51 and collection keywords).
* employee: the staff who clock in (hygienists, assistants, front desk, billing, the office manager); dentists do
  not. Everyone reports to the office manager.
* program / programproperty: the bridges installed, most disabled as in any OpenDental database. Program 95 is
  the appointment-reminder service that writes the automated commlogs (supporting.AUTOMATED_PROGRAM), so that id
  is a real program.
* timeadjust (Clinical phase): time-card corrections the office manager enters for employees - missed punches,
  approved overtime, training hours - on days they work, over the whole window. Always positive hours.

Per patient (Patients phase):

* entrylog: OpenDental writes one row when an appointment is created (EntryLogFKeyType 0 = Appointment, FKey =
  AptNum), stamped like the appointment (SecDateTEntry). Most are made by the front-desk user who entered it
  (LogSource 0, or 16 from the mobile app); a few come from Web Sched (7 new-patient, 19 existing-patient
  bookings) and have no user (UserNum 0, a user the contract excludes from its user tests). Appointments booked
  before 2023 get no row: the contract's logs start then (G-01).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from generators import calendar, supporting
from generators.reference.definitions import def_num_of
from generators.rng import stream, weighted
from generators.staff import Staff, User

# ---------------------------------------------------------------- task lists


@dataclass(frozen=True)
class TaskList:
    num: int
    descript: str
    parent: int  # TaskListNum, 0 for a top-level list
    object_type: int  # 0 none, 1 patient
    status: int  # 0 active, 1 archived


TASK_LISTS = {key: TaskList(*spec) for key, spec in {
    "office": (1, "Office Manager", 0, 0, 0),
    "front": (2, "Front Desk", 0, 1, 0),
    "clinical": (3, "Clinical", 0, 0, 0),
    "lab": (4, "Lab Cases", 3, 1, 0),
    "hygiene": (5, "Hygiene Team", 3, 1, 0),
    "doctors": (6, "Doctor Inbox", 3, 1, 0),
    "scheduling": (7, "Scheduling", 2, 1, 0),
    "records": (9, "Records Requests", 2, 1, 0),
    "supplies": (10, "Supplies and Orders", 1, 0, 0),
    "archive": (11, "Old Staff Notes", 1, 0, 1),
}.items()}
# What int_collection_tasks reads as collection work (contract §6.2), kept out of the practice's lists.
COLLECTION_LIST_NUMS = frozenset({42, 0, 29, 30, 44, 47, 50, 8, 36, 51})
COLLECTION_KEYWORDS = ("collect", "payment", "balance", "due", "owe", "pay", "bill", "account", "write off", "$",
                       "insurance", "claim")
assert not {t.num for t in TASK_LISTS.values()} & COLLECTION_LIST_NUMS
assert not [t for t in TASK_LISTS.values() if any(k in t.descript.lower() for k in COLLECTION_KEYWORDS)]


def _task_lists(ctx) -> None:
    # FromNum is the repeating list a list was made from (none here): Database Maintenance
    # (TaskListsAbandonedRepeating) moves a top-level list whose FromNum names no list.
    entered = calendar.at(ctx.window.setup_day, 7 * 60 + 30)
    for k, t in enumerate(TASK_LISTS.values()):
        ctx.sinks["tasklist"].add(
            TaskListNum=t.num, Descript=t.descript, Parent=t.parent, DateTL=None, IsRepeating=False, DateType=False,
            FromNum=0, ObjectType=t.object_type, DateTimeEntry=entered + timedelta(minutes=k),
            GlobalTaskFilterType=False, TaskListStatus=t.status,
        )


# ---------------------------------------------------------------- users

ADMINISTRATORS, DOCTORS, HYGIENISTS, ASSISTANTS, FRONT_OFFICE, BILLING = 1, 2, 3, 4, 5, 6
USER_GROUPS = {ADMINISTRATORS: "Administrators", DOCTORS: "Doctors", HYGIENISTS: "Hygienists",
               ASSISTANTS: "Clinical Assistants", FRONT_OFFICE: "Front Office", BILLING: "Billing"}
# staff.User.role, or staff.Provider.role for provider logins -> groups
ROLE_GROUPS = {"dentist": (DOCTORS,), "specialist": (DOCTORS,), "retired": (DOCTORS,), "hygienist": (HYGIENISTS,),
               "assistant": (ASSISTANTS,), "front": (FRONT_OFFICE,), "billing": (BILLING,),
               "manager": (ADMINISTRATORS, FRONT_OFFICE)}

ALL_CHAIRS, DOCTOR_VIEW, HYGIENE_VIEW, SURGERY_VIEW, WEEK_VIEW = 1, 2, 3, 4, 5
# ApptViewNum: (Description, OnlyScheduledProvs, StackBehavUR, StackBehavLR, scroll start hour)
APPT_VIEWS = {
    ALL_CHAIRS: ("All Chairs", False, 0, 0, 7),
    DOCTOR_VIEW: ("Doctors", True, 0, 1, 8),
    HYGIENE_VIEW: ("Hygiene", True, 0, 1, 8),
    SURGERY_VIEW: ("Oral Surgery", True, 1, 0, 8),
    WEEK_VIEW: ("Front Desk Week", False, 2, 0, 7),
}
ROLE_VIEWS = {"dentist": DOCTOR_VIEW, "retired": DOCTOR_VIEW, "assistant": DOCTOR_VIEW, "hygienist": HYGIENE_VIEW,
              "specialist": SURGERY_VIEW, "front": WEEK_VIEW, "manager": ALL_CHAIRS, "billing": ALL_CHAIRS}

# UserOdFkeyType values the contract allows: 3 task view (the dbt models' reading), 4 task collapse,
# 8 perio current exam only, 9 text grouping, 10 task list block (Fkey = TaskListNum), 12 suppress log-off
# message, 13 account procedure breakdown, 20 log-off timer (minutes), 23 show automated commlogs.
TASK_VIEW, TASK_COLLAPSE, PERIO_CURRENT_EXAM, SMS_GROUP_BY, TASK_LIST_BLOCK = 3, 4, 8, 9, 10
SUPPRESS_LOGOFF_MESSAGE, ACCOUNT_PROC_BREAKDOWN, LOGOFF_TIMER, SHOW_AUTOMATED_COMMLOG = 12, 13, 20, 23


def login_role(staff: Staff, user: User) -> str:
    """A user's role, with provider logins resolved to the provider's role (dentist, hygienist, ...)."""
    if user.prov_num:
        return next(p.role for p in staff.providers if p.prov_num == user.prov_num)
    return user.role


def office_manager(staff: Staff) -> User:
    """Who administers the office (enters time-card adjustments); the first billing or front user if none."""
    for role in ("manager", "billing", "front"):
        found = staff.users_by_role(role)
        if found:
            return found[0]
    return staff.users[0]


def _preferences(role: str, index: int) -> list[tuple[int, int, str]]:
    """(FkeyType, Fkey, ValueString) of one user; index varies the choices between users of a role."""
    prefs = [(TASK_COLLAPSE, 0, "1" if role in ("dentist", "specialist", "hygienist") else "0")]
    if role in ("front", "manager", "billing"):
        prefs.append((TASK_VIEW, 0, "1"))  # at most one per user (G-08.8)
        prefs.append((SHOW_AUTOMATED_COMMLOG, 0, "1" if index % 2 else "0"))
        prefs.append((LOGOFF_TIMER, 0, "30" if role == "front" else "60"))
    if role == "front":
        prefs.append((SMS_GROUP_BY, 0, "1"))
    if role == "billing":
        prefs.append((ACCOUNT_PROC_BREAKDOWN, 0, "1"))
    if role == "hygienist":
        prefs.append((PERIO_CURRENT_EXAM, 0, "1"))
    if role in ("dentist", "specialist", "hygienist", "assistant"):
        prefs.append((TASK_LIST_BLOCK, TASK_LISTS["supplies"].num, "1"))  # no pop-ups from the supply list
    if role in ("dentist", "specialist") and index % 2 == 0:
        prefs.append((SUPPRESS_LOGOFF_MESSAGE, 0, "1"))
    return prefs


def _users(ctx) -> None:
    staff = ctx.staff
    attach = 0
    for num, description in USER_GROUPS.items():
        ctx.sinks["usergroup"].add(UserGroupNum=num, Description=description, UserGroupNumCEMT=0)
    for user in staff.users:
        for group in ROLE_GROUPS.get(login_role(staff, user), (FRONT_OFFICE,)):
            attach += 1
            ctx.sinks["usergroupattach"].add(UserGroupAttachNum=attach, UserNum=user.user_num, UserGroupNum=group)

    for order, (num, (description, only_scheduled, stack_ur, stack_lr, scroll)) in enumerate(APPT_VIEWS.items()):
        ctx.sinks["apptview"].add(
            ApptViewNum=num, Description=description, ItemOrder=order, RowsPerIncr=True,
            OnlyScheduledProvs=only_scheduled, OnlySchedBeforeTime=time(0), OnlySchedAfterTime=time(0),
            StackBehavUR=stack_ur, StackBehavLR=stack_lr, ClinicNum=0, ApptTimeScrollStart=time(scroll),
            IsScrollStartDynamic=False, IsApptBubblesDisabled=False, WidthOpMinimum=0, WaitingRmName=False,
            OnlyScheduledProvDays=False,
        )
    pref_num = 0
    seen: dict[str, int] = {}
    for view_num, user in enumerate(staff.users, start=1):
        role = login_role(staff, user)
        ctx.sinks["userodapptview"].add(UserodApptViewNum=view_num, UserNum=user.user_num, ClinicNum=0,
                                        ApptViewNum=ROLE_VIEWS.get(role, ALL_CHAIRS))
        index = seen[role] = seen.get(role, -1) + 1
        for fkey_type, fkey, value in _preferences(role, index):
            pref_num += 1
            ctx.sinks["userodpref"].add(UserOdPrefNum=pref_num, UserNum=user.user_num, Fkey=fkey, FkeyType=fkey_type,
                                        ValueString=value, ClinicNum=0)


# ---------------------------------------------------------------- employees


@dataclass(frozen=True)
class Employee:
    emp_num: int
    user: User
    role: str
    first: str
    last: str
    weekdays: frozenset[int]  # 0 = Monday

    def works(self, day: date) -> bool:
        return day.weekday() in self.weekdays and calendar.is_open(day)


# Names of the staff logins without a provider (staff.STAFF_USERS), office manager first.
STAFF_NAMES = (("Linda", "Morrison"), ("Tiffany", "Ramirez"), ("Nicole", "Patterson"), ("Rachel", "Kim"),
               ("Denise", "Carter"), ("Angela", "Wright"), ("Jasmine", "Cole"), ("Monica", "Harper"),
               ("Erica", "Dunn"), ("Christina", "Park"))
WEEKDAYS = frozenset(range(5))


def employees(staff: Staff) -> list[Employee]:
    """The staff who clock in, office manager first (the others report to them): hygienists with their working
    days, then the other staff logins, Monday to Friday. Dentists are not on the time clock."""
    manager = office_manager(staff)
    logins = [manager] + [u for u in staff.users if u != manager]
    result: list[Employee] = []
    named = 0
    for user in logins:
        if user.prov_num:
            provider = next(p for p in staff.providers if p.prov_num == user.prov_num)
            if provider.role != "hygienist" or not provider.active:
                continue
            first, last, weekdays = provider.first, provider.last, provider.weekdays
        else:
            first, last = STAFF_NAMES[named % len(STAFF_NAMES)]
            named += 1
            weekdays = WEEKDAYS
        result.append(Employee(len(result) + 1, user, login_role(staff, user), first, last, weekdays))
    return result


def _employees(ctx) -> None:
    staff = employees(ctx.staff)
    boss = staff[0].emp_num if staff else None
    for e in staff:
        handle = f"{e.first[0]}{e.last}".lower().replace("'", "").replace(" ", "")
        ctx.sinks["employee"].add(
            EmployeeNum=e.emp_num, LName=e.last, FName=e.first, MiddleI="", IsHidden=False, ClockStatus="Home",
            PhoneExt=100 + e.emp_num, PayrollID=f"E{1000 + e.emp_num}", WirelessPhone=f"(219)555-{2100 + e.emp_num}",
            EmailWork=f"{handle}@example.com", EmailPersonal="", IsFurloughed=False, IsWorkingHome=False,
            ReportsTo=None if e.emp_num == boss else boss,
        )


# Adjustments per employee and month, and their kinds: (weight, regular or overtime, quarter hours low-high, notes)
ADJUSTMENTS_PER_MONTH = {0: 0.45, 1: 0.40, 2: 0.15}
KINDS = {
    "punch": (0.5, "reg", (1, 8), ("Missed punch: forgot to clock out for lunch", "Clock-in failed at the front PC",
                                   "Forgot to clock back in after lunch")),
    "overtime": (0.3, "ot", (2, 8), ("Approved overtime: stayed for an emergency patient",
                                     "Approved overtime: end-of-month inventory", "Stayed late to cover the phones")),
    "training": (0.2, "reg", (4, 16), ("CPR recertification", "OSHA and infection control training",
                                       "Continuing education course")),
}
KIND_WEIGHTS = {name: kind[0] for name, kind in KINDS.items()}


def _months(first: date, last: date) -> list[tuple[date, date]]:
    """(first, last) day of every calendar month the window touches, clipped to it."""
    result = []
    start = first
    while start <= last:
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        result.append((start, min(last, following - timedelta(days=1))))
        start = following
    return result


def _hours(quarters: int) -> time:
    return time(quarters // 4, 15 * (quarters % 4))


def _time_adjustments(ctx) -> None:
    # A month's adjustments are drawn over all of its working days, whatever the as-of date; those on or after it
    # have not been entered yet. Numbered in the order they were entered, so a later as-of date only adds after.
    window = ctx.window
    staff = employees(ctx.staff)
    clerk = office_manager(ctx.staff).user_num
    rows = []
    for first, last in _months(window.start, window.last_day):
        month_end = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
        days = [first + timedelta(days=k) for k in range((month_end - first).days + 1)]
        for e in staff:
            rng = stream(ctx.seed, "timeadjust", e.emp_num, first.year, first.month)
            worked = [d for d in days if e.works(d)]
            count = min(len(worked), weighted(rng, ADJUSTMENTS_PER_MONTH))
            for day in sorted(rng.sample(worked, count)):
                _, column, (low, high), notes = KINDS[weighted(rng, KIND_WEIGHTS)]
                hours = _hours(rng.randint(low, high))
                entry = calendar.at(day, 17 * 60 + rng.randrange(90))
                note = rng.choice(notes)
                if day <= last:
                    rows.append((entry, e.emp_num, column, hours, note))
    rows.sort(key=lambda row: row[:2])
    for num, (entry, emp_num, column, hours, note) in enumerate(rows, start=1):
        ctx.sinks["timeadjust"].add(
            TimeAdjustNum=num, EmployeeNum=emp_num, TimeEntry=entry,
            RegHours=hours if column == "reg" else time(0), OTimeHours=hours if column == "ot" else time(0),
            Note=note, IsAuto=False, ClinicNum=0, PtoDefNum=0, PtoHours=time(0),
            IsUnpaidProtectedLeave=False, SecuUserNumEntry=clerk,
        )


# ---------------------------------------------------------------- programs

# ProgramNum: (ProgName, ProgDesc, Enabled, Path, [(PropertyDesc, PropertyValue, IsMasked)])
PATNUM_PROPERTY = ("Enter 0 to use PatientNum, or 1 to use ChartNum", "0", False)
PROGRAMS = {
    3: ("Dexis", "Dexis from www.dexis.com", True, r"C:\DEXIS\dexis.exe",
        [PATNUM_PROPERTY, ("InfoFile path", r"C:\DEXIS\infofile.txt", False)]),
    7: ("Schick", "Schick Technologies CDR", False, r"C:\Program Files\Schick Technologies\CDR DICOM\CDRStart.exe",
        [PATNUM_PROPERTY]),
    12: ("VixWin", "VixWin(Gendex) from www.gendex.com", False, r"C:\VixWin\VixWin.exe",
         [PATNUM_PROPERTY, ("Image Path", r"C:\VixWin\Images", False)]),
    18: ("Xcharge", "X-Charge from www.x-charge.com", False, r"C:\Program Files\X-Charge\XCharge.exe",
         [("Username", "", False), ("Password", "", True)]),
    24: ("PayConnect", "PayConnect from www.dentalxchange.com", True, "",
         [("Username", "demo_practice", False), ("Password", "", True),
          ("PaymentType", str(def_num_of(10, "Credit Card")), False)]),
    31: ("CareCredit", "CareCredit", True, "", [("CareCredit Merchant Number", "CC-DEMO-0001", True)]),
    40: ("eRx", "eRx", False, "", [("eRx Option", "0", False)]),
    52: ("Podium", "Podium from www.podium.com", False, "", [("Disable Review Invitations", "1", False)]),
    63: ("PracticeWebReports", "Practice Web Reports", False, r"C:\Program Files\PracticeWeb\PracticeWeb.exe",
         [PATNUM_PROPERTY]),
    77: ("iCat", "iCat from www.imagingsciences.com", False, r"C:\Program Files\iCATVision\iCATVision.exe",
         [PATNUM_PROPERTY, ("Acquisition computer name", "", False)]),
    95: ("DemandForce", "DemandForce appointment reminders and recalls", True, "",
         [("Enter your DemandForce license key (required)", "", True), ("Send reminder texts", "1", False)]),
}
assert supporting.AUTOMATED_PROGRAM in PROGRAMS  # automated commlogs name a real program


def _programs(ctx) -> None:
    prop_num = 0
    for num, (name, description, enabled, path, properties) in PROGRAMS.items():
        ctx.sinks["program"].add(
            ProgramNum=num, ProgName=name, ProgDesc=description, Enabled=enabled, Path=path, CommandLine="", Note="",
            PluginDllName="", ButtonImage="", FileTemplate="", FilePath="", IsDisabledByHq=False, CustErr="",
        )
        for prop_desc, value, masked in properties:
            prop_num += 1
            ctx.sinks["programproperty"].add(
                ProgramPropertyNum=prop_num, ProgramNum=num, PropertyDesc=prop_desc, PropertyValue=value,
                ComputerName="", ClinicNum=0, IsMasked=masked, IsHighSecurity=masked,
            )


def emit_reference(ctx) -> None:
    _users(ctx)
    _task_lists(ctx)
    _employees(ctx)
    _programs(ctx)
    _time_adjustments(ctx)


# ---------------------------------------------------------------- appointment-creation log

OPEN_DENTAL, WEB_SCHED_NEW_PATIENT, MOBILE_APP, WEB_SCHED_EXISTING = 0, 7, 16, 19  # LogSources
LOG_FLOOR = datetime(2023, 1, 1)  # contract G-01: no log entries before 2023
NEW_PATIENT_ONLINE = 0.15  # first visits new patients book themselves (Web Sched)
EXISTING_ONLINE = 0.005  # other visits patients book themselves
MOBILE_RATE = 0.001  # booked by staff from the mobile app


def bounds(household) -> dict[str, int]:
    return {"entrylog": sum(p.appointments for p in household.members)}


def appointment_entered_by(ctx, apt_num: int) -> int:
    """The user clinical.py records as having entered an appointment (appointment.SecUserNumEntry)."""
    front = ctx.staff.users_by_role("front")
    return front[apt_num % len(front)].user_num


def emit_household(ctx, household, stories) -> None:
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        # In the order the appointments were made: those a later as-of date adds were made after every other.
        booked = sorted((v for v in story.visits if v.booked is not None and v.booked >= LOG_FLOOR),
                        key=lambda v: (v.booked, v.apt_num))
        for visit in booked:
            rng = stream(ctx.seed, "entrylog", visit.apt_num)
            draw = rng.random()
            user = appointment_entered_by(ctx, visit.apt_num)
            if visit.kind == "new":  # a new patient's first visit
                source = WEB_SCHED_NEW_PATIENT if draw < NEW_PATIENT_ONLINE else OPEN_DENTAL
            else:
                source = WEB_SCHED_EXISTING if draw < EXISTING_ONLINE else \
                    MOBILE_APP if draw < EXISTING_ONLINE + MOBILE_RATE else OPEN_DENTAL
            if source in (WEB_SCHED_NEW_PATIENT, WEB_SCHED_EXISTING):
                user = 0  # no staff login: the patient booked it
            ctx.sinks["entrylog"].add(EntryLogNum=ctx.ids.next("entrylog"), UserNum=user, FKeyType=False,
                                      FKey=visit.apt_num, LogSource=source, EntryDateTime=visit.booked)
