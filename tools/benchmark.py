"""Speed and memory of the generator, measured in one run per size.

    python tools/benchmark.py [--sizes 1000,5000,20000] [--db-name opendental_demo_bench] [--as-of YYYY-MM-DD]

For each size, in a fresh process (so peak memory is that size's own): generate every table, load it
with COPY, run the validators, and roll back. Prints a table with the time of each stage, rows per
second, time per patient, peak resident memory, and the ratio of the whole run to the plain COPY of
the same rows. Nothing is committed; the database must be opendental_demo or opendental_demo_<suffix>.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure(argv: list[str]) -> dict:
    """One size, in this process: generate, COPY, validate, roll back."""
    import loader
    from config import load_config
    from generators import engine, etl_status
    from generators.calendar import Window
    from validators import suite

    config = load_config(argv)
    conn, _ = loader.connect(config)
    try:
        loader.begin_run(conn)
        loader.apply_schema(conn, config)
        loader.empty_raw_tables(conn)
        started = time.perf_counter()
        sinks = engine.generate(config)
        generated = time.perf_counter()
        loaded: list[str] = []
        copy_seconds = 0.0
        for _, tables in engine.PHASES:
            for table in tables:
                if table == "etl_load_status":
                    etl_status.emit(sinks, loaded, Window(config.start_date, config.as_of))
                before = time.perf_counter()
                loader.copy_rows(conn, sinks[table])
                copy_seconds += time.perf_counter() - before
                loaded.append(table)
        copied = time.perf_counter()
        schedule = suite.checks_by_phase(config)
        failed = 0
        for phase, tables in engine.PHASES:
            loader.analyze(conn, tables)
            failed += sum(r.failed for r in suite.run_phase(conn, schedule[phase], config))
        validated = time.perf_counter()
        rows = sum(sinks.count(t) for t in loaded)
        spooled = sum(sinks[t].reader().seek(0, 2) for t in loaded)
        sinks.close()
    finally:
        conn.rollback()
        conn.close()
    return {
        "patients": config.num_patients,
        "rows": rows,
        "megabytes": spooled / 1e6,
        "generate_s": generated - started,
        "copy_s": copy_seconds,
        "load_s": copied - generated,
        "validate_s": validated - copied,
        "total_s": validated - started,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "failed_checks": failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="patient counts, comma separated")
    parser.add_argument("--db-name", default="opendental_demo_bench")
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--as-of", default=date.today().isoformat())
    parser.add_argument("--one", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)  # child process mode
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return

    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        child = [sys.executable, __file__, "--one", "--patients", str(size), "--as-of", args.as_of,
                 "--db-name", args.db_name, "--db-host", args.db_host]
        out = subprocess.run(child, check=True, capture_output=True, text=True, cwd=ROOT).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        r = results[-1]
        print(f"measured {size:,} patients: {r['total_s']:.1f} s", file=sys.stderr)

    header = (f"{'patients':>9} {'rows':>10} {'MB':>7} {'generate':>9} {'COPY':>7} {'validate':>9} {'total':>7} "
              f"{'rows/s':>9} {'ms/patient':>11} {'peak RSS':>9} {'total/COPY':>11} {'failed':>7}")
    print(header)
    for r in results:
        print(f"{r['patients']:>9,} {r['rows']:>10,} {r['megabytes']:>7.1f} {r['generate_s']:>8.1f}s "
              f"{r['copy_s']:>6.1f}s {r['validate_s']:>8.1f}s {r['total_s']:>6.1f}s "
              f"{r['rows'] / r['total_s']:>9,.0f} {1000 * r['total_s'] / r['patients']:>11.2f} "
              f"{r['peak_rss_mb']:>7.0f}MB {r['total_s'] / r['copy_s']:>10.1f}x {r['failed_checks']:>7}")
    if len(results) > 1:
        first, last = results[0], results[-1]
        growth = last["patients"] / first["patients"]
        print(f"\nscaling {first['patients']:,} -> {last['patients']:,} patients ({growth:.0f}x): time "
              f"{last['total_s'] / first['total_s']:.1f}x, peak memory {last['peak_rss_mb'] / first['peak_rss_mb']:.1f}x")


if __name__ == "__main__":
    main()
