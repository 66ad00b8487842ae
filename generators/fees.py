"""Fee schedules: the practice's usual fees and the discounted schedules of the PPO networks it joined.

Allowed (PPO) fees are the usual fee times the network's factor, rounded to whole dollars. The usual-fee
schedule is entered last so that "the most recent fee of a code" - how the dbt models pick a standard
fee - is the usual fee.
"""

from __future__ import annotations

from dataclasses import dataclass

from generators.reference.procedure_codes import CODE_NUM, CODES

UCR_SCHEDULE = 1


@dataclass(frozen=True)
class FeeSchedule:
    num: int
    description: str
    sched_type: int  # definition category 6: 0 normal, 2 out of network
    factor: float  # share of the usual fee this schedule allows


SCHEDULES = (
    FeeSchedule(UCR_SCHEDULE, "Standard (Usual & Customary)", 0, 1.0),
    FeeSchedule(2, "Delta Dental PPO", 0, 0.72),
    FeeSchedule(3, "MetLife PDP", 0, 0.70),
    FeeSchedule(4, "Cigna DPPO", 0, 0.68),
    FeeSchedule(5, "Aetna Dental PPO", 0, 0.66),
    FeeSchedule(6, "Guardian DentalGuard Preferred", 0, 0.74),
    FeeSchedule(7, "United Concordia Advantage", 0, 0.64),
    FeeSchedule(8, "In-House Membership Plan", 0, 0.85),
    FeeSchedule(9, "Out of Network Allowed", 2, 0.90),
)
PPO_SCHEDULES = tuple(s.num for s in SCHEDULES if 2 <= s.num <= 7)
BY_NUM = {s.num: s for s in SCHEDULES}
_USUAL = {c.code: c.fee for c in CODES}


def fee_cents(schedule: int, code: str) -> int:
    """The amount a schedule lists for a code, in cents (whole dollars, as fee schedules usually are)."""
    return round(_USUAL[code] * BY_NUM[schedule].factor) * 100


def fee_table() -> dict[tuple[int, int], int]:
    """(schedule, CodeNum) -> cents, for every schedule and code."""
    return {(s.num, CODE_NUM[c.code]): fee_cents(s.num, c.code) for s in SCHEDULES for c in CODES}
