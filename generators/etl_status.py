"""raw.etl_load_status: one row per table the run loaded, as the dbt project's tracking model expects.

The load time is the end of the data (one second before the as-of date), not the clock, so that the
same inputs give the same table.
"""

from __future__ import annotations

from generators import schema
from generators.calendar import Window
from generators.sink import Sinks


def emit(sinks: Sinks, tables: list[str], window: Window) -> None:
    loaded_at = window.end_of_data
    for number, table in enumerate(tables, start=1):
        spec = schema.table(table)
        sinks["etl_load_status"].add(
            id=number, table_name=table, last_loaded=loaded_at, rows_loaded=sinks.count(table),
            load_status="completed", _loaded_at=loaded_at, last_primary_value=None,
            primary_column_name=",".join(spec.primary_key),
        )
