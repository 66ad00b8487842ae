"""The ground floor: what the downstream dbt project requires of schema raw, as data.

`schema` parses create_tables.sql (every table and column, in order); `tables` is the table registry (each
table's phase, scope, label and the file that writes it); `rules` holds the contract's constants (the date
floor, the last date, id bounds, what may lie after the as-of date); keys.json and checks.json are written by
tools/ from ../shared/contract. Nothing here imports anything else of the project: generators, validators and
writers all read it, and never each other.
"""
