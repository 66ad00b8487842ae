"""Console output: the banner, a line per table, validator results, the final counts and timings.

Verbosity 0 (--quiet) prints only errors, failed validators and the final summary; 2 (--verbose) adds
per-table load times. While rows are generated, a terminal shows a live display per phase (rows, rows/s,
time left), redrawn in place; anything else (CI, logs) gets a plain line at each quarter instead.
"""

from __future__ import annotations

import sys
import time

from config import GeneratorConfig
from contract.tables import label

RULE = "=" * 60


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


class Progress:
    """Rows generated and loaded so far, per phase, as chunks of patients complete."""

    REDRAW_SECONDS = 0.2

    def __init__(self, console: Console, phases: list[tuple[str, list[str]]], patients: int):
        self.console = console
        self.phase_of = {table: phase for phase, tables in phases for table in tables}
        self.rows = {phase: 0 for phase, _ in phases}
        self.patients = patients
        self.done = 0
        self.started = time.perf_counter()
        self.drawn_lines = 0
        self.last_draw = 0.0
        self.next_quarter = 1

    def add(self, table: str, count: int) -> None:
        self.rows[self.phase_of.get(table, next(iter(self.rows)))] += count

    def patients_done(self, done: int) -> None:
        self.done = done
        if self.console.verbosity == 0:
            return
        now = time.perf_counter()
        if self.console.live:
            if now - self.last_draw >= self.REDRAW_SECONDS or done >= self.patients:
                self._draw(now)
        elif done * 4 >= self.next_quarter * self.patients:
            while done * 4 >= self.next_quarter * self.patients:
                self.next_quarter += 1
            self.console._print(f"  {self._headline(now)}")

    def _headline(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-6)
        rows = sum(self.rows.values())
        left = elapsed * (self.patients - self.done) / self.done if self.done else 0.0
        tail = "done" if self.done >= self.patients else f"about {_duration(left)} left"
        return (f"Patients {self.done:,}/{self.patients:,} ({self.done * 100 // max(self.patients, 1)}%), "
                f"{rows:,} rows, {rows / elapsed:,.0f} rows/s, {tail}")

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        lines = [self._headline(now)]
        lines += [f"  {phase:<12} {rows:>12,} rows  {rows / elapsed:>10,.0f} rows/s"
                  for phase, rows in self.rows.items()]
        out = self.console.out
        if self.drawn_lines:
            out.write(f"\x1b[{self.drawn_lines}F")  # back to the first line of the previous drawing
        out.write("".join(f"\x1b[2K{line}\n" for line in lines))
        out.flush()
        self.drawn_lines = len(lines)
        self.last_draw = now


