"""Phase 5, financial: bill each completed visit, collect from insurance and patient, and age what is left.

For one patient, visit by visit: cash patients may get a discount; insured visits are claimed (see
claims.py); the patient pays their portion at the visit, after insurance, or not yet. Missed
appointments may carry a fee. What remains on the as-of date becomes the patient's balance and aging.
"""

from __future__ import annotations

from datetime import date, timedelta

from contract.rules import FLOOR
from generators.claims import bill_visit, billable
from generators.clinical import BROKEN, COMPLETE, Visit
from generators.context import Context
from generators.insurance import Coverage
from generators.ledger import Charge, Ledger, next_open_day
from generators.patients import Patient
from generators.reference.definitions import PAYMENT_TYPES
from generators.reference.procedure_codes import BY_CODE
from generators.rng import stream, weighted
from generators.story import Story

PAY_TYPE_WEIGHTS = {71: 38, 391: 12, 70: 10, 69: 14, 412: 4, 417: 8, 574: 6, 634: 4, 676: 3, 681: 1}
assert set(PAY_TYPE_WEIGHTS) <= set(PAYMENT_TYPES)
# Cash patients: pay at the visit, pay later, or owe it still.
CASH_BEHAVIOUR = {"at_visit": 0.65, "later": 0.25, "owes": 0.10}
INSURED_COPAY_AT_VISIT = 0.45
PAYS_AFTER_INSURANCE = 0.85
DEPOSIT_RATE = 0.04
MISSED_FEE_RATE = 0.15
MISSED_FEE = 5000
ADMIN_FEE_RATE = 0.004  # e.g. copies of records for another office
ADMIN_FEE = 2500
REALLOCATION_RATE = 0.02  # part of one procedure's balance moved onto another of the same visit
# Discounts for cash patients: (type, chance, share of the fee)
SENIOR_DISCOUNT = (186, 0.35, 0.10)
NEW_PATIENT_DISCOUNT = (537, 0.40, 0.15)
CASH_DISCOUNTS = ((9, 0.5, 0.05), (185, 0.5, 0.03))  # paid in full at the visit
COURTESY_DISCOUNTS = ((474, 0.010, 0.20), (475, 0.008, 0.50), (486, 0.012, 0.10), (482, 0.006, 0.10),
                      (472, 0.003, 0.25), (485, 0.003, 0.20), (483, 0.010, None))
REFERRAL_CREDIT = 2500
REFUND_TYPES = (18, 337)
# Credits up to this are refunded by adjustment; larger ones by a refund payment, so that a model which
# subtracts the signed adjustment (contract D-procedurelog-06: balance >= -2,000) stays in bounds too.
REFUND_ADJUSTMENT_LIMIT = 50000


def bounds(household) -> dict[str, int]:
    visits = sum(p.appointments for p in household.members)
    procedures = sum(p.procedures for p in household.members)
    plans = (2 if household.dual else 1) if household.insured else 0
    return {
        "claim": visits * plans,  # one claim per plan and completed visit
        "claimproc": procedures * plans,
        "claimpayment": visits * plans,
        # per visit: deposit + transfer, or copay + after-insurance, and two office fees; refunds per procedure
        "payment": 4 * visits + procedures,
        "paysplit": 3 * procedures + 4 * visits,
        # per visit: up to 11 discounts, a reallocation pair and two fees; per procedure a write-off and a refund
        "adjustment": 15 * visits + 2 * procedures,
    }


def emit_household(ctx: Context, household, stories: list[Story]) -> None:
    for story in stories:
        story.ledger = settle(ctx, story.patient, story.visits, story.coverage)


def _coverages_on(coverage: list[Coverage], day: date) -> tuple[Coverage | None, Coverage | None]:
    active = sorted((c for c in coverage if c.active_on(day)), key=lambda c: c.ordinal)
    primary = active[0] if active else None
    secondary = active[1] if len(active) > 1 else None
    return primary, secondary


def settle(ctx: Context, patient: Patient, visits: list[Visit], coverage: list[Coverage]) -> Ledger:
    """All money of one patient; returns the ledger, whose balances go on the patient row."""
    rng = stream(ctx.seed, "financial", patient.pat_num)
    ledger = Ledger(ctx, patient.pat_num, patient.guarantor)
    last_day = ctx.window.last_day
    years: dict = {}
    for visit in visits:
        if visit.status == BROKEN and rng.random() < MISSED_FEE_RATE:
            _office_fee(ledger, visit, 550, MISSED_FEE, "Missed appointment fee", rng, last_day)
        if visit.status != COMPLETE:
            continue
        if rng.random() < ADMIN_FEE_RATE:
            _office_fee(ledger, visit, 549, ADMIN_FEE, "Records copy fee", rng, last_day)
        charges = [Charge(p.proc_num, p.day, p.fee, p.prov_num, p.code.code) for p in visit.procedures]
        ledger.charges.extend(charges)
        if visit.day >= FLOOR:
            patient.has_claimed_completion = True
        primary, secondary = _coverages_on(coverage, visit.day)
        if primary is None:
            _cash_visit(ledger, patient, visit, charges, rng, last_day)
        else:
            _insured_visit(ctx, ledger, visit, charges, primary, secondary, years, rng, last_day)
    patient.balance = ledger.balances(ctx.window.as_of)
    if ledger.last_activity:
        patient.touch(ledger.last_activity)
    return ledger


