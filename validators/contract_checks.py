"""The downstream dbt tests on raw tables and their staging models, as checks over the loaded raw schema.

The rules come from contract_rules.json (written by tools/import_rules.py from the contract's rules.md). A staging
test runs on an emulation of its staging model: a subquery that applies the model's column transforms and row
filter to the raw table, so rows the model drops are not counted. Source tests run on the raw table itself.

Counting follows base.Check (violating rows), with dbt's NULL semantics: NULL passes accepted values, ranges,
expressions and relationships. Where dbt counts groups instead of rows (unique, accepted_values) a check counts
the rows involved; zero means the dbt test passes either way. A rule with a dbt threshold (error_if for an ERROR
test, warn_if for a WARN one) reports 0 below it, as dbt would pass it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from validators.base import Check

RULES_PATH = Path(__file__).with_name("contract_rules.json")
# {{ ref('x') }}, with the alias that may follow it (a keyword such as WHERE is no alias)
NOT_AN_ALIAS = r"(?:where|join|inner|left|right|full|cross|on|group|order|limit|union)\b"
REF = re.compile(rf"\{{\{{\s*ref\('(\w+)'\)\s*\}}\}}(\s+(?:as\s+)?(?!{NOT_AN_ALIAS})[a-z_]\w*)?", re.IGNORECASE)


@cache
def contract() -> dict:
    return json.loads(RULES_PATH.read_text())


def checks(tables: set[str] | None = None) -> list[Check]:
    """One check per translated R-line, restricted to the given raw tables (None = all)."""
    return [
        Check(
            name=rule["id"],
            table=rule["table"],
            sql=rule_sql(rule),
            severity=rule["severity"],
            description=rule["description"],
        )
        for rule in contract()["rules"]
        if tables is None or rule["table"] in tables
    ]


# ---------------------------------------------------------------- relations


def model_sql(name: str, wanted: frozenset[str]) -> str:
    """SELECT emulating a staging model: its columns over the raw table, behind its row filter.

    Only the columns named in `wanted` are computed, which keeps a failing check's SQL readable.
    """
    model = contract()["models"][name]
    wanted = wanted | words(model["filter"] or "")  # a filter joining another model uses its columns
    columns = ", ".join(f'{sql} AS "{alias}"' for alias, sql in model["columns"].items() if alias in wanted)
    columns = columns or "1 AS one"
    if model["filter"] is None:
        return f"SELECT {columns} FROM raw.{model['table']}"
    return f"WITH {resolve_refs(model['filter'], wanted)} SELECT {columns} FROM source_data"


def resolve_refs(sql: str, wanted: frozenset[str]) -> str:
    """dbt's {{ ref('stg_x') }} -> the emulation of stg_x, named stg_x unless the SQL names it itself."""
    return REF.sub(lambda m: f"({model_sql(m.group(1), wanted)})" + (m.group(2) or f" AS {m.group(1)}"), sql)


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text))


def relation_name(rule: dict) -> str:
    return rule["table"] if rule["model"] == "source" else rule["model"]


def relation(rule: dict) -> str:
    """FROM item for the tested rows, named like the dbt model so qualified references in expressions work."""
    if rule["model"] == "source":
        return f"raw.{rule['table']} AS {rule['table']}"
    return f"({model_sql(rule['model'], rule_words(rule))}) AS {rule['model']}"


def rule_words(rule: dict) -> frozenset[str]:
    """Every word of the rule's SQL fields: a superset of the staging columns its SQL needs."""
    return words(json.dumps({key: value for key, value in rule.items() if key != "description"}))


def column(name: str) -> str:
    """Raw columns are CamelCase (quote them); a staging column may be an expression (leave it)."""
    return f'"{name}"' if re.fullmatch(r"\w+", name) else name


def where(rule: dict, *conditions: str) -> str:
    parts = [f"({rule['where']})" if rule.get("where") else "", *conditions]
    parts = [p for p in parts if p]
    return f" WHERE {' AND '.join(parts)}" if parts else ""


# ---------------------------------------------------------------- one SELECT per kind


def not_null_sql(rule: dict) -> str:
    condition = f"{column(rule['column'])} IS NULL"
    return f"SELECT count(*) FROM {relation(rule)}{where(rule, condition)}"


