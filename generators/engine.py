"""Runs the generator modules: reference rows once, then households chunk by chunk, in parallel if asked.

The modules are those of the table registry (contract/tables.py, WRITERS), in its order. Each may define

    emit_reference(ctx)                          write its reference tables (once per run; after the
                                                 appointment book when the module sets READS_BOOK)
    bounds(household) -> dict[str, int]          the most rows one household can give each of its tables
    emit_household(ctx, household, stories)      write one household's rows; `stories` (generators/story.py)
                                                 carries what earlier modules decided about each member

`prepare` builds what every chunk shares (staff, pools, plans, the census, the id plan, the appointment book)
and the reference rows. `chunk_rows` simulates one chunk of households and returns its rows per table. Chunks
are fixed by the census and own planned id blocks (idplan.py), so their rows are the same whichever worker,
process or shard produces them; the pipeline writes them in chunk order.
"""

from __future__ import annotations

import heapq
import importlib
import multiprocessing
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from config import GeneratorConfig
from contract import rules, tables
from generators import census, clinical, insurance, patients, pools, recall, staff
from generators.calendar import Window
from generators.context import Context
from generators.diary import Book
from generators.idplan import IdPlan
from generators.sink import Sinks

WRITERS = tuple(importlib.import_module(name) for name in tables.WRITERS)
CHUNK_PATIENTS = 250  # households are grouped into chunks of about this many patients


def household_bounds(household: census.Household) -> dict[str, int]:
    """The most rows one household can write in each per-household table, over all modules."""
    result: dict[str, int] = {}
    for module in WRITERS:
        if hasattr(module, "bounds"):
            for table, n in module.bounds(household).items():
                result[table] = result.get(table, 0) + n
    return result


@dataclass
class Run:
    ctx: Context  # shared state; its sinks hold the reference rows
    census: census.Census
    chunks: list[range]  # the households of each chunk
    ids: IdPlan

    def patients_in(self, chunk: int) -> int:
        return self.census.patients_in(self.chunks[chunk].start, self.chunks[chunk].stop)

    def patients_on_file(self, chunk: int) -> int:
        """The chunk's patients on the books by the as-of date (not those arriving after it)."""
        people, as_of = self.census, self.ctx.window.as_of
        return sum(people.starts[h + 1] - people.starts[h] for h in self.chunks[chunk] if people.on_file(h, as_of))

    def households(self, chunk: int) -> list[census.Household]:
        return self.census.households(self.chunks[chunk].start, self.chunks[chunk].stop)


def chunked(people: census.Census) -> list[range]:
    """Consecutive households of about CHUNK_PATIENTS patients each."""
    chunks, first = [], 0
    for h in range(1, len(people) + 1):
        if people.patients_in(first, h) >= CHUNK_PATIENTS or h == len(people):
            chunks.append(range(first, h))
            first = h
    return chunks or [range(0)]


def prepare(config: GeneratorConfig, book: bool = True) -> Run:
    window = Window(config.start_date, config.as_of, config.paced_by)
    ctx = Context(
        config=config,
        window=window,
        staff=staff.build_staff(config.num_appointments, window.pace),
        pools=pools.build(config.seed, insurance.employer_count(config.num_patients)),
        sinks=Sinks(),
    )
    ctx.recall_keep_rate = recall.keep_rate(config.num_patients)
    for module in WRITERS:
        if hasattr(module, "emit_reference") and not getattr(module, "READS_BOOK", False):
            module.emit_reference(ctx)

    people = practice_census(config)
    ctx.config = config = with_expected(config, people)
    ctx.charting_mean = clinical.charting_mean(config.num_procedures, people.expected_rows, people.seen())
    chunks = chunked(people)
    plan = IdPlan((people.households(c.start, c.stop) for c in chunks), household_bounds, rules.ID_OFFSETS)
    run = Run(ctx, people, chunks, plan)
    if book:
        ctx.book = build_book(run)
    for module in WRITERS:  # reference rows that follow the book (the providers' schedules)
        if hasattr(module, "emit_reference") and getattr(module, "READS_BOOK", False):
            module.emit_reference(ctx)
    return run


def practice_census(config: GeneratorConfig, patients: int | None = None) -> census.Census:
    """The practice's census: sized by the window it was first generated for, its patients' rows bounded up to the
    latest date it can be advanced to (calendar.Window.horizon). `patients`: a census of that many, of the same
    shape (appointments in proportion)."""
    window = Window(config.start_date, config.as_of, config.paced_by)
    n = patients or config.num_patients
    appointments = config.num_appointments if n == config.num_patients else \
        max(1, round(config.num_appointments * n / config.num_patients))
    return census.build(n, appointments, window.start, window.pace.as_of, config.seed, window.horizon)


def with_expected(config: GeneratorConfig, people: census.Census | None = None) -> GeneratorConfig:
    """The configuration with the counts its validators expect: for a practice advanced past the date it was
    sized for, its census' patients with those who arrived by now, and the requested visits and procedures
    grown in proportion to the days."""
    if config.paced_by is None:
        return config
    if people is None:
        people = practice_census(config)
    arrived = people.arrived_by(config.as_of)
    scale = (config.as_of - config.start_date).days / max(1, (config.paced_by - config.start_date).days)
    return replace(config, expected=(config.num_patients + arrived, round(config.num_appointments * scale),
                                     round(config.num_procedures * scale)))


