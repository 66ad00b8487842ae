"""The census: who the practice's patients are, in which households, and how much each one visits.

Everything that must hold exactly across the whole practice is decided here, once: the age mix
(5% children, 70% adults, 25% seniors), the 60% of patients with insurance, the floor of patients the
retention models need, and the per-patient numbers of appointments and procedures, which add up to
exactly what was requested. The rest of a patient's life is simulated later from their own stream.
"""

from __future__ import annotations

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


def _households(n: int, rng) -> list[list[str]]:
    """Age groups of each household's members, head first; children join adult households."""
    n_child = round(n * CHILD_SHARE)
    n_senior = round(n * SENIOR_SHARE)
    n_adult = n - n_child - n_senior
    if n_adult == 0 and n_child:  # tiny runs: someone has to look after the children
        n_adult, n_child = 1, n_child - 1
    remaining = {"adult": n_adult, "senior": n_senior}
    households: list[list[str]] = []
    while remaining["adult"] + remaining["senior"]:
        group = "adult" if rng.random() * (remaining["adult"] + remaining["senior"]) < remaining["adult"] else "senior"
        remaining[group] -= 1
        members = [group]
        if remaining[group] and rng.random() < COUPLE_RATE:
            remaining[group] -= 1
            members.append(group)
        households.append(members)
    parents = [h for h in households if h[0] == "adult"] or households
    couples = [h for h in parents if len(h) >= 2]
    for _ in range(n_child):
        pool = couples if couples and rng.random() < 0.7 else parents
        rng.choice(pool).append("child")
    rng.shuffle(households)
    return households


def _position(group: str, in_couple: bool, rng) -> int:
    if group == "child":
        return CHILD
    if in_couple:
        return MARRIED
    if group == "senior":
        return rng.choices([SINGLE, WIDOWED, DIVORCED], weights=[0.3, 0.45, 0.25])[0]
    return rng.choices([SINGLE, DIVORCED], weights=[0.75, 0.25])[0]


def _eligible(p: Person) -> bool:
    return p.status in (0, 2) and p.position != MARRIED


def _enforce_retention_floor(people: list[Person]) -> None:
    """Small practices: relax marriages, then statuses, until enough patients count for retention."""
    target = min(len(people), RETENTION_FLOOR)
    count = sum(1 for p in people if _eligible(p))
    for p in people:
        if count >= target:
            return
        if p.position == MARRIED and p.status in (0, 2):
            p.position = SINGLE  # living together, not married
            count += 1
    for p in people:
        if count >= target:
            return
        if not _eligible(p):
            p.status = 0
            p.position = SINGLE if p.position == MARRIED else p.position
            count += 1


def _choose_insured(households: list[Household], n: int, rng) -> None:
    target = round(n * INSURED_SHARE)
    insured = 0
    for h in households:
        size = len(h.members)
        if insured + size <= target:
            h.insured = True
            insured += size
            couple = size >= 2 and h.members[1].age_group != "child"
            h.dual = couple and rng.random() < DUAL_COVERAGE_RATE


def build(n: int, appointments: int, procedures: int, years_in_window: float, seed: int) -> list[Household]:
    rng = stream(seed, "census")
    households: list[Household] = []
    people: list[Person] = []
    for index, groups in enumerate(_households(n, rng)):
        household = Household(index)
        couple = len(groups) >= 2 and groups[1] != "child"
        for k, group in enumerate(groups):
            status = 0 if group == "child" else rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0]
            if status == 4 and group != "senior":
                status = 2
            gender = (k % 2 if rng.random() < 0.5 else 1 - k % 2) if couple and k < 2 else rng.randrange(2)
            person = Person(len(people) + 1, index, group, gender,
                            _position(group, couple and k < 2, rng), status, k == 0)
            household.members.append(person)
            people.append(person)
        households.append(household)
    _enforce_retention_floor(people)
    _choose_insured(households, n, rng)

    new_share = min(0.5, 0.09 * years_in_window)
    for p in people:
        p.activity = VISIT_WEIGHT[p.status] * (rng.gammavariate(2.0, 0.5) + 0.2)
        p.new_patient = p.status == 0 and rng.random() < new_share
        if p.new_patient:
            p.activity += 0.5  # a first visit, then the usual follow-ups
    _allocate_visits(people, appointments, procedures)
    for p in people:
        p.booked_ahead = p.status == 0 and rng.random() < FUTURE_BOOKING_RATE and (
            p.appointments > 1 or (p.appointments == 1 and not p.new_patient))
    _allocate_rates(people)
    return households


def _allocate_visits(people: list[Person], appointments: int, procedures: int) -> None:
    active = [p.status == 0 for p in people]
    floor = [1 if a else 0 for a in active] if appointments >= sum(active) else None
    counts = allocate(appointments, [p.activity for p in people], floor)
    for p, c in zip(people, counts):
        p.appointments = c
        if c == 0:
            p.new_patient = False  # nobody's first visit without a visit
    weights = [p.activity * p.appointments for p in people]
    proc_counts = allocate(procedures, weights, [p.appointments for p in people])
    for p, c in zip(people, proc_counts):
        p.procedures = c


def _allocate_rates(people: list[Person]) -> None:
    """Exact shares over the whole practice: kept appointments and standard fees per patient.

    Drawing each visit or fee independently would leave small practices off the rates by chance; a
    quota per patient, in proportion to what they have, lands on them exactly. A new patient's first
    visit always took place.
    """
    past = [p.appointments - p.booked_ahead for p in people]
    first_visits = [1 if p.new_patient and n > 0 else 0 for p, n in zip(people, past)]
    target = round(COMPLETION_RATE * sum(past))
    if target >= sum(first_visits):
        kept = allocate(target, [n - f for n, f in zip(past, first_visits)], first_visits)
    else:
        kept = first_visits
    standard = allocate(round(STANDARD_FEE_RATE * sum(p.procedures for p in people)),
                        [p.procedures for p in people])
    for p, k, s in zip(people, kept, standard):
        p.kept, p.standard_fees = k, s
