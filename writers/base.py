"""The Writer interface the pipeline drives."""

from __future__ import annotations


class Writer:
    """Receives every table's rows, reference tables first, then chunk by chunk in chunk order.

    `encode` must be a plain function of its arguments (workers call it on their own copy of the writer);
    `write` is called in the main process only.
    """

    kind = ""  # "postgres", "csv", "parquet": for messages

    def encode(self, table: str, rows: list[tuple]):
        raise NotImplementedError

    def write(self, table: str, payload, count: int) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        """Everything written so far has reached its destination."""

    def loaded_counts(self, counts: dict[str, int]) -> dict[str, int]:
        """The rows each table holds once written (a database may hold other shards' rows too)."""
        return counts

    def write_status(self, table: str, rows: list[tuple]) -> None:
        """The ETL status rows, written after everything else."""
        self.write(table, self.encode(table, rows), len(rows))
