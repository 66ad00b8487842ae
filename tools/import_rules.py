"""Translate the contract's dbt tests (the R-lines of rules.md) into checks the generator can run itself.

    python tools/import_rules.py [path/to/rules.md] [path/to/tables.json]

writes contract/checks.json, read at runtime by validators/contract_checks.py:
  models   per staging model, an emulation built from tables.json: one SQL expression per staging column
           (alias) over the raw columns, and the model's row filter as a CTE list ending in source_data
           (None when it reads the whole table); current_date/current_timestamp are already placeholders
  rules    one entry per R-line translated: id, table, severity, model ("source" = the raw table), kind (what
           the checker runs: not_null, unique, accepted_values, relationships, expression, ...), its fields
           (column, values, parent/field, expression, where, threshold ...), test (the dbt test as read) and
           description
  skipped  the R-lines left out, with the reason
  summary  translated / skipped per test

A rule is skipped, never approximated, when its meaning cannot be reproduced exactly: it names a column dbt adds
(_loaded_at ...), a staging column whose expression tables.json truncated, a custom macro whose SQL the contract
does not give, or text this parser does not recognise. The output is committed; re-run only when the contract
changes.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT.parent / "shared" / "contract"
OUTPUT = ROOT / "contract" / "checks.json"

# tables.json cuts staging expressions at this many characters: an expression that long is incomplete.
EXPRESSION_CAP = 200
DBT_COLUMNS = {"_loaded_at", "_transformed_at"}  # added by the dbt models themselves, not derived from raw data

# The staging transforms of tables.json, in the exact SQL of the dbt macros (see rules.md §0).
CLEAN_DATE = (
    "CASE WHEN {c} = '0001-01-01 00:00:00.000'::timestamp OR {c} = '1900-01-01 00:00:00.000'::timestamp"
    " OR {c} = '0001-01-01'::date OR {c} = '1900-01-01'::date THEN NULL ELSE {c} END"
)
TRANSFORMS = {
    "passthrough": "{c}",
    "id_cast": "CASE WHEN {c}::text ~ '^[0-9]+$' THEN {c}::text::integer ELSE NULL END",
    "id_cast_nullif0": "CASE WHEN NULLIF({c}, 0)::text ~ '^[0-9]+$' THEN NULLIF({c}, 0)::text::integer ELSE NULL END",
    "bool_text1": "CASE WHEN {c}::text = '1' THEN true ELSE false END",
    "clean_date": CLEAN_DATE,
}
# The same casts for integer columns, where they are equivalent and much cheaper: the text of an integer
# matches ^[0-9]+$ exactly when it is not negative.
INTEGER_TRANSFORMS = {
    "id_cast": "CASE WHEN {c} >= 0 THEN {c}::integer ELSE NULL END",
    "id_cast_nullif0": "CASE WHEN {c} > 0 THEN {c}::integer ELSE NULL END",
}
# Staging column types we know for sure, for `has type` tests: the CASE of these transforms fixes the type.
TRANSFORM_TYPES = {"id_cast": "integer", "id_cast_nullif0": "integer", "bool_text1": "boolean"}
# fmt: off
DDL_TYPES = {
    "int2": "smallint", "int4": "integer", "int8": "bigint", "float4": "real", "float8": "double precision",
    "bool": "boolean", "text": "text", "varchar": "character varying", "bpchar": "character", "date": "date",
    "timestamp": "timestamp without time zone", "time": "time without time zone",
}
SQL_WORDS = {
    "and", "or", "not", "is", "null", "true", "false", "in", "between", "case", "when", "then", "else", "end",
    "like", "ilike", "interval", "date", "timestamp", "select", "from", "where", "as", "distinct",
    "current_date", "current_timestamp",
}
SQL_FUNCTIONS = {"coalesce", "nullif", "trim", "length", "abs", "lower", "upper", "round", "count", "exists", "concat"}
# fmt: on
REF = re.compile(r"\{\{\s*ref\('(\w+)'\)\s*\}\}")

R_LINE = re.compile(
    r"^- \*\*(?P<id>R-(?P<table>\w+)-\d+)\*\* \[(?P<severity>ERROR|WARN)\] \((?P<model>\w+)\) (?P<body>.*)$"
)
THRESHOLD = re.compile(r"\s*\[warn_if\s*(?P<warn>[^,\]]+),\s*error_if\s*(?P<error>[^\]]+)\]$")
ROWS = re.compile(r"\s*\[rows: (?P<rows>.+)\]$")
WHERE = r"(?: WHERE (?P<where>.+))?"
TEST_SYNTAX = {  # test label -> regex over the line body; the first match wins
    "not_null": rf"^`(?P<col>\w+)` NOT NULL{WHERE}$",
    "unique": rf"^`(?P<col>[^`]+)` UNIQUE{WHERE}$",  # the column may be an expression: concat(a, '_', b)
    "accepted_values": rf"^`(?P<col>\w+)` ∈ \{{(?P<values>.*)\}}(?P<unquoted> \(unquoted\))?{WHERE}$",
    "relationships": (
        r"^`(?P<col>\w+)` → ref\('(?P<parent>\w+)'\)\.(?P<field>\w+)"
        r"(?: WHERE (?P<where>.+?))?(?: \(from: (?P<from>[^;]+); to: (?P<to>[^)]+)\))?$"
    ),
    "unique_combination": r"^\((?P<cols>[\w, ]+)\) UNIQUE(?P<any_null> ignoring rows with any_value_is_missing)?$",
    "row_count": r"^row count between (?P<min>\d+) and (?P<max>\d+)$",
    "equal_rowcount": r"^row count = row count of source\('opendental', '(?P<source>\w+)'\)$",
    "at_least_one": r"^at least one non-NULL `(?P<col>\w+)` \(table not empty\)$",
    "column_type": r"^`(?P<col>\w+)` has type (?P<type>[a-z ]+)$",
    "positive": rf"^`(?P<col>\w+)` > (?P<min>-?\d+(?:\.\d+)?){WHERE}$",
    "non_negative": r"^`(?P<col>\w+)` ≥ (?P<min>-?\d+(?:\.\d+)?) or NULL$",
    "date_after": r"^`(?P<col>\w+)` ≥ (?P<date>\d{4}-\d{2}-\d{2})$",
    "date_not_future": r"^`(?P<col>\w+)` ≤ current_date \+ (?P<years>\d+) years$",
    "not_empty": r"^`(?P<col>\w+)` <> '' \(after trim\)$",
    "length_range": r"^(?P<min>\d*)\s*≤ length\(`(?P<col>\w+)`\) ≤ (?P<max>\d+)$",
    "range": rf"^(?P<min>[^`]+?) ≤ `(?P<col>\w+)`(?: ≤ (?P<max>[^`]+?))?{WHERE}$",
    "custom": r"^(?P<macro>\w+)(?:\(`(?P<col>\w+)`\))?.* – see (?P<custom>C-\d+)$",
    "expression": rf"^`(?P<expr>[^`]+)`{WHERE}$",
}
PATTERNS = {label: re.compile(regex) for label, regex in TEST_SYNTAX.items()}

# C-15 / C-16 (rules.md §5) are plain regular-expression rules on the staging procedure_code.
CUSTOM_EXPRESSIONS = {
    "C-15": "NOT (procedure_code LIKE 'D%' AND length(procedure_code) > 1 AND procedure_code !~ '^D[0-9]')",
    "C-16": (
        "procedure_code ~ '^D[0-9]' OR procedure_code ~ '^[0-9]{5}' OR procedure_code ~ '^N[0-9]+'"
        " OR procedure_code ~ '^Z[a-z]+' OR procedure_code ~ '^[0-9]{4}$' OR procedure_code ~ '^[A-Z0-9]{2,6}$'"
        " OR procedure_code ~ '^\\*[A-Z0-9+]+' OR procedure_code ~ '^~[A-Z0-9]+~$'"
        " OR procedure_code ~ '^[A-Za-z0-9/.\\s-]{2,20}$'"
        " OR procedure_code IN ('Watch', 'D', 'Clo', 'iO Brush', '3Dtemp', 'Roottip', 'Smart 1500')"
    ),
}


class Skip(Exception):
    """An R-line that cannot be translated faithfully: why, and about what."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


