"""The writers' encodings, without a database: COPY text, CSV and Parquet give back the values they were handed,
awkward text included, and the file writers refuse a bad folder in one line and leave nothing half-written."""

from __future__ import annotations

import csv
import io
import os
from datetime import date, datetime, time

import pytest
from memory import practice

from contract import schema
from generators.sink import Sinks
from writers import arrow, copytext, csvtext
from writers.files import CsvWriter, OutputError, ParquetWriter

AWKWARD = ['tab\there', 'new\nline', 'carriage\rreturn', 'back\\slash', 'quote "q" and \'s\'', '', 'ünïcödé ✓',
           '\\N', 'comma, semicolon;', '\\t literally']


def _commlogs() -> list[tuple]:
    """Commlog rows with awkward notes and a NULL (DateTimeEnd), as tuples in column order."""
    sink = Sinks()["commlog"]
    for n, note in enumerate(AWKWARD, start=1):
        sink.add(CommlogNum=n, PatNum=n, Note=note, CommDateTime=datetime(2024, 5, n, 9, 30), Mode_=n % 6,
                 SentOrReceived=n % 3)
    end = schema.table("commlog").index["DateTimeEnd"]
    return [row[:end] + (None,) + row[end + 1:] for row in sink.rows]


def _as_copy_writes(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "t" if value else "f"
    return repr(value) if isinstance(value, float) else str(value)


def test_copy_text_round_trips_every_field():
    rows = _commlogs()
    lines = copytext.encode("commlog", rows).splitlines()
    assert len(lines) == len(rows)  # escaped newlines never split a row
    for row, line in zip(rows, lines):
        fields = [copytext.decode_field(f) for f in line.split("\t")]
        assert fields == [_as_copy_writes(v) for v in row]


def test_copy_text_escapes_a_chunk_with_one_awkward_text_among_plain_ones():
    # Plain chunks are written without escaping; a single awkward text anywhere must switch the whole
    # chunk to escaped text, and a plain chunk must come out exactly as the escaped writing would.
    rows = _commlogs()
    plain = [r for r, note in zip(rows, AWKWARD) if note.isprintable() and "\\" not in note]
    assert len(plain) >= 3
    escaped = copytext.line_function("commlog")
    assert copytext.encode("commlog", plain) == "".join(escaped(r) + "\n" for r in plain)
    assert "\\N" in copytext.encode("commlog", plain)  # the NULL of DateTimeEnd
    for awkward in (r for r in rows if r not in plain):
        mixed = plain[:2] + [awkward] + plain[2:]
        assert copytext.encode("commlog", mixed) == "".join(escaped(r) + "\n" for r in mixed)


def test_csv_reads_back_with_the_csv_module():
    rows = _commlogs()
    text = csvtext.header("commlog") + csvtext.encode("commlog", rows)
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == [c.name for c in schema.table("commlog").columns]
    note = parsed[0].index("Note")
    assert [r[note] for r in parsed[1:]] == AWKWARD
    end = parsed[0].index("DateTimeEnd")
    assert all(r[end] == "" for r in parsed[1:])  # NULL: an empty unquoted field


def test_parquet_keeps_types_and_values():
    pa = pytest.importorskip("pyarrow")
    rows = _commlogs()
    table = arrow.encode("commlog", rows)
    assert table.schema.field("CommDateTime").type == pa.timestamp("us")
    assert table.schema.field("CommlogNum").type == pa.int64()
    assert table.schema.field("Note").type == pa.string()
    assert [tuple(r.values()) for r in table.to_pylist()] == rows


def test_parquet_types_follow_the_contract_for_every_table():
    pa = pytest.importorskip("pyarrow")
    p = practice()
    for name in ("patient", "procedurelog", "claimproc", "schedule", "payment"):
        table = arrow.encode(name, p.tables[name])
        assert table.num_rows == len(p.tables[name])
        for column in schema.table(name).columns:
            kind = table.schema.field(column.name).type
            base = column.type.split("(")[0]
            expected = {"bool": pa.bool_(), "int8": pa.int64(), "int4": pa.int32(), "int2": pa.int16(),
                        "float8": pa.float64(), "float4": pa.float32(), "date": pa.date32(),
                        "timestamp": pa.timestamp("us"), "time": pa.time64("us")}.get(base, pa.string())
            assert kind == expected, (name, column.name)


@pytest.mark.parametrize("writer", [CsvWriter, ParquetWriter])
def test_a_bad_folder_is_refused_in_one_line(writer, tmp_path):
    in_the_way = tmp_path / "file"
    in_the_way.write_text("x")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    cases = {in_the_way: "is a file", busy: "is not empty", tmp_path / "no" / "such": "does not exist"}
    for folder, reason in cases.items():
        with pytest.raises(OutputError) as refused:
            writer(folder)
        assert reason in str(refused.value) and "\n" not in str(refused.value)
    assert [p.name for p in busy.iterdir()] == ["keep.txt"] and in_the_way.read_text() == "x"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_without_permission_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(OutputError, match="no permission"):
        CsvWriter(locked / "out")


def test_an_aborted_export_leaves_nothing(tmp_path):
    folder = tmp_path / "out"
    writer = CsvWriter(folder)
    writer.write("commlog", writer.encode("commlog", _commlogs()), 10)
    writer.abort()
    assert not folder.exists()


def test_a_finished_export_has_a_file_for_every_table(tmp_path):
    writer = ParquetWriter(tmp_path / "pq")
    writer.write("commlog", writer.encode("commlog", _commlogs()), 10)
    writer.close()
    names = {p.name for p in (tmp_path / "pq").iterdir()}
    assert names == {f"{t}.parquet" for t in schema.tables()} | {"create_tables.sql"}


def test_time_and_date_values_encode_as_postgres_reads_them():
    sink = Sinks()["schedule"]
    sink.add(ScheduleNum=1, SchedDate=date(2025, 3, 4), StartTime=time(8, 0), StopTime=time(17, 30))
    line = copytext.encode("schedule", sink.rows)
    assert "2025-03-04" in line and "08:00:00" in line and "17:30:00" in line
