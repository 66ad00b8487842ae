"""The downstream dbt tests on raw tables and their staging models, as checks over the loaded raw schema.

The rules come from contract/checks.json (written by tools/import_rules.py from the contract's rules.md). A staging
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

from contract import schema
from validators.base import Check

RULES_PATH = schema.CHECKS_JSON
# {{ ref('x') }}, with the alias that may follow it (a keyword such as WHERE is no alias)
NOT_AN_ALIAS = r"(?:where|join|inner|left|right|full|cross|on|group|order|limit|union)\b"
REF = re.compile(rf"\{{\{{\s*ref\('(\w+)'\)\s*\}}\}}(\s+(?:as\s+)?(?!{NOT_AN_ALIAS})[a-z_]\w*)?", re.IGNORECASE)


@cache
def contract() -> dict:
    return json.loads(RULES_PATH.read_text())


def checks(tables: set[str] | None = None) -> list[Check]:
    """One check per translated R-line, restricted to the given raw tables (None = all)."""
    return [rule_check(rule) for rule in contract()["rules"] if tables is None or rule["table"] in tables]


def rule_check(rule: dict) -> Check:
    common = {"name": rule["id"], "table": rule["table"], "severity": rule["severity"],
              "description": rule["description"], "threshold": _threshold(rule)}
    row_test = ROW_PREDICATES.get(rule["kind"])
    if row_test:
        # Row-level tests share one scan per staging model (see base.run_checks): the full emulation.
        return Check(relation=full_relation(rule), predicate=" AND ".join(row_test(rule)), **common)
    if rule["kind"] in ("unique", "unique_combination"):
        return Check(relation=full_relation(rule), aggregate=duplicates_aggregate(rule), keyed=key_table(rule),
                     **common)
    return Check(sql=KINDS[rule["kind"]](rule), **common)


def key_table(rule: dict) -> str:
    """The raw table when the rule asks a single column to be unique and that column is the table's primary
    key, as is or through an id cast (which keeps distinct positive ids distinct, or fails); else ''."""
    if rule["kind"] != "unique" or rule.get("where"):
        return ""
    key = schema.table(rule["table"]).primary_key
    if len(key) != 1:
        return ""
    name = rule["column"]
    if rule["model"] != "source":
        name = contract()["models"][rule["model"]]["columns"].get(name, "")
    quoted = set(re.findall(r'"(\w+)"', name)) or {name}
    guarded_cast = f'CASE WHEN "{key[0]}" >= 0 THEN "{key[0]}"::integer ELSE NULL END'  # negatives to NULL
    as_is_or_cast = "::text::integer" in name or name in (key[0], f'"{key[0]}"', guarded_cast)
    return rule["table"] if quoted == {key[0]} and as_is_or_cast else ""


def duplicates_aggregate(rule: dict) -> str:
    """Rows beyond the first of each value: 0 exactly when the dbt unique test passes."""
    if rule["kind"] == "unique":
        cols = [column(rule["column"])]
        keep = [f"{cols[0]} IS NOT NULL"]
    else:
        cols = [column(c) for c in rule["columns"]]
        # any_null: dbt_expectations ignore_row_if any value is missing; all_null: rows with only NULLs are
        # ignored (a conservative reading where the macro is not named: it may miss a violation, never invent one).
        joiner = " OR " if rule["ignore"] == "any_null" else " AND "
        keep = [f"NOT ({joiner.join(f'{c} IS NULL' for c in cols)})"]
    condition = " AND ".join(_conditions(rule, *keep))
    key = cols[0] if len(cols) == 1 else f"({', '.join(cols)})"
    return f"count(*) FILTER (WHERE {condition}) - count(DISTINCT {key}) FILTER (WHERE {condition})"


def _threshold(rule: dict) -> tuple[str, int] | None:
    threshold = rule.get("threshold")
    return (threshold["op"], int(threshold["value"])) if threshold else None


def full_relation(rule: dict) -> str:
    """The tested relation with the staging columns any rule on it reads, so that all its rules share it."""
    if rule["model"] == "source":
        return f"raw.{rule['table']} AS {rule['table']}"
    return f"({model_sql(rule['model'], columns_used(rule['model']))}) AS {rule['model']}"


@cache
def columns_used(model: str) -> frozenset[str]:
    return frozenset().union(*(rule_words(r) for r in contract()["rules"] if r["model"] == model))


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


def quote(value: str) -> str:
    if value.startswith("'") and value.endswith("'") and len(value) > 1:
        return value
    return "'" + value.replace("'", "''") + "'"


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


def _conditions(rule: dict, *conditions: str) -> list[str]:
    return ([f"({rule['where']})"] if rule.get("where") else []) + list(conditions)


def not_null_predicate(rule: dict) -> list[str]:
    return _conditions(rule, f"{column(rule['column'])} IS NULL")


def accepted_values_predicate(rule: dict) -> list[str]:
    values = [quote(v) if rule["quote"] else v for v in rule["values"]]
    return _conditions(rule, f"{column(rule['column'])} NOT IN ({', '.join(values)})")


def expression_predicate(rule: dict) -> list[str]:
    return _conditions(rule, f"NOT ({resolve_refs(rule['expression'], rule_words(rule))})")


def relationships_predicate(rule: dict) -> list[str]:
    # NOT IN over the parent's non-NULL keys: an uncorrelated subquery PostgreSQL hashes once per scan.
    child = f"{relation_name(rule)}.{column(rule['column'])}"
    parent_rows = f"({model_sql(rule['parent'], rule_words(rule))}) AS parent"
    key = f'parent."{rule["field"]}"'
    parent_where = f" AND ({rule['parent_where']})" if rule.get("parent_where") else ""
    parent_keys = f"SELECT {key} FROM {parent_rows} WHERE {key} IS NOT NULL{parent_where}"
    return _conditions(rule, f"{child} IS NOT NULL", f"{child} NOT IN ({parent_keys})")


ROW_PREDICATES = {
    "not_null": not_null_predicate,
    "accepted_values": accepted_values_predicate,
    "expression": expression_predicate,
    "relationships": relationships_predicate,
}

KINDS = {
    "row_count": row_count_sql,
    "equal_rowcount": equal_rowcount_sql,
    "at_least_one": at_least_one_sql,
    "column_type": column_type_sql,
}
