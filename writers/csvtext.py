"""CSV text of typed rows, as PostgreSQL's `COPY ... (FORMAT csv, HEADER)` reads it back.

Every value is quoted (quotes doubled), NULL is an empty unquoted field; values are written as COPY writes
them (t/f, str() of numbers and dates, repr() of floats), so a CSV file loads into the same rows.
"""

from __future__ import annotations

from functools import cache

from contract import schema
from writers import copytext


def _csv_field(pg_type: str, var: str) -> str:
    text = copytext.value_text(pg_type, var)
    if copytext.is_text(pg_type):
        text = f"{text}.replace('\"', '\"\"')"
    return f"('' if {var} is None else '\"' + {text} + '\"')"


@cache
def line_function(table_name: str):
    return copytext.compile_line(table_name, _csv_field, ",", {})


def header(table_name: str) -> str:
    return ",".join(f'"{c.name}"' for c in schema.table(table_name).columns) + "\n"


def encode(table_name: str, rows: list[tuple]) -> str:
    if not rows:
        return ""
    line = line_function(table_name)
    return "\n".join([line(r) for r in rows]) + "\n"
