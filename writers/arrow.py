"""Arrow tables of typed rows, with column types from the contract's SQL types (for the Parquet writer)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from contract import schema

_ARROW_TYPES = {"bool": "bool_", "int2": "int16", "int4": "int32", "integer": "int32", "int8": "int64",
                "float4": "float32", "float8": "float64", "date": "date32", "time": "time64",
                "timestamp": "timestamp"}


def _pa():
    import pyarrow  # late: only --output parquet needs it

    return pyarrow


def arrow_type(pg_type: str):
    pa = _pa()
    name = _ARROW_TYPES.get(pg_type.split("(")[0], "string")
    if name == "time64":
        return pa.time64("us")
    if name == "timestamp":
        return pa.timestamp("us")
    return getattr(pa, name)()


def _as_date(value):
    return value.date() if isinstance(value, datetime) else value


def _as_timestamp(value):
    return datetime.combine(value, datetime.min.time()) if type(value) is date else value


def _converter(pg_type: str):
    """A function making a generator's value fit the column's Arrow type (as COPY would read its text)."""
    base = pg_type.split("(")[0]
    if base == "bool":
        return bool
    if base in ("float4", "float8"):
        return float
    if base == "date":
        return _as_date
    if base == "timestamp":
        return _as_timestamp
    if base in ("int2", "int4", "int8", "integer", "time"):
        return None
    return str


@cache
def arrow_schema(table_name: str):
    pa = _pa()
    return pa.schema([pa.field(c.name, arrow_type(c.type)) for c in schema.table(table_name).columns])


@cache
def _converters(table_name: str) -> tuple:
    return tuple(_converter(c.type) for c in schema.table(table_name).columns)


def encode(table_name: str, rows: list[tuple]):
    """The rows as a pyarrow.Table (column by column)."""
    pa = _pa()
    target = arrow_schema(table_name)
    columns = []
    for i, convert in enumerate(_converters(table_name)):
        values = [r[i] for r in rows]
        if convert is not None:
            values = [None if v is None else convert(v) for v in values]
        columns.append(pa.array(values, type=target.field(i).type))
    return pa.Table.from_arrays(columns, schema=target)
