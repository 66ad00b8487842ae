"""Clinical records around the visits: appointment history, perio charts and lab cases.

* histappointment: every appointment's history in time order - created (HistApptAction 1), sometimes moved
  from an earlier slot (2), confirmed (2) before a visit that was kept or broken, then completed, broken or
  missed (2). A broken or missed visit the patient rebooked gets a last snapshot (1) whose note names the
  appointment that replaced it ('new appt:#n', read by int_appointment_details). A planned appointment has its
  creation only. The last row always holds the appointment's current status, time and providers.
* perioexam / periomeasure: adults are charted at a comprehensive or periodontal exam, at root planing or
  debridement, and at a cleaning once their last chart is a year old (perio maintenance) or two (healthy
  gums): probing depths on the six Ramfjord index teeth plus up to two findings (bleeding, recession,
  mobility).
* laboratory / labcase: the dental labs, and one case per crown, denture or implant restoration (one per
  bridge) seated at a completed visit: created at the impression weeks before, sent, received and checked
  before the seat.

HistApptAction follows the contract's reading (§7: 1 created/snapshot, 2 modified); 3 (deleted) and 4 are not
used, as no appointment is deleted and the source test accepts only 0..3.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from contract.opendental import LAB_PROCEDURES
from contract.rules import FLOOR, future_allowed
from generators import calendar
from generators.clinical import BROKEN, COMPLETE, PLANNED, SCHEDULED, UNSCHEDULED, _operatory, description
from generators.reference.definitions import CATEGORY_CONFIRMATION, def_num_of
from generators.rng import stream

CREATED, MODIFIED = 1, 2  # HistApptAction
HISTORY_PER_VISIT = 5  # created, moved, confirmed, outcome, rebooked
RESCHEDULE_RATE = 0.15
CONFIRM_RATE = 0.6  # kept or broken visits confirmed ahead; the others at check-in
CONFIRM_AHEAD = timedelta(hours=48)
LONG_LEAD = timedelta(days=30)  # a visit booked this far ahead always gets a reminder call
REBOOK_WINDOW = timedelta(days=120)  # a visit booked this soon after a broken one replaces it
CONFIRMED = def_num_of(CATEGORY_CONFIRMATION, "Confirmed")
UNCONFIRMED = def_num_of(CATEGORY_CONFIRMATION, "Unconfirmed")
MISSED_NOTES = {BROKEN: ("Patient called to cancel", "Cancelled same day", "Cancelled, work conflict"),
                UNSCHEDULED: ("No show, left voicemail", "No show")}
MOVE_NOTES = ("Moved at patient's request", "Moved for provider schedule")
CONFIRM_NOTES = ("Confirmed by text", "Confirmed by phone", "Confirmed by email")

# (LaboratoryNum, name, phone, email, street, city, state, zip, notes, hidden)
LABORATORIES = (
    (1, "Precision Dental Lab", "(219) 555-0141", "cases@precisiondentallab.example", "2150 E 79th Ave",
     "Merrillville", "IN", "46410", "Crowns and bridges; 10 working days", False),
    (2, "Summit Ceramics", "(312) 555-0187", "orders@summitceramics.example", "410 W Erie St", "Chicago", "IL",
     "60654", "Zirconia and e.max; 8 working days", False),
    (3, "Keystone Implant Lab", "(317) 555-0122", "implants@keystonelab.example", "8900 Keystone Crossing",
     "Indianapolis", "IN", "46240", "Implant abutments and crowns; send scan body", False),
    (4, "Heritage Denture Studio", "(219) 555-0175", "heritage.dentures@example.com", "615 Lincolnway",
     "Valparaiso", "IN", "46383", "Full and partial dentures; try-in before finish", False),
    (5, "Lakeshore Dental Lab", "(219) 555-0119", "", "1201 Ridge Rd", "Munster", "IN", "46321",
     "Former crown lab, replaced by Precision in July 2024", True),
)
FORMER_CROWN_LAB, CROWN_LABS, IMPLANT_LAB, DENTURE_LAB = 5, (1, 2), 3, 4
CROWN_LAB_SWITCH = date(2024, 7, 1)  # crown cases went to the former lab before this day
# Lab work per procedure code: (kind, lab fee range in dollars); bridge units of one visit make one case.
LAB_WORK = {
    "D2740": ("crown", (140, 230)), "D2750": ("crown", (120, 200)), "D2790": ("crown", (300, 450)),
    "D6240": ("bridge", (130, 210)), "D6750": ("bridge", (130, 210)),
    "D5110": ("denture", (380, 560)), "D5120": ("denture", (380, 560)), "D5213": ("denture", (320, 480)),
    "D5214": ("denture", (320, 480)),
    "D6058": ("implant", (280, 420)), "D6065": ("implant", (300, 450)), "D6114": ("implant", (2600, 3800)),
    "D6115": ("implant", (2600, 3800)),
}
assert set(LAB_WORK) == set(LAB_PROCEDURES)  # the validators look for a lab case on exactly these
SHADES = ("A1", "A2", "A3", "A3.5", "B1", "B2", "C2")

# Perio charting: Ramfjord index teeth, and the visits that call for a chart.
INDEX_TEETH = (3, 9, 12, 19, 25, 28)
CHART_ALWAYS = frozenset({"D0150", "D0180", "D4341", "D4342", "D4355"})  # comprehensive/perio exams, root planing
RECHART_PERIO, RECHART_HEALTHY = timedelta(days=330), timedelta(days=700)
CHARTED_TEETH = tuple(t for t in range(1, 33) if t not in (1, 16, 17, 32))  # wisdom teeth are rarely charted
PROBING, GING_MARGIN, MOBILITY, BLEEDING = 4, 2, 0, 6  # OpenDental PerioSequenceType
# Probing depths in mm at the six sites of a tooth: (values, cumulative weights).
HEALTHY_DEPTHS = ((1, 2, 3, 4), (0.15, 0.65, 0.95, 1.0))
PERIO_DEPTHS = ((2, 3, 4, 5, 6, 7), (0.1, 0.4, 0.7, 0.9, 0.97, 1.0))
RECESSION = (0, 0, 1, 2, 3)
EXTRA_FINDINGS = 2
MEASURE_PACE = timedelta(seconds=20)  # one tooth's row entered after another


def emit_reference(ctx) -> None:
    for num, name, phone, email, street, city, state, zip_code, notes, hidden in LABORATORIES:
        ctx.sinks["laboratory"].add(
            LaboratoryNum=num, Description=name, Phone=phone, Notes=notes, Slip=0, Address=street, City=city,
            State=state, Zip=zip_code, Email=email, WirelessPhone="", IsHidden=hidden,
        )


def bounds(household) -> dict[str, int]:
    visits = sum(p.appointments for p in household.members)
    procedures = sum(p.procedures for p in household.members)
    return {"histappointment": HISTORY_PER_VISIT * visits, "perioexam": visits,
            "periomeasure": (len(INDEX_TEETH) + EXTRA_FINDINGS) * visits, "labcase": procedures}


def emit_household(ctx, household, stories) -> None:
    future_histories = future_allowed("histappointment", "AptDateTime")
    future_cases = future_allowed("labcase", "DateTimeDue")
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        _histories(ctx, story.patient, story.visits, future_histories)
        if story.patient.person.age_group != "child":
            _perio_charts(ctx, story.patient, story.visits)
        _lab_cases(ctx, story.patient, story.visits, future_cases)


# ---------------------------------------------------------------- histappointment


def _histories(ctx, patient, visits, future: bool) -> None:
    front = [u.user_num for u in ctx.staff.users_by_role("front")]
    rebooked_by: dict[int, object] = {}
    for v in sorted((v for v in visits if v.rebooks), key=lambda v: (v.booked, v.apt_num)):
        rebooked_by.setdefault(v.rebooks, v)  # the first visit booked to replace it (a later cut adds only later)
    cut = ctx.window.midnight
    rows = []
    for visit in visits:
        if visit.status == SCHEDULED and not future:
            continue
        if visit.status == PLANNED:  # made at the exam and never on the schedule: its creation only
            events = [(visit.booked, CREATED, front[visit.apt_num % len(front)], "", PLANNED, UNCONFIRMED,
                       visit.start)]
        else:
            rng = stream(ctx.seed, "histappointment", visit.apt_num)
            events = _events(ctx.staff, visit, rebooked_by.get(visit.apt_num), front, rng)
        # A visit's history is on file once the visit is (from its day on, unless ahead visits have one): ids go
        # in that order, so the rows a later as-of date adds come after every row an earlier one has.
        shown = visit.booked if future else visit.start
        snapshot = None
        for k, event in enumerate(events):
            if event[0] < cut:
                snapshot = snapshot or _snapshot(ctx, patient, visit, front)
                rows.append((max(event[0], shown), visit.apt_num, k, event, snapshot))
    rows.sort(key=lambda row: row[:3])
    sink, ids = ctx.sinks["histappointment"], ctx.ids
    for num, (_, _, _, (moment, action, user, note, status, confirmed, apt_time), snapshot) in zip(
            ids.reserve("histappointment", len(rows)), rows):
        sink.add(HistApptNum=num, HistUserNum=user, HistDateTStamp=moment,
                 HistApptAction=action, DateTStamp=moment, Note=note, AptStatus=status, Confirmed=confirmed,
                 AptDateTime=apt_time, **snapshot)


def _snapshot(ctx, patient, visit, front: list[int]) -> dict:
    """The columns that stay as clinical.py writes them throughout the appointment's history."""
    return {
        "PatNum": patient.pat_num, "AptNum": visit.apt_num, "Pattern": visit.pattern,
        "Op": _operatory(ctx, visit), "ProvNum": visit.prov_num, "ProvHyg": visit.prov_hyg,
        # the work it was booked with (a lost visit's is no longer on it, but was when these rows were written)
        "IsNewPatient": visit.kind == "new", "ProcDescript": description(visit, as_booked=True),
        "IsHygiene": visit.prov_hyg is not None, "AppointmentTypeNum": visit.type_num,
        "SecUserNumEntry": front[visit.apt_num % len(front)],  # who booked it, as on the appointment row
    }