def unique_sql(rule: dict) -> str:
    col = column(rule["column"])
    groups = f"SELECT count(*) AS n FROM {relation(rule)}{where(rule, f'{col} IS NOT NULL')} GROUP BY {col}"
    return f"SELECT coalesce(sum(n), 0) FROM ({groups} HAVING count(*) > 1) AS dup"


def unique_combination_sql(rule: dict) -> str:
    cols = [column(c) for c in rule["columns"]]
    # any_null: dbt_expectations ignore_row_if any value is missing; all_null: rows with only NULLs are ignored
    # (a conservative reading where the macro is not named: it may miss a violation, never invent one).
    joiner = " OR " if rule["ignore"] == "any_null" else " AND "
    missing = joiner.join(f"{c} IS NULL" for c in cols)
    groups = f"SELECT count(*) AS n FROM {relation(rule)}{where(rule, f'NOT ({missing})')} GROUP BY {', '.join(cols)}"
    return f"SELECT coalesce(sum(n), 0) FROM ({groups} HAVING count(*) > 1) AS dup"


def accepted_values_sql(rule: dict) -> str:
    # dbt core quotes the values and lets PostgreSQL cast them to the column type; NULL NOT IN (...) is not true.
    values = [quote(v) if rule["quote"] else v for v in rule["values"]]
    condition = f"{column(rule['column'])} NOT IN ({', '.join(values)})"
    return f"SELECT count(*) FROM {relation(rule)}{where(rule, condition)}"


def quote(value: str) -> str:
    if value.startswith("'") and value.endswith("'") and len(value) > 1:
        return value
    return "'" + value.replace("'", "''") + "'"


def relationships_sql(rule: dict) -> str:
    col = column(rule["column"])
    child = f"{relation_name(rule)}.{col}"  # qualified: the parent usually has a column of the same name
    parent_rows = f"({model_sql(rule['parent'], rule_words(rule))}) AS parent"
    parent_where = f"({rule['parent_where']}) AND " if rule.get("parent_where") else ""
    missing = f'NOT EXISTS (SELECT 1 FROM {parent_rows} WHERE {parent_where}parent."{rule["field"]}" = {child})'
    return f"SELECT count(*) FROM {relation(rule)}{where(rule, f'{col} IS NOT NULL', missing)}"


def expression_sql(rule: dict) -> str:
    # expression_is_true fails a row only when the expression is FALSE: NOT (NULL) selects nothing.
    condition = f"NOT ({resolve_refs(rule['expression'], rule_words(rule))})"
    return f"SELECT count(*) FROM {relation(rule)}{where(rule, condition)}"


def row_count_sql(rule: dict) -> str:
    count = f"SELECT count(*) FROM {relation(rule)}"
    return f"SELECT CASE WHEN ({count}) BETWEEN {rule['min']} AND {rule['max']} THEN 0 ELSE 1 END"


def equal_rowcount_sql(rule: dict) -> str:
    return f"SELECT abs((SELECT count(*) FROM {relation(rule)}) - (SELECT count(*) FROM raw.{rule['source']}))"


def at_least_one_sql(rule: dict) -> str:
    return f"SELECT CASE WHEN count({column(rule['column'])}) > 0 THEN 0 ELSE 1 END FROM {relation(rule)}"


def column_type_sql(rule: dict) -> str:
    # A scalar subquery keeps the column's type even when it yields no row, so this works on empty tables too.
    value = f"(SELECT {column(rule['column'])} FROM {relation(rule)} LIMIT 1)"
    return f"SELECT CASE WHEN pg_typeof({value})::text = '{rule['type']}' THEN 0 ELSE 1 END"


KINDS = {
    "not_null": not_null_sql,
    "unique": unique_sql,
    "unique_combination": unique_combination_sql,
    "accepted_values": accepted_values_sql,
    "relationships": relationships_sql,
    "expression": expression_sql,
    "row_count": row_count_sql,
    "equal_rowcount": equal_rowcount_sql,
    "at_least_one": at_least_one_sql,
    "column_type": column_type_sql,
}


def rule_sql(rule: dict) -> str:
    sql = KINDS[rule["kind"]](rule)
    if threshold := rule.get("threshold"):
        op, value = threshold["op"], threshold["value"]
        sql = f"SELECT CASE WHEN n {op} {value} THEN n ELSE 0 END FROM ({sql}) AS counted(n)"
    return sql
