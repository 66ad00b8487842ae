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
_NON_TEXT = ("int2", "int4", "int8", "integer", "date", "timestamp", "time")  # their str() needs no escaping


_TEMPORAL = ("date", "timestamp", "time")  # few distinct values, slow to format: their texts are remembered
_TEXTS: dict = {}  # date, datetime or time -> its text (a date never equals a datetime, so keys do not collide)
_TEXTS_MAX = 100_000  # emptied when it grows past this, so memory stays bounded at any size


def _remember(value) -> str:
    if len(_TEXTS) >= _TEXTS_MAX:
        _TEXTS.clear()
    text = _TEXTS[value] = str(value)
    return text


def value_text(pg_type: str, var: str) -> str:
    """A Python expression for the text of a value held in `var` (not NULL), as PostgreSQL writes it."""
    if pg_type == "bool":
        return f"('t' if {var} else 'f')"
    if pg_type in ("float4", "float8"):
        return f"repr({var})"
    if pg_type in _TEMPORAL:
        return f"(_TEXTS.get({var}) or _remember({var}))"
    return f"str({var})"


def is_text(pg_type: str) -> bool:
    return pg_type != "bool" and pg_type not in ("float4", "float8") and pg_type not in _NON_TEXT


def compile_line(table_name: str, field, separator: str, namespace: dict):
    """A compiled function of one row tuple returning its line: `field(pg_type, var)` gives each column's
    expression, joined by `separator`. The writers' hot path: no lookup per value."""
    columns = schema.table(table_name).columns
    parts = [field(c.type, f"r[{i}]") for i, c in enumerate(columns)]
    source = f"def line(r):\n    return {separator!r}.join(({', '.join(parts)},))\n"
    namespace.update(_TEXTS=_TEXTS, _remember=_remember)
    exec(compile(source, f"<line {table_name}>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["line"]


def _copy_field(pg_type: str, var: str) -> str:
    text = value_text(pg_type, var)
    if is_text(pg_type):
        text = f"{text}.translate(_ESCAPES)"
    return f"(_NULL if {var} is None else {text})"


_HOLE = "\x00"  # stands for NULL in unescaped lines: PostgreSQL text cannot hold a NUL, so no value has one


def _plain_field(pg_type: str, var: str) -> str:
    return f"(_HOLE if {var} is None else {value_text(pg_type, var)})"


@cache
def line_function(table_name: str):
    return compile_line(table_name, _copy_field, "\t", {"_NULL": NULL, "_ESCAPES": ESCAPES})


@cache
def _plain_line_function(table_name: str):
    """Lines without escaping: right whenever no text holds a backslash, tab, newline or carriage return."""
    return compile_line(table_name, _plain_field, "\t", {"_HOLE": _HOLE})


def encode(table_name: str, rows: list[tuple]) -> str:
    """The rows as COPY text, one line each, every line ending in a newline.

    Most texts need no escaping, so the rows are first written without it (NULL as a NUL); four scans of the
    result tell whether any text needed it after all (a backslash or carriage return anywhere, or more tabs
    or newlines than the separators), and only then are the rows written again with every text escaped."""
    if not rows:
        return ""
    line = _plain_line_function(table_name)
    text = "\n".join([line(r) for r in rows]) + "\n"
    separators = len(rows) * (len(schema.table(table_name).columns) - 1)
    if "\\" in text or "\r" in text or text.count("\n") != len(rows) or text.count("\t") != separators:
        line = line_function(table_name)
        return "\n".join([line(r) for r in rows]) + "\n"
    return text.replace(_HOLE, NULL) if _HOLE in text else text


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
