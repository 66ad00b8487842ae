"""The practice's appointment book: a day within its providers' hours, a time and a chair for every visit, with
no two visits in one chair at once, across all households.

Households are simulated chunk by chunk in parallel, and a chunk alone cannot see how full a provider's day
already is. So a run books first (engine.build_book), in one process: every visit of the practice, in the
order the visits were made, without writing rows; a day is free for a visit only while its provider's chairs
have room for it that day (the minutes of the visits held there, each rounded up to the book's 10-minute lines,
within the opening hours). Since visits are booked in that order, the holds a visit sees are exactly those made
before it. Then each provider's day is laid out: visits in the order they were booked, each in the free gap of
the provider's chairs nearest the time its patient asked for, else after the last visit of the chair that frees
first (the day runs late). The chunks are then simulated again, in parallel, to write their rows: each visit
takes the day and outcome it was booked with and its place in the book, and everything else is drawn as
before, so the rows agree with the booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from generators import calendar

GRID = 10  # minutes: appointment starts fall on the book's 10-minute lines


@dataclass(frozen=True, slots=True)
class Request:
    """A visit that holds a chair, as its chunk booked it."""

    apt_num: int
    day: date
    owner: int  # the provider whose chairs it goes in (the hygienist of a hygiene visit)
    minutes: int
    asked: int  # start asked for, minutes after midnight
    booked: datetime  # when it was booked: earlier bookings choose first
    column: int = 0  # the visit's ProvNum when not the owner (a hygiene visit in the dentist's column)


class Book:
    """Live while the run books (room per provider-day, and each visit's day as booked); then `close` lays the
    days out, and the book gives each visit its day, time and chair while the rows are written."""

    def __init__(self, chairs: dict[int, list[int]], opening: tuple[int, int], cut: datetime | None = None):
        self._chairs = chairs
        first, last = opening
        self._open, self._close = first, last + 40  # last + 40: where start_time's latest visits end
        self._load: dict[tuple[date, int], int] = {}  # minutes held per (day, provider)
        # Held for every visit of the run, so kept as one int each: day ordinal * 2 + seen by the surgeon, and
        # (day ordinal * 2**16 + chair) * 2**11 + start minute.
        self._days: dict[int, int] = {}  # apt_num -> day and surgeon
        self._requests: list[Request] = []
        self._placed: dict[int, int] = {}  # apt_num -> day, chair and start
        # (day, ProvNum) -> (end of their last visit that day in minutes, when that visit was booked), over the
        # visits booked before `cut` (the as-of date): the book also holds visits not made yet on it
        self._ends: dict[tuple[date, int], tuple[int, datetime]] = {}
        self._cut = cut
        self.live = True

    # ---- while booking

    def room(self, day: date, owner: int, minutes: int) -> bool:
        """Whether the provider's chairs have room that day for a visit of this length. Visits are booked in the
        order they were made (engine.build_book), so only those made earlier count: a visit booked later (such
        as one a later as-of date adds) never takes the day of one booked earlier."""
        chairs = self._chairs.get(owner)
        if not chairs:
            return True  # no chair of their own: nothing to fill
        return self._load.get((day, owner), 0) + _lines(minutes) <= len(chairs) * (self._close - self._open)

    def held(self, day: date, owner: int) -> int:
        """Minutes the provider's chairs hold that day, per chair."""
        chairs = self._chairs.get(owner)
        return self._load.get((day, owner), 0) // len(chairs) if chairs else 0

    def booked(self, apt_num: int, day: date, surgical: bool, status: int) -> None:
        """The day a visit is booked on, whether the surgeon sees it, and how it ends (AptStatus)."""
        self._days[apt_num] = (day.toordinal() << 4 | status) << 1 | surgical

    def hold(self, request: Request) -> None:
        """A visit that keeps its chair (kept, booked or broken): its minutes are taken from the day."""
        if self._chairs.get(request.owner):
            key = (request.day, request.owner)
            self._load[key] = self._load.get(key, 0) + _lines(request.minutes)
            self._requests.append(request)

    def close(self) -> None:
        by_column: dict[tuple[date, int], list[Request]] = {}
        for request in self._requests:
            by_column.setdefault((request.day, request.owner), []).append(request)
        for (day, owner), requests in by_column.items():
            self._lay_out(day, owner, self._chairs[owner], requests)
        self._requests = []
        self._load = {}
        self.live = False

    def _lay_out(self, day: date, owner: int, chairs: list[int], requests: list[Request]) -> None:
        """Each visit, in booking order, in the free gap nearest the time asked for; one that finds no gap goes
        after the last visit of the chair that frees first (the day runs late). A visit booked later never moves
        one booked earlier."""
        busy: dict[int, list[tuple[int, int]]] = {chair: [] for chair in chairs}  # sorted (start, end) per chair
        placed: dict[int, tuple[int, int]] = {}
        for request in sorted(requests, key=lambda r: (r.booked, r.apt_num)):
            best = None  # (distance from the time asked, chair order, start, chair)
            for order, chair in enumerate(chairs):
                start = _nearest_gap(busy[chair], self._open, self._close, request.minutes, request.asked)
                if start is not None and (best is None or (abs(start - request.asked), order) < best[:2]):
                    best = (abs(start - request.asked), order, start, chair)
            if best is None:
                chair = min(chairs, key=lambda c: max((end for _, end in busy[c]), default=self._open))
                start = _lines(max((end for _, end in busy[chair]), default=self._open))
                best = (0, 0, start, chair)
            busy[best[3]].append((best[2], best[2] + request.minutes))
            busy[best[3]].sort()
            placed[request.apt_num] = (best[3], best[2])
        ordinal = day.toordinal()
        for apt_num, (chair, start) in placed.items():
            self._placed[apt_num] = ((ordinal << 16) + chair << 11) + start
        for request in requests:  # the day ends for everyone the visit needs: its chair's owner and its column
            if self._cut is not None and request.booked >= self._cut:
                continue
            end = (placed[request.apt_num][1] + request.minutes, request.booked)
            for prov in {owner, request.column or owner}:
                self._ends[(day, prov)] = max(self._ends.get((day, prov), end), end)

    # ---- while writing the rows

    def day_of(self, apt_num: int) -> tuple[date, bool, int] | None:
        """(day, seen by the surgeon, how it ends) as the visit was booked; None while booking or for a visit
        never booked."""
        packed = None if self.live else self._days.get(apt_num)
        if packed is None:
            return None
        return date.fromordinal(packed >> 5), bool(packed & 1), packed >> 1 & 15

    def start(self, apt_num: int, day: date, asked: datetime) -> datetime:
        """The visit's start in the book; the time asked for when it holds no chair."""
        placed = self._placement(apt_num, day)
        return asked if placed is None else calendar.at(day, placed[1])

    def day_end(self, day: date, prov: int) -> tuple[int, datetime] | None:
        """When the provider's last visit of the day ends (minutes after midnight), in their chairs or their
        column, and when that visit was booked; None for a day without any."""
        return self._ends.get((day, prov))

    def chair(self, apt_num: int, day: date) -> int | None:
        placed = self._placement(apt_num, day)
        return None if placed is None else placed[0]

    def _placement(self, apt_num: int, day: date) -> tuple[int, int] | None:
        """(chair, start minute) of a visit placed on `day`; None when it holds no chair there."""
        packed = self._placed.get(apt_num)
        if packed is None or packed >> 27 != day.toordinal():
            return None
        return (packed >> 11) & 0xFFFF, packed & 0x7FF


def _lines(minutes: int) -> int:
    """A visit's length rounded up to the book's 10-minute lines."""
    return -(-minutes // GRID) * GRID


def _nearest_gap(busy: list[tuple[int, int]], opens: int, closes: int, minutes: int, asked: int) -> int | None:
    """The grid start nearest `asked` (earlier on a tie) where [start, start + minutes) fits between opening and
    closing without touching a busy interval (sorted, disjoint); None when no gap is long enough."""
    best = None
    edge = opens  # the end of the busy time so far: a gap runs from here to the next visit
    for start, end in [*busy, (closes, closes)]:
        lo = -(-edge // GRID) * GRID
        hi = (min(start, closes) - minutes) // GRID * GRID
        if lo <= hi:
            candidate = min(max(asked // GRID * GRID, lo), hi)
            if best is None or abs(candidate - asked) < abs(best - asked):
                best = candidate
        edge = max(edge, end)
    return best