def _discount(ledger: Ledger, charges: list[Charge], day: date, adj_type: int, share: float | None) -> None:
    main = max(charges, key=lambda c: c.balance)
    amount = REFERRAL_CREDIT if share is None else round(main.balance * share)
    amount = min(amount, main.balance)
    if amount > 0:
        ledger.adjust(day, adj_type, -amount, main, main.prov_num)


def _cash_visit(ledger: Ledger, patient: Patient, visit: Visit, charges: list[Charge], rng, last_day: date) -> None:
    day = visit.day
    if patient.person.age_group == "senior" and rng.random() < SENIOR_DISCOUNT[1]:
        _discount(ledger, charges, day, SENIOR_DISCOUNT[0], SENIOR_DISCOUNT[2])
    if visit.kind == "new" and rng.random() < NEW_PATIENT_DISCOUNT[1]:
        _discount(ledger, charges, day, NEW_PATIENT_DISCOUNT[0], NEW_PATIENT_DISCOUNT[2])
    for adj_type, chance, share in COURTESY_DISCOUNTS:
        if rng.random() < chance:
            _discount(ledger, charges, day, adj_type, share)
    if len(charges) > 1 and rng.random() < REALLOCATION_RATE:
        _reallocate(ledger, charges, day, rng)
    behaviour = weighted(rng, CASH_BEHAVIOUR)
    pay_type = weighted(rng, PAY_TYPE_WEIGHTS)
    if behaviour == "at_visit":
        if pay_type in (70, 69) and rng.random() < 0.5:
            adj_type, _, share = CASH_DISCOUNTS[rng.randrange(len(CASH_DISCOUNTS))]
            _discount(ledger, charges, day, adj_type, share)
        transfer_day = next_open_day(day, 1, 10, rng)
        if rng.random() < DEPOSIT_RATE and transfer_day <= last_day:
            ledger.deposit_then_transfer(day, transfer_day, pay_type, charges)
        else:
            ledger.pay(day, pay_type, [(c, c.balance) for c in charges])
    elif behaviour == "later":
        pay_day = next_open_day(day, 14, 75, rng)
        if pay_day <= last_day:
            ledger.pay(pay_day, pay_type, [(c, c.balance) for c in charges])


def _insured_visit(ctx: Context, ledger: Ledger, visit: Visit, charges: list[Charge], primary: Coverage,
                   secondary: Coverage | None, years: dict, rng, last_day: date) -> None:
    billed = [(c, BY_CODE[c.code].coverage, BY_CODE[c.code].category) for c in charges]
    billed = [b for b in billed if billable(b[0], b[2])]
    pay_type = weighted(rng, PAY_TYPE_WEIGHTS)
    first = bill_visit(ctx, ledger, billed, primary, secondary, visit.day, visit.prov_num, years, rng)
    if rng.random() < INSURED_COPAY_AT_VISIT:
        # The patient pays the estimated portion at the front desk: the fee less the expected write-off
        # and insurance payment (what insurance will not cover). Never more than that, so never a credit.
        expected = {id(line.charge): line.estimate + line.write_off for line in first.lines}
        ledger.pay(visit.day, pay_type, [(c, c.fee - expected.get(id(c), 0)) for c in charges])
    settled_on = first.received_on
    if settled_on and secondary and first.lines:
        second = bill_visit(ctx, ledger, billed, secondary, primary, visit.day, visit.prov_num, years, rng,
                            primary_lines=first.lines, sent_after=settled_on)
        settled_on = second.received_on
    if settled_on is None:
        return
    credit = [c for c in charges if c.balance < 0]
    if credit:  # insurance paid more than the patient was told: refund the overpayment
        refund_day = next_open_day(settled_on, 3, 20, rng)
        if refund_day > last_day:
            refund_day = settled_on  # refunded on the spot: a credit never stays on a procedure
        for charge in credit:
            if -charge.balance <= REFUND_ADJUSTMENT_LIMIT:
                ledger.adjust(refund_day, REFUND_TYPES[rng.randrange(2)], -charge.balance, charge, charge.prov_num,
                              note="Refunded patient overpayment")
            else:
                ledger.refund(refund_day, charge)
    if rng.random() < PAYS_AFTER_INSURANCE:
        pay_day = next_open_day(settled_on, 7, 60, rng)
        if pay_day <= last_day:
            ledger.pay(pay_day, pay_type, [(c, c.balance) for c in charges])


def _reallocate(ledger: Ledger, charges: list[Charge], day: date, rng) -> None:
    """Move part of one procedure's balance onto another (type 235): a pair that nets to zero."""
    source, target = rng.sample(charges, 2)
    amount = min(source.balance, 2500)
    if amount > 0:
        ledger.adjust(day, 235, -amount, source, source.prov_num, note="Balance moved to another procedure")
        ledger.adjust(day, 235, amount, target, target.prov_num, note="Balance moved from another procedure")


def _office_fee(ledger: Ledger, visit: Visit, adj_type: int, amount: int, note: str, rng, last_day: date) -> None:
    """A charge that is no procedure (positive adjustment); paid later in most cases."""
    day = visit.day
    fee_adj = ledger.adjust(day, adj_type, amount, None, visit.prov_num, note=note)
    fee = next(f for f in ledger.fees if f.adj_num == fee_adj)
    pay_day = day + timedelta(days=rng.randint(1, 90))
    if rng.random() < 0.6 and pay_day <= last_day:
        ledger.pay(pay_day, weighted(rng, PAY_TYPE_WEIGHTS), [(fee, fee.balance)])
