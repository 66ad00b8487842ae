"""The house plan holds: every table is registered once with a writer that writes exactly it, and the imports only
run downwards (contract at the bottom; generators and validators never import each other)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from contract import schema, tables

ROOT = Path(__file__).resolve().parent.parent
OURS = {"contract", "generators", "validators", "writers", "config", "main", "loader", "pipeline", "report",
        "server", "server_account", "handoff", "tools"}


def _imports(path: Path) -> set[str]:
    """Top-level names of the project's own modules that a file imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & OURS


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_every_table_of_the_schema_is_registered_once():
    names = [t.name for t in tables.REGISTRY]
    assert len(names) == len(set(names))
    assert set(names) == set(schema.tables())
    assert {t.phase for t in tables.REGISTRY} == set(tables.PHASE_NAMES)
    assert {t.scope for t in tables.REGISTRY} == {tables.REFERENCE, tables.HOUSEHOLD, tables.ETL}


def test_each_writer_file_writes_exactly_its_tables():
    written: dict[str, set[str]] = {}
    for path in _files("generators"):
        for table in re.findall(r'sinks\["(\w+)"\]', path.read_text()):
            written.setdefault(table, set()).add(str(path.relative_to(ROOT)))
    for t in tables.REGISTRY:
        if t.scope == tables.ETL or t.name == "clinic":  # written by pipeline.py; clinic stays empty (G-03)
            continue
        assert written.get(t.name) == {t.writer}, t.name


def test_the_writers_are_listed_modules_that_exist():
    for name in tables.WRITERS:
        assert (ROOT / (name.replace(".", "/") + ".py")).exists(), name
    modules = {t.writer for t in tables.REGISTRY if t.writer.startswith("generators/")}
    listed = {name.replace(".", "/") + ".py" for name in tables.WRITERS}
    assert modules - listed <= {"generators/claims.py", "generators/ledger.py"}  # driven by financial.py


def test_the_contract_imports_nothing_of_ours():
    for path in _files("contract"):
        assert _imports(path) <= {"contract"}, path


def test_config_imports_nothing_of_ours_but_the_contract():
    assert _imports(ROOT / "config.py") <= {"contract"}


def test_generators_and_validators_never_import_each_other_nor_what_stands_above_them():
    for path in _files("generators"):
        assert _imports(path) <= {"generators", "contract", "config"}, path
    for path in _files("validators"):
        assert _imports(path) <= {"validators", "contract", "config"}, path
    for path in _files("writers"):
        assert _imports(path) <= {"writers", "contract", "loader", "config"}, path
