"""The three writers hold the same rows: a database run, --output csv and --output parquet of the same settings,
table by table (each file set is loaded back into a database of its own and compared by checksum)."""

from __future__ import annotations

import psycopg2
import pytest
from conftest import ROOT, checksums, create_raw_schema, row_counts

from contract import schema
from writers import copytext

pytestmark = pytest.mark.db
ARGS = ("--patients", "600", "--seed", "13")


@pytest.fixture(scope="module")
def database(module_cli, module_scratch_db):
    name = module_scratch_db("outputs")
    run = module_cli(*ARGS, "--workers", "2", db=name)
    assert run.code == 0, run.err
    return name


def _load(db: str, files, read) -> None:
    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=db)
    try:
        with conn.cursor() as cur:
            for path in files:
                read(cur, path)
        conn.commit()
    finally:
        conn.close()


def _read_csv(cur, path) -> None:
    with path.open(encoding="utf-8") as source:
        cur.copy_expert(f'COPY raw."{path.stem}" FROM STDIN (FORMAT csv, HEADER)', source)


def _read_parquet(cur, path) -> None:
    import io

    import pyarrow.parquet as pq

    table = schema.table(path.stem)
    rows = [tuple(r.values()) for r in pq.read_table(path).to_pylist()]
    cur.copy_expert(f"COPY {table.qualified} ({table.column_list()}) FROM STDIN",
                    io.StringIO(copytext.encode(table.name, rows)))


@pytest.mark.parametrize("kind, read", [("csv", _read_csv), ("parquet", _read_parquet)])
def test_files_hold_the_rows_of_the_database(kind, read, database, cli, scratch_db, tmp_path):
    folder = tmp_path / kind
    run = cli(*ARGS, "--workers", "1", "--output", kind, str(folder))
    assert run.code == 0, run.err
    assert f"Wrote 93 {kind} files" in run.out
    assert (folder / "create_tables.sql").read_text() == (ROOT / "create_tables.sql").read_text()
    copy = scratch_db(f"outputs_{kind}")
    create_raw_schema(copy)
    _load(copy, sorted(folder.glob(f"*.{kind}")), read)
    assert row_counts(copy) == row_counts(database)
    assert checksums(copy) == checksums(database)


def test_a_bad_output_folder_is_refused_before_anything_runs(cli, tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    for folder, reason in ((busy, "is not empty"), (tmp_path / "no" / "dir", "does not exist")):
        run = cli("--patients", "200", "--output", "parquet", str(folder))
        assert run.code == 2 and reason in run.err and len(run.err.splitlines()) == 1
        assert run.out.count("\n") < 15  # the banner at most: nothing generated
    assert [p.name for p in busy.iterdir()] == ["keep.txt"]
