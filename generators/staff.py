"""Who works at the practice and when: providers, their working days, chairs, and user logins.

Sized from the requested volume: enough dentists that a dentist-day stays well under the contract's
100 appointments, and few enough that the (date, provider) pairs since 2023 stay under its 10,000.
Hygiene visits are booked on the supervising dentist's column (ProvNum) with the hygienist in ProvHyg,
as OpenDental does, so only dentists count towards that limit.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from contract.rules import FLOOR
from generators import calendar
from generators.reference.definitions import SPECIALTY_GENERAL, SPECIALTY_HYGIENIST, SPECIALTY_ORAL_SURGERY

DENTIST_DAY_CAPACITY = 16  # appointments a dentist's column holds on a typical day
MIN_DENTISTS, MAX_DENTISTS = 4, 9
PROVIDER_DAY_BUDGET = 9_500  # contract: at most 10,000 distinct (date, ProvNum) since 2023-01-01
SURGICAL_SHARE = 0.045  # appointments that go to the oral surgeon (treatment visits x surgery share)


@dataclass
class Provider:
    prov_num: int
    role: str  # "dentist", "hygienist", "specialist" or "retired"
    first: str
    last: str
    specialty: int
    weekdays: frozenset[int] = field(default_factory=frozenset)  # 0 = Monday
    operatories: tuple[int, ...] = ()
    active: bool = True

    @property
    def abbr(self) -> str:
        prefix = "RDH" if self.role == "hygienist" else "DR"
        return f"{prefix} {self.last[:6].upper()}"

    def works(self, day: date) -> bool:
        return self.active and day.weekday() in self.weekdays and calendar.is_open(day)


@dataclass(frozen=True)
class User:
    user_num: int
    user_name: str
    role: str  # "provider", "front", "billing", "assistant", "manager"
    prov_num: int = 0


@dataclass(frozen=True)
class Operatory:
    op_num: int
    name: str
    abbrev: str
    dentist: int
    hygienist: int
    is_hygiene: bool


@dataclass
class Staff:
    providers: list[Provider]
    users: list[User]
    operatories: list[Operatory]
    opening_minutes: tuple[int, int] = (8 * 60, 16 * 60 + 20)  # first and last appointment start of a day
    _active_by_role: dict = field(default_factory=dict, repr=False)  # filled on first use; staff never change
    _users_by_role: dict = field(default_factory=dict, repr=False)
    _working: dict = field(default_factory=dict, repr=False)

    def by_role(self, role: str) -> list[Provider]:
        return self._active_by_role.setdefault(role, [p for p in self.providers if p.role == role and p.active])

    def working(self, role: str, day: date) -> list[Provider]:
        """Active providers of a role who work on `day` (the same for every patient, so kept)."""
        key = (role, day)
        found = self._working.get(key)
        if found is None:
            found = self._working[key] = [p for p in self.by_role(role) if p.works(day)]
        return found

    def users_by_role(self, role: str) -> list[User]:
        return self._users_by_role.setdefault(role, [u for u in self.users if u.role == role])

    def user_for(self, prov_num: int) -> int:
        return next(u.user_num for u in self.users if u.prov_num == prov_num)


DENTIST_NAMES = [("Sarah", "Whitfield"), ("Michael", "Romano"), ("Priya", "Shah"), ("David", "Kaminski"),
                 ("Elena", "Vasquez"), ("James", "O'Connor"), ("Grace", "Lindqvist"), ("Omar", "Haddad"),
                 ("Hannah", "Becker")]
HYGIENIST_NAMES = [("Jessica", "Moreno"), ("Ashley", "Kowalczyk"), ("Brittany", "Nguyen"), ("Megan", "Sullivan"),
                   ("Lauren", "Fischer"), ("Kayla", "Brooks"), ("Amanda", "Reyes")]
SPECIALIST_NAME = ("Robert", "Delgado")
RETIRED_NAME = ("Harold", "Jensen")
STAFF_USERS = [("front", "frontdesk1"), ("front", "frontdesk2"), ("front", "frontdesk3"), ("billing", "billing1"),
               ("billing", "billing2"), ("manager", "officemgr"), ("assistant", "assistant1"),
               ("assistant", "assistant2"), ("assistant", "assistant3"), ("front", "txcoord")]


def dentist_count(appointments: int, open_days: int) -> int:
    per_day = appointments / max(open_days, 1)
    needed = math.ceil(per_day / (DENTIST_DAY_CAPACITY * 0.8))
    return max(MIN_DENTISTS, min(MAX_DENTISTS, needed))


def dentist_weekdays(appointments: int, open_days: int) -> int:
    """Days a week each dentist works: four, or five (as far as the provider-day budget allows, see _fit_budget)
    when even the largest team would be over capacity, so that no column passes the contract's 100 a day."""
    per_day = appointments / max(open_days, 1)
    return 5 if per_day / (DENTIST_DAY_CAPACITY * 0.8) > MAX_DENTISTS else 4