def _events(staff, visit, following, front: list[int], rng) -> list[tuple]:
    """(moment, action, user, note, AptStatus, Confirmed, AptDateTime) of each history row, in time order."""
    draw = rng.random
    original = _original_slot(staff, visit, rng) if draw() < RESCHEDULE_RATE else None
    last = visit.booked
    events = [(last, CREATED, front[visit.apt_num % len(front)], "", SCHEDULED, UNCONFIRMED, original or visit.start)]
    if original is not None:
        # moved while the booking call was still going on (the patient asked for a later day): so the move is on
        # file exactly when the booking is, whatever the as-of date
        last = last + timedelta(minutes=1 + int(draw() * 9))
        events.append((last, MODIFIED, _pick(front, draw), _pick(MOVE_NOTES, draw), SCHEDULED, UNCONFIRMED,
                       visit.start))
    # how the visit ends, also for one still ahead on the as-of date: the rows after it are dropped by the caller,
    # and those before it (a reminder call) are the same on every as-of date
    status = visit.fate or visit.status
    if status == SCHEDULED:
        return events
    confirmed = CONFIRMED if status in (COMPLETE, BROKEN) else UNCONFIRMED  # as on the appointment row
    # a visit booked long ahead, or before the models' first day and held after it, always gets a reminder
    # call, after that day: the staged history of a completed visit keeps at least two rows (D-histappointment-04)
    floor = calendar.at(FLOOR, 0)
    across = visit.booked < floor <= visit.start
    if confirmed == CONFIRMED and (across or visit.start - visit.booked >= LONG_LEAD or draw() < CONFIRM_RATE):
        earliest = max(last, visit.start - CONFIRM_AHEAD, floor if across else last)
        last = _between(earliest, visit.start, draw())
        events.append((last, MODIFIED, _pick(front, draw), _pick(CONFIRM_NOTES, draw), SCHEDULED, CONFIRMED,
                       visit.start))
    if status == COMPLETE:  # set complete by the provider at dismissal; provider users have UserNum == ProvNum
        end = visit.end or visit.start + timedelta(minutes=5 * len(visit.pattern))  # not yet ended: dropped anyway
        moment, user, note = end + timedelta(minutes=1 + int(draw() * 30)), visit.prov_hyg or visit.prov_num, ""
    else:
        moment, user = visit.start + timedelta(minutes=5 + int(draw() * 115)), _pick(front, draw)
        note = _pick(MISSED_NOTES[status], draw)
    last = max(moment, last)
    events.append((last, MODIFIED, user, note, status, confirmed, visit.start))
    if status != COMPLETE and following is not None and last < following.booked <= last + REBOOK_WINDOW:
        # the patient rebooked soon: a last snapshot names the appointment that replaced this one
        events.append((following.booked, CREATED, front[following.apt_num % len(front)],
                       f"Rebooked, new appt:#{following.apt_num}", status, confirmed, visit.start))
    return events


