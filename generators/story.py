"""What the modules decided about one patient, for the modules after them (see generators/engine.py).

generators/patients.py makes one Story per household member; insurance, clinical, financial and supporting
fill in their parts in turn; the modules of generators/extra read them; patient_rows.py writes the patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The types are named in comments only: the modules that fill a story import this one, not the other way round.


@dataclass
class Story:
    patient: object  # patients.Patient
    coverage: list = field(default_factory=list)  # insurance.Coverage of the patient's plans, primary first
    visits: list = field(default_factory=list)  # clinical.Visit: every appointment, oldest first, with procedures
    unscheduled: list = field(default_factory=list)  # clinical.Procedure: planned work not booked yet (AptNum 0)
    ledger: object = None  # ledger.Ledger: charges, payments, adjustments and the claims billed (ledger.claims)
    tasks: list = field(default_factory=list)  # supporting.Task: the patient's tasks (task table)
    presented: list = field(default_factory=list)  # (exam clinical.Visit, [clinical.Procedure]): treatment found
    extra: dict = field(default_factory=dict)  # what one extra module leaves for another, by module name

    @property
    def procedures(self) -> list:
        """Every procedure once: a planned appointment lists procedures that belong to other visits or to the
        unscheduled ones (clinical.PLANNED is 6)."""
        return [p for v in self.visits if v.status != 6 for p in v.procedures] + self.unscheduled
