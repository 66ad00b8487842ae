"""The appointment book (generators/diary.py), without a database: room per provider-day, each visit in the gap
nearest the time asked for, a full day running late without moving anyone booked earlier, and the day's end known
to everyone the visit needs."""

from __future__ import annotations

from datetime import date, datetime
from itertools import pairwise

from generators.diary import Book, Request

DAY = date(2026, 3, 2)
OPENING = (8 * 60, 16 * 60 + 20)  # staff.opening_minutes: the book's hours are 08:00-17:00
HYGIENIST, DENTIST = 2, 1


def _request(apt_num: int, asked: int, minutes: int = 60, owner: int = HYGIENIST, column: int = 0) -> Request:
    return Request(apt_num, DAY, owner, minutes, asked, datetime(2026, 2, 1, 9, apt_num % 60), column)


def _spans(book: Book, requests: list[Request]) -> list[tuple[int, int]]:
    starts = [book.start(r.apt_num, DAY, datetime(2000, 1, 1)) for r in requests]
    return sorted((s.hour * 60 + s.minute, s.hour * 60 + s.minute + r.minutes) for s, r in zip(starts, requests))


def test_a_chair_has_room_for_its_opening_hours_and_no_more():
    book = Book({HYGIENIST: [3]}, OPENING)
    for n in range(9):  # nine hours
        assert book.room(DAY, HYGIENIST, 60)
        book.hold(_request(n, 8 * 60))
    assert not book.room(DAY, HYGIENIST, 10)
    assert book.room(DAY, 99, 600)  # a provider without chairs of their own fills none


def test_each_visit_takes_the_free_gap_nearest_the_time_asked_for():
    book = Book({HYGIENIST: [3]}, OPENING)
    first, second, third = _request(1, 10 * 60), _request(2, 10 * 60), _request(3, 10 * 60 + 30)
    for request in (first, second, third):
        book.hold(request)
    book.close()
    at = {r.apt_num: book.start(r.apt_num, DAY, datetime(2000, 1, 1)).time() for r in (first, second, third)}
    assert at[1].hour * 60 + at[1].minute == 600  # booked first: the time asked for
    assert at[2].hour * 60 + at[2].minute == 540  # 09:00 and 11:00 are as near: the earlier one
    assert at[3].hour * 60 + at[3].minute == 660  # 10:30 is taken: 11:00 is nearest
    assert book.chair(1, DAY) == 3 and book.chair(1, date(2026, 3, 3)) is None


def test_a_full_day_runs_late_without_overlaps_and_its_end_is_everyones():
    book = Book({HYGIENIST: [3], DENTIST: [1, 2]}, OPENING)
    # Eleven hour-long hygiene visits in the dentist's column, most asking for the morning: more than the hours.
    requests = [_request(n, 8 * 60 + 10 * (n % 4), column=DENTIST) for n in range(11)]
    for request in requests:
        book.hold(request)
    book.close()
    spans = _spans(book, requests)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))  # one chair, no overlap
    assert spans[0][0] == 8 * 60 and spans[-1][1] == 8 * 60 + 11 * 60
    assert book.day_end(DAY, HYGIENIST)[0] == book.day_end(DAY, DENTIST)[0] == 19 * 60  # the schedules cover it
    assert book.day_end(date(2026, 3, 3), HYGIENIST) is None


def test_a_visit_booked_later_moves_none_booked_before_it():
    book = Book({HYGIENIST: [3]}, OPENING)
    early = [_request(n, 8 * 60 + 60 * n) for n in range(8)]  # eight hours from 08:00, booked first
    for request in early:
        book.hold(request)
    late = Request(99, DAY, HYGIENIST, 90, 9 * 60, datetime(2026, 2, 20, 9), 0)
    book.hold(late)
    book.close()
    assert [book.start(r.apt_num, DAY, datetime(2000, 1, 1)).hour for r in early] == list(range(8, 16))
    assert book.start(99, DAY, datetime(2000, 1, 1)).hour == 16  # no 90-minute gap: after the last visit


def test_a_dentist_with_two_chairs_uses_the_second_before_moving_a_visit():
    book = Book({DENTIST: [1, 2]}, OPENING)
    requests = [_request(n, 9 * 60, minutes=90, owner=DENTIST) for n in range(2)]
    for request in requests:
        book.hold(request)
    book.close()
    assert {book.chair(r.apt_num, DAY) for r in requests} == {1, 2}
    assert _spans(book, requests) == [(540, 630), (540, 630)]
