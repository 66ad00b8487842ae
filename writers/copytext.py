"""PostgreSQL COPY text of typed rows: one line per row, tab-separated, NULL as \\N, text escaped.

str() of an int, a date, a datetime ('2024-05-01 09:30:00') or a time and repr() of a float (the shortest
text that reads back as the same double) are COPY's own formats; booleans are t and f.
"""

from __future__ import annotations

from functools import cache

from contract import schema

NULL = "\\N"
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}


def _expression(pg_type: str, var: str) -> str:
    if pg_type == "bool":
        return f"('t' if {var} else 'f')"
    if pg_type in ("int2", "int4", "int8", "integer", "date", "timestamp", "time"):
        return f"str({var})"
    if pg_type in ("float4", "float8"):
        return f"repr({var})"
    return f"str({var}).translate(_ESCAPES)"


@cache
def line_function(table_name: str):
    """A compiled function of one row tuple returning its COPY line (the hot path of the encoder)."""
    columns = schema.table(table_name).columns
    parts = [f"(_NULL if r[{i}] is None else {_expression(c.type, f'r[{i}]')})" for i, c in enumerate(columns)]
    source = f"def line(r):\n    return '\\t'.join(({', '.join(parts)},))\n"
    namespace = {"_NULL": NULL, "_ESCAPES": ESCAPES}
    exec(compile(source, f"<copy {table_name}>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["line"]


def encode(table_name: str, rows: list[tuple]) -> str:
    """The rows as COPY text, one line each, every line ending in a newline."""
    if not rows:
        return ""
    line = line_function(table_name)
    return "\n".join([line(r) for r in rows]) + "\n"


def decode_field(field: str) -> str | None:
    """One field of a COPY line back to its text (None for NULL); the inverse of the escaping above."""
    if field == NULL:
        return None
    out, i = [], 0
    while i < len(field):
        pair = field[i:i + 2]
        if pair in _UNESCAPES:
            out.append(_UNESCAPES[pair])
            i += 2
        else:
            out.append(field[i])
            i += 1
    return "".join(out)
