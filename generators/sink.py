"""Row sinks: each generated row becomes a tuple of typed values in the table's column order (create_tables.sql).

Generators hand a sink the columns they care about by name; every other column takes its type's default
(false, 0, '' or NULL). Rows stay Python values (int, float, bool, str, date, datetime, None) until a writer
encodes them (writers/): COPY text for PostgreSQL, CSV, or Parquet. A chunk of households holds its rows only
until they are encoded, so memory stays bounded by one chunk.
"""

from __future__ import annotations

from functools import cache

from contract import schema

_NUMERIC = ("int2", "int4", "int8", "float4", "float8")
_DATED = ("date", "timestamp", "time", "integer")


def default(pg_type: str):
    """The value a column takes when a generator leaves it out."""
    if pg_type == "bool":
        return False
    if pg_type in _NUMERIC:
        return 0
    if pg_type in _DATED:
        return None
    return ""


@cache
def _row_function(table_name: str, names: tuple[str, ...]):
    """A function of the given columns' values (in that order) returning the whole row as a tuple.

    This is the generator's hot path: one small function per table and call site, compiled once, places
    each value and each default in column order without a lookup per row.
    """
    table = schema.table(table_name)
    unknown = set(names) - set(table.index)
    if unknown:
        raise ValueError(f"raw.{table_name} has no column {', '.join(sorted(unknown))}")
    params = {name: f"v{i}" for i, name in enumerate(names)}
    parts = [params.get(column.name) or repr(default(column.type)) for column in table.columns]
    source = f"def row({', '.join(params.values())}):\n    return ({', '.join(parts)},)\n"
    namespace: dict = {}
    exec(compile(source, f"<row {table_name}>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["row"]


class TableSink:
    """The rows of one table, in the order they were added."""

    def __init__(self, table_name: str):
        self.table = schema.table(table_name)
        self.rows: list[tuple] = []

    def add(self, **values) -> None:
        self.rows.append(_row_function(self.table.name, tuple(values))(*values.values()))

    @property
    def count(self) -> int:
        return len(self.rows)


class Sinks:
    """One sink per table, created on first use."""

    def __init__(self):
        self._sinks: dict[str, TableSink] = {}

    def __getitem__(self, table_name: str) -> TableSink:
        sink = self._sinks.get(table_name)
        if sink is None:
            sink = self._sinks[table_name] = TableSink(table_name)
        return sink

    def tables(self) -> list[str]:
        return list(self._sinks)

    def count(self, table_name: str) -> int:
        sink = self._sinks.get(table_name)
        return sink.count if sink else 0

    def rows(self, table_name: str) -> list[tuple]:
        sink = self._sinks.get(table_name)
        return sink.rows if sink else []
