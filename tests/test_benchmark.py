"""The benchmark script runs end to end and reports every column (its figures are for the README, not asserted)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import AS_OF, HOST, ROOT

pytestmark = pytest.mark.db  # needs PostgreSQL


def test_benchmark_reports_each_size_and_the_scaling(scratch_db):
    db = scratch_db("bench", create=False)
    run = subprocess.run([sys.executable, "tools/benchmark.py", "--sizes", "200,400", "--workers", "2",
                          "--db-name", db, "--db-host", HOST, "--as-of", AS_OF],
                         check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert lines[0].split()[:3] == ["patients", "workers", "rows"]
    rows = [line.split() for line in lines[1:3]]
    assert [r[0] for r in rows] == ["200", "400"]
    assert all(r[-1] == "0" for r in rows), "validators failed during the benchmark"
    assert all(int(r[2].replace(",", "")) > 0 for r in rows)
    assert re.search(r"scaling 200 -> 400 patients \(2x\): time [\d.]+x, peak memory [\d.]+x", run.stdout)
    header = next(k for k, line in enumerate(lines) if line.startswith("advance of 30 days:"))
    advanced = [line.split() for line in lines[header + 1:header + 3]]
    assert [r[0] for r in advanced] == ["200", "400"]
    assert all(r[-1] == "0" for r in advanced), "validators failed after the benchmark's advance"
    assert all(int(r[1].replace(",", "")) > 0 for r in advanced)  # the advanced days added rows
