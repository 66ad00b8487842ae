"""The PostgreSQL writer: COPY text into schema raw, inside the run's one transaction (loader.py)."""

from __future__ import annotations

import time

import loader
from writers import copytext
from writers.base import Writer

FLUSH_BYTES = 256 * 1024  # one COPY statement per piece of about this size, not per table and chunk


class PostgresWriter(Writer):
    """Gathers each table's COPY text over chunks and sends it in pieces of about FLUSH_BYTES (most tables give a
    chunk only a few rows); keeps the seconds spent per table for --verbose."""

    kind = "postgres"

    def __init__(self, conn):
        self.conn = conn
        self.seconds: dict[str, float] = {}
        self._pending: dict[str, list[str]] = {}
        self._size: dict[str, int] = {}

    def encode(self, table: str, rows: list[tuple]) -> str:
        return copytext.encode(table, rows)

    def write(self, table: str, payload: str, count: int) -> None:
        if not payload:
            return
        self._pending.setdefault(table, []).append(payload)
        self._size[table] = self._size.get(table, 0) + len(payload)
        if self._size[table] >= FLUSH_BYTES:
            self._send(table)

    def flush(self) -> None:
        for table in list(self._pending):
            self._send(table)

    def _send(self, table: str) -> None:
        started = time.perf_counter()
        loader.copy_text(self.conn, table, "".join(self._pending.pop(table)))
        self._size[table] = 0
        self.timed(table, started)

    def timed(self, table: str, started: float) -> None:
        self.seconds[table] = self.seconds.get(table, 0.0) + time.perf_counter() - started

    def loaded_counts(self, counts: dict[str, int]) -> dict[str, int]:
        # Counted in the database, so that shards loaded by different runs leave the same rows as one run.
        return loader.row_counts(self.conn, list(counts))

    def write_status(self, table: str, rows: list[tuple]) -> None:
        loader.upsert_status(self.conn, table, rows)