# ---------------------------------------------------------------- staging emulation


def with_placeholders(sql: str) -> str:
    """The data's "today" replaces the clock, so checks give the same answer whenever they run."""
    sql = re.sub(r"\bcurrent_timestamp\b|\bnow\(\)", ":as_of_ts", sql, flags=re.IGNORECASE)
    sql = re.sub(r"\bcurrent_date\b", ":as_of_date", sql, flags=re.IGNORECASE)
    return re.sub(r"\bAGE\((\"\w+\")\)", r"AGE(:as_of_ts, \1)", sql, flags=re.IGNORECASE)  # one-argument AGE uses today


def is_complete(expr: str) -> bool:
    """False for the expressions tables.json cut off (at EXPRESSION_CAP characters)."""
    if len(expr) >= EXPRESSION_CAP or expr.count("'") % 2 or expr.count('"') % 2:
        return False
    words = re.findall(r"\w+", re.sub(r"'[^']*'", "''", expr).lower())
    if expr.count("(") != expr.count(")") or words.count("case") != words.count("end"):
        return False
    return not words or words[-1] not in {"and", "or", "not", "when", "then", "else", "case"}


def alias_sql(column: str, transform: str, column_type: str = "") -> str | None:
    quoted = f'"{column}"'
    if transform in INTEGER_TRANSFORMS and column_type in ("int2", "int4", "int8"):
        return INTEGER_TRANSFORMS[transform].format(c=quoted)
    if transform in TRANSFORMS:
        return TRANSFORMS[transform].format(c=quoted)
    if transform.startswith("expression: "):
        expr = transform.removeprefix("expression: ")
        return with_placeholders(expr) if is_complete(expr) else None
    return None  # ETL bookkeeping notes: not a staging transform


