"""Parallel workers and shards change who generates the rows, never the rows.

Sizes are chosen so that the patients span several chunks (engine.CHUNK_PATIENTS): three chunks give
every worker count from 1 to 3, and every shard of three, something to do.
"""

from __future__ import annotations

import pytest
from conftest import checksums

from generators import engine

pytestmark = pytest.mark.db  # needs PostgreSQL

PATIENTS = 3 * engine.CHUNK_PATIENTS - 100  # three chunks, the last one short
BASE = ("--patients", PATIENTS, "--seed", 11)


@pytest.fixture(scope="module")
def single_worker(module_cli, module_scratch_db):
    db = module_scratch_db("workers1", create=False)
    run = module_cli(*BASE, "--workers", 1, db=db)
    assert run.code == 0, run.err
    return checksums(db)


@pytest.mark.parametrize("workers", [2, 3])
def test_output_is_identical_for_every_worker_count(workers, single_worker, cli, scratch_db):
    db = scratch_db(f"workers{workers}", create=False)
    run = cli(*BASE, "--workers", workers, db=db)
    assert run.code == 0, run.err
    assert checksums(db) == single_worker
    assert single_worker["appointment"] and single_worker["paysplit"]  # the comparison covers filled tables


def test_union_of_shards_equals_a_single_run(single_worker, cli, scratch_db):
    db = scratch_db("shards")
    outputs = [cli(*BASE, "--shard", f"{k}/3", db=db) for k in (3, 1, 2)]  # any order
    assert [r.code for r in outputs] == [0, 0, 0], [r.err for r in outputs]
    assert all("validators skipped for a shard" in r.out for r in outputs)
    assert checksums(db) == single_worker
    validated = cli(*BASE, "--validate-only", db=db)
    assert validated.code == 0, validated.out[-2000:]


def test_a_shard_is_not_loaded_twice(single_worker, cli, scratch_db):
    db = scratch_db("shard_twice")
    assert cli(*BASE, "--shard", "2/3", db=db).code == 0
    again = cli(*BASE, "--shard", "2/3", db=db)
    assert again.code == 2
    assert "already loaded" in again.err


def test_shard_and_reset_cannot_be_combined(cli):
    run = cli(*BASE, "--shard", "1/2", "--reset", db="opendental_demo_test_never")
    assert run.code == 2
    assert "--reset" in run.err and len(run.err_lines) == 1
