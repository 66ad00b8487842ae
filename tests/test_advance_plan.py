"""--advance-to without a database: the rows an advance adds and changes are all stamped inside the advanced days
and no earlier row is rewritten (the practice at any as-of date is a function of its record and that date); and
the command line's checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

import advance
from config import ConfigError, GeneratorConfig, load_config

BEFORE, AFTER = "2026-10-22", "2026-11-20"
UNSTAMPED_CHANGES = {"userod"}  # DateTLastLogin moves as staff log in; the table has no audit column


# --- the rows an advance changes (no database) ----------------------------------------------------------------


# (patients, seed, first as-of date, the date advanced to): a month, and ten months with a year's turn in it
CASES = [(300, 3, BEFORE, AFTER), (400, 5, "2026-01-15", AFTER)]


@pytest.fixture(scope="module", params=CASES, ids=lambda case: f"{case[0]}-seed{case[1]}-{case[2]}")
def plan(request):
    patients, seed, before, after = request.param
    config = GeneratorConfig(num_patients=patients, num_appointments=3 * patients, num_procedures=round(7.8 * patients),
                             seed=seed, as_of=date.fromisoformat(before), paced_by=date.fromisoformat(before))
    plan = advance.prepare(config, replace(config, as_of=date.fromisoformat(after)))
    advance.compute(plan, workers=1)
    plan.dates = (before, after)
    return plan


def test_every_row_an_advance_adds_or_changes_is_stamped_inside_the_advanced_days(plan):
    since, until = (datetime.fromisoformat(d) for d in plan.dates)
    stale = {table: len(advance.stale(table, change.inserted + change.updated, since))
             for table, change in plan.changes.items()}
    assert {table: n for table, n in stale.items() if n} == {}
    for table, change in plan.changes.items():
        for position in advance.audit_columns(table):
            assert all(row[position] is None or row[position] < until for row in change.inserted + change.updated)


def test_an_advance_rewrites_no_row_of_a_table_without_an_audit_column(plan):
    unstamped = {table: len(change.updated) for table, change in plan.changes.items()
                 if change.updated and not advance.audit_columns(table)}
    assert set(unstamped) <= UNSTAMPED_CHANGES, unstamped


def test_an_advance_adds_the_days_activity(plan):
    added = {table: len(change.inserted) for table, change in plan.changes.items()}
    for table in ("appointment", "procedurelog", "claim", "payment", "commlog", "patient"):
        assert added.get(table, 0) > 0, table


def test_the_id_plans_of_both_dates_agree(plan):
    assert plan.before.ids.first == plan.after.ids.first and plan.before.ids.size == plan.after.ids.size


# --- the command line (no database) ---------------------------------------------------------------------------


def test_advance_to_defaults_to_today():
    assert load_config(["--advance-to"], environ={}, today=date(2026, 12, 1)).advance_to == date(2026, 12, 1)
    assert load_config(["--advance-to", "2026-11-30"], environ={}, today=date(2026, 12, 1)).advance_to == \
        date(2026, 11, 30)


@pytest.mark.parametrize("args, says", [
    (["--advance-to", "2027-01-01"], "in the future"),
    (["--advance-to", "30/11/2026"], "YYYY-MM-DD"),
    (["--advance-to", "--reset"], "drop --reset"),
    (["--advance-to", "--as-of", "2026-11-01"], "drop --as-of"),
    (["--paced-by", "2027-01-01", "--as-of", "2026-11-01"], "--paced-by"),
])
def test_bad_advance_settings_are_one_line(args, says):
    with pytest.raises(ConfigError) as error:
        load_config(args, environ={}, today=date(2026, 12, 1))
    assert says in str(error.value) and "\n" not in str(error.value)


