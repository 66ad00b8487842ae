"""Speed and memory of the generator against the load floor, measured in one run per size.

    python tools/benchmark.py [--sizes 5000,20000,50000,200000] [--workers N] [--db-name opendental_demo_bench]
                              [--advance-days 30]

For each size, in a fresh process (so peak memory is that size's own):
  1. the whole run as `python main.py --reset` does it: schema, generation, COPY, indexes, validation;
  2. the load floor: the same rows, dumped to files beforehand, loaded with a plain COPY into the same
     tables (emptied first) - what PostgreSQL alone needs for these rows on this machine;
  3. an advance of --advance-days days (`python main.py --advance-to`) of the practice generated that many days
     before the as-of date: both practices simulated and compared, the difference applied, the database checked.
Everything but the practice the advance starts from is rolled back. Prints, per size: rows, wall time of each
stage, rows/s, peak resident memory (the largest of the main process and its workers), the ratio of the run to
the floor, and the advance's time against the whole run's.
The database must be opendental_demo or opendental_demo_<suffix>; it is created when missing.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class _Quiet:
    """A console (and progress display) that prints nothing."""

    def __getattr__(self, _name):
        return lambda *args, **kwargs: self


def _dump(conn, tables: list[str], folder: Path) -> None:
    with conn.cursor() as cur:
        for table in tables:
            with open(folder / f"{table}.copy", "w", encoding="utf-8") as out:
                cur.copy_expert(f"COPY raw.{table} TO STDOUT", out)


def _floor(conn, tables: list[str], folder: Path) -> float:
    import loader

    loader.empty_raw_tables(conn)
    started = time.perf_counter()
    for table in tables:
        with open(folder / f"{table}.copy", encoding="utf-8") as source:
            loader.copy_text(conn, table, source)
    return time.perf_counter() - started


def measure(argv: list[str]) -> dict:
    """One size, in this process."""
    import loader
    import main
    from config import load_config
    from contract.tables import ETL_TABLES, GENERATED_TABLES
    from generators import engine

    config = load_config(argv + ["--reset"])
    conn, _ = loader.connect(config)
    stages: dict[str, float] = {}
    try:
        started = time.perf_counter()
        loader.begin_run(conn)
        loader.apply_schema(conn, config)
        loader.empty_raw_tables(conn)
        mark = time.perf_counter()
        stages["schema_s"] = mark - started
        run = engine.prepare(config)
        stages["prepare_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        tally: dict = {}
        counts, _ = main._load(conn, config, run, engine.shard_chunks(len(run.chunks), None), _Quiet(), tally)
        stages["validate_s"] = tally.get("validate_s", 0.0)
        stages["generate_and_copy_s"] = time.perf_counter() - mark - stages["validate_s"]
        failed = tally.get("failed", 0)
        total = time.perf_counter() - started
        tables = [t for t in GENERATED_TABLES + ETL_TABLES if counts.get(t)]
        with tempfile.TemporaryDirectory() as folder:
            _dump(conn, tables, Path(folder))
            floor = _floor(conn, tables, Path(folder))
    finally:
        conn.rollback()
        conn.close()
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"patients": config.num_patients, "workers": config.workers, "rows": sum(counts.values()),
            "total_s": total, "floor_s": floor, "peak_rss_mb": peak / 1024, "failed_checks": failed, **stages}


def measure_advance(argv: list[str], days: int) -> dict:
    """An advance of `days` days at one size: the practice generated `days` before the as-of date (committed,
    not timed), then advanced as `main.py --advance-to` does it, stage by stage, and rolled back."""
    from datetime import timedelta

    import advance
    import loader
    import main
    import manifest
    from config import load_config
    from validators import suite

    at = argv.index("--as-of")
    to = date.fromisoformat(argv[at + 1])
    rest = argv[:at] + argv[at + 2:]  # the settings without the as-of date
    if main.main(rest + ["--as-of", (to - timedelta(days=days)).isoformat(), "--reset", "--quiet"]) != 0:
        raise SystemExit("the practice to advance could not be generated")
    config = load_config(rest + ["--advance-to", to.isoformat()])
    conn, _ = loader.connect(config)
    stages: dict[str, float] = {}
    try:
        started = time.perf_counter()
        loader.begin_run(conn)
        recorded = manifest.read(conn)
        advance.check(recorded, config)
        advance.hand_changes(conn, recorded)
        stages["checks_s"] = time.perf_counter() - started
        before, after = advance.configs(recorded, config)
        mark = time.perf_counter()
        plan = advance.prepare(before, after)
        stages["prepare_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        changes = advance.compute(plan, config.workers)
        stages["compare_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        advance.apply(conn, changes)
        stages["apply_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        checked = plan.after.ctx.config  # with the counts the advanced practice should hold
        failed = sum(r.failed for results in suite.run_all(conn, checked).values() for r in results)
        stages["validate_s"] = time.perf_counter() - mark
        total = time.perf_counter() - started
    finally:
        conn.rollback()
        conn.close()
    changed = dict(zip(("inserted", "updated", "deleted"), advance.totals(changes)))
    return {"advance_s": total, "advance_failed": failed, **{f"advance_{k}": v for k, v in stages.items()},
            **{f"advance_{k}": v for k, v in changed.items()}}



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000", help="patient counts, comma separated")
    parser.add_argument("--workers", type=int, default=None, help="generator processes (default: CPU cores)")
    parser.add_argument("--db-name", default="opendental_demo_bench")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--as-of", default=date.today().isoformat())
    parser.add_argument("--advance-days", type=int, default=30, help="days of the advance measured (0: none)")
    parser.add_argument("--one", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.one is not None:
        result = measure(args.one)
        if args.advance_days:
            result.update(measure_advance(args.one, args.advance_days))
        print(json.dumps(result))
        return

    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        child = [sys.executable, __file__, "--advance-days", str(args.advance_days), "--one", "--patients", str(size),
                 "--as-of", args.as_of, "--db-name", args.db_name, "--db-host", args.db_host]
        if args.workers:
            child += ["--workers", str(args.workers)]
        out = subprocess.run(child, check=True, capture_output=True, text=True, cwd=ROOT).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(f"measured {size:,} patients: {results[-1]['total_s']:.1f} s", file=sys.stderr)

    print(f"{'patients':>9} {'workers':>7} {'rows':>10} {'prepare':>8} {'gen+COPY':>9} {'validate':>9} {'total':>7} "
          f"{'floor':>7} {'total/floor':>11} {'rows/s':>9} {'peak RSS':>9} {'failed':>6}")
    for r in results:
        print(f"{r['patients']:>9,} {r['workers']:>7} {r['rows']:>10,} {r['prepare_s']:>7.1f}s "
              f"{r['generate_and_copy_s']:>8.1f}s {r['validate_s']:>8.1f}s {r['total_s']:>6.1f}s {r['floor_s']:>6.1f}s "
              f"{r['total_s'] / r['floor_s']:>10.1f}x {r['rows'] / r['total_s']:>9,.0f} {r['peak_rss_mb']:>7.0f}MB "
              f"{r['failed_checks']:>6}")
    if args.advance_days:
        print()
        print(f"advance of {args.advance_days} days: {'patients':>9} {'inserted':>9} {'updated':>8} {'deleted':>7} "
              f"{'prepare':>8} {'compare':>8} {'apply':>6} {'validate':>8} {'total':>7} {'of a run':>8} {'failed':>6}")
        for r in results:
            print(f"{'':>22}{r['patients']:>9,} {r['advance_inserted']:>9,} {r['advance_updated']:>8,} "
                  f"{r['advance_deleted']:>7,} {r['advance_prepare_s']:>7.1f}s {r['advance_compare_s']:>7.1f}s "
                  f"{r['advance_apply_s']:>5.1f}s {r['advance_validate_s']:>7.1f}s {r['advance_s']:>6.1f}s "
                  f"{r['advance_s'] / r['total_s']:>7.2f}x {r['advance_failed']:>6}")
    if len(results) > 1:
        print()
        pairs = [(results[0], results[-1])]
        by_size = {r["patients"]: r for r in results}
        if 20_000 in by_size and 200_000 in by_size and results[0]["patients"] != 20_000:
            pairs.append((by_size[20_000], by_size[200_000]))  # the scaling target
        for first, last in pairs:
            print(f"scaling {first['patients']:,} -> {last['patients']:,} patients "
                  f"({last['patients'] / first['patients']:.0f}x): time {last['total_s'] / first['total_s']:.1f}x, "
                  f"peak memory {last['peak_rss_mb'] / first['peak_rss_mb']:.2f}x")


if __name__ == "__main__":
    main()
