"""What the core phases decided about one patient, for the modules that build on it (generators/extra)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generators.clinical import Procedure, Visit
from generators.insurance import Coverage
from generators.ledger import Ledger
from generators.patients import Patient
from generators.supporting import Task


@dataclass
class Story:
    patient: Patient
    coverage: list[Coverage]  # the patient's plans, primary first
    visits: list[Visit]  # every appointment, oldest first, with its procedures
    unscheduled: list[Procedure]  # planned work not booked yet (AptNum 0)
    ledger: Ledger  # charges, payments, adjustments and the claims billed (ledger.claims)
    tasks: list[Task]  # the patient's tasks (task table)
    extra: dict = field(default_factory=dict)  # what one extra module leaves for another, by module name

    @property
    def procedures(self) -> list[Procedure]:
        return [p for v in self.visits for p in v.procedures] + self.unscheduled
