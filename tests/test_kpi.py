"""The practice's report card (kpi.py): formatting and range marks without a database; `python main.py kpi` on
the shared practice and on missing databases; exact answers on a hand-made practice of two patients."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from conftest import AS_OF, insert_rows, query, schema_database

import kpi
import main
from config import GeneratorConfig
from report import Console

# The database tests carry the mark one by one, so that the pure ones stay in the fast `-m "not db"` floor.
db = pytest.mark.db

BY_KEY = {k.key: k for k in kpi.KPIS}
LINE = re.compile(r"^  (?P<name>.+?)\s{2,}(?P<value>n/a|\S+(?: days| min)?)\s{3}(?P<range>.+?)(?:\s+(?P<mark>[✓✘]))?$")
COUNT = re.compile(r"^(\d+) of (\d+) inside the published ranges(?: \((\d+) n/a: .*\))?$")


# the counts and sums the query returns
MEASURED = ("gross", "hygiene", "dentist", "dentist_hours", "hygienist_days", "dentists", "missed", "scheduled",
            "visits", "by_hygienist", "booked", "prophy_minutes", "crown_minutes", "prophy_days", "perio_days", "due",
            "kept", "active", "last_year", "again", "adults", "diagnosed", "presented", "accepted", "new_patients",
            "adjustments", "discounts", "ins_paid", "writeoffs", "patient_paid", "ar", "ar_over_90")


def parse(out: str) -> tuple[dict[str, tuple[str, str | None]], tuple[int, int, int]]:
    """{KPI name: (value as printed, mark)} and (inside, measured, n/a) from a printed report card."""
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Report card (12 months to "))
    rows = {}
    for line in lines[first + 1:first + 1 + len(kpi.KPIS)]:
        match = LINE.match(line)
        assert match, line
        rows[match["name"]] = (match["value"], match["mark"])
    count = COUNT.match(lines[first + 1 + len(kpi.KPIS)])
    assert count, lines[first + 1 + len(kpi.KPIS)]
    return rows, (int(count[1]), int(count[2]), int(count[3] or 0))


def number(printed: str) -> float:
    return float(printed.replace("$", "").replace(",", "").replace("%", "").split()[0])


# --- without a database ------------------------------------------------------------------------------------------


def test_months_before_keeps_the_day_or_takes_the_month_end():
    assert kpi.months_before(date(2026, 12, 1), 12) == date(2025, 12, 1)
    assert kpi.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert kpi.months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert kpi.months_before(date(2026, 1, 15), 18) == date(2024, 7, 15)


def test_values_are_formatted_by_unit():
    assert kpi.format_value(BY_KEY["hygiene_production_day"], 1234.4) == "$1,234"
    assert kpi.format_value(BY_KEY["missed"], 7.25) == "7.2%"
    assert kpi.format_value(BY_KEY["prophy_interval"], 182.5) == "182 days"
    assert kpi.format_value(BY_KEY["crown_minutes"], 75) == "75 min"
    assert kpi.format_value(BY_KEY["active_per_dentist"], 1923.6) == "1,924"
    assert kpi.format_value(BY_KEY["ar_months"], 0.456) == "0.46"
    assert kpi.format_value(BY_KEY["ar_months"], None) == "n/a"


def test_range_marks_follow_the_printed_value():
    hourly, missed, collection = BY_KEY["dentist_hourly"], BY_KEY["missed"], BY_KEY["collection_rate"]
    assert kpi.inside(hourly, 300) and kpi.inside(hourly, 600) and kpi.inside(hourly, 600.4)
    assert not kpi.inside(hourly, 299.4) and not kpi.inside(hourly, 600.6)
    assert kpi.inside(missed, 7.94) and not kpi.inside(missed, 7.96) and not kpi.inside(missed, 8)  # "under 8%"
    assert kpi.inside(collection, 98) and kpi.inside(collection, 112) and not kpi.inside(collection, 97.9)
    assert kpi.inside(BY_KEY["revenue_adjustments"], 3) and kpi.inside(BY_KEY["revenue_adjustments"], 0)
    assert kpi.inside(hourly, None) is None


def test_zero_denominators_give_n_a_and_the_count_leaves_them_out():
    row = dict.fromkeys(MEASURED, 0.0)
    row.update(prophy_days=None, perio_days=None, prophy_minutes=None, crown_minutes=None)  # medians of nothing
    values = kpi.kpis_from(row)
    assert set(values) == set(BY_KEY)
    assert {k for k, v in values.items() if v is not None} == {"new_per_month"}  # 0 new patients / 12 months
    rows, (good, measured, unmeasured) = parse("\n".join(kpi.render(date(2026, 12, 1), values)))
    assert (good, measured, unmeasured) == (0, 1, len(kpi.KPIS) - 1)
    assert rows["active patients per dentist"] == ("n/a", None)


def test_the_card_is_aligned_and_counts_its_marks():
    values = {k.key: (k.low if k.low is not None else k.high - 1) for k in kpi.KPIS}
    values["dentist_hourly"] = 1000.0
    lines = kpi.render(date(2026, 12, 1), values)
    assert lines[0].startswith("Report card (12 months to 2026-11-30)") and lines[0].endswith("published range")
    assert len({line.index(k.published) for line, k in zip(lines[1:], kpi.KPIS)}) == 1  # one range column
    assert lines[-1] == f"{len(kpi.KPIS) - 1} of {len(kpi.KPIS)} inside the published ranges"
    rows, _ = parse("\n".join(lines))
    assert rows["dentist production per scheduled hour"] == ("$1,000", "✘")


def test_a_quiet_run_or_a_shard_prints_no_card():
    # neither touches the connection, so None stands in for it
    kpi.after_run(None, GeneratorConfig(), Console(verbosity=0))
    kpi.after_run(None, GeneratorConfig(shard=(1, 2)), Console())


# --- python main.py kpi ------------------------------------------------------------------------------------------


@db
def test_kpi_command_on_the_shared_practice(shared_practice, cli):
    run = cli("kpi", db=shared_practice.db)
    assert run.code == 0, run.err
    assert run.err == ""
    assert run.out.startswith(f"\nReport card (12 months to {date.fromisoformat(AS_OF) - timedelta(days=1)})")
    rows, (good, measured, unmeasured) = parse(run.out)
    assert list(rows) == [k.name for k in kpi.KPIS]
    marks = [mark for _, mark in rows.values()]
    assert good == marks.count("✓") and measured == good + marks.count("✘") and unmeasured == marks.count(None)
    for k in kpi.KPIS:
        printed, mark = rows[k.name]
        if printed != "n/a":
            assert (mark == "✓") == kpi.inside(k, number(printed)), k.name
    assert number(rows["active patients per dentist"][0]) > 0 and measured >= 18


@db
def test_a_run_ends_with_the_card_before_the_hand_off(shared_practice):
    out = shared_practice.run.out
    assert out.index("Generated Record Counts:") < out.index("Report card (12 months to ") < out.index("Connect:")


@db
def test_the_as_of_date_defaults_to_the_datas_own(shared_practice, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)  # no .env_demo
    assert main.main(["kpi", "--db-host", "127.0.0.1", "--db-name", shared_practice.db]) == 0
    assert "Report card (12 months to 2026-11-19)" in capsys.readouterr().out  # AS_OF 2026-11-20
    stamp = query(shared_practice.db, "SELECT max(last_loaded) FROM raw.etl_load_status")[0][0]
    assert str(stamp) == "2026-11-19 23:59:59"


@db
def test_a_missing_database_or_schema_exits_2_with_one_line(cli, scratch_db):
    missing = scratch_db("kpi_missing", create=False)
    run = cli("kpi", db=missing)
    assert run.code == 2 and run.out == ""
    assert len(run.err_lines) == 1 and run.err_lines[0].startswith(f"error: database {missing} does not exist")
    empty = scratch_db("kpi_empty")
    run = cli("kpi", db=empty)
    assert run.code == 2 and run.out == ""
    assert len(run.err_lines) == 1 and f"schema raw of {empty} lacks" in run.err_lines[0]


# --- a hand-made practice: one dentist, one hygienist, two adults --------------------------------------------------

HYGIENE = {"IsHygiene": True, "ProvNum": 1, "ProvHyg": 2}
ROWS = {
    "provider": [{"ProvNum": 1, "IsSecondary": False, "IsHidden": False},
                 {"ProvNum": 2, "IsSecondary": True, "IsHidden": False}],
    "procedurecode": [{"CodeNum": 1, "ProcCode": "D1110"}, {"CodeNum": 2, "ProcCode": "D2740"},
                      {"CodeNum": 3, "ProcCode": "D4341"}],
    "schedule": [  # the dentist 8 hours on one day, the hygienist on two days
        {"ScheduleNum": 1, "SchedDate": "2026-03-02", "StartTime": "08:00", "StopTime": "16:00", "SchedType": 1,
         "ProvNum": 1, "Status": 0},
        {"ScheduleNum": 2, "SchedDate": "2026-03-02", "StartTime": "08:00", "StopTime": "16:00", "SchedType": 1,
         "ProvNum": 2, "Status": 0},
        {"ScheduleNum": 3, "SchedDate": "2026-08-29", "StartTime": "08:00", "StopTime": "12:00", "SchedType": 1,
         "ProvNum": 2, "Status": 0},
    ],
    "patient": [
        {"PatNum": 1, "Guarantor": 1, "Birthdate": "1980-01-01", "DateFirstVisit": "2026-03-02",
         "BalTotal": 0.0, "BalOver90": 0.0},
        {"PatNum": 2, "Guarantor": 2, "Birthdate": "1975-05-05", "DateFirstVisit": "2024-01-01",
         "BalTotal": 100.0, "BalOver90": 20.0},
    ],
    "appointment": [
        # patient 1: two cleanings 180 days apart, the second booked at the first
        {"AptNum": 1, "PatNum": 1, "AptStatus": 2, "AptDateTime": "2026-03-02 09:00", "Pattern": "X" * 10,
         "SecDateTEntry": "2026-02-01 10:00", **HYGIENE},
        {"AptNum": 2, "PatNum": 1, "AptStatus": 2, "AptDateTime": "2026-08-29 09:00", "Pattern": "X" * 12,
         "SecDateTEntry": "2026-03-02 09:50", **HYGIENE},
        # patient 2: seen last year, a crown this year, then a broken appointment
        {"AptNum": 3, "PatNum": 2, "AptStatus": 2, "AptDateTime": "2025-06-02 10:00", "Pattern": "XX",
         "SecDateTEntry": "2025-05-01 10:00", "ProvNum": 1, "IsHygiene": False},
        {"AptNum": 4, "PatNum": 2, "AptStatus": 2, "AptDateTime": "2026-09-01 10:00", "Pattern": "X" * 18,
         "SecDateTEntry": "2026-08-01 10:00", "ProvNum": 1, "IsHygiene": False},
        {"AptNum": 5, "PatNum": 2, "AptStatus": 5, "AptDateTime": "2026-10-01 10:00", "Pattern": "XX",
         "SecDateTEntry": "2026-09-05 10:00", "ProvNum": 1, "IsHygiene": False},
    ],
    "procedurelog": [
        {"ProcNum": 1, "PatNum": 1, "AptNum": 1, "ProcDate": "2026-03-02", "ProcFee": 100.0, "ProcStatus": 2,
         "ProvNum": 2, "CodeNum": 1, "UnitQty": 1},
        {"ProcNum": 2, "PatNum": 1, "AptNum": 2, "ProcDate": "2026-08-29", "ProcFee": 100.0, "ProcStatus": 2,
         "ProvNum": 2, "CodeNum": 1, "UnitQty": 0},  # UnitQty 0 counts as 1
        {"ProcNum": 3, "PatNum": 2, "AptNum": 4, "ProcDate": "2026-09-01", "ProcFee": 1000.0, "ProcStatus": 2,
         "ProvNum": 1, "CodeNum": 2, "UnitQty": 1},
        {"ProcNum": 4, "PatNum": 2, "AptNum": 0, "ProcDate": "2026-09-01", "ProcFee": 250.0, "ProcStatus": 1,
         "ProvNum": 1, "CodeNum": 3, "UnitQty": 1},  # root planing presented, not accepted
    ],
    "treatplan": [{"TreatPlanNum": 1, "PatNum": 2, "DateTP": "2026-08-15", "TPStatus": 0}],
    "treatplanattach": [{"TreatPlanAttachNum": 1, "TreatPlanNum": 1, "ProcNum": 3},
                        {"TreatPlanAttachNum": 2, "TreatPlanNum": 1, "ProcNum": 4}],
    "proctp": [{"ProcTPNum": 1, "TreatPlanNum": 1, "PatNum": 2, "ProcNumOrig": 3, "FeeAmt": 1000.0}],
    "adjustment": [
        {"AdjNum": 1, "AdjDate": "2026-09-01", "AdjAmt": -60.0, "PatNum": 2, "AdjType": 186, "ProcNum": 3},
        {"AdjNum": 2, "AdjDate": "2026-09-20", "AdjAmt": -40.0, "PatNum": 2, "AdjType": 188, "ProcNum": 3},
        {"AdjNum": 3, "AdjDate": "2026-09-21", "AdjAmt": -30.0, "PatNum": 2, "AdjType": 235, "ProcNum": 3},
        {"AdjNum": 4, "AdjDate": "2026-09-21", "AdjAmt": 30.0, "PatNum": 2, "AdjType": 235, "ProcNum": 0},
    ],
    "claimproc": [{"ClaimProcNum": 1, "ProcNum": 3, "PatNum": 2, "Status": 1, "InsPayAmt": 500.0, "WriteOff": 40.0,
                   "DateCP": "2026-09-20"},
                  {"ClaimProcNum": 2, "ProcNum": 3, "PatNum": 2, "Status": 6, "InsPayAmt": 0.0, "WriteOff": 99.0,
                   "DateCP": "2026-09-20"}],  # an estimate: neither paid nor written off
    "paysplit": [{"SplitNum": 1, "SplitAmt": 200.0, "PatNum": 1, "DatePay": "2026-03-02", "ProcNum": 1},
                 {"SplitNum": 2, "SplitAmt": 400.0, "PatNum": 2, "DatePay": "2026-09-01", "ProcNum": 3}],
}
EXPECTED = {
    "dentist_hourly": 1000 / 8,
    "hygiene_patients_day": 2 / 2,
    "hygiene_production_day": 200 / 2,
    "hygiene_share": 100 * 200 / 1200,
    "production_per_active": 1200 / 2,
    "active_per_dentist": 2 / (1 / 196),  # one dentist day in the year: 1/196 of a full-time dentist (4 x 49)
    "missed": 25.0,  # 1 broken of 4 scheduled in the period
    "prophy_interval": 180.0,
    "perio_interval": None,
    "recall_on_time": 100.0,  # due 2026-09-02, kept 2026-08-29
    "next_booked": 50.0,  # the first cleaning left with the second booked, the second with nothing
    "seen_again": 100.0,
    "prophy_minutes": 55.0,  # the median of 50 and 60
    "crown_minutes": 90.0,
    "perio_adults": 50.0,
    "case_acceptance": 100 * 1000 / 1250,
    "new_per_dentist": 1 / (12 / 196),
    "new_per_month": 1 / 12,
    # net production: 1,200 - 60 discount - 40 written off on the claim line - 40 written off by adjustment 188
    "ar_months": 100 / (1060 / 12),
    "ar_over_90": 20.0,
    "collection_rate": 100 * (600 + 500) / 1060,
    "revenue_adjustments": 100 * 60 / 1200,  # the reallocation nets to zero; 188 is contractual
}


@db
def test_hand_made_practice_gives_the_exact_answers(cli):
    with schema_database("kpi") as conn:
        empty = kpi.measure(conn, date(2026, 12, 1))
        with conn.cursor() as cur:
            insert_rows(cur, ROWS)
        values = kpi.measure(conn, date(2026, 12, 1))
        assert kpi.data_as_of(conn) is None  # no ETL stamp: the command falls back to the configured date
        run = cli("kpi", "--as-of", "2026-12-01", db=conn.info.dbname)
    assert {k for k, v in empty.items() if v is not None} == {"new_per_month"}  # the empty schema: n/a, no error
    assert values.keys() == EXPECTED.keys()
    for key, expected in EXPECTED.items():
        assert values[key] == (pytest.approx(expected) if expected is not None else None), key
    assert run.code == 0, run.err
    rows, counts = parse(run.out)
    assert rows["adult prophy interval, median (D1110)"] == ("180 days", "✓")
    assert rows["cancellations + no-shows of scheduled visits"] == ("25.0%", "✘")
    assert rows["perio maintenance interval, median (D4910)"] == ("n/a", None)
    assert counts[1:] == (len(kpi.KPIS) - 1, 1)
