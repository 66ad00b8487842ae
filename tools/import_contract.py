"""Turn the downstream contract (tables.json) into the two files the generator ships with.

    python tools/import_contract.py [path/to/contract/tables.json]

writes
  create_tables.sql          the raw schema: every table the dbt project reads, exact names and types
  contract/keys.json         primary keys, staging filters and foreign keys, for the validators

Both outputs are committed, so neither the generator nor CI needs the contract directory. Re-run this
tool only when the contract changes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONTRACT = ROOT.parent / "shared" / "contract" / "tables.json"

# Columns that exist in the OpenDental DDL but that no model reads: tables.json names them without a type.
# Types follow OpenDental's own schema; they only need to be sensible, nothing downstream reads them.
UNREAD_COLUMN_TYPES = {
    "appointment": {"IsMirrored": "bool"},
    "claim": {
        "CanadianMaterialsForwarded": "varchar(10)",
        "CanadianReferralProviderNum": "varchar(20)",
        "CanadianReferralReason": "int2",
        "CanadianIsInitialLower": "varchar(5)",
        "CanadianDateInitialLower": "date",
        "CanadianMandProsthMaterial": "int2",
        "CanadianIsInitialUpper": "varchar(5)",
        "CanadianDateInitialUpper": "date",
        "CanadianMaxProsthMaterial": "int2",
        "CanadaTransRefNum": "varchar(255)",
        "CanadaEstTreatStartDate": "date",
        "CanadaInitialPayment": "float8",
        "CanadaPaymentMode": "int2",
        "CanadaTreatDuration": "int2",
        "CanadaNumAnticipatedPayments": "int2",
        "CanadaAnticipatedPayAmount": "float8",
    },
    "commlog": {"DateTStamp": "timestamp"},
    "document": {"ChartLetterStatus": "int2", "UserNum": "int8", "ChartLetterHash": "varchar(255)"},
    "etl_load_status": {"last_primary_value": "varchar(255)", "primary_column_name": "varchar(255)"},
    "etl_transform_status": {
        "last_primary_value": "varchar(255)",
        "primary_column_name": "varchar(255)",
        "_created_at": "timestamp",
        "_updated_at": "timestamp",
    },
    "histappointment": {"SecDateTEntry": "timestamp", "IsMirrored": "bool"},
    "insplan": {
        "DentaideCardSequence": "int2",
        "CanadianPlanFlag": "varchar(5)",
        "CanadianDiagnosticCode": "varchar(255)",
        "CanadianInstitutionCode": "varchar(255)",
        "InsPlansZeroWriteOffsOnAnnualMaxOverride": "int2",
        "InsPlansZeroWriteOffsOnFreqOrAgingOverride": "int2",
    },
    "inssub": {"SecurityHash": "varchar(255)"},
    "insverify": {"SecurityHash": "varchar(255)"},
    "insverifyhist": {"SecurityHash": "varchar(255)"},
    "patient": {
        "SSN": "varchar(100)",
        "Address": "varchar(100)",
        "Address2": "varchar(100)",
        "City": "varchar(100)",
        "State": "varchar(100)",
        "Zip": "varchar(100)",
        "HmPhone": "varchar(30)",
        "WkPhone": "varchar(30)",
        "WirelessPhone": "varchar(30)",
        "CreditType": "bpchar(1)",
        "Email": "varchar(100)",
        "Salutation": "varchar(100)",
        "BillingType": "int8",
        "ImageFolder": "varchar(100)",
        "AddrNote": "text",
        "FamFinUrgNote": "text",
        "MedUrgNote": "varchar(255)",
        "ApptModNote": "varchar(255)",
        "SchoolName": "varchar(255)",
        "ChartNumber": "varchar(100)",
        "MedicaidID": "varchar(20)",
        "EmployerNum": "int8",
        "EmploymentNote": "varchar(255)",
        "County": "varchar(255)",
        "GradeLevel": "int2",
        "TrophyFolder": "varchar(255)",
        "Ward": "varchar(255)",
        "Title": "varchar(15)",
        "SiteNum": "int8",
        "ResponsParty": "int8",
        "CanadianEligibilityCode": "int2",
        "SuperFamily": "int8",
        "SmokingSnoMed": "varchar(32)",
        "Country": "varchar(255)",
        "HasSuperBilling": "bool",
        "PatNumCloneFrom": "int8",
        "DiscountPlanNum": "int8",
        "HasSignedTil": "bool",
        "ShortCodeOptIn": "int2",
        "SecurityHash": "varchar(255)",
    },
    "paysplit": {"SecurityHash": "varchar(255)"},
    "provider": {
        "SSN": "varchar(12)",
        "BlueCrossID": "varchar(25)",
        "MedicaidID": "varchar(20)",
        "CanadianOfficeNum": "varchar(100)",
        "EcwID": "varchar(255)",
        "StateRxID": "varchar(255)",
    },
    "statement": {"ShowTransSinceBalZero": "bool"},
    "userod": {"Password": "varchar(255)", "DomainUser": "varchar(255)", "BadgeId": "varchar(255)"},
}

UNREAD_DEFAULTS = {("etl_transform_status", "_created_at"): "CURRENT_TIMESTAMP",
                   ("etl_transform_status", "_updated_at"): "CURRENT_TIMESTAMP"}

# Extra row conditions of relationship tests, written over raw columns (the test's `where` is in staging
# names). Keyed by (child table, child column).
FK_EXTRA_CONDITIONS = {
    ("claimproc", "ClaimNum"): '"Status" <> 2',
    ("procedurelog", "PlannedAptNum"): '"ProcStatus" = 1',
    ("procedurelog", "StatementNum"): '"ProcDate" <= :as_of_date',
    ("procedurelog", "AptNum"): "\"ProcDate\" >= DATE '2023-01-01'",
    ("task", "KeyNum"): '"ObjectType" = 1',
    ("commlog", "UserNum"): '"UserNum" NOT IN (20, 36, 43, 45, 51, 54, 9280, 9281)',
    ("commlog", "ProgramNum"): '"ProgramNum" <> 95',
}

# Foreign keys recorded in tables.json that are not plain "child column must exist in parent" rules:
# model quirks, accidental joins and equality rules. The validators check the ones that matter as
# dedicated rules (see validators/).
FK_SPECIAL_MARKERS = ("quirk", "accidental join", "must be equal", "never matches")


def ddl_type(column_type: str) -> str:
    return "integer" if column_type == "serial4" else column_type


def quote(name: str, quoted: bool = True) -> str:
    return f'"{name}"' if quoted else name


def table_ddl(table: dict) -> str:
    name = table["table"]
    lines = []
    sequences = []
    for col in table["columns"]:
        ident = quote(col["name"], col["quoted"])
        parts = [ident, ddl_type(col["type"])]
        if col["type"] == "serial4":
            seq = f"raw.{name}_{col['name']}_seq"
            sequences.append(seq)
            parts.append(f"NOT NULL DEFAULT nextval('{seq}')")
        else:
            if col["not_null"]:
                parts.append("NOT NULL")
            if col["default"] is not None:
                parts.append(f"DEFAULT {col['default']}")
        lines.append("    " + " ".join(parts))
    quoted_style = all(c["quoted"] for c in table["columns"])
    for extra in table["other_ddl_columns_not_read"]:
        ctype = UNREAD_COLUMN_TYPES[name][extra]
        default = UNREAD_DEFAULTS.get((name, extra))
        ident = quote(extra, quoted_style)
        lines.append(f"    {ident} {ctype}" + (f" DEFAULT {default}" if default else ""))
    pk_cols = ", ".join(quote(c, quoted_style) for c in table["primary_key"])
    lines.append(f"    CONSTRAINT {name}_pkey PRIMARY KEY ({pk_cols})")
    for unique in table["unique_constraints"]:
        cols = ", ".join(quote(c, quoted_style) for c in unique)
        lines.append(f"    CONSTRAINT {name}_{'_'.join(unique)}_key UNIQUE ({cols})")
    out = [f"CREATE SEQUENCE IF NOT EXISTS {seq};" for seq in sequences]
    out.append(f"CREATE TABLE IF NOT EXISTS raw.{name} (\n" + ",\n".join(lines) + "\n);")
    return "\n".join(out)


def staging_where(table: dict) -> str | None:
    """The table's own staging filter as a boolean SQL expression over its raw columns.

    `clean(x)` (0001-01-01 / 1900-01-01 become NULL) is written out; `current_date` and
    `current_timestamp` become the placeholders :as_of_date and :as_of_ts.
    """
    text = table["staging_filter"].get(f"stg_opendental__{table['table']}")
    if not text:
        return None
    match = re.match(r"^with source_data as \( select \* from raw\.(\w+) where (.*) \)$", text)
    if not match or match.group(1) != table["table"]:
        return None
    where = match.group(2)
    where = re.sub(
        r'clean\(("\w+")\)',
        r"(CASE WHEN \1::date IN (DATE '0001-01-01', DATE '1900-01-01') THEN NULL ELSE \1 END)",
        where,
    )
    where = re.sub(r"current_date", ":as_of_date", where, flags=re.IGNORECASE)
    where = re.sub(r"current_timestamp", ":as_of_ts", where, flags=re.IGNORECASE)
    return where


def severity(enforced_by: str) -> str:
    if "(ERROR)" in enforced_by:
        return "ERROR"
    if "(WARN)" in enforced_by:
        return "WARN"
    return "JOIN"


def foreign_keys(table: dict) -> list[dict]:
    columns = {c["name"]: c for c in table["columns"]}
    result = []
    for fk in table["foreign_keys"]:
        text = fk["enforced_by"]
        ref = fk["references"]
        if "+" in fk["column"] or "(" in ref or any(m in text for m in FK_SPECIAL_MARKERS):
            continue
        parent, parent_col = ref.split(".")
        col = columns.get(fk["column"])
        transforms = [a["transform"] for a in col["staging_aliases"]] if col else []
        where = text.split(" where ", 1)[1] if " where " in text else ""
        zero_is_none = (
            any("nullif0" in t or "NULLIF" in t for t in transforms)
            or "!= 0" in where.split(";")[0]
            or "NOT IN (0" in where
        )
        result.append(
            {
                "column": fk["column"],
                "parent": parent,
                "parent_column": parent_col,
                "severity": severity(text),
                "tested": "relationships on " in text,  # a dbt relationships test (an R-line) ...
                "joined": "join in " in text,  # ... and/or a join in the models
                "zero_is_none": zero_is_none,
                "condition": FK_EXTRA_CONDITIONS.get((table["table"], fk["column"])),
            }
        )
    return result


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_CONTRACT
    contract = json.loads(source.read_text())
    tables = sorted(contract["tables"], key=lambda t: t["table"])

    header = (
        "-- The raw schema read by the dbt project: every table of the contract's tables.json, with its exact\n"
        "-- quoted column names, PostgreSQL types and primary key. Idempotent; runs on its own with\n"
        "--   psql -d opendental_demo -f create_tables.sql\n"
        "-- Generated by tools/import_contract.py; edit that tool, not this file.\n\n"
        "CREATE SCHEMA IF NOT EXISTS raw;\n"
    )
    body = "\n\n".join(table_ddl(t) for t in tables)
    (ROOT / "create_tables.sql").write_text(header + "\n" + body + "\n")

    summary = {
        "source": "dbt_dental_models contract (tables.json)",
        "tables": {
            t["table"]: {
                "primary_key": t["primary_key"],
                "staging_where": staging_where(t),
                "foreign_keys": foreign_keys(t),
                "row_count_rules": t["row_count_rules"],
            }
            for t in tables
        },
    }
    (ROOT / "contract" / "keys.json").write_text(json.dumps(summary, indent=1) + "\n")
    print(f"wrote create_tables.sql and contract/keys.json ({len(tables)} tables)")


if __name__ == "__main__":
    main(sys.argv)
