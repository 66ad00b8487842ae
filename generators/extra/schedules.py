"""The providers' working schedules (schedule, scheduleop): reference data fixed by staff and calendar.

One provider schedule (SchedType 1) per provider and working day (staff.Provider.works) from the start of the
window (2023-01-01 at the earliest: the models drop older schedules) to the booking horizon, linked to the
provider's chairs. Every appointment lies on a working day of its providers (clinical.py books it so) and within
the schedule's hours. Blockouts (SchedType 2) cover all chairs at times no appointment can take: the Monday
huddle before the first slot, office holidays and Saturday training mornings.

Schedules after the as-of date are planning, like booked appointments; they are written only once the as-of
validator allows them (see future_allowed).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from contract.opendental import HOLIDAY_BLOCKOUT, HUDDLE_BLOCKOUT, SCHED_BLOCKOUT, SCHED_PROVIDER, TRAINING_BLOCKOUT
from contract.rules import FLOOR, future_allowed
from generators import calendar

PROVIDER_SCHEDULE, BLOCKOUT = SCHED_PROVIDER, SCHED_BLOCKOUT
# clinical.py starts visits within staff.opening_minutes (08:00-16:20, or 07:00-17:50 in a busy practice) and a
# visit lasts at most 120 minutes: the day runs from the first start to 130 minutes after the last.
AFTER_LAST_START = 130
HUDDLE = (HUDDLE_BLOCKOUT, 30, "Morning huddle")  # BlockoutType "Staff Meeting": Mondays, the half hour before opening
HOLIDAY = (HOLIDAY_BLOCKOUT, "Office closed")  # "Holiday": all day
TRAINING = (TRAINING_BLOCKOUT, time(9, 0), time(12, 0), "CPR and OSHA training")  # "Training", quarterly on a Saturday
TRAINING_MONTHS = (2, 5, 8, 11)
PLANNED_WEEKS = 4  # schedules are entered about this far ahead
READS_BOOK = True  # written after the appointment book (engine.prepare): a long day's schedule runs to its last visit



def emit_reference(ctx) -> None:
    window = ctx.window
    last = window.booking_horizon if future_allowed("schedule", "SchedDate") else window.last_day
    all_ops = [op.op_num for op in ctx.staff.operatories]
    workers = [p for p in ctx.staff.providers if p.active and p.operatories]
    ids = _Ids()
    first, last_start = ctx.staff.opening_minutes
    opens, closes = _clock(first), _clock(last_start + AFTER_LAST_START)
    day = max(window.start, FLOOR)  # the models drop older schedules, orphaning their chairs
    while day <= last:
        for blockout_type, start, stop, note in _blockouts(day, first, opens, closes):
            _add(ctx, ids, day, start, stop, BLOCKOUT, None, blockout_type, note, all_ops)
        for provider in workers:
            if provider.works(day):
                stop, changed = _stays_until(ctx, day, provider.prov_num, closes)
                _add(ctx, ids, day, opens, stop, PROVIDER_SCHEDULE, provider.prov_num, 0, "", provider.operatories,
                     changed)
        day += timedelta(days=1)


def _stays_until(ctx, day: date, prov_num: int, closes: time) -> tuple[time, datetime | None]:
    """The end of the provider's day: the usual closing, or later on a day the book runs past it (the
    provider stays to see the last patient), to the next quarter hour; and when the schedule was changed for
    it (the last visit was booked), else None."""
    last = ctx.book.day_end(day, prov_num) if ctx.book is not None else None
    if last is None or last[0] <= closes.hour * 60 + closes.minute:
        return closes, None
    return _clock(min(-(-last[0] // 15) * 15, 23 * 60 + 45)), last[1]


class _Ids:
    """Sequential ids of the two tables, in date order."""

    def __init__(self):
        self.schedule = 0
        self.scheduleop = 0


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _blockouts(day: date, first: int, opens: time, closes: time) -> list[tuple]:
    """(BlockoutType, start, stop, note) of the day's blockouts."""
    if day in calendar.holidays(day.year) and day.weekday() < 5:
        return [(HOLIDAY[0], opens, closes, HOLIDAY[1])]
    if day.weekday() == 0 and calendar.is_open(day):
        return [(HUDDLE[0], _clock(first - HUDDLE[1]), opens, HUDDLE[2])]
    if day.weekday() == 5 and day.month in TRAINING_MONTHS and 8 <= day.day <= 14:  # the second Saturday
        return [TRAINING]
    return []


def _add(ctx, ids: _Ids, day: date, start: time, stop: time, sched_type: int, prov_num: int | None, blockout: int,
         note: str, ops, changed: datetime | None = None) -> None:
    """One schedule row and its chairs. ProvNum and EmployeeNum are NULL where they do not apply: the models'
    "= 0" tests pass on NULL, while a 0 would fail the relationship tests to provider and employee."""
    ids.schedule += 1
    ctx.sinks["schedule"].add(
        ScheduleNum=ids.schedule, SchedDate=day, StartTime=start, StopTime=stop, SchedType=sched_type,
        ProvNum=prov_num, BlockoutType=blockout, Note=note, Status=0, EmployeeNum=None,
        DateTStamp=max(_entered(ctx.window, day), changed or datetime.min), ClinicNum=0,
    )
    for op in ops:
        ids.scheduleop += 1
        ctx.sinks["scheduleop"].add(ScheduleOpNum=ids.scheduleop, ScheduleNum=ids.schedule, OperatoryNum=op)


def _entered(window: calendar.Window, day: date) -> datetime:
    """When a day's schedule was entered: some weeks ahead, but not before the practice's setup (unless the day
    itself is earlier) and never after the last day of data."""
    entered = day - timedelta(weeks=PLANNED_WEEKS)
    entered = min(max(entered, min(window.setup_day, day)), window.last_day)
    return calendar.at(entered, 7 * 60 + 15)
