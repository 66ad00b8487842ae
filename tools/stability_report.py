"""What advancing a practice changes, table by table, and whether every change is stamped inside the advanced
days (the rows an incremental dbt model picks up).

    python3 tools/stability_report.py [--patients 500] [--seed 42] [--from 2026-11-01] [--to 2026-12-01]
                                      [--tables t1,t2]

Generates the practice on both dates from the same record in memory (advance.py; no database) and prints, per
table: rows inserted, updated and deleted; `stale`, the new or changed rows whose audit column (DateTStamp,
SecDateTEdit, ...) says they last changed before the first date; `unstamped`, changed rows of a table without
an audit column. With --tables, an example of each column that changed on a stale or unstamped row.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import advance
from config import GeneratorConfig
from contract import schema
from generators import engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--from", dest="start", type=date.fromisoformat, default=date(2026, 11, 1))
    parser.add_argument("--to", dest="end", type=date.fromisoformat, default=date(2026, 12, 1))
    parser.add_argument("--tables", default="")
    args = parser.parse_args()
    n = args.patients
    before = GeneratorConfig(num_patients=n, num_appointments=3 * n, num_procedures=round(7.8 * n), seed=args.seed,
                             as_of=args.start, paced_by=args.start)
    plan = advance.prepare(before, replace(before, as_of=args.end))
    since = datetime.combine(args.start, datetime.min.time())
    shown = set(filter(None, args.tables.split(",")))
    totals, examples = Counter(), {}
    print(f"{'table':<22}{'inserted':>9}{'updated':>9}{'deleted':>9}{'stale':>7}{'unstamped':>10}")
    for table, old, new in _pairs(plan):
        change = advance.difference(table, old, new)
        if not change:
            continue
        bad = advance.stale(table, change.inserted + change.updated, since)
        unstamped = [] if advance.audit_columns(table) else change.updated
        row = (*change.counts(), len(bad), len(unstamped))
        totals[table] = totals.get(table, (0,) * 5)
        totals[table] = tuple(a + b for a, b in zip(totals[table], row))
        if table in shown:
            _examples(table, old, bad + unstamped, examples)
    for table, row in totals.items():
        print(f"{table:<22}{row[0]:>9,}{row[1]:>9,}{row[2]:>9,}{row[3]:>7,}{row[4]:>10,}")
    for (table, column), (was, now, key) in sorted(examples.items()):
        print(f"  {table}.{column}: {was!r} -> {now!r} (key {key})")
    return 0


def _pairs(plan: advance.Plan):
    for table in plan.before.ctx.sinks.tables():
        yield table, plan.before.ctx.sinks.rows(table), plan.after.ctx.sinks.rows(table)
    for index in range(len(plan.before.chunks)):
        old, new = engine.chunk_rows(plan.before, index), engine.chunk_rows(plan.after, index)
        for table in sorted(set(old) | set(new)):
            yield table, old.get(table, []), new.get(table, [])


def _examples(table: str, old: list[tuple], rows: list[tuple], examples: dict) -> None:
    key = advance._keyer(table)
    was = {key(r): r for r in old}
    columns = schema.table(table).columns
    for row in rows:
        before = was.get(key(row))
        for column, a, b in zip(columns, before or (), row):
            if a != b:
                examples.setdefault((table, column.name), (a, b, key(row)))


if __name__ == "__main__":
    sys.exit(main())
