"""Insurance verification (insverify, insverifyhist): the front desk checks each patient's plans before visits.

Before every visit a covered patient is booked for, the plan is checked a few days ahead: eligibility
(VerifyType 2, patient enrollment) unless it was confirmed within the last 30 days, and the plan's benefits
(VerifyType 1) once per benefit year. Each check is an insverifyhist row; the insverify row of the
(patient plan, type) holds the latest one and is unassigned again afterwards (UserNum 0, as the contract requires).
A planned appointment is not on the schedule (it waits on the treatment-plan list), so nothing is checked for it.

Both types are keyed by the PatPlanNum: the dbt model int_insurance_coverage joins a VerifyType 1 FKey to the
PatPlanNum (contract D-patplan-02, G-08.3), so there is one row per (PatPlanNum, type). The WARN tests that expect
an InsSubNum there (R-insverify-019, R-insverifyhist-028) therefore fail where the two numbers differ. A coverage
that was never checked (no visit while it was active) has no verification rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from generators import calendar
from generators.calendar import ONE_DAY
from generators.clinical import PLANNED
from generators.rng import stream

BENEFITS, ELIGIBILITY = 1, 2  # VerifyType: InsuranceBenefit, PatientEnrollment
ELIGIBILITY_VALID_DAYS = 30  # a confirmation this recent covers the next visit
VERIFY_DAYS_AHEAD = 5  # checks happen up to this many days before the visit
ELIGIBILITY_NOTES = (
    "Eligibility confirmed on the {carrier} provider portal; coverage active.",
    "Called {carrier}: patient eligible, no changes to coverage.",
    "Eligibility verified through the clearinghouse (270/271); coverage active.",
)
OTHER_VERIFIER_RATE = 0.15  # the check was done by someone other than the user it was assigned to


@dataclass
class Verification:
    """One verification of one patient plan."""

    moment: datetime
    assigned: date
    user: int  # assigned to
    verifier: int
    hours: float  # hours left before the visit
    note: str


def bounds(household) -> dict[str, int]:
    plans = (2 if household.dual else 1) if household.insured else 0
    visits = sum(p.appointments for p in household.members)
    return {"insverify": 2 * len(household.members) * plans, "insverifyhist": 2 * visits * plans}


def emit_household(ctx, household, stories) -> None:
    staff = [u.user_num for u in ctx.staff.users_by_role("front") + ctx.staff.users_by_role("billing")]
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        found = []
        for coverage in story.coverage:
            for verify_type, done in _checks(ctx, story, coverage, staff).items():
                if done:
                    found.append((coverage.pat_plan_num, verify_type, done))
        _emit(ctx, found)


def _checks(ctx, story, coverage, staff) -> dict[int, list[Verification]]:
    """The checks of one patient plan, by type, oldest first.

    Each visit's check draws from the visit's own stream and is decided in the order the checks happen, from
    the ones before it: a later as-of date only adds checks after every check of an earlier one."""
    cut = ctx.window.midnight
    due = []
    for visit in story.visits:
        if visit.status == PLANNED or not coverage.active_on(visit.day):
            continue
        rng = stream(ctx.seed, "insverify", coverage.pat_plan_num, visit.apt_num)
        moment = _before(visit, visit.day, rng)
        if moment < cut:  # else not checked yet
            due.append((moment, visit.apt_num, visit, rng))
    due.sort(key=lambda d: d[:2])
    found: dict[int, list[Verification]] = {BENEFITS: [], ELIGIBILITY: []}
    verified_years = set()  # the benefit years checked (a January visit is checked in December)
    for moment, _, visit, rng in due:
        day = visit.day
        eligibility = found[ELIGIBILITY]
        if not eligibility or (moment - eligibility[-1].moment).days >= ELIGIBILITY_VALID_DAYS:
            note = ELIGIBILITY_NOTES[int(rng.random() * len(ELIGIBILITY_NOTES))].format(
                carrier=coverage.plan.carrier_name)
            eligibility.append(_check(moment, visit, note, staff, rng))
        if day.year not in verified_years:
            verified_years.add(day.year)
            found[BENEFITS].append(_check(moment + timedelta(minutes=2 + int(rng.random() * 10)), visit,
                                   _benefit_note(coverage.plan, day.year), staff, rng))
    return found


def _before(visit, day: date, rng) -> datetime:
    """A moment on an open day in the few days before the visit, after it was booked (else that morning)."""
    earliest = visit.booked.date() + ONE_DAY
    check = day - timedelta(days=1 + int(rng.random() * VERIFY_DAYS_AHEAD))
    while check < day and (check < earliest or not calendar.is_open(check)):
        check += ONE_DAY
    if check == day:  # before the visit, within office hours (a visit may run after them on a full day)
        return min(visit.start - timedelta(minutes=20 + int(rng.random() * 40)), calendar.at(day, 16 * 60 + 50))
    return calendar.at(check, 8 * 60 + int(rng.random() * 480))


def _check(moment: datetime, visit, note: str, staff, rng) -> Verification:
    # random() rather than randrange(): this runs for every check, and is several times faster
    user = staff[int(rng.random() * len(staff))]
    verifier = staff[int(rng.random() * len(staff))] if rng.random() < OTHER_VERIFIER_RATE else user
    assigned = max(visit.booked.date(), moment.date() - timedelta(days=int(rng.random() * 4)))
    hours = round(max(0.0, (visit.start - moment).total_seconds() / 3600), 1)
    return Verification(moment, min(assigned, moment.date()), user, verifier, hours, note)


def _benefit_note(plan, year: int) -> str:
    preventive, basic, major = plan.percents
    return (f"{year} benefits verified: {preventive}/{basic}/{major}, deductible ${plan.deductible // 100}, "
            f"annual max ${plan.annual_max // 100:,}.")


def _emit(ctx, found: list[tuple[int, int, list[Verification]]]) -> None:
    """The insverify row of each (patient plan, type) and its history, numbered in the order they were made (a
    row by its first check): the checks a later as-of date adds come after every earlier one."""
    found.sort(key=lambda f: (f[2][0].moment, f[0], f[1]))
    nums = ctx.ids.reserve("insverify", len(found))
    history = sorted(((check.moment, pat_plan_num, verify_type, num, check)
                      for num, (pat_plan_num, verify_type, checks) in zip(nums, found) for check in checks),
                     key=lambda h: h[:3])
    sink = ctx.sinks["insverifyhist"]
    for hist_num, (_, pat_plan_num, verify_type, num, check) in zip(
            ctx.ids.reserve("insverifyhist", len(history)), history):
        sink.add(
            InsVerifyHistNum=hist_num, InsVerifyNum=num, DateLastVerified=check.moment.date(),
            UserNum=check.user, VerifyType=verify_type, FKey=pat_plan_num, DefNum=0, Note=check.note,
            DateLastAssigned=check.assigned, DateTimeEntry=check.moment, HoursAvailableForVerification=check.hours,
            VerifyUserNum=check.verifier, SecDateTEdit=check.moment,
        )
    for num, (pat_plan_num, verify_type, checks) in zip(nums, found):
        first, last = checks[0], checks[-1]
        ctx.sinks["insverify"].add(
            InsVerifyNum=num, DateLastVerified=last.moment.date(), UserNum=0, VerifyType=verify_type,
            FKey=pat_plan_num, DefNum=0, Note=last.note, DateLastAssigned=last.assigned, DateTimeEntry=first.moment,
            HoursAvailableForVerification=last.hours, SecDateTEdit=last.moment,
        )
