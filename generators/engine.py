"""Runs the six phases and returns the spooled rows of every table.

Reference data first (practice, codes, fees, plans), then one household at a time: demographics,
coverage, visits and procedures, billing and payments, communications; the patient rows come last,
when balances are known. Loading happens afterwards, phase by phase (see main.py).
"""

from __future__ import annotations

from collections.abc import Callable

from config import GeneratorConfig
from generators import (
    census,
    clinical,
    financial,
    foundation,
    insurance,
    patients,
    pools,
    recall,
    staff,
    supporting,
)
from generators.calendar import Window
from generators.context import Context
from generators.sink import Sinks

PHASES = (
    ("Foundation", foundation.TABLES),
    ("Patients", patients.TABLES),
    ("Insurance", insurance.TABLES),
    ("Clinical", clinical.TABLES),
    ("Financial", financial.TABLES),
    ("Supporting", supporting.TABLES + ("etl_load_status",)),
)


def generate(config: GeneratorConfig, progress: Callable[[int, int], None] | None = None) -> Sinks:
    window = Window(config.start_date, config.as_of)
    sinks = Sinks()
    ctx = Context(
        config=config,
        window=window,
        staff=staff.build_staff(config.num_appointments, window),
        pools=pools.build(config.seed, insurance.employer_count(config.num_patients)),
        sinks=sinks,
    )
    foundation.emit(ctx.staff, window, sinks)
    patients.emit_zip_codes(ctx)
    insurance.emit_reference(ctx)
    clinical.emit_reference(ctx)
    recall.emit_reference(ctx)
    supporting.emit_referrals(ctx)

    years = window.days() / 365.25
    households = census.build(config.num_patients, config.num_appointments, config.num_procedures, years, config.seed)
    ctx.recall_keep_rate = recall.keep_rate(config.num_patients)

    done = 0
    for household in households:
        members = patients.create_household(ctx, household)
        coverage = insurance.enroll(ctx, household, members)
        for patient in members:
            visits, unscheduled = clinical.simulate(ctx, patient)
            clinical.emit(ctx, patient, visits, unscheduled)
            recall.emit(ctx, patient, visits)
            financial.settle(ctx, patient, visits, coverage[patient.pat_num])
            supporting.emit(ctx, patient, visits)
        patients.emit_household(ctx, household, members)
        done += len(members)
        if progress:
            progress(done, config.num_patients)
    return sinks
