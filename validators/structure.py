"""Keys: primary keys unique and present, and every foreign key of the contract resolving through the
parent's staging filter (contract G-07), as the dbt relationship tests and model joins see them."""

from __future__ import annotations

import json
from functools import cache

from contract import schema
from validators.base import Check

CONTRACT_PATH = schema.KEYS_JSON


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
    key = cols if len(spec.primary_key) == 1 else f"({cols})"
    return [
        Check(f"primary key {table}", table, relation=f"raw.{table}", aggregate=f"count(*) - count(DISTINCT {key})",
              description="duplicate primary keys", keyed=table),
        Check(f"primary key present {table}", table, relation=f"raw.{table}", predicate=nulls,
              description="NULL primary key"),
    ]


def foreign_key_checks(table: str, loaded: set[str]) -> list[Check]:
    """Child rows (kept by their staging filter) whose reference is missing from the parent's staged rows.

    Only references whose parent is already loaded are checked, and only those the models use in joins:
    the relationship tests among them are the contract's R-lines (contract_checks.py). A 0 means "none"
    for such joins, where it simply matches nothing.
    """
    result = []
    for fk in contract()[table]["foreign_keys"]:
        parent = fk["parent"]
        if parent not in loaded or not fk["joined"]:
            continue
        col = f'c."{fk["column"]}"'
        conditions = [f"{col} IS NOT NULL", f"{col} <> 0"]
        if fk["condition"]:
            conditions.append(fk["condition"])  # written over the child's columns
        keys = f'SELECT p."{fk["parent_column"]}" FROM {staged(parent)} p WHERE p."{fk["parent_column"]}" IS NOT NULL'
        result.append(Check(f"fk {table}.{fk['column']} -> {parent}", table, relation=f"{staged(table)} c",
                            predicate=f"{' AND '.join(conditions)} AND {col} NOT IN ({keys})",
                            description=f"must exist in {parent}.{fk['parent_column']} (as staged)"))
    return result