def _pick(options, draw):
    """One of `options`, like Random.choice but cheaper (this runs for every history row)."""
    return options[int(draw() * len(options))]


def _between(after: datetime, before: datetime, fraction: float) -> datetime:
    """A whole minute strictly inside (after, before), `fraction` of the way, when there is room; else just after
    `after`."""
    gap = int((before - after).total_seconds() // 60)
    return after + timedelta(minutes=1 + int(fraction * (gap - 2)) if gap > 2 else 1)


def _original_slot(staff, visit, rng) -> datetime | None:
    """Where a moved appointment was first booked: an earlier working day of its providers, after the booking."""
    providers = [p for p in staff.providers if p.prov_num in (visit.prov_num, visit.prov_hyg)]
    first = visit.booked.date() + timedelta(days=1)
    for back in rng.sample(range(1, 15), 14):
        day = visit.day - timedelta(days=back)
        if day >= first and all(p.works(day) for p in providers):
            return calendar.at(day, 8 * 60 + 10 * rng.randrange(51))
    return None


# ---------------------------------------------------------------- perioexam, periomeasure


def _perio_charts(ctx, patient, visits) -> None:
    """A chart at a comprehensive or perio exam and at root planing, and at a cleaning once the last chart is
    a year old (perio maintenance) or two years old (healthy gums)."""
    last = None
    for visit in visits:
        if visit.status != COMPLETE:
            continue
        codes = {p.code.code for p in visit.procedures}
        due = RECHART_PERIO if "D4910" in codes else RECHART_HEALTHY
        recharted = visit.kind == "hygiene" and (last is None or visit.day - last >= due)
        if recharted or codes & CHART_ALWAYS:
            last = visit.day
            if visit.day < FLOOR:
                continue  # the models drop older exams; their measures would point at nothing
            _perio_exam(ctx, patient, visit, stream(ctx.seed, "perioexam", visit.apt_num))


def _perio_exam(ctx, patient, visit, rng) -> None:
    exam_num = ctx.ids.next("perioexam")
    sink, ids = ctx.sinks["periomeasure"], ctx.ids
    depths = PERIO_DEPTHS if patient.perio else HEALTHY_DEPTHS
    rows = [(PROBING, tooth, None, rng.choices(depths[0], cum_weights=depths[1], k=6)) for tooth in INDEX_TEETH]
    rows += [_finding(rng, patient.perio) for _ in range(rng.randint(0, EXTRA_FINDINGS))]
    entered = visit.start + timedelta(minutes=rng.randint(10, 30))
    for num, (sequence, tooth, tooth_value, (mb, b, db, ml, lingual, dl)) in zip(
            ids.reserve("periomeasure", len(rows)), rows):
        entered += MEASURE_PACE
        sink.add(PerioMeasureNum=num, PerioExamNum=exam_num, SequenceType=sequence,
                 IntTooth=tooth, ToothValue=tooth_value, MBvalue=mb, Bvalue=b, DBvalue=db, MLvalue=ml, Lvalue=lingual,
                 DLvalue=dl, SecDateTEntry=entered, SecDateTEdit=entered)
    ctx.sinks["perioexam"].add(
        PerioExamNum=exam_num, PatNum=patient.pat_num, ExamDate=visit.day, ProvNum=visit.prov_hyg or visit.prov_num,
        DateTMeasureEdit=entered, Note="Generalized pocketing, home care reviewed" if patient.perio else "",
    )


def _finding(rng, perio: bool) -> tuple:
    """(SequenceType, tooth, ToothValue, site values) of one extra finding; unmeasured values are NULL."""
    tooth = rng.choice(CHARTED_TEETH)
    kind = rng.choice((BLEEDING, GING_MARGIN, MOBILITY) if perio else (BLEEDING, GING_MARGIN))
    if kind == MOBILITY:
        return MOBILITY, tooth, rng.randint(1, 2), (None,) * 6
    if kind == GING_MARGIN:
        return GING_MARGIN, tooth, None, rng.choices(RECESSION, k=6)
    return BLEEDING, tooth, None, [int(rng.random() < 0.3) for _ in range(6)]  # 1 = bled on probing


# ---------------------------------------------------------------- labcase


def _lab_cases(ctx, patient, visits, future_cases: bool) -> None:
    for visit in visits:
        if visit.status == COMPLETE or (visit.status == SCHEDULED and future_cases):
            cases: dict = {}
            for proc in visit.procedures:
                work = LAB_WORK.get(proc.code.code)
                if work:
                    cases.setdefault("bridge" if work[0] == "bridge" else proc.proc_num, []).append(proc)
            for procs in cases.values():
                _lab_case(ctx, patient, visit, procs)


def _lab_case(ctx, patient, visit, procs) -> None:
    """One case, seated at `visit`: impression weeks before, sent, received and checked before the seat."""
    lead = procs[0]
    rng = stream(ctx.seed, "labcase", lead.proc_num)
    end = ctx.window.end_of_data
    seat = visit.start
    created = _office_hours(seat - timedelta(days=rng.randint(14, 28)), rng)
    if created > end:
        return  # the impression is still to be taken
    sent = created + timedelta(minutes=rng.randint(60, 300))  # the afternoon courier
    received = _office_hours(seat - timedelta(days=rng.randint(1, 5)), rng)
    checked = received + timedelta(minutes=rng.randint(15, 240))
    sent, received, checked = (t if t <= end else None for t in (sent, received, checked))
    kind = LAB_WORK[lead.code.code][0]
    low, high = LAB_WORK[lead.code.code][1]
    ctx.sinks["labcase"].add(
        LabCaseNum=ctx.ids.next("labcase"), PatNum=patient.pat_num, LaboratoryNum=_laboratory(kind, created, lead),
        AptNum=visit.apt_num, PlannedAptNum=0, DateTimeDue=_due(seat),
        DateTimeCreated=created, DateTimeSent=sent, DateTimeRecd=received, DateTimeChecked=checked,
        ProvNum=lead.prov_num, Instructions=_instructions(procs, rng),
        LabFee=float(rng.randint(low, high) * len(procs)),
        DateTStamp=max(t for t in (created, sent, received, checked) if t),
        InvoiceNum=f"INV-{rng.randint(100000, 999999)}" if received else "",
    )


def _due(seat: datetime) -> datetime:
    """The lab's due date: the end of the last weekday before the seat."""
    day = seat.date() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return calendar.at(day, 17 * 60)


def _office_hours(moment: datetime, rng) -> datetime:
    """The same day (moved back to a weekday) between 09:00 and 16:00."""
    day = moment.date()
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return calendar.at(day, 9 * 60 + 10 * rng.randrange(43))


def _laboratory(kind: str, created: datetime, lead) -> int:
    if kind == "implant":
        return IMPLANT_LAB
    if kind == "denture":
        return DENTURE_LAB
    if created.date() < CROWN_LAB_SWITCH:
        return FORMER_CROWN_LAB
    return CROWN_LABS[lead.prov_num % len(CROWN_LABS)]  # each dentist's preferred lab


def _instructions(procs, rng) -> str:
    what = "; ".join(p.code.descript for p in procs).capitalize()
    if LAB_WORK[procs[0].code.code][0] == "denture":
        return f"{what}. Wax try-in first."
    return f"{what}. Shade {rng.choice(SHADES)}, light contacts."
