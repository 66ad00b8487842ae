"""What a check is and how it runs.

A check counts the rows that break one rule. Most checks are a predicate over a relation (a table, or
a subquery emulating a dbt staging model); the runner evaluates all predicates over the same relation in
one scan, as `count(*) FILTER (WHERE ...)` columns of a single query. Checks that need their own shape
(grouping, joins) give a whole SELECT returning one integer instead.

SQL may use the placeholders :as_of_date and :as_of_ts, which stand for the data's "today" (the as-of
date, and midnight at its start); the runner substitutes them as literals.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date

BATCH = 150  # predicates per query: enough to share scans, few enough to keep plans small
_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "=": operator.eq,
        "!=": operator.ne, "<>": operator.ne}


@dataclass(frozen=True)
class Check:
    name: str  # rule id, e.g. "R-payment-025" or "fk paysplit.PatNum -> patient"
    table: str  # the table whose rows the rule is about
    sql: str = ""  # a SELECT returning one integer (the violations), when not relation + predicate
    severity: str = "ERROR"  # "ERROR" fails the run, "WARN" is reported only
    description: str = ""
    relation: str = ""  # FROM item whose rows are counted ...
    predicate: str = ""  # ... where this is true
    aggregate: str = ""  # or: an aggregate over the relation that yields the violations
    threshold: tuple[str, int] | None = None  # dbt's error_if/warn_if: fewer violations than this pass
    keyed: str = ""  # a uniqueness rule that raw.<keyed>'s primary key constraint already enforces

    @property
    def query(self) -> str:
        if self.aggregate:
            return f"SELECT {self.aggregate} FROM {self.relation}"
        if self.relation:
            return f"SELECT count(*) FROM {self.relation} WHERE {self.predicate}"
        return self.sql

    @property
    def column(self) -> str:
        """The check as one column of a batched query over its relation."""
        return self.aggregate or f"count(*) FILTER (WHERE {self.predicate})"

    def counted(self, violations: int) -> int:
        if self.threshold and not _OPS[self.threshold[0]](violations, self.threshold[1]):
            return 0
        return violations


@dataclass(frozen=True)
class Result:
    check: Check
    violations: int

    @property
    def failed(self) -> bool:
        return self.violations > 0 and self.check.severity == "ERROR"


def given(column: str) -> str:
    """The column with OpenDental's "no date" (0001-01-01, as a date or a timestamp) read as NULL, as the staging
    models' clean_date reads it: an unset date then compares with nothing and counts as missing."""
    return f"NULLIF({column}, DATE '0001-01-01')"


def render(sql: str, as_of: date) -> str:
    return sql.replace(":as_of_date", f"DATE '{as_of.isoformat()}'").replace(
        ":as_of_ts", f"TIMESTAMP '{as_of.isoformat()} 00:00:00'"
    )


def _correlated(predicate: str) -> bool:
    """EXISTS subqueries run row by row inside a FILTER; alone in a WHERE they become (anti-)joins."""
    return "EXISTS" in predicate.upper()


def _constrained_tables(cur) -> set[str]:
    cur.execute("""SELECT c.conrelid::regclass::text FROM pg_constraint c
                   WHERE c.contype = 'p' AND c.connamespace = 'raw'::regnamespace""")
    return {name.split(".")[-1] for (name,) in cur.fetchall()}


def run_checks(conn, checks: list[Check], as_of: date) -> list[Result]:
    """Every check's violations, in the order given.

    A uniqueness rule on a table whose primary key constraint is in place holds by that constraint and
    is not queried again.
    """
    found: dict[int, int] = {}
    by_relation: dict[str, list[int]] = {}
    with conn.cursor() as cur:
        # Hundreds of short counts: compiling each plan to machine code costs more than it saves.
        cur.execute("SET LOCAL jit = off")
        constrained = _constrained_tables(cur) if any(c.keyed for c in checks) else set()
        for i, check in enumerate(checks):
            if check.keyed in constrained:
                found[i] = 0
            elif check.relation and not _correlated(check.predicate + check.aggregate):
                by_relation.setdefault(check.relation, []).append(i)
            else:
                correlated = check.relation and _correlated(check.predicate)
                if correlated:  # the staging filters' CASE expressions fool the row estimates into a
                    cur.execute("SET LOCAL enable_nestloop = off")  # quadratic nested-loop anti-join
                cur.execute(render(check.query, as_of))
                found[i] = int(cur.fetchone()[0] or 0)
                if correlated:
                    cur.execute("RESET enable_nestloop")
        for relation, members in by_relation.items():
            for start in range(0, len(members), BATCH):
                batch = members[start:start + BATCH]
                columns = ", ".join(checks[i].column for i in batch)
                cur.execute(render(f"SELECT {columns} FROM {relation}", as_of))
                found.update(zip(batch, (int(v or 0) for v in cur.fetchone())))
    return [Result(check, check.counted(found[i])) for i, check in enumerate(checks)]
