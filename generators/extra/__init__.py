"""The rest of the practice: every table the dbt project reads beyond the core phases.

Each module of this package adds a few tables. It declares

    PHASE_TABLES: dict[str, tuple[str, ...]]   # the phase ("Foundation" ... "Supporting") each table loads in
    REFERENCE_TABLES: tuple[str, ...]          # those of its tables written once per run (default: none)

and may define

    emit_reference(ctx)                        # write the reference tables (ids fixed by the module)
    bounds(household) -> dict[str, int]        # the most rows one household can give each per-patient table
    emit_household(ctx, household, stories)    # write per-patient rows; stories: generators.story.Story

Modules run in name order; a module that needs another's reference ids imports its constants.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache


@cache
def modules() -> tuple:
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)


def phase_tables(phase: str) -> tuple[str, ...]:
    return tuple(t for m in modules() for t in m.PHASE_TABLES.get(phase, ()))


def reference_tables() -> tuple[str, ...]:
    return tuple(t for m in modules() for t in getattr(m, "REFERENCE_TABLES", ()))


def emit_reference(ctx) -> None:
    for module in modules():
        if hasattr(module, "emit_reference"):
            module.emit_reference(ctx)


def bounds(household) -> dict[str, int]:
    result: dict[str, int] = {}
    for module in modules():
        if hasattr(module, "bounds"):
            for table, n in module.bounds(household).items():
                result[table] = result.get(table, 0) + n
    return result


def emit_household(ctx, household, stories) -> None:
    for module in modules():
        if hasattr(module, "emit_household"):
            module.emit_household(ctx, household, stories)
