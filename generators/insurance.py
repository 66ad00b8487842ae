"""Phase 3, insurance: carriers, employers, plans and their benefits, then each household's coverage.

Plans are numbered 1..P with P at least the number of patient-plan rows: a downstream model joins
patplan.PatPlanNum to insplan.PlanNum (contract D-insplan-03), so every PatPlanNum should name a real
plan. Coverage runs from DateEffective until DateTerm; a procedure is billed to the plans active on
its date.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from generators import calendar, fees
from generators.census import Household
from generators.context import Context
from generators.extra.charting import DEFAULT_CLAIM_FORM
from generators.reference.places import CARRIERS
from generators.rng import stream
from generators.story import Story

PLANS_PER_PATIENT = 0.75
MAX_PLANS = 15_000
MIN_EMPLOYERS, MAX_EMPLOYERS = 500, 10_000
TERMINATION_RATE = 0.06
MID_WINDOW_START_RATE = 0.2
# Carriers whose networks the practice joined, and the fee schedule of each network.
NETWORK_SCHEDULES = dict(zip(range(6), fees.PPO_SCHEDULES))
COVERAGE_CLASSES = ("preventive", "basic", "major")
EARLIEST_PLAN_ENTRY = date(2020, 1, 1)


@dataclass(frozen=True, slots=True)
class Plan:
    plan_num: int
    carrier_num: int
    carrier_name: str
    employer_num: int
    fee_sched: int  # the network's allowed-fee schedule, or 0 for an indemnity plan
    percents: tuple[int, int, int]  # coinsurance for preventive, basic, major
    deductible: int  # cents per benefit year, not applied to preventive care
    annual_max: int  # cents per benefit year


@dataclass(frozen=True, slots=True)
class Coverage:
    ordinal: int
    plan: Plan
    ins_sub_num: int
    pat_plan_num: int
    effective: date
    term: date | None

    def active_on(self, day: date) -> bool:
        return self.effective <= day and (self.term is None or day < self.term)

    def percent(self, coverage_class: str) -> int:
        return self.plan.percents[COVERAGE_CLASSES.index(coverage_class)]


def employer_count(patients: int) -> int:
    return max(MIN_EMPLOYERS, min(MAX_EMPLOYERS, patients // 10))


def plan_count(patients: int) -> int:
    """Enough plans for every PatPlanNum of a practice of up to 20,000 patients to name one (see the module
    docstring); beyond that the plan table stops growing with the patients."""
    return max(50, min(MAX_PLANS, math.ceil(patients * PLANS_PER_PATIENT)))


def emit_reference(ctx: Context) -> None:
    """Carriers, employers, plans and benefits; keeps the plans in ctx for the households."""
    rng = stream(ctx.seed, "insurance-reference")
    window = ctx.window
    clerk = ctx.staff.users_by_role("billing")[0].user_num
    setup = calendar.at(window.setup_day, 10 * 60)
    sinks = ctx.sinks
    for num, (name, elect_id, city, state, zip_digits, _) in enumerate(CARRIERS, start=1):
        sinks["carrier"].add(
            CarrierNum=num, CarrierName=name, Address=f"PO Box {1000 + num * 173}", Address2="", City=city,
            State=state, Zip=zip_digits, Phone=f"(800){200 + num * 37:03d}-{1000 + num * 91:04d}", ElectID=elect_id,
            NoSendElect=0, IsCDA=False, CDAnetVersion="", CanadianNetworkNum=0, IsHidden=False,
            CanadianEncryptionMethod=False, CanadianSupportedTypes=0, SecUserNumEntry=clerk,
            SecDateEntry=window.setup_day, SecDateTEdit=setup, TIN="", CarrierGroupName=0, ApptTextBackColor=0,
            IsCoinsuranceInverted=False, TrustedEtransFlags=False, CobInsPaidBehaviorOverride=False,
            EraAutomationOverride=False, OrthoInsPayConsolidate=False,
        )
    employers = employer_count(ctx.config.num_patients)
    companies = ctx.pools.companies
    for num in range(1, employers + 1):
        digits, city, state = ctx.zip_codes[rng.randrange(len(ctx.zip_codes))]
        sinks["employer"].add(
            EmployerNum=num, EmpName=companies[(num - 1) % len(companies)][:255],
            Address=f"{rng.randint(100, 9999)} {rng.choice(ctx.pools.streets).split(' ', 1)[-1]}", Address2="",
            City=city, State=state, Zip=digits, Phone=f"(219){rng.randint(200, 989)}-{rng.randint(0, 9999):04d}",
        )
    carrier_weights = [c[5] for c in CARRIERS]
    for plan_num in range(1, plan_count(ctx.config.num_patients) + 1):
        carrier_index = rng.choices(range(len(CARRIERS)), weights=carrier_weights)[0]
        network = NETWORK_SCHEDULES.get(carrier_index) if rng.random() < 0.85 else None
        plan = Plan(
            plan_num=plan_num, carrier_num=carrier_index + 1, carrier_name=CARRIERS[carrier_index][0],
            employer_num=rng.randint(1, employers), fee_sched=network or 0,
            percents=(100, rng.choice([70, 80, 80, 90]), rng.choice([50, 50, 60])),
            deductible=rng.choice([5000, 5000, 7500, 10000]), annual_max=rng.choice([100000, 150000, 150000, 200000]),
        )
        ctx.plans.append(plan)
        _emit_plan(ctx, plan, rng, clerk)


def _emit_plan(ctx: Context, plan: Plan, rng, clerk: int) -> None:
    window = ctx.window
    earliest = max(EARLIEST_PLAN_ENTRY, window.setup_day - timedelta(days=900))
    entered = min(earliest + timedelta(days=rng.randrange(max(1, (window.setup_day - earliest).days))),
                  window.setup_day)
    edited = calendar.at(window.setup_day, 11 * 60)
    employer_name = ctx.pools.companies[(plan.employer_num - 1) % len(ctx.pools.companies)]
    ctx.sinks["insplan"].add(
        PlanNum=plan.plan_num, GroupName=employer_name[:50], GroupNum=f"{100000 + plan.plan_num * 7919 % 900000}",
        PlanNote="", FeeSched=plan.fee_sched, PlanType="P" if plan.fee_sched else "",
        ClaimFormNum=DEFAULT_CLAIM_FORM,
        UseAltCode=False, ClaimsUseUCR=False, CopayFeeSched=0, EmployerNum=plan.employer_num,
        CarrierNum=plan.carrier_num, AllowedFeeSched=0, TrojanID="", DivisionNo="", IsMedical=False, FilingCode=0,
        ShowBaseUnits=False, CodeSubstNone=False, IsHidden=False, MonthRenew=0, FilingCodeSubtype=0, RxBIN="",
        CobRule=0, SopCode="", SecUserNumEntry=clerk, SecDateEntry=entered, SecDateTEdit=edited,
        HideFromVerifyList=False, OrthoType=False, OrthoAutoProcFreq=False, OrthoAutoProcCodeNumOverride=0,
        OrthoAutoFeeBilled=0.0, OrthoAutoClaimDaysWait=0, BillingType=0, HasPpoSubstWriteoffs=False,
        ExclusionFeeRule=False, ManualFeeSchedNum=0, IsBlueBookEnabled=False, PerVisitPatAmount=0.0,
        PerVisitInsAmount=0.0,
    )
    stamp = calendar.at(entered, 11 * 60)
    common = {"PlanNum": plan.plan_num, "PatPlanNum": 0, "CodeNum": 0, "CodeGroupNum": 0, "TimePeriod": 2,
              "CoverageLevel": 1, "QuantityQualifier": 0, "Quantity": 0, "TreatArea": 0, "SecDateTEntry": stamp,
              "SecDateTEdit": edited}
    benefit = ctx.sinks["benefit"]
    for cov_cat, percent in enumerate(plan.percents, start=1):
        benefit.add(BenefitNum=ctx.ids.next("benefit"), CovCatNum=cov_cat, BenefitType=1, Percent=percent,
                    MonetaryAmt=-1.0, **common)
    benefit.add(BenefitNum=ctx.ids.next("benefit"), CovCatNum=0, BenefitType=2, Percent=-1,
                MonetaryAmt=plan.deductible / 100, **common)
    benefit.add(BenefitNum=ctx.ids.next("benefit"), CovCatNum=0, BenefitType=5, Percent=-1,
                MonetaryAmt=plan.annual_max / 100, **common)


def bounds(household: Household) -> dict[str, int]:
    plans = (2 if household.dual else 1) if household.insured else 0
    return {"inssub": plans, "patplan": len(household.members) * plans}


def emit_household(ctx: Context, household: Household, stories: list[Story]) -> None:
    coverage = enroll(ctx, household, [story.patient for story in stories])
    for story in stories:
        story.coverage = coverage[story.patient.pat_num]


def enroll(ctx: Context, household: Household, patients) -> dict[int, list[Coverage]]:
    """Subscriptions and patient plans of one household; returns each member's coverage by PatNum."""
    coverage: dict[int, list[Coverage]] = {p.pat_num: [] for p in patients}
    if not household.insured:
        return coverage
    rng = stream(ctx.seed, "enrollment", household.index)
    window = ctx.window
    subscribers = [patients[0]] + ([patients[1]] if household.dual else [])
    for ordinal, subscriber in enumerate(subscribers, start=1):
        plan = ctx.plans[rng.randrange(len(ctx.plans))]
        if rng.random() < MID_WINDOW_START_RATE:
            effective = window.start + timedelta(days=rng.randrange(max(1, window.pace.days() * 2 // 3)))
        else:
            effective = window.start - timedelta(days=rng.randrange(30, 6 * 365))
        term = None
        if rng.random() < TERMINATION_RATE:
            span = (window.pace.last_day - effective).days
            if span > 60:
                term = effective + timedelta(days=rng.randrange(60, span))
        ctx.ids.person(subscriber.pat_num)
        sub_num = _emit_subscription(ctx, plan, subscriber, effective, term, rng, household.arrives)
        subscriber.employer_num = subscriber.employer_num or plan.employer_num
        for member in patients:
            ctx.ids.person(member.pat_num)
            pat_plan_num = ctx.ids.next("patplan")
            relationship = 0 if member is subscriber else (2 if member.person.age_group == "child" else 1)
            entered = min(max(EARLIEST_PLAN_ENTRY, effective, household.arrives or effective), window.last_day)
            entered_at = calendar.at(entered, 9 * 60 + rng.randrange(480))
            edited = max(entered_at, calendar.at(window.setup_day, 12 * 60))
            ctx.sinks["patplan"].add(
                PatPlanNum=pat_plan_num, PatNum=member.pat_num, Ordinal=ordinal, IsPending=False,
                Relationship=relationship, PatID="", InsSubNum=sub_num, OrthoAutoFeeBilledOverride=-1.0,
                OrthoAutoNextClaimDate=None, SecDateTEntry=entered_at, SecDateTEdit=edited,
            )
            coverage[member.pat_num].append(Coverage(ordinal, plan, sub_num, pat_plan_num, effective, term))
    for p in patients:
        p.insured_now = any(c.term is None or c.term > window.as_of for c in coverage[p.pat_num])
        if coverage[p.pat_num] and not p.insured_now:
            p.coverage_ended = max(c.term for c in coverage[p.pat_num])
    return coverage


def _emit_subscription(ctx: Context, plan: Plan, subscriber, effective: date, term: date | None, rng,
                       on_file: date | None) -> int:
    window = ctx.window
    sub_num = ctx.ids.next("inssub")
    entered = min(max(effective, date(2000, 1, 1), on_file or effective), window.last_day)
    edited_day = min(max(entered, window.setup_day, term or entered), window.last_day)
    ctx.sinks["inssub"].add(
        InsSubNum=sub_num, PlanNum=plan.plan_num, Subscriber=subscriber.pat_num, DateEffective=effective,
        DateTerm=term, ReleaseInfo=True, AssignBen=True,
        SubscriberID=f"{rng.choice('XWJKM')}{rng.randrange(10**8, 10**9)}",
        BenefitNotes="", SubscNote="", SecUserNumEntry=ctx.staff.users_by_role("billing")[0].user_num,
        SecDateEntry=entered, SecDateTEdit=calendar.at(edited_day, 15 * 60),
    )
    return sub_num
