"""The practice calendar: which days it is open, who works when, and the window the data covers.

"Today" is the configured as-of date. Activity (visits, payments, notes) happens on open days up to the
day before it, so nothing is stamped later than the as-of date's midnight; only scheduled appointments
and planned treatment lie beyond it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, cached_property

from contract.rules import FLOOR

ONE_DAY = timedelta(days=1)
FUTURE_BOOKING_DAYS = 215  # how far ahead anything is on the book: a six-month recall booked today, moved a bit
ADVANCE_ROOM_DAYS = 730  # how far past the date it was generated for a practice can be advanced (advance.py)


def _observed(day: date) -> date:
    if day.weekday() == 5:
        return day - ONE_DAY
    if day.weekday() == 6:
        return day + ONE_DAY
    return day


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - ONE_DAY
    return last - timedelta(days=(last.weekday() - weekday) % 7)


@cache
def holidays(year: int) -> frozenset[date]:
    """Days the office is closed: the usual US dental-office holidays."""
    thanksgiving = _nth_weekday(year, 11, 3, 4)
    return frozenset(
        {
            _observed(date(year, 1, 1)),
            _last_weekday(year, 5, 0),  # Memorial Day
            _observed(date(year, 7, 4)),
            _nth_weekday(year, 9, 0, 1),  # Labor Day
            thanksgiving,
            thanksgiving + ONE_DAY,
            date(year, 12, 24) if date(year, 12, 24).weekday() < 5 else _observed(date(year, 12, 25)),
            _observed(date(year, 12, 25)),
        }
    )


def is_open(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays(day.year)


def at(day: date, minutes_after_midnight: int) -> datetime:
    m = minutes_after_midnight
    if m.__class__ is int and 0 <= m < 1440:  # the common case, built directly (a third of the time)
        return datetime(day.year, day.month, day.day, m // 60, m % 60)
    return datetime.combine(day, time()) + timedelta(minutes=m)


@dataclass(frozen=True)
class Window:
    """The dates a run covers."""

    start: date  # first day of activity
    as_of: date  # the data's "today"
    # The as-of date the practice was first generated for, when it has been advanced since (advance.py): its
    # size and pace (staff, patients, how often they come) stay those of the window it was sized by.
    paced_by: date | None = None

    @cached_property
    def pace(self) -> Window:
        """The window that sizes the practice: this one, or the one it was first generated for."""
        if self.paced_by is None or self.paced_by == self.as_of:
            return self
        return Window(self.start, self.paced_by)

    @cached_property
    def horizon(self) -> date:
        """The latest as-of date the practice can be advanced to: every patient's rows are bounded up to it, so
        that their ids (generators/idplan.py) are the same at every as-of date before it."""
        return self.pace.as_of + timedelta(days=ADVANCE_ROOM_DAYS)

    @cached_property
    def last_day(self) -> date:
        """The last day on which anything happens."""
        return self.as_of - ONE_DAY

    @cached_property
    def booking_horizon(self) -> date:
        return self.as_of + timedelta(days=FUTURE_BOOKING_DAYS)

    @cached_property
    def setup_day(self) -> date:
        """When the practice's reference data (fees, schedules) was last entered: the first day the
        downstream models read, or the start of the run if later, never after the last day."""
        return min(max(self.start, FLOOR), self.last_day)

    @cached_property
    def midnight(self) -> datetime:
        """The as-of date's first moment: what happens from here on has not happened yet."""
        return datetime.combine(self.as_of, time())

    @cached_property
    def end_of_data(self) -> datetime:
        """The latest timestamp anything carries: one second before the as-of date begins."""
        return datetime.combine(self.as_of, time()) - timedelta(seconds=1)

    @cached_property
    def open_days(self) -> list[date]:
        """Every day the office is open, from the start to the booking horizon."""
        span = (self.booking_horizon - self.start).days + 1
        return [d for d in (self.start + timedelta(days=k) for k in range(span)) if is_open(d)]

    def days(self) -> int:
        return (self.last_day - self.start).days + 1
