"""The pure core, without a database: exact allocation, the census' shares, the ledger identity, claim lines within
their fee, planned id blocks that are never exhausted nor overlap. Run alone with `pytest -m "not db"`."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from memory import SETTINGS, practice

from config import GeneratorConfig
from contract.rules import DBT_LAG_DAYS, ID_OFFSETS
from generators import census
from generators.allocate import allocate
from generators.extra import plans
from validators import volumes
from validators.suite import all_checks


def test_allocate_hits_the_total_exactly_and_keeps_the_floors():
    weights = [0.1, 3.0, 0.0, 7.5, 1.25]
    floor = [1, 0, 2, 0, 1]
    for total in (4, 5, 17, 1000):
        result = allocate(total, weights, floor)
        assert sum(result) == total
        assert all(r >= f for r, f in zip(result, floor))
        assert result[2] == floor[2]  # a zero weight takes nothing beyond its floor
    assert list(allocate(10, [1, 1, 1, 1])) == [3, 3, 2, 2]  # ties go to the lower index, deterministically


def test_allocate_refuses_what_cannot_be_split():
    with pytest.raises(ValueError):
        allocate(2, [1, 1], [2, 1])
    with pytest.raises(ValueError):
        allocate(3, [0, 0])


def test_census_shares_are_exact_and_the_lives_fill_the_requested_volume():
    people = census.build(2000, 6000, date(2023, 1, 1), date(2026, 12, 1), seed=9)
    ages = [census.AGE_GROUPS[a] for a in people.age]
    assert (ages.count("child"), ages.count("adult"), ages.count("senior")) == (100, 1400, 500)
    insured = sum(people.patients_in(h, h + 1) for h in range(len(people)) if people.insured[h])
    assert insured == 1200
    assert abs(people.expected_rows - 6000) < 60  # recall patients are added until the volume is reached
    assert all(a >= 0 for a in people.appointments) and sum(people.appointments) > 6000  # bounds, not counts


def _cents(value: float) -> int:
    return round(value * 100)


def test_every_completed_procedure_balances_and_never_goes_into_credit():
    """fee - insurance paid - patient paid + signed adjustments >= 0 on every completed procedure."""
    p = practice()
    settled = defaultdict(int)
    for cp in p.dicts("claimproc"):
        if cp["Status"] == 1:
            settled[cp["ProcNum"]] -= _cents(cp["InsPayAmt"])
    for split in p.dicts("paysplit"):
        settled[split["ProcNum"]] -= _cents(split["SplitAmt"])
    for adj in p.dicts("adjustment"):
        settled[adj["ProcNum"]] += _cents(adj["AdjAmt"])
    completed = [proc for proc in p.dicts("procedurelog") if proc["ProcStatus"] == 2]
    assert completed
    balances = {proc["ProcNum"]: _cents(proc["ProcFee"]) + settled[proc["ProcNum"]] for proc in completed}
    assert min(balances.values()) >= 0
    assert any(b == 0 for b in balances.values()) and any(b > 0 for b in balances.values())


def test_claim_lines_stay_within_their_fee():
    """Paid, written off and applied to the deductible, a procedure's lines on a claim (a supplemental payment
    included) never exceed what was billed."""
    settled: dict[tuple[int, int], float] = defaultdict(float)
    billed: dict[tuple[int, int], float] = defaultdict(float)
    for line in practice().dicts("claimproc"):
        if line["Status"] in (1, 4):
            key = (line["ClaimNum"], line["ProcNum"])
            settled[key] += line["InsPayAmt"] + line["WriteOff"] + line["DedApplied"]
            billed[key] += line["FeeBilled"]
            assert line["InsPayAmt"] >= 0 and line["WriteOff"] >= 0
    assert settled
    assert all(settled[key] <= billed[key] + 1e-9 for key in settled)


def test_planned_id_blocks_are_disjoint_and_hold_every_row():
    p = practice()
    plan = p.run.ids
    for table, firsts in plan.first.items():
        blocks = list(zip(firsts, plan.size[table]))
        assert all(a + n <= b for (a, n), (b, _) in itertools.pairwise(blocks)), table  # in order, no overlap
        assert firsts[0] == ID_OFFSETS.get(table, 0) + 1
        ids = sorted(row[0] for row in p.tables.get(table, []))
        assert len(ids) == len(set(ids)), table
        inside = [any(a <= i < a + n for a, n in blocks) for i in ids]
        assert all(inside), table


def test_the_practice_is_the_size_asked_for():
    p = practice()
    assert len(p.tables["patient"]) == SETTINGS["num_patients"]
    assert abs(len(p.tables["appointment"]) / SETTINGS["num_appointments"] - 1) < 0.05
    assert abs(len(p.tables["procedurelog"]) / SETTINGS["num_procedures"] - 1) < 0.05


@pytest.mark.parametrize("appointments", [6_000, 15_000, 60_000, 150_000])
def test_staff_is_sized_so_that_the_dentists_days_are_about_full(appointments):
    from generators import calendar, staff

    window = calendar.Window(date(2023, 1, 1), date(2026, 12, 1))
    shape = staff.size(appointments, window)
    visits_a_week = (staff.SEATED_SHARE * appointments / (window.days() / 365.25) / staff.OPEN_WEEKS
                     * (1 - staff.HYGIENE_SHARE))
    per_day = visits_a_week / (shape.dentists * shape.dentist_days)
    assert 6 <= per_day <= 11, (shape, per_day)  # a dentist's column: about 8 a day
    hygiene_per_day = visits_a_week / (1 - staff.HYGIENE_SHARE) * staff.HYGIENE_SHARE / sum(shape.hygienist_days)
    assert 6 <= hygiene_per_day <= 11, (shape, hygiene_per_day)


def test_a_thin_volume_makes_the_smallest_office_not_an_idle_one():
    from generators import calendar, staff

    shape = staff.size(1_500, calendar.Window(date(2023, 1, 1), date(2026, 12, 1)))
    assert (shape.dentists, shape.dentist_days, shape.hygienist_days, shape.surgeon_days) == (1, 1, (1,), 0)


def test_a_plan_that_would_stall_in_the_rejected_band_before_dbt_runs_is_left_out():
    """mart_revenue_lost rejects a stalled plan 31 to 180 days old (G-14) on the day dbt runs, which may be up to
    DBT_LAG_DAYS after the as-of date: a plan is left out if that happens on any of those days, and only then."""
    as_of = date(2026, 11, 1)

    def stalls(age: int, idle: int, done: bool = False) -> bool:
        procedure = SimpleNamespace(day=as_of - timedelta(days=idle), fee=100,
                                    status=plans.clinical.COMPLETED if done else plans.clinical.TREATMENT_PLANNED)
        return plans._delayed(as_of, as_of - timedelta(days=age), [procedure])

    for age in range(400):
        # an untouched plan idles as long as it is old: stalled on some day dbt may run, in the band
        expected = any(age + lag > plans.STALL_DAYS and plans.CURRENT_DAYS < age + lag <= plans.VERY_DELAYED_DAYS
                       for lag in range(DBT_LAG_DAYS + 1))
        assert stalls(age, age) == expected, age
    assert stalls(61, 61) and not stalls(60, 60) and stalls(180, 180) and not stalls(181, 181)
    assert not stalls(120, 10)  # worked on ten days ago: not idle on any of those days
    assert not stalls(120, 120, done=True)  # nothing left open


@pytest.mark.parametrize("appointments", [15_000, 150_000, 600_000])
def test_every_user_and_provider_has_a_name_of_its_own_at_any_size(appointments):
    """OpenDental's user names are unique (R-userod-011, DBM UserodDuplicateUser); a large practice has more
    hygienists than the first list of names."""
    from generators import calendar, staff

    built = staff.build_staff(appointments, calendar.Window(date(2023, 1, 1), date(2026, 12, 1)))
    names = [u.user_name for u in built.users]
    assert len(names) == len(set(names))
    people = [(p.first, p.last) for p in built.providers]
    assert len(people) == len(set(people))
    if appointments == 600_000:
        assert sum(p.role == "hygienist" for p in built.providers) > len(staff.HYGIENIST_NAMES)


def test_the_contract_row_counts_bind_runs_of_its_size_and_dates_only():
    assert volumes.contract_size(GeneratorConfig())
    assert not volumes.contract_size(GeneratorConfig(num_patients=1000))
    early = GeneratorConfig(start_date=date(2022, 1, 1))
    assert not volumes.contract_size(early)  # recalls of patients who stopped in 2022 fall due before 2023
    severity = {c.name: c.severity for c in all_checks(early)}
    assert severity["R-recall-020"] == severity["due recalls 5,000-15,000"] == "WARN"
    assert {c.name: c.severity for c in all_checks(GeneratorConfig())}["R-recall-020"] == "ERROR"
