"""Who works at the practice and when: providers, their working days, chairs, and user logins.

Sized to the requested volume so that days are full: a dentist's column holds about eight visits a day and a
hygienist's about eight, so a thin volume over a long window makes a small office (one dentist two days a week),
not an idle one. The office opens on the dentists' days; hygienists work those days, the last one part-time as
the hygiene volume needs; a visiting oral surgeon comes a few days a month when there is enough surgery to fill
them (otherwise surgery is referred out). Hygiene visits are in the hygienist's own column; a very large
practice whose columns would pass the contract's 10,000 distinct (date, provider) pairs since 2023 books them
in the supervising dentist's column with the hygienist in ProvHyg, and gets fewer, busier dentists (up to the
contract's 100 appointments a provider-day).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count

from contract.rules import FLOOR
from generators import calendar
from generators.reference.definitions import SPECIALTY_GENERAL, SPECIALTY_HYGIENIST, SPECIALTY_ORAL_SURGERY

DENTIST_VISITS_PER_DAY = 8  # a dentist's own column on a full day (published: 8-12)
HYGIENE_VISITS_PER_DAY = 8  # a hygienist's day (published: 6-10)
SEATED_SHARE = 0.81  # appointment rows that are visits of the window (the rest are booked ahead or planned)
HYGIENE_SHARE = 0.62  # of those visits, recall and new-patient visits in the hygiene chairs
SURGICAL_SHARE = 0.018  # of those visits, surgery the oral surgeon takes
SURGEON_VISITS_PER_DAY = 6
MIN_SURGEON_DAYS = 8  # a year; below that the practice refers surgery out
OPEN_WEEKS = 49  # weeks a year the office is open (holidays and vacation off)
MAX_DENTISTS = 9
PROVIDER_DAY_BUDGET = 9_500  # contract: at most 10,000 distinct (date, ProvNum) since 2023-01-01


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
    weeks: frozenset[int] | None = None  # the weeks of the month (1-5) a visiting provider comes; None: every week

    @property
    def abbr(self) -> str:
        prefix = "RDH" if self.role == "hygienist" else "DR"
        return f"{prefix} {self.last[:6].upper()}"

    def works(self, day: date) -> bool:
        return (self.active and day.weekday() in self.weekdays and calendar.is_open(day)
                and (self.weeks is None or (day.day - 1) // 7 + 1 in self.weeks))


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
    # Hygiene visits in the hygienist's own column (ProvNum = the hygienist), unless that would pass the
    # contract's provider-day limit; then in the supervising dentist's column, with the hygienist in ProvHyg.
    hygiene_columns: bool = True
    _active_by_role: dict = field(default_factory=dict, repr=False)  # filled on first use; staff never change
    _users_by_role: dict = field(default_factory=dict, repr=False)
    _working: dict = field(default_factory=dict, repr=False)
    _staffed: dict = field(default_factory=dict, repr=False)

    def by_role(self, role: str) -> list[Provider]:
        found = self._active_by_role.get(role)
        if found is None:
            found = self._active_by_role[role] = [p for p in self.providers if p.role == role and p.active]
        return found

    def staffed(self, day: date, surgical: bool, hygiene: bool) -> bool:
        """Whether a visit can be seen on `day`: its surgeon or a dentist works, and a hygienist if it needs one."""
        key = (day, surgical, hygiene)
        found = self._staffed.get(key)
        if found is None:
            found = self._staffed[key] = (bool(self.working("specialist" if surgical else "dentist", day))
                                          and (not hygiene or bool(self.working("hygienist", day))))
        return found

    def working(self, role: str, day: date) -> list[Provider]:
        """Active providers of a role who work on `day` (the same for every patient, so kept)."""
        key = (role, day)
        found = self._working.get(key)
        if found is None:
            found = self._working[key] = [p for p in self.by_role(role) if p.works(day)]
        return found

    def provider(self, prov_num: int) -> Provider:
        return self.providers[prov_num - 1]  # ProvNum is the provider's place in the list, from 1

    def users_by_role(self, role: str) -> list[User]:
        found = self._users_by_role.get(role)
        if found is None:
            found = self._users_by_role[role] = [u for u in self.users if u.role == role]
        return found

    def user_for(self, prov_num: int) -> int:
        return next(u.user_num for u in self.users if u.prov_num == prov_num)


DENTIST_NAMES = [("Sarah", "Whitfield"), ("Michael", "Romano"), ("Priya", "Shah"), ("David", "Kaminski"),
                 ("Elena", "Vasquez"), ("James", "O'Connor"), ("Grace", "Lindqvist"), ("Omar", "Haddad"),
                 ("Hannah", "Becker")]
HYGIENIST_NAMES = [("Jessica", "Moreno"), ("Ashley", "Kowalczyk"), ("Brittany", "Nguyen"), ("Megan", "Sullivan"),
                   ("Lauren", "Fischer"), ("Kayla", "Brooks"), ("Amanda", "Reyes")]
# A large practice has more hygienists than names above: the rest are drawn from these, each pair once.
MORE_HYGIENIST_FIRST = ("Rachel", "Nicole", "Stephanie", "Danielle", "Samantha", "Courtney", "Tiffany", "Heather",
                        "Melissa", "Vanessa")
MORE_HYGIENIST_LAST = ("Carter", "Patel", "Olsen", "Ramirez", "Dubois", "Ward", "Kim", "Novak", "Bennett", "Hughes")
SPECIALIST_NAME = ("Robert", "Delgado")
RETIRED_NAME = ("Harold", "Jensen")
STAFF_USERS = [("front", "frontdesk1"), ("front", "frontdesk2"), ("front", "frontdesk3"), ("billing", "billing1"),
               ("billing", "billing2"), ("manager", "officemgr"), ("assistant", "assistant1"),
               ("assistant", "assistant2"), ("assistant", "assistant3"), ("front", "txcoord")]


@dataclass(frozen=True)
class Size:
    """How many of each provider, and how many days a week (the surgeon: days a month)."""

    dentists: int
    dentist_days: int
    hygienist_days: tuple[int, ...]  # days a week of each hygienist
    surgeon_days: int  # 0: no surgeon


def size(appointments: int, window: calendar.Window) -> Size:
    """Staff that fills its days with the requested volume (see the module docstring)."""
    years = max(window.days() / 365.25, 0.25)
    visits_per_year = SEATED_SHARE * appointments / years
    dentist_days_per_week = (1 - HYGIENE_SHARE) * visits_per_year / DENTIST_VISITS_PER_DAY / OPEN_WEEKS
    if dentist_days_per_week <= 5:
        dentists, days = 1, max(1, min(5, round(dentist_days_per_week)))
    else:  # as many dentists as fill about four days each
        dentists = min(MAX_DENTISTS, max(2, round(dentist_days_per_week / 4)))
        days = max(3, min(5, round(dentist_days_per_week / dentists)))
    open_days_per_week = min(5, days if dentists == 1 else days + 1)
    hygiene_days_per_week = HYGIENE_SHARE * visits_per_year / HYGIENE_VISITS_PER_DAY / OPEN_WEEKS
    hygienists = []
    while hygiene_days_per_week > 0.5 or not hygienists:
        hygienists.append(max(1, min(open_days_per_week, round(hygiene_days_per_week))))
        hygiene_days_per_week -= open_days_per_week
    surgeon_days_per_year = SURGICAL_SHARE * visits_per_year / SURGEON_VISITS_PER_DAY
    surgeon = 0 if surgeon_days_per_year < MIN_SURGEON_DAYS else min(4, math.ceil(surgeon_days_per_year / 12))
    return Size(dentists, days, tuple(hygienists), surgeon)


def _weekdays(index: int, days_per_week: int) -> frozenset[int]:
    """A rotating pattern so that every weekday is covered by someone."""
    return frozenset((index + k) % 5 for k in range(days_per_week))


def provider_days(providers: list[Provider], first: date, last: date,
                  roles: tuple[str, ...] = ("dentist", "specialist")) -> int:
    """Distinct (date, provider) pairs the columns of providers of these roles can fill between two dates."""
    total, day = 0, first
    column_providers = [p for p in providers if p.role in roles]
    while day <= last:
        total += sum(1 for p in column_providers if p.works(day))
        day += timedelta(days=1)
    return total


def build_staff(appointments: int, window: calendar.Window) -> Staff:
    shape = size(appointments, window)
    providers: list[Provider] = []
    for i in range(shape.dentists):
        first, last = DENTIST_NAMES[i]
        providers.append(Provider(len(providers) + 1, "dentist", first, last, SPECIALTY_GENERAL,
                                  _weekdays(i, shape.dentist_days)))
    open_days = sorted(set().union(*(p.weekdays for p in providers)))
    for i, days in enumerate(shape.hygienist_days):
        first, last = _hygienist_name(i)
        weekdays = frozenset(open_days[(i + k) % len(open_days)] for k in range(min(days, len(open_days))))
        providers.append(Provider(len(providers) + 1, "hygienist", first, last, SPECIALTY_HYGIENIST, weekdays))
    if shape.surgeon_days:
        surgeon_day = open_days[len(open_days) // 2]
        providers.append(Provider(len(providers) + 1, "specialist", *SPECIALIST_NAME, SPECIALTY_ORAL_SURGERY,
                                  frozenset({surgeon_day}), weeks=frozenset(range(1, 1 + 2 * shape.surgeon_days, 2))
                                  if shape.surgeon_days <= 2 else frozenset(range(1, shape.surgeon_days + 1))))
    providers.append(Provider(len(providers) + 1, "retired", *RETIRED_NAME, SPECIALTY_GENERAL, active=False))
    _fit_budget(providers, window)
    first = max(window.start, FLOOR)
    hygiene_columns = provider_days(providers, first, window.booking_horizon,
                                    ("dentist", "specialist", "hygienist")) <= PROVIDER_DAY_BUDGET
    dentist_days = max(1, provider_days(providers, window.start, window.last_day))
    per_dentist_day = appointments / dentist_days
    # Very busy dentist-days (a large practice under the provider-day limit) open longer: the contract allows
    # 10 appointments per distinct start hour on average.
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

    users, taken = [], set()
    for p in providers:  # OpenDental's user names are unique: a second "jsmith" becomes "jsmith2"
        base = f"{p.first[0]}{p.last}".lower().replace("'", "")
        name = base if base not in taken else next(f"{base}{k}" for k in count(2) if f"{base}{k}" not in taken)
        taken.add(name)
        users.append(User(p.prov_num, name, "provider", p.prov_num))
    for role, name in STAFF_USERS:
        users.append(User(len(users) + 1, name, role))
    return Staff(providers, users, operatories, hours, hygiene_columns)


def _hygienist_name(i: int) -> tuple[str, str]:
    """The i-th hygienist's (first, last) name, a different pair for each of up to 107."""
    if i < len(HYGIENIST_NAMES):
        return HYGIENIST_NAMES[i]
    j = i - len(HYGIENIST_NAMES)
    first = MORE_HYGIENIST_FIRST[j % len(MORE_HYGIENIST_FIRST)]
    return first, MORE_HYGIENIST_LAST[(j // len(MORE_HYGIENIST_FIRST) + j) % len(MORE_HYGIENIST_LAST)]


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
