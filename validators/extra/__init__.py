"""Checks for the tables of generators/extra: each module here defines checks() -> list[Check]."""

from __future__ import annotations

import importlib
import pkgutil


def checks() -> list:
    names = sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))
    return [c for name in names for c in importlib.import_module(f"{__name__}.{name}").checks()]
