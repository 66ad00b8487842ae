"""Phase 5, financial: bill each completed visit, collect from insurance and patient, as a well-run office does.

For one patient, visit by visit: cash patients may get a discount and mostly pay at the front desk; insured
visits are claimed (claims.py) and the patient pays the estimated portion at the visit and the rest once
insurance has paid, on the next statement. A few accounts are not paid: after 120 days they go to a collection
agency and are written off (adjustment type 690). Broken appointments may carry a fee. Treatment-planned work of
insured patients carries the plans' estimates, and major work is pre-authorized first. The family's balance and
aging on the as-of date are computed from the ledgers by patient_rows.py (OpenDental's aging).
"""

from __future__ import annotations

from datetime import date, timedelta

from contract.rules import FLOOR
from generators import claims
from generators.claims import bill_visit, billable
from generators.clinical import BROKEN, COMPLETE, COMPLETED, SCHEDULED, TREATMENT_PLANNED, Visit
from generators.context import Context
from generators.insurance import Coverage
from generators.ledger import Charge, Ledger, next_open_day
from generators.patients import Patient
from generators.reference.definitions import COLLECTIONS_WRITE_OFF, PAYMENT_TYPES
from generators.reference.procedure_codes import BY_CODE
from generators.rng import stream, weighted
from generators.story import Story

# How patients pay, as the dbt project's practice names its payment types (contract §7, FINDINGS class X).
PAY_TYPE_WEIGHTS = {71: 40, 412: 12, 69: 15, 70: 10, 391: 8, 417: 3, 574: 3, 634: 4}
assert set(PAY_TYPE_WEIGHTS) <= set(PAYMENT_TYPES)
# Cash patients: pay at the visit, pay on the statement, or not at all (collections).
CASH_BEHAVIOUR = {"at_visit": 0.84, "statement": 0.14, "collections": 0.02}
# Insured patients, once insurance has paid: the rest on the next statement, a few later, a few never.
AFTER_INSURANCE = {"statement": 0.86, "late": 0.12, "collections": 0.02}
INSURED_COPAY_AT_VISIT = 0.85
STATEMENT_DAYS = (10, 35)  # from the visit or the insurance payment to the patient's payment
LATE_DAYS = (60, 240)  # a slow payer: after one to six statements
COLLECTIONS_AFTER = 180  # days unpaid before the account goes to the collection agency
DEPOSIT_RATE = 0.04
# Deposits are the portion of an ordinary visit: the dbt model int_ar_analysis counts a deposit against the
# patient's payments, and its ERROR test (merchant fees <= payments) fails where one deposit outweighs the
# account's insurance and other patient payments.
DEPOSIT_MAX = 25000
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
        "claim": 2 * visits * plans,  # a claim per plan and completed visit, a pre-authorization per exam
        "claimproc": 3 * procedures * plans,  # a line, a supplemental or pre-authorization line, an estimate
        "claimpayment": 2 * visits * plans,  # a payment per claim and a supplemental one
        # per visit: a deposit and its transfer or a copay, an after-insurance payment and two office fees;
        # refunds per procedure
        "payment": 5 * visits + procedures,
        "paysplit": 3 * procedures + 4 * visits,
        # per visit: up to 11 discounts, a reallocation pair and two fees; per procedure a write-off, a refund and
        # up to two collections write-offs
        "adjustment": 15 * visits + 4 * procedures,
    }


def emit_household(ctx: Context, household, stories: list[Story]) -> None:
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        story.ledger = settle(ctx, story.patient, story.visits, story.coverage)
        _plan_estimates(ctx, story)


def _coverages_on(coverage: list[Coverage], day: date) -> tuple[Coverage | None, Coverage | None]:
    active = sorted((c for c in coverage if c.active_on(day)), key=lambda c: c.ordinal)
    primary = active[0] if active else None
    secondary = active[1] if len(active) > 1 else None
    return primary, secondary


