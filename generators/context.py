"""What every module shares during a run: settings, calendar, staff, pools, id counters and sinks."""

from __future__ import annotations

from dataclasses import dataclass, field

from config import GeneratorConfig
from contract.rules import ID_OFFSETS
from generators.calendar import Window
from generators.pools import Pools
from generators.sink import Sinks
from generators.staff import Staff


class Ids:
    """Sequential ids per table, for the reference rows (households use their chunk's planned blocks)."""

    def __init__(self, offsets: dict[str, int] | None = None):
        self._last = dict(offsets or {})

    def person(self, pat_num: int) -> None:
        """Reference rows belong to no patient (see idplan.ChunkIds.person)."""

    def next(self, table: str) -> int:
        value = self._last.get(table, 0) + 1
        self._last[table] = value
        return value


@dataclass
class Context:
    config: GeneratorConfig
    window: Window
    staff: Staff
    pools: Pools
    sinks: Sinks
    ids: Ids = field(default_factory=lambda: Ids(ID_OFFSETS))
    # Filled by the modules that own them, read by later ones.
    plans: list = field(default_factory=list)  # insurance.Plan, index = PlanNum - 1
    zip_codes: list = field(default_factory=list)
    referral_nums: list = field(default_factory=list)
    recall_keep_rate: float = 1.0
    charting_mean: float = 0.0  # existing work charted at a patient's first exam of the window (clinical.py)
    # This chunk's kept and broken visits per (day, ProvNum), so a late cancellation never outnumbers the kept
    # visits of its column that day (clinical.py); engine.chunk_rows gives every chunk its own.
    column_days: dict = field(default_factory=dict)
    book: object | None = None  # diary.Book: each visit's day, time and chair (engine.build_book)

    @property
    def seed(self) -> int:
        return self.config.seed
