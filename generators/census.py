"""The census: who the practice's patients are, in which households, and how much each one visits.

Everything that must hold exactly across the whole practice is decided here, once: the age mix
(5% children, 70% adults, 25% seniors), the 60% of patients with insurance, the floor of patients the
retention models need, and the per-patient numbers of appointments and procedures, which add up to
exactly what was requested. The rest of a patient's life is simulated later from their own stream.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field

from generators.allocate import allocate
from generators.rng import stream

CHILD_SHARE, SENIOR_SHARE = 0.05, 0.25
INSURED_SHARE = 0.60
COUPLE_RATE = 0.38
DUAL_COVERAGE_RATE = 0.15
# PatStatus: 0 patient, 1 non-patient, 2 inactive, 3 archived, 4 deceased
STATUS_WEIGHTS = {0: 0.86, 2: 0.08, 1: 0.02, 3: 0.025, 4: 0.015}
# Position: 0 single, 1 married, 2 child, 3 widowed, 4 divorced
SINGLE, MARRIED, CHILD, WIDOWED, DIVORCED = 0, 1, 2, 3, 4
# Patients the retention marts need: status 0/2, not married (contract G-09 asks for at least 1,000).
RETENTION_FLOOR = 1_100
VISIT_WEIGHT = {0: 1.0, 2: 0.3, 3: 0.05, 4: 0.4, 1: 0.0}
FUTURE_BOOKING_RATE = 0.30  # active patients with their next visit already booked
COMPLETION_RATE = 0.75  # past appointments that were kept
STANDARD_FEE_RATE = 0.80  # procedures charged exactly the usual fee
AGE_GROUPS = ("child", "adult", "senior")


@dataclass(slots=True)
class Person:
    pat_num: int
    household: int
    age_group: str  # "child", "adult" or "senior"
    gender: int  # 0 male, 1 female
    position: int
    status: int
    is_head: bool
    activity: float = 0.0
    new_patient: bool = False
    appointments: int = 0
    procedures: int = 0
    booked_ahead: bool = False  # the last appointment lies after the as-of date
    kept: int = 0  # past appointments completed
    standard_fees: int = 0  # procedures at exactly the usual fee


@dataclass(slots=True)
class Household:
    index: int
    members: list[Person] = field(default_factory=list)
    insured: bool = False
    dual: bool = False

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
        self.activity = array("d")
        self.new_patient = bytearray()
        self.appointments = array("i")
        self.procedures = array("i")
        self.booked_ahead = bytearray()
        self.kept = array("i")
        self.standard_fees = array("i")

    def __len__(self) -> int:
        return len(self.insured)

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
        return Household(h, [self._person(k, h, k == start) for k in range(start, self.starts[h + 1])],
                         insured=bool(self.insured[h]), dual=bool(self.dual[h]))

    def _person(self, k: int, h: int, head: bool) -> Person:
        return Person(k + 1, h, AGE_GROUPS[self.age[k]], self.gender[k], self.position[k], self.status[k], head,
                      activity=self.activity[k], new_patient=bool(self.new_patient[k]),
                      appointments=self.appointments[k], procedures=self.procedures[k],
                      booked_ahead=bool(self.booked_ahead[k]), kept=self.kept[k], standard_fees=self.standard_fees[k])


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
        if insured + size <= target:
            c.insured[h] = 1
            insured += size
            couple = size >= 2 and AGE_GROUPS[c.age[first + 1]] != "child"
            c.dual[h] = couple and rng.random() < DUAL_COVERAGE_RATE


def build(n: int, appointments: int, procedures: int, years_in_window: float, seed: int) -> Census:
    rng = stream(seed, "census")
    c = Census()
    statuses, status_weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    for groups in _households(n, rng):
        couple = len(groups) >= 2 and groups[1] != "child"
        for k, group in enumerate(groups):
            status = 0 if group == "child" else rng.choices(statuses, status_weights)[0]
            if status == 4 and group != "senior":
                status = 2
            gender = (k % 2 if rng.random() < 0.5 else 1 - k % 2) if couple and k < 2 else rng.randrange(2)
            c.age.append(AGE_GROUPS.index(group))
            c.gender.append(gender)
            c.position.append(_position(group, couple and k < 2, rng))
            c.status.append(status)
        c.starts.append(len(c.age))
        c.insured.append(0)
        c.dual.append(0)
    people = c.people
    _enforce_retention_floor(c)
    _choose_insured(c, n, rng)

    new_share = min(0.5, 0.09 * years_in_window)
    for k in range(people):
        status = c.status[k]
        activity = VISIT_WEIGHT[status] * (rng.gammavariate(2.0, 0.5) + 0.2)
        new = status == 0 and rng.random() < new_share
        c.activity.append(activity + 0.5 if new else activity)  # a first visit, then the usual follow-ups
        c.new_patient.append(new)
    _allocate_visits(c, appointments, procedures)
    for k in range(people):
        n_visits = c.appointments[k]
        c.booked_ahead.append(c.status[k] == 0 and rng.random() < FUTURE_BOOKING_RATE and (
            n_visits > 1 or (n_visits == 1 and not c.new_patient[k])))
    _allocate_rates(c)
    return c


def _allocate_visits(c: Census, appointments: int, procedures: int) -> None:
    active = [s == 0 for s in c.status]
    floor = [1 if a else 0 for a in active] if appointments >= sum(active) else None
    c.appointments = array("i", allocate(appointments, c.activity, floor))
    for k, visits in enumerate(c.appointments):
        if visits == 0:
            c.new_patient[k] = 0  # nobody's first visit without a visit
    weights = [a * v for a, v in zip(c.activity, c.appointments)]
    c.procedures = array("i", allocate(procedures, weights, c.appointments))


def _allocate_rates(c: Census) -> None:
    """Exact shares over the whole practice: kept appointments and standard fees per patient.

    Drawing each visit or fee independently would leave small practices off the rates by chance; a
    quota per patient, in proportion to what they have, lands on them exactly. A new patient's first
    visit always took place.
    """
    past = [v - b for v, b in zip(c.appointments, c.booked_ahead)]
    first_visits = [1 if new and n > 0 else 0 for new, n in zip(c.new_patient, past)]
    target = round(COMPLETION_RATE * sum(past))
    if target >= sum(first_visits):
        kept = allocate(target, [n - f for n, f in zip(past, first_visits)], first_visits)
    else:
        kept = first_visits
    c.kept = array("i", kept)
    c.standard_fees = array("i", allocate(round(STANDARD_FEE_RATE * sum(c.procedures)), c.procedures))