def settle(ctx: Context, patient: Patient, visits: list[Visit], coverage: list[Coverage]) -> Ledger:
    """All money of one patient; returns the ledger (the family's aging comes from the ledgers together)."""
    ledger = Ledger(ctx, patient.pat_num, patient.guarantor)
    last_day = ctx.window.last_day
    years: dict = {}
    for visit in visits:
        # Each visit's money draws from its own stream and takes ids from its own share (idplan.py): what a later
        # as-of date adds to one visit (an answer from the carrier, a payment) changes no other visit's rows.
        rng = stream(ctx.seed, "financial", visit.apt_num)
        ledger.flush()  # the previous visit's money, numbered in its share
        ctx.ids.visit(visit.apt_num)
        if visit.status == BROKEN and rng.random() < MISSED_FEE_RATE:
            _office_fee(ledger, visit, 550, MISSED_FEE, "Missed appointment fee", rng, last_day)
        if visit.status != COMPLETE:
            continue
        if rng.random() < ADMIN_FEE_RATE:
            _office_fee(ledger, visit, 549, ADMIN_FEE, "Records copy fee", rng, last_day)
        charges = [Charge(p.proc_num, p.day, p.fee, p.prov_num, p.code.code) for p in visit.procedures
                   if p.status == COMPLETED]
        ledger.charges.extend(charges)
        if charges:  # posted at checkout: the account (and the guarantor's balance) changed then
            posted = visit.end or visit.start
            ledger.last_activity = max(ledger.last_activity or posted, posted)
        if visit.day >= FLOOR:
            patient.has_claimed_completion = True
        primary, secondary = _coverages_on(coverage, visit.day)
        if primary is None:
            _cash_visit(ledger, patient, visit, charges, rng, last_day)
        else:
            _insured_visit(ctx, ledger, visit, charges, primary, secondary, years, rng, last_day)
    ledger.flush()
    ctx.ids.visit(None)
    if ledger.last_activity:
        patient.touch(ledger.last_activity)
    return ledger


def _discount(ledger: Ledger, charges: list[Charge], day: date, adj_type: int, share: float | None) -> None:
    main = max(charges, key=lambda c: c.balance)
    amount = REFERRAL_CREDIT if share is None else round(main.balance * share)
    amount = min(amount, main.balance)
    if amount > 0:
        ledger.adjust(day, adj_type, -amount, main, main.prov_num)


def _collect(ledger: Ledger, items: list[Charge], day: date, behaviour: str, pay_type: int, rng,
             last_day: date) -> None:
    """The patient's payment of what `items` still owe after `day`: on the statement, late, or never (then
    written off to the collection agency once it is 120 days old)."""
    if behaviour in ("statement", "late"):
        pay_day = next_open_day(day, *(STATEMENT_DAYS if behaviour == "statement" else LATE_DAYS), rng)
        if pay_day <= last_day:
            ledger.pay(pay_day, pay_type, [(c, c.balance) for c in items])
        return
    sent = next_open_day(day, COLLECTIONS_AFTER, COLLECTIONS_AFTER + 10, rng)
    if sent <= last_day:
        for charge in items:
            # A balance moved onto the procedure from another (a reallocation) is written off on its own line,
            # so that no write-off is larger than the fee it is booked against.
            for amount in (min(charge.balance, charge.fee), charge.balance - min(charge.balance, charge.fee)):
                if amount > 0:
                    ledger.adjust(sent, COLLECTIONS_WRITE_OFF, -amount, charge, charge.prov_num,
                                  note="Sent to collection agency")


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
    if behaviour != "at_visit":
        _collect(ledger, charges, day, behaviour, pay_type, rng, last_day)
        return
    if pay_type in (70, 69) and rng.random() < 0.5:
        adj_type, _, share = CASH_DISCOUNTS[rng.randrange(len(CASH_DISCOUNTS))]
        _discount(ledger, charges, day, adj_type, share)
    ledger.pay(day, pay_type, [(c, c.balance) for c in charges])


