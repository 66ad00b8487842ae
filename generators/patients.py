"""Phase 2, patients: who each household's members are (demographics), and the ZIP code reference.

A patient's demographics are drawn when their household is simulated, as the first module of each household;
the patient rows themselves are written last (patient_rows.py), once the clinical and financial modules have
settled the first visit and the balances.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from generators import calendar
from generators.census import CHILD, Household, Person
from generators.context import Context
from generators.reference.places import ZIP_CODES
from generators.rng import stream
from generators.story import Story

AGE_RANGES = {"child": (2, 17), "adult": (18, 64), "senior": (65, 92)}
EARLIEST_FIRST_VISIT = date(2000, 1, 1)
SPANISH_SPEAKERS = 0.08


@dataclass
class Patient:
    """A patient as the phases see it while their household is simulated."""

    person: Person
    first: str
    last: str
    middle: str
    birthdate: date
    gender: int
    address: tuple[str, str, str, str]  # street, city, state, zip
    home_phone: str
    wireless: str
    email: str
    language: str
    pri_prov: int
    sec_prov: int
    perio: bool
    first_visit: date | None  # known now for established patients, set by the clinical phase for new ones
    created: datetime
    guarantor: int = 0
    last_activity: datetime | None = None
    has_claimed_completion: bool = False  # a completed procedure from 2023 on, while insured
    insured_now: bool = False
    coverage_ended: date | None = None  # when the last plan ended, for a patient no longer insured
    employer_num: int = 0

    @property
    def pat_num(self) -> int:
        return self.person.pat_num

    def touch(self, moment: datetime) -> None:
        if self.last_activity is None or moment > self.last_activity:
            self.last_activity = moment


def emit_reference(ctx: Context) -> None:
    """The ZIP codes patients live in."""
    for num, (digits, city, state) in enumerate(ZIP_CODES, start=1):
        ctx.sinks["zipcode"].add(ZipCodeNum=num, ZipCodeDigits=digits, City=city, State=state, IsFrequent=num <= 12)
        ctx.zip_codes.append((digits, city, state))


def _phone(rng) -> str:
    return f"({rng.choice(['219', '219', '219', '708', '574'])}){rng.randint(200, 989)}-{rng.randint(0, 9999):04d}"


def _birthdate(rng, group: str, as_of: date) -> date:
    low, high = AGE_RANGES[group]
    age = rng.randint(low, high)
    # Born between (age + 1) years and age years before the as-of date, so the age is exact.
    latest = date(as_of.year - age, as_of.month, min(as_of.day, 28)) - timedelta(days=1)
    return latest - timedelta(days=rng.randrange(364))


def _first_visit_before(rng, window: calendar.Window, birthdate: date) -> date:
    latest = window.start - timedelta(days=1)
    earliest = min(max(EARLIEST_FIRST_VISIT, birthdate + timedelta(days=2 * 365)), latest)
    day = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
    while not calendar.is_open(day) and day > earliest:
        day -= timedelta(days=1)
    return day


def create_household(ctx: Context, household: Household) -> list[Patient]:
    rng = stream(ctx.seed, "household", household.index)
    pools = ctx.pools
    family_name = rng.choice(pools.last)
    street = rng.choice(pools.streets)
    zip_digits, city, state = ctx.zip_codes[min(int(rng.expovariate(1 / 14)), len(ctx.zip_codes) - 1)]
    home_phone = _phone(rng)
    dentists = ctx.staff.by_role("dentist")
    hygienists = ctx.staff.by_role("hygienist")
    family_dentist = rng.choice(dentists).prov_num
    spanish = rng.random() < SPANISH_SPEAKERS
    patients = []
    for person in household.members:
        prng = stream(ctx.seed, "patient", person.pat_num)
        first = rng.choice(pools.first_male if person.gender == 0 else pools.first_female)
        last = family_name if person.position != 0 or person.is_head or prng.random() < 0.6 else rng.choice(pools.last)
        birthdate = _birthdate(prng, person.age_group, ctx.window.pace.as_of)
        # Too young to have visited before the window: the first visit is the first one inside it.
        too_young = birthdate + timedelta(days=2 * 365) >= ctx.window.start
        first_visit = None if person.new_patient or too_young else _first_visit_before(prng, ctx.window, birthdate)
        created = calendar.at(first_visit, 8 * 60 + prng.randrange(540)) if first_visit else None
        if household.arrives is not None:  # new after the window: on file from the first call
            created = calendar.at(household.arrives, 7 * 60 + 45 + prng.randrange(15))  # before anything is booked
        adult = person.position != CHILD
        email = f"{first}.{last}{prng.randrange(100)}@example.com".lower().replace("'", "") if adult and (
            prng.random() < 0.9) else ""
        patients.append(
            Patient(
                person=person, first=first, last=last, middle=chr(65 + prng.randrange(26)), birthdate=birthdate,
                gender=person.gender, address=(street, city, state, zip_digits), home_phone=home_phone,
                wireless=_phone(prng) if adult else "", email=email, language="es" if spanish else "en",
                pri_prov=family_dentist if prng.random() < 0.85 else rng.choice(dentists).prov_num,
                # patients are shared out by the hygienists' days, so that each one's days are as full
                sec_prov=prng.choices(hygienists, weights=[len(h.weekdays) for h in hygienists])[0].prov_num,
                perio=person.life.perio,
                first_visit=first_visit, created=created,
            )
        )
    head = patients[0].pat_num
    for p in patients:
        p.guarantor = head
    return patients


def emit_household(ctx: Context, household: Household, stories: list[Story]) -> None:
    """Start the household's stories: one per member, head first."""
    stories.extend(Story(patient) for patient in create_household(ctx, household))
