"""Row sinks: each generated row becomes a tuple of typed values in the table's column order (create_tables.sql).

Generators hand a sink the columns they care about by name. Every other column, and every column given None,
takes OpenDental's value for "unset" (contract/empty.py: 0001-01-01, 0001-01-01 00:00:00, 00:00:00, 0, -1, ''
or false); only the columns contract.empty.NULL_ALLOWED lists keep NULL. Rows stay Python values (int, float,
bool, str, date, datetime, time, None) until a writer encodes them (writers/): COPY text for PostgreSQL, CSV,
or Parquet. A chunk of households holds its rows only until they are encoded, so memory stays bounded by one
chunk.
"""

from __future__ import annotations

from functools import cache

from contract import empty, schema

_LITERALS = (bool, int, float, str)  # sentinels whose repr() is a literal; dates and times go by name


@cache
def _row_function(table_name: str, names: tuple[str, ...]):
    """A function of the given columns' values (in that order) returning the whole row as a tuple.

    This is the generator's hot path: one small function per table and call site, compiled once, places
    each value and each default in column order without a lookup per row. A value given for a column that
    may not be NULL is checked for None inline; a column where NULL is allowed takes the value as is.
    """
    table = schema.table(table_name)
    unknown = set(names) - set(table.index)
    if unknown:
        raise ValueError(f"raw.{table_name} has no column {', '.join(sorted(unknown))}")
    params = {name: f"v{i}" for i, name in enumerate(names)}
    namespace: dict = {}
    parts = []
    for i, (column, value) in enumerate(zip(table.columns, empty.empty_values(table_name))):
        if isinstance(value, _LITERALS):
            unset = repr(value)
        elif value is None:
            unset = "None"
        else:  # a date, datetime or time: bound once in the function's globals
            unset = f"_e{i}"
            namespace[unset] = value
        var = params.get(column.name)
        if var is None:
            parts.append(unset)
        elif value is None:
            parts.append(var)
        else:
            parts.append(f"({var} if {var} is not None else {unset})")
    source = f"def row({', '.join(params.values())}):\n    return ({', '.join(parts)},)\n"
    exec(compile(source, f"<row {table_name}>", "exec"), namespace)  # noqa: S102 - our own generated code
    return namespace["row"]


class TableSink:
    """The rows of one table, in the order they were added."""

    def __init__(self, table_name: str):
        self.table = schema.table(table_name)
        self.rows: list[tuple] = []
        self._functions: dict[tuple[str, ...], object] = {}  # per call site: a plain dict beats the cache's key

    def add(self, **values) -> None:
        names = tuple(values)
        row = self._functions.get(names)
        if row is None:
            row = self._functions[names] = _row_function(self.table.name, names)
        self.rows.append(row(*values.values()))

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
