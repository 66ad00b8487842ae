"""What the modules decided about one patient, for the modules after them (see generators/engine.py).

generators/patients.py makes one Story per household member; insurance, clinical, financial and supporting
fill in their parts in turn; the modules of generators/extra read them; patient_rows.py writes the patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: the modules that fill a story import it, not the other way round
    from generators.clinical import Procedure, Visit
    from generators.insurance import Coverage
    from generators.ledger import Ledger
    from generators.patients import Patient
    from generators.supporting import Task


@dataclass
class Story:
    patient: Patient
    coverage: list[Coverage] = field(default_factory=list)  # the patient's plans, primary first
    visits: list[Visit] = field(default_factory=list)  # every appointment, oldest first, with its procedures
    unscheduled: list[Procedure] = field(default_factory=list)  # planned work not booked yet (AptNum 0)
    ledger: Ledger | None = None  # charges, payments, adjustments and the claims billed (ledger.claims)
    tasks: list[Task] = field(default_factory=list)  # the patient's tasks (task table)
    extra: dict = field(default_factory=dict)  # what one extra module leaves for another, by module name

    @property
    def procedures(self) -> list[Procedure]:
        return [p for v in self.visits for p in v.procedures] + self.unscheduled
