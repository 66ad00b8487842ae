"""The raw schema as the generator sees it: table names and column order, read from create_tables.sql.

create_tables.sql is the one place where a table's columns are listed; rows are tuples in that order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

SCHEMA_SQL = Path(__file__).resolve().parent.parent / "create_tables.sql"
KEYS_JSON = Path(__file__).with_name("keys.json")  # keys, staging filters, foreign keys (tools/import_contract.py)
CHECKS_JSON = Path(__file__).with_name("checks.json")  # the staging tests as checks (tools/import_rules.py)

_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS raw\.(\w+) \((.*?)\n\);", re.DOTALL)
_COLUMN = re.compile(r'^\s+("?)(\w+)\1 ([a-z0-9()]+)')


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    quoted: bool
    not_null: bool = False  # declared NOT NULL in create_tables.sql

    @property
    def ident(self) -> str:
        return f'"{self.name}"' if self.quoted else self.name


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    index: dict[str, int] = field(compare=False, repr=False)

    @property
    def qualified(self) -> str:
        return f"raw.{self.name}"

    def column_list(self) -> str:
        return ", ".join(c.ident for c in self.columns)


def _parse(sql: str) -> dict[str, Table]:
    tables = {}
    for name, body in _TABLE.findall(sql):
        columns = []
        primary_key: tuple[str, ...] = ()
        for line in body.splitlines():
            if "PRIMARY KEY" in line:
                primary_key = tuple(re.findall(r'"?(\w+)"?', line.split("PRIMARY KEY", 1)[1]))
                continue
            if "CONSTRAINT" in line:
                continue
            match = _COLUMN.match(line)
            if match:
                columns.append(Column(match.group(2), match.group(3), match.group(1) == '"', "NOT NULL" in line))
        index = {c.name: i for i, c in enumerate(columns)}
        tables[name] = Table(name, tuple(columns), primary_key, index)
    return tables


@lru_cache(maxsize=1)
def tables() -> dict[str, Table]:
    return _parse(SCHEMA_SQL.read_text())


def table(name: str) -> Table:
    return tables()[name]
