"""The golden digest of a small practice: one hash per table of its rows as COPY text, in generated order.

    python tools/golden.py            print the tables whose digest differs from tests/golden.json
    python tools/golden.py --update   rewrite tests/golden.json (after a deliberate change to the data)

tests/test_golden.py fails whenever the digest changes, so a change in how the random streams are consumed
(or in any row) is visible and deliberate. The practice is tests/memory.py's (600 patients, seed 3).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
GOLDEN = ROOT / "tests" / "golden.json"


def digest() -> dict[str, list]:
    from memory import practice

    from writers import copytext

    tables = practice().tables
    return {name: [len(rows), hashlib.sha256(copytext.encode(name, rows).encode()).hexdigest()[:16]]
            for name, rows in sorted(tables.items())}


def differences(expected: dict, found: dict) -> list[str]:
    return [f"{t}: {expected.get(t)} -> {found.get(t)}" for t in sorted(set(expected) | set(found))
            if expected.get(t) != found.get(t)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite tests/golden.json")
    args = parser.parse_args()
    found = digest()
    if args.update:
        GOLDEN.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
        print(f"wrote {GOLDEN.relative_to(ROOT)} ({len(found)} tables)")
        return
    changed = differences(json.loads(GOLDEN.read_text()), found)
    print("\n".join(changed) if changed else "no table changed")


if __name__ == "__main__":
    main()
