"""Which checks run after which phase, and running them.

Every table gets: primary keys, foreign keys, dates, the contract's own tests on it, and the money and
volume rules. A check runs after the first phase by which every raw table its SQL reads is loaded, so
a rule that crosses phases (a user must have a commlog, a balance must match the ledger) waits for
the later phase instead of failing early.
"""

from __future__ import annotations

import re
from dataclasses import replace

from config import GeneratorConfig
from contract import schema
from contract.tables import PHASES
from validators import contract_checks, dbm, derived, empty_values, money, structure, timeline, volumes
from validators import extra as extra_checks
from validators.base import Check, Result, run_checks

_RAW_TABLE = re.compile(r"\braw\.(\w+)")


def all_checks(config: GeneratorConfig) -> list[Check]:
    every_table = set(schema.tables())  # an empty parent is still a parent: references must then be "none"
    checks: list[Check] = []
    for _, tables in PHASES:
        for table in tables:
            checks += structure.primary_key_checks(table)
            checks += structure.foreign_key_checks(table, every_table)
            checks += timeline.no_future_checks(table)
            checks += timeline.sequence_checks(table)
        checks += contract_checks.checks(set(tables))
    if not volumes.contract_size(config):
        # The contract's absolute row counts assume a practice of a few thousand patients (see volumes.py).
        checks = [replace(c, severity="WARN") if "row count between" in c.description else c for c in checks]
    for phase, _ in PHASES:
        checks += volumes.checks(phase, config)
    checks += money.checks()
    checks += derived.checks()
    checks += extra_checks.checks()
    checks += empty_values.checks()
    checks += dbm.checks()
    return checks


def reads(check: Check) -> set[str]:
    text = f"{check.sql} {check.relation} {check.predicate} {check.aggregate}"
    return set(_RAW_TABLE.findall(text)) | {check.table}


def checks_by_phase(config: GeneratorConfig) -> dict[str, list[Check]]:
    """Each check under the first phase after which all the tables it reads are loaded."""
    loaded: set[str] = set()
    remaining = [(check, reads(check)) for check in all_checks(config)]
    schedule: dict[str, list[Check]] = {}
    for phase, tables in PHASES:
        loaded |= set(tables)
        schedule[phase] = [check for check, read in remaining if read <= loaded]
        remaining = [(check, read) for check, read in remaining if not read <= loaded]
    # Checks that read tables no phase fills (the contract's other tables, empty for now) run last.
    schedule[PHASES[-1][0]] += [check for check, _ in remaining]
    return schedule


def run_all(conn, config: GeneratorConfig) -> dict[str, list[Result]]:
    """Every check, evaluated together (checks of different phases share scans), reported by phase."""
    schedule = checks_by_phase(config)
    ordered = [check for checks in schedule.values() for check in checks]
    results = iter(run_checks(conn, ordered, config.as_of))
    return {phase: [next(results) for _ in checks] for phase, checks in schedule.items()}