def staging_filter(text: str) -> str:
    """`with a as (...), source_data as (...)` -> the CTE list, runnable inside a checker query."""
    ctes = re.sub(r"^\s*with\s+", "", text, flags=re.IGNORECASE)
    ctes = re.sub(r"\bclean\(((?:\w+\.)?\"\w+\")\)", lambda m: CLEAN_DATE.format(c=m.group(1)), ctes)
    ctes = re.sub(r"\b(stg_opendental__\w+)\b", r"{{ ref('\1') }}", ctes)  # a filter joining another model
    return with_placeholders(ctes)


def build_models(tables: list[dict]) -> dict:
    filters = {model: text for t in tables for model, text in t["staging_filter"].items()}
    models: dict[str, dict] = {}
    for table in tables:
        for model in table["read_by_models"]:
            if model == f"stg_opendental__{table['table']}":
                models[model] = {"table": table["table"], "filter": filters.get(model), "columns": {}, "types": {}}
    doubtful: set[tuple[str, str]] = set()
    for table in tables:
        for column in table["columns"]:
            for alias in column.get("staging_aliases") or []:
                add_alias(models, table, column, alias, doubtful)
    for model, alias in sorted(doubtful):  # truncated, or two different definitions: the real SQL is unknown
        models[model]["columns"].pop(alias, None)
        models[model]["types"].pop(alias, None)
        models[model].setdefault("unknown_sql", []).append(alias)
    for model in models.values():
        model["filter"] = staging_filter(model["filter"]) if model["filter"] else None
    return models


def add_alias(models: dict, table: dict, column: dict, alias: dict, doubtful: set) -> None:
    model = models.get(alias.get("model"))
    if model is None:
        return
    # A column of another raw table is only reachable when the model's filter selects it (sheetfield <- sheet).
    if table["table"] != model["table"] and f'"{column["name"]}"' not in (model["filter"] or ""):
        return
    name, sql = alias["alias"], alias_sql(column["name"], alias["transform"], column["type"])
    if sql is None or model["columns"].get(name, sql) != sql:
        doubtful.add((alias["model"], name))
        return
    model["columns"][name] = sql
    known_type = TRANSFORM_TYPES.get(alias["transform"])
    if alias["transform"] == "passthrough":
        known_type = DDL_TYPES.get(column["type"].split("(")[0])
    if known_type:
        model["types"][name] = known_type