def specialist_days(appointments: int, open_days: int) -> int:
    """Days a week the oral surgeon visits: enough for about 30 surgical visits a day, at most four."""
    per_week = SURGICAL_SHARE * appointments / max(open_days / 5, 1)
    return max(1, min(4, math.ceil(per_week / 30)))


def _weekdays(index: int, days_per_week: int) -> frozenset[int]:
    """A rotating pattern so that every weekday is covered by someone."""
    return frozenset((index + k) % 5 for k in range(days_per_week))


def provider_days(providers: list[Provider], first: date, last: date) -> int:
    """Distinct (date, provider) pairs the dentists' columns can fill between two dates."""
    total, day = 0, first
    column_providers = [p for p in providers if p.role in ("dentist", "specialist")]
    while day <= last:
        total += sum(1 for p in column_providers if p.works(day))
        day += timedelta(days=1)
    return total


def build_staff(appointments: int, window: calendar.Window) -> Staff:
    open_days = sum(1 for k in range(window.days()) if calendar.is_open(window.start + timedelta(days=k)))
    n_dentists = dentist_count(appointments, open_days)
    n_hygienists = max(3, round(n_dentists * 0.75))
    providers: list[Provider] = []
    for i in range(n_dentists):
        first, last = DENTIST_NAMES[i]
        providers.append(Provider(len(providers) + 1, "dentist", first, last, SPECIALTY_GENERAL,
                                  _weekdays(i, dentist_weekdays(appointments, open_days))))
    for i in range(n_hygienists):
        first, last = HYGIENIST_NAMES[i]
        providers.append(Provider(len(providers) + 1, "hygienist", first, last, SPECIALTY_HYGIENIST,
                                  _weekdays(i + 2, 4)))
    providers.append(Provider(len(providers) + 1, "specialist", *SPECIALIST_NAME, SPECIALTY_ORAL_SURGERY,
                              _weekdays(2, specialist_days(appointments, open_days))))
    providers.append(Provider(len(providers) + 1, "retired", *RETIRED_NAME, SPECIALTY_GENERAL, active=False))
    _fit_budget(providers, window)
    per_dentist_day = appointments / max(open_days * n_dentists * 0.8, 1)
    # Busy practices open longer: the contract allows 10 appointments per distinct start hour on average.
    hours = (7 * 60, 17 * 60 + 50) if per_dentist_day > 45 else (8 * 60, 16 * 60 + 20)

    operatories: list[Operatory] = []
    for p in providers:
        if not p.active:
            continue
        chairs = 2 if p.role == "dentist" else 1
        ops = []
        for k in range(chairs):
            num = len(operatories) + 1
            hyg = p.role == "hygienist"
            label = f"Hyg {num}" if hyg else f"Op {num}"
            operatories.append(Operatory(num, label, label.replace(" ", ""), 0 if hyg else p.prov_num,
                                         p.prov_num if hyg else 0, hyg))
            ops.append(num)
        p.operatories = tuple(ops)
    operatories.append(Operatory(len(operatories) + 1, "Consult Room", "Consult", 0, 0, False))

    users = [User(p.prov_num, f"{p.first[0]}{p.last}".lower().replace("'", ""), "provider", p.prov_num)
             for p in providers]
    for role, name in STAFF_USERS:
        users.append(User(len(users) + 1, name, role))
    return Staff(providers, users, operatories, hours)


def _fit_budget(providers: list[Provider], window: calendar.Window) -> None:
    """Trim working days until the dentists' columns fit the contract's provider-day limit."""
    first = max(window.start, FLOOR)
    dentists = [p for p in providers if p.role == "dentist"]
    while provider_days(providers, first, window.booking_horizon) > PROVIDER_DAY_BUDGET:
        busiest = max(dentists, key=lambda p: (len(p.weekdays), p.prov_num))
        if len(busiest.weekdays) <= 1:
            break
        # the weekday most dentists work: days keep about the same number of columns, so none is overloaded
        cover = Counter(day for p in dentists for day in p.weekdays)
        busiest.weekdays = busiest.weekdays - {max(busiest.weekdays, key=lambda day: (cover[day], day))}