def _insured_visit(ctx: Context, ledger: Ledger, visit: Visit, charges: list[Charge], primary: Coverage,
                   secondary: Coverage | None, years: dict, rng, last_day: date) -> None:
    billed = [(c, BY_CODE[c.code].coverage, BY_CODE[c.code].category) for c in charges]
    billed = [b for b in billed if billable(b[0], b[2])]
    pay_type = weighted(rng, PAY_TYPE_WEIGHTS)
    first = bill_visit(ctx, ledger, billed, primary, secondary, visit.day, visit.prov_num, years, visit.apt_num)
    if rng.random() < INSURED_COPAY_AT_VISIT:
        # The patient pays the estimated portion at the front desk: the fee less the expected write-off
        # and insurance payment (what insurance will not cover). Never more than that, so never a credit.
        expected = {id(line.charge): line.estimate + line.write_off for line in first.lines}
        portion = [(c, c.fee - expected.get(id(c), 0)) for c in charges]
        if rng.random() < DEPOSIT_RATE and sum(amount for _, amount in portion) <= DEPOSIT_MAX:
            # Taken at check-in, before the procedures were posted. (Only here: the dbt project counts a
            # deposit against the patient's payments, which its merchant-fee test then finds too small on
            # an uninsured account.)
            ledger.deposit_then_transfer(visit.day, pay_type, portion)
        else:
            ledger.pay(visit.day, pay_type, portion)
    # When insurance is done with the visit, drawn whatever the as-of date (see claims.bill_visit); what follows
    # from it is booked only once it has happened.
    settled_on, answers = first.settled, [first.answered, first.settled]
    if first.answered and secondary and first.lines:
        second = bill_visit(ctx, ledger, billed, secondary, primary, visit.day, visit.prov_num, years, visit.apt_num,
                            primary_lines=first.lines, sent_after=first.answered)
        if second.answered:  # both plans done, their appeals too
            settled_on = max(settled_on, second.settled)
            answers += [second.answered, second.settled]
    # insurance paid more than the patient was told: the overpayment is refunded on the spot, at each answer
    # (a credit never stays on a procedure), from what was on the account that day
    for day in sorted({d for d in answers if d is not None and d <= last_day}):
        _refund_credits(ledger, charges, day, rng)
    if settled_on is None or settled_on > last_day:
        return
    owing = [c for c in charges if c.balance > 0]
    if owing:
        _collect(ledger, owing, settled_on, weighted(rng, AFTER_INSURANCE), pay_type, rng, last_day)


def _refund_credits(ledger: Ledger, charges: list[Charge], day: date, rng) -> None:
    for charge in charges:
        credit = -charge.balance_on(day)
        if credit <= 0:
            continue
        if credit <= REFUND_ADJUSTMENT_LIMIT:
            ledger.adjust(day, REFUND_TYPES[rng.randrange(2)], credit, charge, charge.prov_num,
                          note="Refunded patient overpayment")
        else:
            ledger.refund(day, charge, credit)


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
    pay_day = day + timedelta(days=rng.randint(1, 60))
    paid, pay_type = rng.random() < 0.85, weighted(rng, PAY_TYPE_WEIGHTS)  # drawn whether paid by the as-of date or not
    if paid and pay_day <= last_day:
        ledger.pay(pay_day, pay_type, [(fee, fee.balance)])


def _plan_estimates(ctx: Context, story: Story) -> None:
    """Insured patients' planned work: a pre-authorization of major work sent after the exam, and on the as-of
    date an estimate per active plan of every procedure still treatment-planned."""
    if not story.coverage:
        return
    ledger = story.ledger
    for exam, procedures in story.presented:
        major = [p for p in procedures if claims.needs_preauth(p.code.code) and p.fee > 0]
        primary, _ = _coverages_on(story.coverage, exam.day)
        # a pre-authorization of 2022 for work of 2023 would hang off a claim the models drop (contract FLOOR)
        if major and primary is not None and (exam.day >= FLOOR or all(p.day < FLOOR for p in major)):
            claims.preauthorize(ctx, ledger, major, primary, exam.day, exam.prov_num, exam.apt_num)
    as_of = ctx.window.as_of
    active = [c for c in story.coverage if c.active_on(as_of)]
    planned = [p for v in story.visits if v.status == SCHEDULED for p in v.procedures]
    planned += [p for p in story.unscheduled if p.status == TREATMENT_PLANNED]
    for procedure in planned:
        if procedure.fee <= 0 or BY_CODE[procedure.code.code].category in claims.NOT_BILLED_CATEGORIES:
            continue
        for coverage in sorted(active, key=lambda c: c.ordinal):
            claims.estimate(ctx, ledger, procedure, coverage, min(procedure.entered.date(), ctx.window.last_day),
                            procedure.moved)
