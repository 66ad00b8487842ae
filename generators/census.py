"""The census: who the practice's patients are, in which households, and how each one uses the practice.

Everything that must hold exactly across the whole practice is decided here, once: the age mix (5% children,
70% adults, 25% seniors), the 60% of patients with insurance, the floor of patients the retention models need.
Each patient also gets a life in the window (generators/visits.py): a recall patient seen every six months (or
every three to four, on perio maintenance), an occasional patient who comes for emergencies, or nobody seen in
the window; new patients arrive throughout it, some patients lapse. The number of recall patients is what sizes
the practice to the requested appointments: recall patients are added until the expected appointments reach it.
The rest of a patient's life is simulated later from their own stream.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from generators import visits
from generators.rng import stream

CHILD_SHARE, SENIOR_SHARE = 0.05, 0.25
INSURED_SHARE = 0.60
COUPLE_RATE = 0.38
DUAL_COVERAGE_RATE = 0.15
# PatStatus (OpenDental's PatientStatus): 0 patient, 1 non-patient, 2 inactive, 3 archived, 4 deleted, 5 deceased
PATIENT, NONPATIENT, INACTIVE, ARCHIVED, DELETED, DECEASED = 0, 1, 2, 3, 4, 5
STATUS_WEIGHTS = {0: 0.86, 2: 0.08, 1: 0.02, 3: 0.02, 5: 0.015, 4: 0.005}
# Position: 0 single, 1 married, 2 child, 3 widowed, 4 divorced
SINGLE, MARRIED, CHILD, WIDOWED, DIVORCED = 0, 1, 2, 3, 4
# Patients the retention marts need: status 0/2, not married (contract G-09 asks for at least 1,000).
RETENTION_FLOOR = 1_100
STANDARD_FEE_RATE = 0.80  # procedures charged exactly the usual fee
AGE_GROUPS = ("child", "adult", "senior")
PROFILES = ("none", "regular", "sporadic")
NEW_PATIENTS_PER_YEAR = 0.8  # new patients a year, per established recall patient (attrition and some growth)
OCCASIONAL_PER_REGULAR = 1.3  # patients seen now and then, per established recall patient
NEW_STAY = 0.78  # new patients who become recall patients (the others come once or twice)
PERIO_RATE = {"child": 0.0, "adult": 0.30, "senior": 0.42}  # on perio maintenance instead of prophylaxis
SEEN_SHARE = {2: 0.7, 3: 0.25, 5: 0.6}  # inactive, archived and deceased patients seen in the window before they left


@dataclass(slots=True)
class Person:
    pat_num: int
    household: int
    age_group: str  # "child", "adult" or "senior"
    gender: int  # 0 male, 1 female
    position: int
    status: int
    is_head: bool
    new_patient: bool = False
    appointments: int = 0  # the most appointment rows the patient's life can give (for the id plan)
    procedures: int = 0  # the most procedure rows
    life: visits.Life | None = None


@dataclass(slots=True)
class Household:
    index: int
    members: list[Person] = field(default_factory=list)
    insured: bool = False
    dual: bool = False
    arrives: date | None = None  # a household new after the window: the day it books its first visit

    @property
    def head(self) -> Person:
        return self.members[0]


def _households(n: int, rng) -> Iterator[list[str]]:
    """Age groups of each household's members, head first; children join adult households.

    Households are kept as arrays (head's group, couple or not, number of children) until they are handed
    out one by one, so that a large census holds no list per household."""
    n_child = round(n * CHILD_SHARE)
    n_senior = round(n * SENIOR_SHARE)
    n_adult = n - n_child - n_senior
    if n_adult == 0 and n_child:  # tiny runs: someone has to look after the children
        n_adult, n_child = 1, n_child - 1
    remaining = {"adult": n_adult, "senior": n_senior}
    heads, pairs = bytearray(), bytearray()  # per household: the head's AGE_GROUPS index, 1 for a couple
    while remaining["adult"] + remaining["senior"]:
        group = "adult" if rng.random() * (remaining["adult"] + remaining["senior"]) < remaining["adult"] else "senior"
        remaining[group] -= 1
        couple = bool(remaining[group]) and rng.random() < COUPLE_RATE
        if couple:
            remaining[group] -= 1
        heads.append(AGE_GROUPS.index(group))
        pairs.append(couple)
    adult = AGE_GROUPS.index("adult")
    parents = array("i", (h for h in range(len(heads)) if heads[h] == adult)) or array("i", range(len(heads)))
    couples = array("i", (h for h in parents if pairs[h]))
    children = array("i", bytes(4 * len(heads)))
    for _ in range(n_child):
        pool = couples if couples and rng.random() < 0.7 else parents
        children[rng.choice(pool)] += 1
    order = array("i", range(len(heads)))
    rng.shuffle(order)
    for h in order:
        yield [AGE_GROUPS[heads[h]]] * (1 + pairs[h]) + ["child"] * children[h]


def _position(group: str, in_couple: bool, rng) -> int:
    if group == "child":
        return CHILD
    if in_couple:
        return MARRIED
    if group == "senior":
        return rng.choices([SINGLE, WIDOWED, DIVORCED], weights=[0.3, 0.45, 0.25])[0]
    return rng.choices([SINGLE, DIVORCED], weights=[0.75, 0.25])[0]



class Census:
    """The practice's patients, one array per attribute (a few bytes each instead of a Person object, so that
    200,000 patients cost a few megabytes); `households` builds the Household and Person objects of a slice.
    Person k (PatNum k + 1) belongs to the household h with starts[h] <= k < starts[h + 1]."""

    def __init__(self):
        self.starts = array("i", [0])  # per household, and one past the last
        self.insured = bytearray()  # per household
        self.dual = bytearray()
        self.age = bytearray()  # per person: index into AGE_GROUPS
        self.gender = bytearray()
        self.position = bytearray()
        self.status = bytearray()
        self.profile = bytearray()  # index into PROFILES
        self.new_patient = bytearray()
        self.perio = bytearray()
        self.start = array("i")  # days after `origin`: the first visit in the window, or the rhythm's first due date
        self.stop = array("i")  # days after `origin` when the patient stopped coming; -1: still comes
        self.appointments = array("i")  # bounds, see Person
        self.procedures = array("i")
        self.arrives = array("i")  # per household: days after `origin` it first books (arrivals), -1 for the rest
        self.origin = date(2000, 1, 1)  # the window's first day
        self.expected_rows = 0.0  # appointment rows the lives are expected to give (what sized the practice)

    def __len__(self) -> int:
        return len(self.insured)

    def seen(self) -> int:
        """Patients with visits in the window (not those arriving after it)."""
        none = PROFILES.index("none")
        return sum(1 for k, p in enumerate(self.profile) if p != none and self._census_person(k))

    def on_file(self, h: int, day: date) -> bool:
        """Whether household h is on the practice's books by `day` (one arriving after the window is put on file
        the day it first calls)."""
        arrives = self.arrives[h] if h < len(self.arrives) else -1
        return arrives < 0 or arrives < (day - self.origin).days

    def arrived_by(self, day: date) -> int:
        """Patients who arrived after the window and are on file by `day` (each a household of their own)."""
        cut = (day - self.origin).days
        return sum(1 for days in self.arrives if 0 <= days < cut)

    def _census_person(self, k: int) -> bool:
        h = bisect_right(self.starts, k) - 1
        return h >= len(self.arrives) or self.arrives[h] < 0

    @property
    def people(self) -> int:
        return self.starts[-1]

    def patients_in(self, first: int, stop: int) -> int:
        """Patients of households first .. stop - 1."""
        return self.starts[stop] - self.starts[first]

    def households(self, first: int, stop: int) -> list[Household]:
        return [self._household(h) for h in range(first, stop)]

    def _household(self, h: int) -> Household:
        start = self.starts[h]
        arrives = self.arrives[h] if h < len(self.arrives) else -1
        return Household(h, [self._person(k, h, k == start) for k in range(start, self.starts[h + 1])],
                         insured=bool(self.insured[h]), dual=bool(self.dual[h]),
                         arrives=None if arrives < 0 else self.origin + timedelta(days=arrives))

    def life(self, k: int) -> visits.Life:
        stop = self.stop[k]
        return visits.Life(PROFILES[self.profile[k]], self.origin + timedelta(days=self.start[k]),
                           None if stop < 0 else self.origin + timedelta(days=stop), bool(self.new_patient[k]),
                           bool(self.perio[k]), AGE_GROUPS[self.age[k]])

    def _person(self, k: int, h: int, head: bool) -> Person:
        return Person(k + 1, h, AGE_GROUPS[self.age[k]], self.gender[k], self.position[k], self.status[k], head,
                      new_patient=bool(self.new_patient[k]), appointments=self.appointments[k],
                      procedures=self.procedures[k], life=self.life(k))


def _eligible(status: int, position: int) -> bool:
    return status in (0, 2) and position != MARRIED


def _enforce_retention_floor(c: Census) -> None:
    """Small practices: relax marriages, then statuses, until enough patients count for retention."""
    target = min(c.people, RETENTION_FLOOR)
    count = sum(1 for k in range(c.people) if _eligible(c.status[k], c.position[k]))
    for k in range(c.people):
        if count >= target:
            return
        if c.position[k] == MARRIED and c.status[k] in (0, 2):
            c.position[k] = SINGLE  # living together, not married
            count += 1
    for k in range(c.people):
        if count >= target:
            return
        if not _eligible(c.status[k], c.position[k]):
            c.status[k] = 0
            c.position[k] = SINGLE if c.position[k] == MARRIED else c.position[k]
            count += 1


def _choose_insured(c: Census, n: int, rng) -> None:
    target = round(n * INSURED_SHARE)
    insured = 0
    for h in range(len(c)):
        first, size = c.starts[h], c.starts[h + 1] - c.starts[h]
        if c.status[first] == DELETED:  # a deleted patient subscribes to no plan
            continue
        if insured + size <= target:
            c.insured[h] = 1
            insured += size
            couple = size >= 2 and AGE_GROUPS[c.age[first + 1]] != "child"
            c.dual[h] = couple and rng.random() < DUAL_COVERAGE_RATE


def build(n: int, appointments: int, start: date, as_of: date, seed: int, horizon: date | None = None) -> Census:
    """The census of a practice sized by the window start .. as_of; each patient's rows are bounded up to
    `horizon` (as_of by default), the latest as-of date the practice can be advanced to (advance.py)."""
    rng = stream(seed, "census")
    c = Census()
    c.origin = start
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    for groups in _households(n, rng):
        couple = len(groups) >= 2 and groups[1] != "child"
        for k, group in enumerate(groups):
            status = 0 if group == "child" else rng.choices(statuses, status_weights)[0]
            if status == DECEASED and group != "senior":
                status = INACTIVE
            if status == DELETED and (len(groups) > 1 or group == "child"):
                status = INACTIVE  # OpenDental deletes only a patient of their own with nothing on file
            gender = (k % 2 if rng.random() < 0.5 else 1 - k % 2) if couple and k < 2 else rng.randrange(2)
            c.age.append(AGE_GROUPS.index(group))
            c.gender.append(gender)
            c.position.append(_position(group, couple and k < 2, rng))
            c.status.append(status)
        c.starts.append(len(c.age))
        c.insured.append(0)
        c.dual.append(0)
    _enforce_retention_floor(c)
    _choose_insured(c, n, rng)
    _choose_lives(c, appointments, as_of, rng, horizon or as_of)
    c.arrives = array("i", [-1] * len(c))
    if horizon and horizon > as_of:
        _arrivals(c, as_of, horizon, seed)
    return c


ARRIVAL_LEAD = 28  # days from a new patient's first call to the first visit's due date


def _arrivals(c: Census, as_of: date, horizon: date, seed: int) -> None:
    """New patients after the window, up to the horizon, at the rate the window brought them: each a household of
    their own, put on file the day they book their first visit (engine.py leaves out those not on file yet on
    the as-of date). They follow every patient of the census, so that no one else's PatNum or ids move."""
    window = (as_of - c.origin).days
    rate = sum(c.new_patient) / max(window, 1)  # new patients a day
    rng = stream(seed, "arrivals")
    day, room = 0.0, (horizon - as_of).days
    while rate > 0:
        day += rng.expovariate(rate)
        if day >= room:
            break
        first = as_of + timedelta(days=int(day))
        group = "senior" if rng.random() < SENIOR_SHARE else "adult"  # a household of their own: no children
        k = len(c.age)
        c.age.append(AGE_GROUPS.index(group))
        c.gender.append(rng.randrange(2))
        c.position.append(_position(group, False, rng))
        c.status.append(PATIENT)
        c.profile.append(PROFILES.index("regular" if rng.random() < NEW_STAY else "sporadic"))
        c.new_patient.append(1)
        c.perio.append(rng.random() < PERIO_RATE[group])
        c.start.append((first - c.origin).days + ARRIVAL_LEAD)  # booked (visits.py) at most this long ahead
        c.stop.append(-1)
        c.starts.append(len(c.age))
        c.insured.append(rng.random() < INSURED_SHARE)
        c.dual.append(0)
        c.arrives.append((first - c.origin).days)
        c.appointments.append(visits.max_rows(c.life(k), horizon))
        c.procedures.append(PROCEDURES_PER_ROW * c.appointments[k] + CHARTED_AT_FIRST_EXAM)