def build_book(run: Run) -> Book:
    """The practice's appointment book (generators/diary.py): every visit of the practice booked in the order the
    visits were made (rows are not written), each day filling up as it goes; then the days are laid out. So a
    visit finds the book as it stood when it was booked, and a visit a later as-of date adds (made after the
    earlier one) changes no day, time or chair of one made before it. The same for any number of workers and any
    shard, since every chunk is booked."""
    staff_ = run.ctx.staff
    book = Book({p.prov_num: list(p.operatories) for p in staff_.providers if p.operatories}, staff_.opening_minutes,
                run.ctx.window.midnight)
    waiting = []  # (order of the patient's next visit, patient's place, their steps, chunk context, PatNum)
    for index in range(len(run.chunks)):
        ctx = _chunk_context(run, index, book=book)
        for household in run.households(index):
            if not on_file(ctx, household):
                continue
            for patient in patients.create_household(ctx, household):
                ctx.ids.person(patient.pat_num)  # the AptNums of the patient's part, taken now
                steps = clinical.booking_steps(ctx, patient)
                order = next(steps, None)
                if order is not None:
                    waiting.append((order, len(waiting), steps, ctx, patient.pat_num))
    heapq.heapify(waiting)
    while waiting:
        _, place, steps, ctx, pat_num = waiting[0]
        ctx.ids.person(pat_num)
        order = next(steps, None)  # books that visit, then tells when the patient's next one was made
        if order is None:
            heapq.heappop(waiting)
        else:
            heapq.heapreplace(waiting, (order, place, steps, ctx, pat_num))
    book.close()
    return book


def on_file(ctx: Context, household: census.Household) -> bool:
    """Whether the household is on the practice's books by the as-of date (a new one after the window is put on
    file the day it first calls)."""
    return household.arrives is None or household.arrives < ctx.window.as_of


def simulate_household(ctx: Context, household: census.Household) -> None:
    if not on_file(ctx, household):
        return
    stories: list = []
    for module in WRITERS:
        if hasattr(module, "emit_household"):
            ctx.ids.person(household.head.pat_num)  # rows of the household as a whole: the head's part
            module.emit_household(ctx, household, stories)


def chunk_rows(run: Run, index: int) -> dict[str, list[tuple]]:
    """One chunk's rows: {table: rows}."""
    ctx = _chunk_context(run, index)
    for household in run.households(index):
        simulate_household(ctx, household)
    return {table: ctx.sinks.rows(table) for table in ctx.sinks.tables()}


def _chunk_context(run: Run, index: int, **changes) -> Context:
    """The run's context for one chunk: sinks, id blocks and column days of its own."""
    return replace(run.ctx, sinks=Sinks(), ids=run.ids.ids_for(index, run.households(index)), column_days={}, **changes)


Encoder = Callable[[str, list[tuple]], object]
_RUN: Run | None = None  # the run, inherited by forked workers
_ENCODE: Encoder | None = None


def _encoded(run: Run, index: int, encode: Encoder) -> dict[str, tuple[int, object]]:
    return {table: (len(rows), encode(table, rows)) for table, rows in chunk_rows(run, index).items()}


def worker_start() -> None:
    # Ctrl-C and SIGTERM are the main process's business: it stops the pool and rolls the run back. A worker
    # must not inherit main.py's SIGTERM handler, or the pool's own SIGTERM would not end it and join would hang.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(index: int) -> tuple[int, dict[str, tuple[int, object]]]:
    assert _RUN is not None and _ENCODE is not None
    return index, _encoded(_RUN, index, _ENCODE)


def generate_chunks(run: Run, indices: list[int], workers: int,
                    encode: Encoder) -> Iterator[tuple[int, dict[str, tuple[int, object]]]]:
    """Each chunk's {table: (row count, encoded rows)}, in chunk order, generated and encoded by `workers`
    processes (encoding in the workers keeps it in the parallel part of the run)."""
    if workers <= 1 or len(indices) <= 1:
        for index in indices:
            yield index, _encoded(run, index, encode)
        return
    global _RUN, _ENCODE
    _RUN, _ENCODE = run, encode
    # fork: workers inherit the prepared run instead of rebuilding pools and plans
    pool = multiprocessing.get_context("fork").Pool(workers, initializer=worker_start)
    try:
        yield from pool.imap(_work, indices)
        pool.close()  # workers finish on their own; terminate only on failure or when the consumer stops early
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _RUN = _ENCODE = None


def shard_chunks(chunk_count: int, shard: tuple[int, int] | None) -> list[int]:
    """The chunk indices of shard k of n (contiguous, disjoint, together all chunks)."""
    if shard is None:
        return list(range(chunk_count))
    k, n = shard
    return list(range(chunk_count * (k - 1) // n, chunk_count * k // n))