class Console:
    def __init__(self, out=None, err=None, verbosity: int = 1):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.verbosity = verbosity
        self.live = hasattr(self.out, "isatty") and self.out.isatty()

    def _print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def _say(self, text: str = "") -> None:
        """A line of the normal output, left out under --quiet."""
        if self.verbosity:
            self._print(text)

    def note(self, message: str) -> None:
        self._say(f"note: {message}")

    def progress(self, phases, patients: int) -> Progress:
        return Progress(self, phases, patients)

    def status(self, message: str) -> None:
        """A passing step (building keys, validating): a plain line, or in verbose mode with its time."""
        self._say(message)

    def error(self, message: str) -> None:
        print(f"error: {message}", file=self.err, flush=True)

    def banner(self, config: GeneratorConfig, server: str | None = None) -> None:
        if not self.verbosity:
            return
        self._print(RULE)
        self._print("DENTAL PRACTICE SYNTHETIC DATA GENERATOR")
        self._print(RULE)
        if config.output_format:
            self._print(f"Output: {config.output_format} files in {config.output_dir} (no database)")
        else:
            self._print(f"Target database: {config.db_name} ({config.db_user}@{config.db_host}:{config.db_port})")
        if server:
            self._print(f"Server: {server}")
        self._print(f"Date range: {config.start_date} to {config.as_of}")
        self._print(f"Patients: {config.num_patients:,}")
        self._print(f"Appointments: {config.num_appointments:,}")
        self._print(f"Procedures: {config.num_procedures:,}")
        self._print(f"Seed: {config.seed}")
        self._print(RULE)

    def plan(self, config: GeneratorConfig, phases, seconds: float) -> None:
        """What a run would write (--dry-run): per phase, per table, the expected rows."""
        self._print("Dry run: nothing is connected to or written.")
        for number, (phase, counts) in enumerate(phases, start=1):
            self._print()
            self._print(f"[Phase {number}] {phase}")
            for table, count in counts.items():
                self._print(f"  {table:<30}: {count:>10,}")
        total = sum(c for _, counts in phases for c in counts.values())
        self._print()
        self._print(f"  {'TOTAL (about)':<30}: {total:>10,}")
        self._print(f"Estimated time with {config.workers} workers: about {seconds:,.0f} s")

    def phase(self, number: int, name: str, what: str) -> None:
        """The heading of a phase's section: what happened to its tables ("loaded", "written", "checked")."""
        self._say()
        self._say(f"[Phase {number}] {name}: {what}")

    def generated(self, table: str, count: int, seconds: float | None = None) -> None:
        timing = f" (loaded in {seconds:.2f} s)" if self.verbosity > 1 and seconds is not None else ""
        self._say(f"✓ Generated {count:,} {label(table)}{timing}")

    def validation(self, results) -> None:
        errors = [r for r in results if r.failed]
        warnings = [r for r in results if r.violations and not r.failed]
        passed = len(results) - len(errors) - len(warnings)
        if self.verbosity:
            self._print(f"  Validators: {passed} passed, {len(warnings)} warnings, {len(errors)} failed")
        elif not errors:
            return
        for r in errors + (warnings if self.verbosity else []):
            mark = "✗" if r.failed else "!"
            detail = f" - {r.check.description}" if r.check.description else ""
            self._print(f"    {mark} {r.check.name} [{r.check.table}]: {r.violations:,} rows{detail}")

    def failed_summary(self) -> None:
        self._print()
        self._print(RULE)
        self._print("✗ Validation failed: the transaction was rolled back, nothing was written.")
        self._print(RULE)

    def summary(self, counts: dict[str, int], elapsed: float) -> None:
        self._print()
        self._print(RULE)
        self._print("✓ Data generation completed successfully!")
        self._print(RULE)
        self._print()
        self._print("Generated Record Counts:")
        self._print("-" * 40)
        for table in sorted(counts):
            self._print(f"  {table:<30}: {counts[table]:>8,}")
        self._print(f"  {'TOTAL':<30}: {sum(counts.values()):>8,}")
        self._print()
        self._print(f"Elapsed: {elapsed:.1f} s")

    def advancing(self, config: GeneratorConfig, recorded) -> None:
        if not self.verbosity:
            return
        self._print(RULE)
        self._print("DENTAL PRACTICE SYNTHETIC DATA GENERATOR: ADVANCE")
        self._print(RULE)
        self._print(f"Target database: {config.db_name} ({config.db_user}@{config.db_host}:{config.db_port})")
        self._print(f"Practice: {recorded.describe()}")
        days = (config.advance_to - recorded.as_of).days
        self._print(f"Advance: {recorded.as_of} to {config.advance_to} ({days} day{'s' if days != 1 else ''}), "
                    f"at the pace of the window to {recorded.pace}")
        self._print(RULE)

    def changes(self, changes: dict, totals: tuple[int, int, int], tables, dry_run: bool) -> None:
        """Per table, what the advance inserts, updates and deletes (or would, with --dry-run), and the totals."""
        self._print()
        self._print("Changes that would be made (--dry-run: nothing is written):" if dry_run else "Changes:")
        self._print(f"  {'table':<26} {'inserted':>10} {'updated':>10} {'deleted':>10}")
        for table in tables:
            change = changes.get(table)
            if change:
                inserted, updated, deleted = change.counts()
                self._print(f"  {table:<26} {inserted:>10,} {updated:>10,} {deleted:>10,}")
        self._print(f"  {'TOTAL':<26} {totals[0]:>10,} {totals[1]:>10,} {totals[2]:>10,}")

    def advanced(self, inserted: int, updated: int, deleted: int, elapsed: float, seconds: dict) -> None:
        self._print()
        self._print(RULE)
        self._print(f"✓ Advanced: {inserted:,} rows inserted, {updated:,} updated, {deleted:,} deleted")
        self._print(RULE)
        self._print(f"Elapsed: {elapsed:.1f} s ({sum(seconds.values()):.1f} s writing)")

    def handoff(self, config: GeneratorConfig, profile_text: str, psql: str, uri: str,
                profile_path: str | None = None) -> None:
        """How to reach the result: psql, a URI (never the password) and the dbt target."""
        self._print()
        self._print("Connect:")
        self._print(f"  {psql}")
        self._print(f"  URI: {uri}")
        self._print()
        if profile_path:
            self._print(f"dbt: the target below was written to {profile_path} (other targets kept)")
        else:
            self._print("dbt: add this to ~/.dbt/profiles.yml (or pass --dbt-profile PATH to write it):")
        for line in profile_text.rstrip().splitlines():
            self._print(f"  {line}")

    def report_card(self, lines: list[str]) -> None:
        """The practice's KPIs beside their published ranges (kpi.py)."""
        self._print()
        for line in lines:
            self._print(line)

    def exported(self, kind: str, folder: str, files: int) -> None:
        how = {"csv": "load each with COPY raw.<table> FROM '<file>' (FORMAT csv, HEADER)",
               "parquet": "read them with DuckDB, Spark, Snowflake or BigQuery (typed columns)"}[kind]
        self._print(f"Wrote {files} {kind} files and create_tables.sql to {folder}; {how}")
