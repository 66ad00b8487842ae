"""The rest of the practice: every table the dbt project reads beyond the core modules, a few per module.

Each module follows the protocol of generators/engine.py (emit_reference, bounds, emit_household); the table
registry (contract/tables.py) lists them among the writers, in the order they run, and names their tables.
"""