def _choose_lives(c: Census, appointments: int, as_of: date, rng, horizon: date) -> None:
    """Each patient's life in the window, until the expected appointments reach the requested number.

    Patients who have left (inactive, archived, deceased) were recall patients until they left. Then active
    patients are taken in random order: each established recall patient brings with them the new patients a
    practice of that size gains over the window (most of whom stay on recall) and a few occasional patients, so
    the mix stays that of a real practice whatever its size; everyone else is on the books but not seen in the
    window. Children follow their households' parents only as far as the draw goes (each is a patient of their
    own)."""
    window = (as_of - c.origin).days
    years = window / 365.25
    expected = 0.0
    pool = []
    for k in range(c.people):
        c.profile.append(PROFILES.index("none"))
        c.new_patient.append(0)
        c.perio.append(rng.random() < PERIO_RATE[AGE_GROUPS[c.age[k]]])
        c.start.append(0)
        c.stop.append(-1)
        status = c.status[k]
        if status == 0:
            pool.append(k)
        elif status in SEEN_SHARE and rng.random() < SEEN_SHARE[status]:
            c.profile[k] = PROFILES.index("regular")
            c.start[k] = rng.randrange(min(window, visits.HYGIENE_INTERVAL))
            c.stop[k] = min(window - 1, c.start[k] + int(rng.random() * window * 0.6))
            expected += visits.expected_rows(c.life(k), as_of)
    rng.shuffle(pool)
    new_credit = occasional_credit = 0.0
    for k in pool:
        if expected >= appointments:
            break
        if new_credit >= 1:
            new_credit -= 1
            c.new_patient[k] = 1
            c.start[k] = rng.randrange(window)
            c.profile[k] = PROFILES.index("regular" if rng.random() < NEW_STAY else "sporadic")
        elif occasional_credit >= 1:
            occasional_credit -= 1
            c.profile[k], c.start[k] = PROFILES.index("sporadic"), rng.randrange(window)
        else:
            c.profile[k] = PROFILES.index("regular")
            c.start[k] = rng.randrange(min(window, visits.HYGIENE_INTERVAL))  # their rhythm runs through the window
            new_credit += NEW_PATIENTS_PER_YEAR * years
            occasional_credit += OCCASIONAL_PER_REGULAR
        expected += visits.expected_rows(c.life(k), as_of)
    c.expected_rows = expected
    c.appointments = array("i", (visits.max_rows(c.life(k), horizon) for k in range(c.people)))
    c.procedures = array("i", (PROCEDURES_PER_ROW * a + CHARTED_AT_FIRST_EXAM for a in c.appointments))


PROCEDURES_PER_ROW = 12  # the most procedures one appointment row gives (its own, an unaccepted case, a copy)
CHARTED_AT_FIRST_EXAM = 24  # existing work and conditions charted at a first exam, and work planned but not booked
