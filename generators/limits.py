"""What a run of a given size and window needs, checked before anything starts.

The dbt models cast ids to int4 and read dates up to 2030-12-31, and the contract caps a dentist's day at
100 appointments; settings that cannot fit are refused with the largest value that does.
"""

from __future__ import annotations

from config import GeneratorConfig
from contract.rules import CLAIM_PAYMENT_ID_OFFSET, ID_OFFSETS, INT4_MAX, LAST_DATE, MAX_APPOINTMENTS_PER_PROVIDER_DAY
from generators import idplan, staff
from generators.calendar import Window
from generators.engine import chunked, household_bounds, practice_census

BUSIEST_DENTIST_DAY = 80  # average appointments per dentist-day we allow: leaves room under the contract's 100
MAX_APPOINTMENTS_PER_PATIENT_YEAR = 2.2  # every active patient a recall patient: about what plan() can give
SECONDS_PER_PATIENT = 0.0025  # one worker, measured with tools/benchmark.py (about 1.3 ms with two)


SAMPLE_PATIENTS = 2_000  # the census the largest ids are measured on (they grow in proportion to the patients)
DRAW_MARGIN = 1.1  # a census of another size draws other lives: room for that


def largest_id(config: GeneratorConfig) -> tuple[str, int]:
    """The table with the largest id a run of this size can reach, and about that id: the id plan (idplan.py,
    bounded by every patient's life up to the horizon) of a census of up to SAMPLE_PATIENTS patients of the same
    shape, scaled to the size asked for."""
    n = min(config.num_patients, SAMPLE_PATIENTS)
    people = practice_census(config, n)
    plan = idplan.IdPlan((people.households(c.start, c.stop) for c in chunked(people)), household_bounds, ID_OFFSETS)
    scale = config.num_patients / n * (DRAW_MARGIN if n < config.num_patients else 1)
    need = {t: ID_OFFSETS.get(t, 0) + round((f[-1] + s[-1] - 1 - ID_OFFSETS.get(t, 0)) * scale)
            for t, f, s in ((t, plan.first[t], plan.size[t]) for t in plan.first) if f}
    table = max(need, key=need.get)
    return table, need[table]


def problems(config: GeneratorConfig) -> list[str]:
    """One line per setting that cannot work, saying what fits instead."""
    patients, appointments, procedures = config.num_patients, config.num_appointments, config.num_procedures
    start, as_of = config.start_date, config.as_of
    found = []
    window = Window(start, as_of, config.paced_by)
    if config.paced_by and as_of > window.horizon:
        found.append(f"as-of {as_of} is past {window.horizon}, the latest date a practice first generated for "
                     f"{config.paced_by} reaches; use an as-of date up to {window.horizon} or a later --paced-by")
    if window.booking_horizon > LAST_DATE:
        latest = LAST_DATE - (window.booking_horizon - as_of)
        found.append(f"as-of {as_of} books appointments up to {window.booking_horizon}, past {LAST_DATE} (the "
                     f"last date the dbt models know); use an as-of date up to {latest}")
    table, largest = largest_id(config)
    if largest > INT4_MAX:
        fits = int(patients * (INT4_MAX - CLAIM_PAYMENT_ID_OFFSET) / largest)
        found.append(f"{patients:,} patients with {appointments:,} appointments and {procedures:,} procedures need "
                     f"{table} ids up to {largest:,}, past the int4 range the dbt models cast ids to; at the same "
                     f"ratios at most {fits:,} patients fit")
    most = int(MAX_APPOINTMENTS_PER_PATIENT_YEAR * patients * window.days() / 365.25)
    if appointments > most:
        found.append(f"{appointments:,} appointments are more than {patients:,} patients have between {start} and "
                     f"{as_of} even if all of them came every six months; use at most {most:,} or more patients")
    dentist_days = len(window.open_days) * staff.MAX_DENTISTS * 0.8
    if appointments > dentist_days * BUSIEST_DENTIST_DAY:
        fits = int(dentist_days * BUSIEST_DENTIST_DAY)
        found.append(f"{appointments:,} appointments between {start} and {as_of} would put more than "
                     f"{BUSIEST_DENTIST_DAY} on a dentist's day (the contract allows "
                     f"{MAX_APPOINTMENTS_PER_PROVIDER_DAY}); at most {fits:,} fit, or use an earlier --start-date")
    return found


def estimated_seconds(patients: int, workers: int) -> float:
    return 3 + patients * SECONDS_PER_PATIENT / max(1, min(workers, 4)) ** 0.9
