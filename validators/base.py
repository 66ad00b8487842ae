"""What a check is and how it runs.

A check is one SQL query that returns the number of rows breaking one rule. Queries may use the
placeholders :as_of_date and :as_of_ts, which stand for the data's "today" (the as-of date, and
midnight at its start); the runner substitutes them as literals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Check:
    name: str  # rule id, e.g. "R-payment-025" or "fk paysplit.PatNum -> patient"
    table: str  # the table whose rows the rule is about
    sql: str  # SELECT returning one integer: the number of violating rows
    severity: str = "ERROR"  # "ERROR" fails the run, "WARN" is reported only
    description: str = ""


@dataclass(frozen=True)
class Result:
    check: Check
    violations: int

    @property
    def failed(self) -> bool:
        return self.violations > 0 and self.check.severity == "ERROR"


def render(sql: str, as_of: date) -> str:
    return sql.replace(":as_of_date", f"DATE '{as_of.isoformat()}'").replace(
        ":as_of_ts", f"TIMESTAMP '{as_of.isoformat()} 00:00:00'"
    )


def run_checks(conn, checks: list[Check], as_of: date) -> list[Result]:
    results = []
    with conn.cursor() as cur:
        for check in checks:
            cur.execute(render(check.sql, as_of))
            results.append(Result(check, int(cur.fetchone()[0] or 0)))
    return results