# ---------------------------------------------------------------- identifier checks


def unknown_names(sql: str, allowed: set[str], models: dict, model_name: str | None = None) -> list[str]:
    """Names in a dbt SQL snippet that the emulated model does not provide (empty list = translatable)."""
    refs = REF.findall(sql)
    if any(ref not in models for ref in refs):
        return [ref for ref in refs if ref not in models]
    allowed = allowed | {alias for ref in refs for alias in models[ref]["columns"]}
    text = re.sub(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b", " ", REF.sub(" __ref__ ", sql))
    text = re.sub(r"::\s*(?:double precision|character varying|\w+)", " ", text)
    qualifiers = set(re.findall(r"__ref__\s+(?:as\s+)?(\w+)", text, flags=re.IGNORECASE)) | {model_name or ""}
    unknown = []
    for qualifier, name in re.findall(r"(\w+)\.(\w+)", text):
        if qualifier not in qualifiers or name not in allowed:
            unknown.append(f"{qualifier}.{name}")
    text = re.sub(r"\w+\.\w+|__ref__\s+(?:as\s+)?\w+", " ", text, flags=re.IGNORECASE)
    for word, call in re.findall(r"\b([A-Za-z_]\w*)\b\s*(\(?)", text):
        lower = word.lower()
        if word in allowed or lower in SQL_WORDS or (call and lower in SQL_FUNCTIONS):
            continue
        unknown.append(word)
    return unknown


def unknown_raw_names(sql: str, columns: set[str]) -> list[str]:
    """The same for source tests: quoted names must be raw columns, unquoted words plain SQL."""
    unknown = [name for name in re.findall(r'"(\w+)"', sql) if name not in columns]
    text = re.sub(r"'(?:[^']|'')*'|\"\w+\"", " ", sql)
    unknown += [w for w in re.findall(r"\b([A-Za-z_]\w*)\b", text) if w.lower() not in SQL_WORDS]
    return unknown


# ---------------------------------------------------------------- R-line parsing


def parse_values(text: str) -> list[str]:
    return [v.strip() for v in re.findall(r"\s*('(?:[^']|'')*'|[^,]+)\s*(?:,|$)", text) if v.strip()]


def parse_threshold(text: str) -> dict:
    op, value = re.fullmatch(r"\s*(>=|<=|!=|>|<|=)\s*(\d+)\s*", text).groups()
    return {"op": op, "value": int(value)}


def split_line(body: str) -> tuple[str, dict]:
    """Body without the lineage note, and the [rows: ...] / [warn_if ...] decorations."""
    body = body.split(" ⟵ ")[0].strip()
    extra: dict = {}
    if match := THRESHOLD.search(body):
        extra["thresholds"] = {"warn": parse_threshold(match["warn"]), "error": parse_threshold(match["error"])}
        body = body[: match.start()]
    if match := ROWS.search(body):
        extra["where"] = match["rows"]
        body = body[: match.start()]
    return body.strip(), extra


def classify(body: str) -> tuple[str, dict]:
    """-> (test label, fields); custom macros are labelled by their C-id."""
    for label, regex in PATTERNS.items():
        if match := regex.match(body):
            fields = {k: v for k, v in match.groupdict().items() if v is not None}
            return (f"custom {fields['custom']}" if label == "custom" else label), fields
    raise Skip("unparsed")


def translate(label: str, f: dict) -> dict:
    """Test label + regex fields -> the checker's fields (kind and its parameters)."""
    col = f.get("col")
    label = label.split()[0]  # "custom C-15" -> "custom"
    if label in {"not_null", "unique", "at_least_one"}:
        return {"kind": label, "column": col}
    if label == "accepted_values":
        return {"kind": label, "column": col, "values": parse_values(f["values"]), "quote": "unquoted" not in f}
    if label == "relationships":
        rule = {"kind": label, "column": col, "parent": f["parent"], "field": f["field"]}
        if "to" in f:  # relationships_where: to_condition filters the parents (from_condition is a WHERE)
            rule["parent_where"] = f["to"]
        return rule
    if label == "unique_combination":
        cols = [c.strip() for c in f["cols"].split(",")]
        return {"kind": label, "columns": cols, "ignore": "any_null" if "any_null" in f else "all_null"}
    if label == "row_count":
        return {"kind": label, "min": int(f["min"]), "max": int(f["max"])}
    if label == "equal_rowcount":
        return {"kind": label, "source": f["source"]}
    if label == "column_type":
        return {"kind": label, "column": col, "type": f["type"]}
    return {"kind": "expression", "expression": expression_for(label, f)}


def expression_for(label: str, f: dict) -> str:
    col = f.get("col")
    if label == "positive":
        return f"{col} > {f['min']}"
    if label == "non_negative":
        return f"{col} >= {f['min']}"
    if label == "date_after":
        return f"{col} >= '{f['date']}'"
    if label == "date_not_future":
        return f"{col} <= current_date + interval '{f['years']} years'"
    if label == "not_empty":
        return f"trim({col}) <> ''"
    if label == "length_range":
        low = f"length({col}) >= {f['min']} AND " if f.get("min") else ""
        return f"{low}length({col}) <= {f['max']}"
    if label == "range":
        high = f" AND {col} <= {f['max']}" if f.get("max") else ""
        return f"{col} >= {f['min']}{high}"
    if label == "custom":
        if f["custom"] not in CUSTOM_EXPRESSIONS:
            raise Skip("custom test whose SQL the contract does not give", f["custom"])
        return CUSTOM_EXPRESSIONS[f["custom"]]
    if "--" in f["expr"]:
        raise Skip("expression holds an SQL comment (its line breaks are lost)")
    return f["expr"]


def names_in(rule: dict) -> list[tuple[str, str]]:
    """(snippet, whose names) pairs to validate: 'self' = the tested relation, 'parent' = the referenced model."""
    snippets = [(c, "self") for c in [rule.get("column"), *rule.get("columns", [])] if c]
    snippets += [(rule[k], "self") for k in ("expression", "where") if rule.get(k)]
    if rule.get("parent_where"):
        snippets.append((rule["parent_where"], "parent"))
    return snippets


def validate(rule: dict, models: dict, raw_columns: dict) -> None:
    """Raise Skip unless every name the rule uses exists in what it runs on."""
    words = {w for snippet, _ in names_in(rule) for w in re.findall(r"\w+", snippet)}
    if words & DBT_COLUMNS:
        raise Skip("column added by dbt", ", ".join(sorted(words & DBT_COLUMNS)))
    if rule["model"] == "source":
        validate_source(rule, raw_columns[rule["table"]])
    else:
        validate_staging(rule, models)


def validate_source(rule: dict, columns: set[str]) -> None:
    bad = [rule["column"]] if rule.get("column") and rule["column"] not in columns else []
    bad += [name for key in ("expression", "where") for name in unknown_raw_names(rule.get(key, ""), columns)]
    if bad:
        raise Skip("unknown raw column", ", ".join(sorted(set(bad))))


def validate_staging(rule: dict, models: dict) -> None:
    if rule["model"] not in models:
        raise Skip("model not emulated", rule["model"])
    if rule["kind"] == "relationships" and rule["field"] not in models.get(rule["parent"], {}).get("columns", {}):
        raise Skip("unknown parent column", f"{rule['parent']}.{rule['field']}")
    bad = []
    for snippet, whose in names_in(rule):
        scope = models[rule["parent"] if whose == "parent" else rule["model"]]
        bad += unknown_names(snippet, set(scope["columns"]), models, rule["model"])
    if bad:
        truncated = set(bad) & set(models[rule["model"]].get("unknown_sql", []))
        reason = "staging column with truncated or ambiguous SQL" if truncated else "unknown staging column"
        raise Skip(reason, ", ".join(sorted(set(bad))))
    if rule["kind"] == "column_type" and rule["column"] not in models[rule["model"]]["types"]:
        raise Skip("staging column type not certain (clean_date or expression)", rule["column"])


def build_rule(match: re.Match, label: str, fields: dict, extra: dict, models: dict, raw_columns: dict) -> dict:
    rule = {"id": match["id"], "table": match["table"], "severity": match["severity"], "model": match["model"]}
    rule |= translate(label, fields)
    where = " AND ".join(f"({w})" for w in (fields.get("where"), fields.get("from"), extra.get("where")) if w)
    if where:
        rule["where"] = where
    if "thresholds" in extra:
        # Both are kept for the record; the checker applies the one dbt uses: error_if decides an ERROR test,
        # while a WARN test (severity: warn) skips error_if and only looks at warn_if.
        rule["thresholds"] = extra["thresholds"]
        rule["threshold"] = extra["thresholds"]["error" if rule["severity"] == "ERROR" else "warn"]
    validate(rule, models, raw_columns)
    for key in ("expression", "where", "parent_where"):
        if rule.get(key):
            rule[key] = with_placeholders(rule[key])
    return rule


def import_rules(rules_md: str, tables: list[dict]) -> dict:
    models = build_models(tables)
    raw_columns = {
        t["table"]: {c["name"] for c in t["columns"]} | set(t.get("other_ddl_columns_not_read") or []) for t in tables
    }
    rules, skipped = [], []
    translated, dropped = Counter(), Counter()
    for line in rules_md.splitlines():
        if not (match := R_LINE.match(line)):
            continue
        body, extra = split_line(match["body"])
        label = "unparsed"
        try:
            label, fields = classify(body)
            rule = build_rule(match, label, fields, extra, models, raw_columns)
            rules.append(rule | {"test": label, "description": f"{match['model']}: {body}"[:160]})
            translated[label] += 1
        except Skip as skip:
            skipped.append({"id": match["id"], "kind": label, "reason": skip.reason, "detail": skip.detail})
            dropped[label] += 1
    return {"models": models, "rules": rules, "skipped": skipped, "summary": summary(translated, dropped)}


def summary(translated: Counter, dropped: Counter) -> dict:
    kinds = sorted(set(translated) | set(dropped))
    return {kind: {"translated": translated[kind], "skipped": dropped[kind]} for kind in kinds}


def print_summary(result: dict) -> None:
    print(f"{'kind':<22}{'translated':>11}{'skipped':>9}")
    for kind, counts in result["summary"].items():
        print(f"{kind:<22}{counts['translated']:>11}{counts['skipped']:>9}")
    total_ok, total_skip = len(result["rules"]), len(result["skipped"])
    print(f"{'total':<22}{total_ok:>11}{total_skip:>9}")
    for reason, count in Counter(s["reason"] for s in result["skipped"]).most_common():
        print(f"  skipped: {count:>4}  {reason}")


def to_json(result: dict) -> str:
    """Indented JSON with one rule (or skipped line) per line: compact, and readable in a diff."""
    parts = []
    for key, value in result.items():
        if isinstance(value, list):
            items = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in value)
            parts.append(f' "{key}": [\n  {items}\n ]')
        else:
            parts.append(f' "{key}": ' + json.dumps(value, indent=1, ensure_ascii=False).replace("\n", "\n "))
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: list[str]) -> None:
    rules_path = Path(argv[1]) if len(argv) > 1 else CONTRACT / "rules.md"
    tables_path = Path(argv[2]) if len(argv) > 2 else CONTRACT / "tables.json"
    tables = json.loads(tables_path.read_text())["tables"]
    result = import_rules(rules_path.read_text(), tables)
    OUTPUT.write_text(to_json(result))
    print_summary(result)
    print(f"wrote {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv)
