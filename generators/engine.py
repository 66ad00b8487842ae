"""Runs the six phases: reference data once, then households chunk by chunk, in parallel if asked.

`prepare` builds what every chunk shares (practice, codes, fees, plans, the census) and the reference
rows. `chunk_rows` simulates one chunk of households - demographics, coverage, visits and procedures,
billing and payments, communications, and last the patient rows with their balances - and returns its
COPY text per table. Chunks are fixed by the census and own planned id blocks (idplan.py), so their rows
are the same whichever worker, process or shard produces them; the loader streams them in chunk order.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator
from dataclasses import dataclass, replace

from config import GeneratorConfig
from generators import (
    census,
    clinical,
    extra,
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
from generators.context import CLAIM_PAYMENT_ID_OFFSET, Context
from generators.idplan import IdPlan
from generators.sink import Sinks
from generators.story import Story

CORE_PHASES = (
    ("Foundation", foundation.TABLES),
    ("Patients", patients.TABLES),
    ("Insurance", insurance.TABLES),
    ("Clinical", clinical.TABLES),
    ("Financial", financial.TABLES),
    ("Supporting", supporting.TABLES),
)
# The two ETL status tables are written last, in SQL, from what was loaded (loader.write_etl_status).
ETL_STATUS_TABLES = ("etl_load_status", "etl_transform_status")
PHASES = tuple((phase, tables + extra.phase_tables(phase) + (ETL_STATUS_TABLES if phase == "Supporting" else ()))
               for phase, tables in CORE_PHASES)
# Tables written once per run rather than per household.
REFERENCE_TABLES = foundation.TABLES + (
    "zipcode", "carrier", "employer", "insplan", "benefit", "appointmenttype", "recalltype", "recalltrigger",
    "referral",
) + extra.reference_tables()
CHUNK_PATIENTS = 250  # households are grouped into chunks of about this many patients


@dataclass
class Run:
    ctx: Context  # shared state; its sinks hold the reference rows
    census: census.Census
    chunks: list[range]  # the households of each chunk
    ids: IdPlan

    def patients_in(self, chunk: int) -> int:
        return self.census.patients_in(self.chunks[chunk].start, self.chunks[chunk].stop)

    def households(self, chunk: int) -> list[census.Household]:
        return self.census.households(self.chunks[chunk].start, self.chunks[chunk].stop)


def _chunked(people: census.Census) -> list[range]:
    """Consecutive households of about CHUNK_PATIENTS patients each."""
    chunks, first = [], 0
    for h in range(1, len(people) + 1):
        if people.patients_in(first, h) >= CHUNK_PATIENTS or h == len(people):
            chunks.append(range(first, h))
            first = h
    return chunks or [range(0)]


def prepare(config: GeneratorConfig) -> Run:
    window = Window(config.start_date, config.as_of)
    ctx = Context(
        config=config,
        window=window,
        staff=staff.build_staff(config.num_appointments, window),
        pools=pools.build(config.seed, insurance.employer_count(config.num_patients)),
        sinks=Sinks(),
    )
    foundation.emit(ctx.staff, window, ctx.sinks)
    patients.emit_zip_codes(ctx)
    insurance.emit_reference(ctx)
    clinical.emit_reference(ctx)
    recall.emit_reference(ctx)
    supporting.emit_referrals(ctx)
    extra.emit_reference(ctx)
    ctx.recall_keep_rate = recall.keep_rate(config.num_patients)

    years = window.days() / 365.25
    people = census.build(config.num_patients, config.num_appointments, config.num_procedures, years, config.seed)
    chunks = _chunked(people)
    plan = IdPlan((people.households(c.start, c.stop) for c in chunks), {"claimpayment": CLAIM_PAYMENT_ID_OFFSET})
    return Run(ctx, people, chunks, plan)


def simulate_household(ctx: Context, household: census.Household) -> None:
    members = patients.create_household(ctx, household)
    coverage = insurance.enroll(ctx, household, members)
    stories = []
    for patient in members:
        visits, unscheduled = clinical.simulate(ctx, patient)
        clinical.emit(ctx, patient, visits, unscheduled)
        recall.emit(ctx, patient, visits)
        ledger = financial.settle(ctx, patient, visits, coverage[patient.pat_num])
        tasks = supporting.emit(ctx, patient, visits)
        stories.append(Story(patient, coverage[patient.pat_num], visits, unscheduled, ledger, tasks))
    extra.emit_household(ctx, household, stories)
    patients.emit_household(ctx, household, members)


def chunk_rows(run: Run, index: int) -> dict[str, tuple[int, str]]:
    """One chunk's rows: {table: (row count, COPY text)}."""
    sinks = Sinks(in_memory=True)
    ctx = replace(run.ctx, sinks=sinks, ids=run.ids.ids_for(index))
    for household in run.households(index):
        simulate_household(ctx, household)
    return {table: (sinks.count(table), sinks[table].text()) for table in sinks.tables()}


_RUN: Run | None = None  # the run, inherited by forked workers


def _worker_start() -> None:
    # Ctrl-C and SIGTERM are the main process's business: it stops the pool and rolls the run back. A worker
    # must not inherit main.py's SIGTERM handler, or the pool's own SIGTERM would not end it and join would hang.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(index: int) -> tuple[int, dict[str, tuple[int, str]]]:
    assert _RUN is not None
    return index, chunk_rows(_RUN, index)


def generate_chunks(run: Run, indices: list[int], workers: int) -> Iterator[tuple[int, dict[str, tuple[int, str]]]]:
    """Rows of the given chunks, in chunk order, generated by `workers` processes."""
    if workers <= 1 or len(indices) <= 1:
        for index in indices:
            yield index, chunk_rows(run, index)
        return
    global _RUN
    _RUN = run
    # fork: workers inherit the prepared run instead of rebuilding pools and plans
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=_worker_start)
    try:
        yield from pool.imap(_work, indices)
        pool.close()  # workers finish on their own; terminate only on failure or when the consumer stops early
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _RUN = None


def shard_chunks(chunk_count: int, shard: tuple[int, int] | None) -> list[int]:
    """The chunk indices of shard k of n (contiguous, disjoint, together all chunks)."""
    if shard is None:
        return list(range(chunk_count))
    k, n = shard
    return list(range(chunk_count * (k - 1) // n, chunk_count * k // n))
