"""Row sinks: each generated row becomes one line of PostgreSQL COPY text.

Generators hand a sink the columns they care about by name; every other column takes its type's
default (false, 0, '' or NULL). Reference tables are spooled to disk; a chunk of households keeps its
rows in memory until the loader has streamed them with COPY, so memory stays bounded by one chunk.
"""

from __future__ import annotations

import io
import tempfile
from functools import cache

from generators import schema

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPOOL_BYTES = 2 * 1024 * 1024  # per table in memory before spilling to disk
_BATCH_ROWS = 2000


def _expression(pg_type: str) -> str:
    """Python expression giving a value's COPY text. str() of an int, a date or a datetime
    ('2024-05-01 09:30:00') and repr() of a float (the shortest text that reads back as the same double)
    are COPY's own formats; text is escaped."""
    if pg_type == "bool":
        return "('t' if {v} else 'f')"
    if pg_type in ("int2", "int4", "int8", "integer", "date", "timestamp", "time"):
        return "str({v})"
    if pg_type in ("float4", "float8"):
        return "repr({v})"
    return "str({v}).translate(_ESCAPES)"


def _default(pg_type: str) -> str:
    if pg_type == "bool":
        return "f"
    if pg_type in ("int2", "int4", "int8", "float4", "float8"):
        return "0"
    if pg_type in ("date", "timestamp", "time", "integer"):
        return NULL
    return ""


@cache
def _row_function(table_name: str, names: tuple[str, ...]):
    """A function of the given columns' values (in that order) returning the row's COPY line.

    This is the generator's hot path: one small function per table and call site, compiled once, formats
    every column inline instead of looking each one up per row.
    """
    table = schema.table(table_name)
    unknown = set(names) - set(table.index)
    if unknown:
        raise ValueError(f"raw.{table_name} has no column {', '.join(sorted(unknown))}")
    params = {name: f"v{i}" for i, name in enumerate(names)}
    parts = []
    for column in table.columns:
        var = params.get(column.name)
        if var is None:
            parts.append(repr(_default(column.type)))
        else:
            parts.append(f"(_NULL if {var} is None else {_expression(column.type).format(v=var)})")
    source = f"def row({', '.join(params.values())}):\n    return '\\t'.join(({', '.join(parts)},))\n"
    namespace = {"_NULL": NULL, "_ESCAPES": _ESCAPES}
    exec(compile(source, f"<row {table_name}>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["row"]


class TableSink:
    """Collects the rows of one table as COPY text, in memory or spooled to disk."""

    def __init__(self, table_name: str, in_memory: bool = False):
        self.table = schema.table(table_name)
        # Kept open for the sink's lifetime (closed by close()), so no context manager.
        self._file = io.StringIO() if in_memory else tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=_SPOOL_BYTES, mode="w+", encoding="utf-8"
        )
        self._pending: list[str] = []
        self.count = 0

    def add(self, **values) -> None:
        self._pending.append(_row_function(self.table.name, tuple(values))(*values.values()))
        self.count += 1
        if len(self._pending) >= _BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._file.write("\n".join(self._pending) + "\n")
            self._pending.clear()

    def reader(self):
        """The COPY text, rewound, for the loader to stream."""
        self._flush()
        self._file.seek(0)
        return self._file

    def text(self) -> str:
        self._flush()
        return self._file.getvalue() if isinstance(self._file, io.StringIO) else self.reader().read()

    def close(self) -> None:
        self._file.close()


class Sinks:
    """One sink per table, created on first use."""

    def __init__(self, in_memory: bool = False):
        self._sinks: dict[str, TableSink] = {}
        self._in_memory = in_memory

    def __getitem__(self, table_name: str) -> TableSink:
        sink = self._sinks.get(table_name)
        if sink is None:
            sink = self._sinks[table_name] = TableSink(table_name, self._in_memory)
        return sink

    def tables(self) -> list[str]:
        return list(self._sinks)

    def count(self, table_name: str) -> int:
        sink = self._sinks.get(table_name)
        return sink.count if sink else 0

    def close(self) -> None:
        for sink in self._sinks.values():
            sink.close()
