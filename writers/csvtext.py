"""CSV text of typed rows, as PostgreSQL's `COPY ... (FORMAT csv, HEADER)` reads it back.

Every value is quoted (quotes doubled), NULL is an empty unquoted field; values are written as COPY writes
them (t/f, str() of numbers and dates, repr() of floats), so a CSV file loads into the same rows.
"""

from __future__ import annotations

from functools import cache

from contract import schema


def _text(pg_type: str, var: str) -> str:
    if pg_type == "bool":
        return f"('t' if {var} else 'f')"
    if pg_type in ("float4", "float8"):
        return f"repr({var})"
    if pg_type in ("int2", "int4", "int8", "integer", "date", "timestamp", "time"):
        return f"str({var})"
    return f"str({var}).replace('\"', '\"\"')"


@cache
def line_function(table_name: str):
    columns = schema.table(table_name).columns
    parts = [f"('' if r[{i}] is None else '\"' + {_text(c.type, f'r[{i}]')} + '\"')" for i, c in enumerate(columns)]
    source = f"def line(r):\n    return ','.join(({', '.join(parts)},))\n"
    namespace: dict = {}
    exec(compile(source, f"<csv {table_name}>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["line"]


def header(table_name: str) -> str:
    return ",".join(f'"{c.name}"' for c in schema.table(table_name).columns) + "\n"


def encode(table_name: str, rows: list[tuple]) -> str:
    if not rows:
        return ""
    line = line_function(table_name)
    return "\n".join([line(r) for r in rows]) + "\n"
