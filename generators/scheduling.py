"""Booking a patient's visit into the practice's diary: which day (the one asked for when its providers work,
else a nearby one), which providers' columns, what time; and the day a late cancellation falls on. No rows are
written here: generators/clinical.py books each visit of generators/visits.py through a Scheduler.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from generators import calendar
from generators.context import Context
from generators.patients import Patient
from generators.staff import Provider

# The day a moved visit takes, and the dentist or hygienist when several work that day, come from a Kronecker
# (golden-ratio) sequence indexed by AptNum rather than from independent draws: the visits moved off a day are
# spread evenly over the days that fit, whichever process books it, because AptNum is planned (idplan.py).
# While the run books (generators/diary.py), every chunk in turn, a day is free only while the provider's
# chairs have room for the visit; the time and chair come from the book afterwards.
ROOT2 = 0.4142135623730951  # frac of sqrt(2): the dentist column
ROOT3 = 0.7320508075688772  # frac of sqrt(3): the day of the week a moved visit takes
ROOT5 = 0.2360679774997898  # frac of sqrt(5): the hygienist's chair


FULL_DAYS_SEARCHED = 90  # how far after the day asked for a visit is booked when the days near it are full


def spread(index: int, seed: int, step: float) -> float:
    return (index * step + seed * 0.7548776662466927) % 1.0


class Scheduler:
    """Finds a day, providers and a time for a visit."""

    def __init__(self, ctx: Context, patient: Patient):
        self.staff = ctx.staff
        self.seed = ctx.seed
        self.open_days = ctx.window.open_days
        self.patient = patient
        self.taken: set[date] = set()  # one visit a day per patient
        self.own_hygienist = next((h for h in self.staff.by_role("hygienist") if h.prov_num == patient.sec_prov), None)
        self.filling = ctx.book if ctx.book is not None and ctx.book.live else None  # the book being filled
        self.order: tuple = ()  # (day asked, AptNum) of the visit being booked: the visits it sees (column_runs)

    def working(self, role: str, day: date) -> list[Provider]:
        return self.staff.working(role, day)

    def free(self, day: date, lo: date, hi: date, kind: str, surgical: bool) -> bool:
        """Whether the patient can be seen that day: within the bounds, no visit of theirs yet, and the
        providers the visit needs at work."""
        return (lo <= day <= hi and day not in self.taken
                and self.staff.staffed(day, surgical, kind in ("hygiene", "new")))

    def room(self, apt_num: int, day: date, kind: str, surgical: bool, minutes: int) -> bool:
        """Whether the chairs of the provider who would see the visit that day have room for it (always, when
        no book is being filled)."""
        if self.filling is None:
            return True
        return self.filling.room(day, self.owner(apt_num, day, kind, surgical), minutes)

    def owner(self, apt_num: int, day: date, kind: str, surgical: bool) -> int:
        """Whose chairs the visit would take that day: the hygienist's for a hygiene visit, else its column's."""
        prov, hyg, _ = self.providers(apt_num, day, kind, surgical)
        return hyg or prov

    def move(self, old: date, new: date) -> None:
        self.taken.discard(old)
        self.taken.add(new)

    def book(self, apt_num: int, target: date, lo: date, hi: date, kind: str, surgical: bool,
             minutes: int = 0, overfill: bool = True) -> date | None:
        """`target` when the visit can be seen then; else one of the days it can in the two weeks after (spread
        by AptNum); else the nearest day further out. None if none. A day can see it when the patient is free,
        its providers work and their chairs have room for `minutes`; when no day within 90 has room, the one of
        them whose chairs hold least is taken all the same (it will be a long day). Only later days are tried,
        never earlier ones: a visit is never moved before the day it was asked for, so whether it lies before
        or after an as-of date does not depend on where that date falls."""
        day = self._search(apt_num, target, lo, hi, kind, surgical, minutes)
        if day is None and self.filling is not None and overfill:
            day = self._least_held(apt_num, target, lo, hi, kind, surgical)
        if day is not None:
            self.taken.add(day)
        return day

    def _least_held(self, apt_num: int, target: date, lo: date, hi: date, kind: str, surgical: bool) -> date | None:
        """Every day within 90 after `target` is full: the one whose chairs hold least (the nearest on a tie)."""
        days = [target + timedelta(days=k) for k in range(FULL_DAYS_SEARCHED + 1)]
        days = [d for d in days if self.free(d, lo, hi, kind, surgical)]
        if not days:
            return None
        filling = self.filling
        assert filling is not None
        # min keeps the first, the nearest, of equal ones
        return min(days, key=lambda day: filling.held(day, self.owner(apt_num, day, kind, surgical)))

    def _search(self, apt_num: int, target: date, lo: date, hi: date, kind: str, surgical: bool,
                minutes: int | None) -> date | None:
        needs_hygienist = kind in ("hygiene", "new")
        own = self.own_hygienist

        def free(day: date) -> bool:
            return self.free(day, lo, hi, kind, surgical) and (
                minutes is None or self.room(apt_num, day, kind, surgical, minutes))

        def with_own_hygienist(day: date) -> bool:  # the front desk books a recall on the patient's hygienist's day
            return (not needs_hygienist or own is None or own.works(day)) and free(day)

        for fits in (with_own_hygienist, free):
            if fits(target):
                return target
            near = [d for d in (target + timedelta(days=k) for k in range(1, 15)) if fits(d)]
            if near:
                return near[int(spread(apt_num, self.seed, ROOT3) * len(near))]
        further = (target + timedelta(days=k) for k in range(15, FULL_DAYS_SEARCHED + 1))
        return next((d for d in further if free(d)), None)

    def providers(self, apt_num: int, day: date, kind: str, surgical: bool) -> tuple[int, int | None, int]:
        """(ProvNum, ProvHyg, the dentist who examines): a hygiene visit is in the hygienist's column, or in the
        dentist's with the hygienist in ProvHyg (see staff.Staff.hygiene_columns)."""
        if surgical:
            surgeons = self.working("specialist", day)
            surgeon = surgeons[int(spread(apt_num, self.seed, ROOT2) * len(surgeons))].prov_num
            return surgeon, None, surgeon
        dentists = self.working("dentist", day)
        own = [d for d in dentists if d.prov_num == self.patient.pri_prov]
        dentist = (own or [dentists[int(spread(apt_num, self.seed, ROOT2) * len(dentists))]])[0].prov_num
        if kind not in ("hygiene", "new"):
            return dentist, None, dentist
        hygienists = self.working("hygienist", day)
        mine = [h for h in hygienists if h.prov_num == self.patient.sec_prov]
        hygienist = (mine or [hygienists[int(spread(apt_num, self.seed, ROOT5) * len(hygienists))]])[0].prov_num
        return (hygienist if self.staff.hygiene_columns else dentist), hygienist, dentist

    def start_time(self, day: date, minutes: int, rng) -> datetime:
        first, last = self.staff.opening_minutes
        latest = max(first, last + 40 - minutes)  # the last start of the day leaves room for the visit
        return calendar.at(day, first + 10 * rng.randrange((latest - first) // 10 + 1))


CANCELLATION_DAYS = range(1, 8)  # where a late cancellation may fall instead: a later day, the nearest first


def column_runs(column_days: dict, day: date, prov: int, order: tuple = (float("inf"),)) -> bool:
    """Whether this chunk has more kept visits than broken ones in the provider's column that day, among those
    booked before `order`: the column runs, so a late cancellation there leaves a hole in a working day
    (column_days: (day, ProvNum) -> [(order booked, kept, broken)], kept by clinical.py)."""
    held = [(k, b) for booked, k, b in column_days.get((day, prov), ()) if booked < order]
    return sum(k for k, _ in held) > sum(b for _, b in held)


def cancellation_day(column_days: dict, scheduler: Scheduler, apt_num: int, day: date, lo: date, hi: date,
                      kind: str, surgical: bool, minutes: int = 0) -> date:
    """The day of a visit that will be cancelled late: its own when its column runs that day (this chunk has more
    kept visits there than broken ones), else the nearest day the patient could have been booked on where the
    column does. The patient's appointment was then on that day; what is drawn is only that it was lost."""
    def runs(candidate: date) -> bool:
        return column_runs(column_days, candidate, scheduler.providers(apt_num, candidate, kind, surgical)[0],
                           scheduler.order)

    if runs(day):
        return day
    for offset in CANCELLATION_DAYS:
        candidate = day + timedelta(days=offset)
        if (scheduler.free(candidate, lo, hi, kind, surgical) and runs(candidate)
                and scheduler.room(apt_num, candidate, kind, surgical, minutes)):
            scheduler.move(day, candidate)
            return candidate
    return day
