"""OpenDental's empty values: no NULL where OpenDental writes a value for "unset" (contract/empty.py).

One check per table counts its rows holding a NULL in any column outside contract.empty.NULL_ALLOWED: such a
row would hide from a query written the OpenDental way (`DateTerm = '0001-01-01'`, `AptNum = 0`). The sink
(generators/sink.py) writes the sentinels, so a failure here means a row reached the database some other way,
or a column lost its place in the allow-list.
"""

from __future__ import annotations

from contract import empty, schema
from validators.base import Check


def checks(tables=None) -> list[Check]:
    result = []
    for name in tables or schema.tables():
        columns = [c for c in schema.table(name).columns if not empty.null_allowed(name, c.name)]
        if not columns:
            continue
        result.append(Check(
            f"empty values {name}", name, relation=f"raw.{name}",
            predicate=" OR ".join(f"{c.ident} IS NULL" for c in columns),
            description="NULL where OpenDental writes its empty value (0001-01-01, 00:00:00, 0, -1, '' or false; "
                        "contract/empty.py)"))
    return result
