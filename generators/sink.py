"""Row sinks: each generated row becomes one line of PostgreSQL COPY text, spooled to disk.

Generators hand a sink the columns they care about by name; every other column takes its type's
default (false, 0, '' or NULL). The loader later streams the spooled text with one COPY per table,
so memory stays flat whatever the size of the run.
"""

from __future__ import annotations

import tempfile

from generators import schema

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPOOL_BYTES = 2 * 1024 * 1024  # per table in memory before spilling to disk
_BATCH_ROWS = 2000


def _text(value) -> str:
    return str(value).translate(_ESCAPES)


def _bool(value) -> str:
    return "t" if value else "f"


def _formatter(pg_type: str):
    """Text for one value, as COPY reads it. str() of an int, a date or a datetime ('2024-05-01 09:30:00')
    and repr() of a float (the shortest text that reads back as the same double) are COPY's own formats."""
    if pg_type == "bool":
        return _bool
    if pg_type in ("int2", "int4", "int8", "integer", "date", "timestamp", "time"):
        return str
    if pg_type in ("float4", "float8"):
        return repr
    return _text


def _default(pg_type: str) -> str:
    if pg_type == "bool":
        return "f"
    if pg_type in ("int2", "int4", "int8", "float4", "float8"):
        return "0"
    if pg_type in ("date", "timestamp", "time", "integer"):
        return NULL
    return ""


class TableSink:
    """Collects the rows of one table as COPY text."""

    def __init__(self, table_name: str):
        self.table = schema.table(table_name)
        self._defaults = [_default(c.type) for c in self.table.columns]
        self._formatters = {c.name: (i, _formatter(c.type)) for i, c in enumerate(self.table.columns)}
        # Kept open for the sink's lifetime (closed by close()), so no context manager.
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            max_size=_SPOOL_BYTES, mode="w+", encoding="utf-8"
        )
        self._pending: list[str] = []
        self.count = 0

    def add(self, **values) -> None:
        parts = self._defaults.copy()
        formatters = self._formatters
        for name, value in values.items():
            i, fmt = formatters[name]
            parts[i] = NULL if value is None else fmt(value)
        self._pending.append("\t".join(parts))
        self.count += 1
        if len(self._pending) >= _BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._file.write("\n".join(self._pending) + "\n")
            self._pending.clear()

    def reader(self):
        """The spooled COPY text, rewound, for the loader to stream."""
        self._flush()
        self._file.seek(0)
        return self._file

    def close(self) -> None:
        self._file.close()


class Sinks:
    """One sink per table, created on first use."""

    def __init__(self):
        self._sinks: dict[str, TableSink] = {}

    def __getitem__(self, table_name: str) -> TableSink:
        sink = self._sinks.get(table_name)
        if sink is None:
            sink = self._sinks[table_name] = TableSink(table_name)
        return sink

    def count(self, table_name: str) -> int:
        sink = self._sinks.get(table_name)
        return sink.count if sink else 0

    def close(self) -> None:
        for sink in self._sinks.values():
            sink.close()
