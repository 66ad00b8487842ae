"""Planned ids: every chunk of households owns a block of ids in every table it writes.

A block's size is the most rows the chunk's households can produce in that table, known from the census
before anything is simulated (appointments and procedures exactly, the rest by an upper bound per visit
or procedure). Blocks follow one another in chunk order, so a chunk's ids never depend on which worker,
process or machine (shard) generates it, or on what the other chunks produced. Within a block ids are
dense; between blocks there may be a gap, as after deleted rows in a real database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from generators.census import Household, Person

Bounds = Callable[[Household], dict[str, int]]  # the most rows one household can give each table


class IdPlan:
    """First id of every (table, chunk) block, and the block sizes."""

    def __init__(self, chunks: Iterable[list[Household]], bounds: Bounds, offsets: dict[str, int]):
        self.first: dict[str, list[int]] = {}
        self.size: dict[str, list[int]] = {}
        for index, chunk in enumerate(chunks):
            totals: dict[str, int] = {}
            for household in chunk:
                for table, bound in bounds(household).items():
                    totals[table] = totals.get(table, 0) + bound
            for table, size in totals.items():
                firsts = self.first.setdefault(table, [])
                sizes = self.size.setdefault(table, [])
                start = firsts[-1] + sizes[-1] if firsts else offsets.get(table, 0) + 1
                firsts.append(start)
                sizes.append(size)

    def largest_id(self) -> int:
        return max((f[-1] + s[-1] - 1 for f, s in zip(self.first.values(), self.size.values()) if f), default=0)

    def ids_for(self, chunk: int) -> ChunkIds:
        return ChunkIds({t: (f[chunk], self.size[t][chunk]) for t, f in self.first.items()})


class ChunkIds:
    """Hands out a chunk's ids; running past a block is a bug in a bound, so it stops the run."""

    def __init__(self, blocks: dict[str, tuple[int, int]]):
        self._blocks = blocks
        self._used: dict[str, int] = {}

    def next(self, table: str) -> int:
        first, size = self._blocks[table]
        used = self._used.get(table, 0)
        if used >= size:
            raise _exhausted(table, size)
        self._used[table] = used + 1
        return first + used

    def reserve(self, table: str, count: int) -> range:
        """The next `count` ids of a table, consecutive."""
        first, size = self._blocks[table]
        used = self._used.get(table, 0)
        if used + count > size:
            raise _exhausted(table, size)
        self._used[table] = used + count
        return range(first + used, first + used + count)


def _exhausted(table: str, size: int) -> RuntimeError:
    return RuntimeError(f"id block of {table} exhausted ({size} ids): a bound in idplan.py is too small")


def largest_id(patients: int, appointments: int, procedures: int, bounds: Bounds,
               offsets: dict[str, int]) -> tuple[str, int]:
    """The table with the largest id a run of this size can reach, and that id (an upper bound).

    The bounds grow linearly with visits and procedures, so one household holding the average patient's
    share, insured twice, scaled by the number of patients, bounds every table.
    """
    person = Person(1, 0, "adult", 0, 0, 0, True, appointments=-(-appointments // patients),
                    procedures=-(-procedures // patients))
    household = Household(0, [person], insured=True, dual=True)
    need = {t: offsets.get(t, 0) + patients * bound for t, bound in bounds(household).items()}
    table = max(need, key=need.get)
    return table, need[table]
