"""Writers to a folder of files, one per table: CSV (csvtext.py) or Parquet (arrow.py).

The folder must be new (its parent must exist) or empty; every table of schema raw gets a file, even when
empty, and create_tables.sql is copied beside them. If the run fails or is interrupted, `abort` removes what
was written (and the folder, when the writer made it), so nothing half-written is left.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from contract import schema
from writers import arrow, csvtext
from writers.base import Writer


class OutputError(Exception):
    """The output folder cannot be used; one line that says how to fix it."""


def check_folder(kind: str, folder: Path) -> None:
    """Refuse, before anything is generated, a folder that cannot take the files."""
    option = f"--output {kind} {folder}"
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"{option}: {folder} is a file; pass a new or empty folder")
    if folder.is_dir():
        if any(folder.iterdir()):
            raise OutputError(f"{option}: {folder} is not empty; pass a new or empty folder")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"{option}: no permission to write in {folder}; pass a folder you can write to")
        return
    parent = folder.parent
    if not parent.is_dir():
        raise OutputError(f"{option}: folder {parent} does not exist; create it first or pass another folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{option}: no permission to create {folder} in {parent}; pass a folder you can write to")


class FolderWriter(Writer):
    suffix = ""

    def __init__(self, folder: Path):
        check_folder(self.kind, folder)
        self.folder = folder
        self.created = not folder.exists()
        folder.mkdir(exist_ok=True)
        self._files: dict = {}  # table -> open file (or ParquetWriter), closed by close() or abort()

    def path(self, table: str) -> Path:
        return self.folder / f"{table}{self.suffix}"

    def close(self) -> None:
        """Finish every file (a file for every table) and copy the schema beside them."""
        for table in schema.tables():
            if table not in self._files:
                self.write(table, self.encode(table, []), 0)
        self._close_files()
        shutil.copy(schema.SCHEMA_SQL, self.folder / "create_tables.sql")

    def abort(self) -> None:
        self._close_files()
        for name in [self.path(t).name for t in schema.tables()] + ["create_tables.sql"]:
            (self.folder / name).unlink(missing_ok=True)
        if self.created and self.folder.is_dir() and not any(self.folder.iterdir()):
            self.folder.rmdir()

    def files(self) -> int:
        return len(list(self.folder.glob(f"*{self.suffix}")))

    def _close_files(self) -> None:
        for out in self._files.values():
            out.close()
        self._files.clear()


class CsvWriter(FolderWriter):
    kind, suffix = "csv", ".csv"

    def encode(self, table: str, rows: list[tuple]) -> str:
        return csvtext.encode(table, rows)

    def write(self, table: str, payload: str, count: int) -> None:
        out = self._files.get(table)
        if out is None:
            out = self._files[table] = self.path(table).open("w", encoding="utf-8", newline="")
            out.write(csvtext.header(table))
        out.write(payload)


class ParquetWriter(FolderWriter):
    kind, suffix = "parquet", ".parquet"

    def __init__(self, folder: Path):
        try:
            import pyarrow.parquet  # noqa: F401 - checked before anything is written
        except ImportError:
            raise OutputError("--output parquet needs pyarrow; run `pip install -r requirements.txt`") from None
        super().__init__(folder)

    def encode(self, table: str, rows: list[tuple]):
        return arrow.encode(table, rows)

    def write(self, table: str, payload, count: int) -> None:
        import pyarrow.parquet as pq

        out = self._files.get(table)
        if out is None:
            out = self._files[table] = pq.ParquetWriter(self.path(table), arrow.arrow_schema(table))
        if payload.num_rows:
            out.write_table(payload)


WRITERS = {"csv": CsvWriter, "parquet": ParquetWriter}
