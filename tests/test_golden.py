"""The golden digest (tools/golden.py): a small practice's tables, row for row, are what they were. When a change
is meant to alter the data, run `python tools/golden.py --update` and commit tests/golden.json with it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import golden


def test_the_generated_tables_match_the_golden_digest():
    expected = json.loads(golden.GOLDEN.read_text())
    changed = golden.differences(expected, golden.digest())
    assert not changed, "the data changed; if meant, run python tools/golden.py --update:\n" + "\n".join(changed)
