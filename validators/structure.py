"""Keys: primary keys unique and present, and every foreign key of the contract resolving through the
parent's staging filter (contract G-07), as the dbt relationship tests and model joins see them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from generators import schema
from validators.base import Check

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "generators" / "contract.json"


@cache
def contract() -> dict:
    return json.loads(CONTRACT_PATH.read_text())["tables"]


def staged(table: str) -> str:
    """The rows of a raw table that its staging model keeps."""
    where = contract()[table]["staging_where"]
    return f"(SELECT * FROM raw.{table} WHERE {where})" if where else f"raw.{table}"


def primary_key_checks(table: str) -> list[Check]:
    spec = schema.table(table)
    cols = ", ".join(spec.columns[spec.index[c]].ident for c in spec.primary_key)
    nulls = " OR ".join(f"{spec.columns[spec.index[c]].ident} IS NULL" for c in spec.primary_key)
    return [
        Check(f"primary key {table}", table,
              f"SELECT count(*) FROM (SELECT {cols} FROM raw.{table} GROUP BY {cols} HAVING count(*) > 1) d",
              description="duplicate primary keys"),
        Check(f"primary key present {table}", table, f"SELECT count(*) FROM raw.{table} WHERE {nulls}",
              description="NULL primary key"),
    ]


def foreign_key_checks(table: str, loaded: set[str]) -> list[Check]:
    """Child rows (kept by their staging filter) whose reference is missing from the parent's staged rows.

    Only references whose parent is already loaded are checked. A 0 means "none" where the staging model
    turns it into NULL, and for plain model joins (where 0 simply matches nothing).
    """
    result = []
    for fk in contract()[table]["foreign_keys"]:
        parent = fk["parent"]
        if parent not in loaded:
            continue
        col, parent_col = f'c."{fk["column"]}"', f'"{fk["parent_column"]}"'
        conditions = [f"{col} IS NOT NULL"]
        if fk["zero_is_none"] or fk["severity"] == "JOIN":
            conditions.append(f"{col} <> 0")
        if fk["condition"]:
            conditions.append(fk["condition"])  # written over the child's columns; only c is in scope here
        sql = (f"SELECT count(*) FROM {staged(table)} c WHERE {' AND '.join(conditions)} "
               f"AND NOT EXISTS (SELECT 1 FROM {staged(parent)} p WHERE p.{parent_col} = {col})")
        result.append(Check(f"fk {table}.{fk['column']} -> {parent}", table, sql,
                            severity="WARN" if fk["severity"] == "WARN" else "ERROR",
                            description=f"must exist in {parent}.{fk['parent_column']} (as staged)"))
    return result
