"""Console output: the banner, a line per table, validator results, the final counts and timings.

On a terminal a live progress line shows patients simulated per second; in logs and CI it is silent.
"""

from __future__ import annotations

import sys
import time

from config import GeneratorConfig

RULE = "=" * 60
LABELS = {
    "userod": "users", "provider": "providers", "operatory": "operatories", "procedurecode": "procedure codes",
    "definition": "definitions", "feesched": "fee schedules", "fee": "fees", "clinic": "clinics (single location)",
    "zipcode": "zipcodes", "patient": "patients", "patientnote": "patient notes", "patientlink": "family links",
    "carrier": "carriers", "employer": "employers", "insplan": "insurance plans", "inssub": "subscribers",
    "patplan": "patient plans", "benefit": "benefits", "appointmenttype": "appointment types",
    "appointment": "appointments", "procedurelog": "procedures", "procnote": "procedure notes",
    "recalltype": "recall types", "recalltrigger": "recall triggers", "recall": "recalls", "claim": "claims",
    "claimproc": "claim procedures", "claimpayment": "claim payments", "payment": "payments",
    "paysplit": "payment splits", "adjustment": "adjustments", "commlog": "communication logs",
    "document": "documents", "referral": "referrals", "refattach": "referral attachments", "task": "tasks",
    "etl_load_status": "ETL load status rows",
}


class Console:
    def __init__(self, out=None, err=None):
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.live = hasattr(self.out, "isatty") and self.out.isatty()
        self._progress_started: float | None = None
        self._progress_shown = False

    def _print(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def note(self, message: str) -> None:
        self._print(f"note: {message}")

    def error(self, message: str) -> None:
        print(f"error: {message}", file=self.err, flush=True)

    def banner(self, config: GeneratorConfig) -> None:
        self._print(RULE)
        self._print("DENTAL PRACTICE SYNTHETIC DATA GENERATOR")
        self._print(RULE)
        self._print(f"Target database: {config.db_name} ({config.db_user}@{config.db_host}:{config.db_port})")
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

    def progress(self, done: int, total: int) -> None:
        now = time.perf_counter()
        if self._progress_started is None:
            self._progress_started = now
        if not self.live or (done < total and done % 250):
            return
        rate = done / max(now - self._progress_started, 1e-6)
        print(f"\rSimulating patients: {done:,}/{total:,} ({done * 100 // total}%)  {rate:,.0f} patients/s",
              end="", file=self.out, flush=True)
        self._progress_shown = True

    def end_progress(self) -> None:
        if self._progress_shown:
            print(file=self.out, flush=True)
            self._progress_shown = False

    def phase(self, number: int, name: str, validating: bool = False) -> None:
        verb = "Validating" if validating else "Loading"
        self._print()
        self._print(f"[Phase {number}] {verb} {name} Data...")

    def generated(self, table: str, count: int) -> None:
        self._print(f"✓ Generated {count:,} {LABELS.get(table, table)}")

    def validation(self, results) -> None:
        errors = [r for r in results if r.failed]
        warnings = [r for r in results if r.violations and not r.failed]
        passed = len(results) - len(errors) - len(warnings)
        self._print(f"  Validators: {passed} passed, {len(warnings)} warnings, {len(errors)} failed")
        for r in errors + warnings:
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
