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
    """First id of every (table, chunk) block, and the block sizes. Within a chunk's block every patient owns a
    part of their own, in the chunk's order of patients, sized by their own bound: the ids of one patient's rows
    depend on nothing another patient does, so a patient who gains rows (advance.py) shifts no one else's ids."""

    def __init__(self, chunks: Iterable[list[Household]], bounds: Bounds, offsets: dict[str, int]):
        self.first: dict[str, list[int]] = {}
        self.size: dict[str, list[int]] = {}
        self._bounds = bounds
        for index, chunk in enumerate(chunks):
            totals: dict[str, int] = {}
            for household in chunk:
                for person in household.members:
                    for table, bound in person_bounds(bounds, household, person).items():
                        totals[table] = totals.get(table, 0) + bound
            for table, size in totals.items():
                firsts = self.first.setdefault(table, [])
                sizes = self.size.setdefault(table, [])
                while len(firsts) < index:  # chunks before this one wrote nothing to the table
                    firsts.append(firsts[-1] + sizes[-1] if firsts else offsets.get(table, 0) + 1)
                    sizes.append(0)
                start = firsts[-1] + sizes[-1] if firsts else offsets.get(table, 0) + 1
                firsts.append(start)
                sizes.append(size)

    def largest_id(self) -> int:
        return max((f[-1] + s[-1] - 1 for f, s in zip(self.first.values(), self.size.values()) if f), default=0)

    def ids_for(self, chunk: int, households: list[Household]) -> ChunkIds:
        """The ids of one chunk, given its households (the same ones the plan was made from)."""
        parts: dict[int, dict[str, tuple[int, int]]] = {}
        next_first = {t: f[chunk] for t, f in self.first.items() if chunk < len(f)}
        for household in households:
            for person in household.members:
                own = parts[person.pat_num] = {}
                for table, bound in person_bounds(self._bounds, household, person).items():
                    own[table] = (next_first[table], bound)
                    next_first[table] += bound
        return ChunkIds(parts)


HOUSEHOLD_TABLES = ("statement", "statementprod")  # rows of the household as a whole, in the head's part
VISIT_TABLES = ("payment", "paysplit", "adjustment")  # a visit's money takes ids from the visit's share


def person_bounds(bounds: Bounds, household: Household, person: Person) -> dict[str, int]:
    """The most rows one patient can give each table: the household's bounds as if they lived alone; the head's
    part also holds the rows of the household as a whole (its statements)."""
    own = bounds(Household(household.index, [person], household.insured, household.dual))
    if person is household.members[0] and len(household.members) > 1:
        whole = bounds(household)
        own.update({t: whole[t] for t in HOUSEHOLD_TABLES if t in whole})
    elif len(household.members) > 1:
        for t in HOUSEHOLD_TABLES:
            own.pop(t, None)
    return own


class ChunkIds:
    """Hands out a chunk's ids from the part of the patient whose rows are being written (`person`); running
    past a part is a bug in a bound, so it stops the run."""

    def __init__(self, parts: dict[int, dict[str, tuple[int, int]]]):
        self._parts = parts
        self._blocks: dict[str, tuple[int, int]] = {}
        self._used: dict = {}
        self._owner = None
        self._all_used: dict[int, dict] = {}
        self._visit: int | None = None

    def person(self, pat_num: int) -> None:
        """Whose rows the next ids are for."""
        self._visit = None
        if pat_num == self._owner:
            return
        self._owner = pat_num
        self._blocks = self._parts[pat_num]
        self._used = self._all_used.setdefault(pat_num, {})

    def visit(self, apt_num: int | None) -> None:
        """The money of one visit (VISIT_TABLES) takes ids from that visit's own share of the patient's part, in
        the order it is booked; None ends it. One visit's claims or payments then move no other visit's ids."""
        self._visit = None if apt_num is None else self.rank("appointment", apt_num)

    def rank(self, table: str, num: int) -> int:
        """The position of one of the patient's ids in their part of the table."""
        return num - self._blocks[table][0]

    def at(self, table: str, offset: int) -> int:
        """The id at a fixed offset of the patient's part: ids that follow from what a row is for."""
        first, size = self._blocks[table]
        if not 0 <= offset < size:
            raise _exhausted(table, size)
        return first + offset

    def stride(self, table: str, per: str) -> int:
        """How many ids of `table` the patient's part holds per id of `per` (its bound is a multiple of it)."""
        return self._blocks[table][1] // max(1, self._blocks[per][1])

    def share(self, table: str, of: str, num: int, offset: int = 0) -> int:
        """An id of `table` in the share of the patient's part that belongs to their row `num` of table `of` (a
        visit's claims, a procedure's claim lines, a claim's tracking rows), at `offset` within the share."""
        return self.at(table, self.rank(of, num) * self.stride(table, of) + offset)

    def next(self, table: str) -> int:
        if self._visit is not None and table in VISIT_TABLES:
            share = self.stride(table, "appointment")
            key = (table, self._visit)
            used = self._used.get(key, 0)
            if used >= share:
                raise _exhausted(table, share)
            self._used[key] = used + 1
            return self.at(table, self._visit * share + used)
        if table in VISIT_TABLES:
            raise RuntimeError(f"a {table} id taken outside a visit (ChunkIds.visit)")
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
    return RuntimeError(f"a patient's ids of {table} exhausted ({size} ids): a bound in idplan.py is too small")
