"""Insurance billing: claims and their whole life, estimates and pre-authorizations.

A claim is created the day of the visit (W, waiting to send), sent within days (S) and answered weeks later (R),
each line paid, paid less (a downgrade) or denied at $0, always with a claim payment (a $0 one for a denied
claim). A network (PPO) plan pays on its allowed fee; the difference to the billed fee is written off once: on
the claim line (claimproc.WriteOff, as the office enters it from the EOB), or, for the four carriers whose EOBs
the office posts as totals, as an insurance write-off adjustment (type 188) on the procedure. Claims still pending
on the as-of date carry their estimate and write-off estimate. Some downgraded lines are appealed and paid a
supplemental payment later (claimproc status 4). Dual coverage bills the secondary plan for what the primary
left, once the primary has paid. Treatment-planned work of insured patients carries an estimate (status 6) per
plan; crowns, implants, dentures and perio surgery are pre-authorized first (a PreAuth claim with status-2 lines,
sent and answered before the work; typed Other, as the contract allows no PreAuth).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from generators import calendar
from generators.context import Context
from generators.fees import fee_cents
from generators.insurance import Coverage
from generators.ledger import Charge, Ledger, next_open_day
from generators.reference.definitions import INSURANCE_PAYMENT_TYPES
from generators.rng import stream, weighted

WRITE_OFF_TYPE = 188
NOT_BILLED_CATEGORIES = {667, 300}  # whitening and veneers: cosmetic, never sent to insurance
DOWNGRADE_RATE = 0.07  # lines paid less than estimated
DENIAL_RATE = 0.03  # lines denied (frequency limits, not covered): paid $0
SUPPLEMENTAL_RATE = 0.35  # downgraded lines the office appeals and is paid more on later
ANSWER_DAYS = (7, 35)  # from sending to the carrier's payment
SLOW_CLAIM_RATE = 0.05  # claims pended or lost by the carrier, answered after follow-up
SLOW_CLAIM_DAYS = (60, 180)
# claimproc.Status (OpenDental's ClaimProcStatus)
NOT_RECEIVED, RECEIVED, PREAUTH, SUPPLEMENTAL, ESTIMATE = 0, 1, 2, 4, 6
BY_TOTAL_CARRIERS = frozenset({3, 4, 6, 8})  # Cigna, Aetna, United Concordia, Humana: write-offs as adjustments
INSURANCE_PAY_TYPE_WEIGHTS = {261: 45, 303: 35, 464: 5, 465: 8, 466: 4, 469: 3}
assert set(INSURANCE_PAY_TYPE_WEIGHTS) == set(INSURANCE_PAYMENT_TYPES)
PREAUTH_CODES = ("D27", "D6", "D5", "D4260")
# OpenDental types a pre-authorization 'PreAuth'; the contract accepts only P, S and Other (R-claim-033, ERROR).
PREAUTH_CLAIM_TYPE = "Other"  # crowns, implants, dentures, perio surgery: the starts of the codes


@dataclass
class BenefitYear:
    """What one plan has already paid and applied to the deductible in one calendar year."""

    deductible_used: int = 0
    paid: int = 0


@dataclass
class ClaimLine:
    charge: Charge
    coverage_class: str
    allowed: int
    write_off: int
    deductible: int
    estimate: int
    paid: int = 0
    claimproc_num: int = 0
    supplemental: int = 0  # paid later by a supplemental payment


@dataclass
class ClaimResult:
    """One claim as billed: what later modules (tracking, snapshots, statements) build on."""

    received_on: date | None
    lines: list[ClaimLine] = field(default_factory=list)
    claim_num: int = 0
    coverage: Coverage | None = None
    secondary: bool = False
    status: str = ""
    day: date | None = None  # date of service (the day the claim was created)
    sent_on: date | None = None
    payment_num: int = 0  # the claim payment (check) that paid it
    supplemental_on: date | None = None  # when the supplemental payment came, if any
    supplemental_payment: int = 0
    preauth: bool = False
    answered: date | None = None  # when the carrier answers (received_on once the as-of date has passed it)
    settled: date | None = None  # when insurance is done with it: the answer, or the appeal's payment
    pat_num: int = 0  # the patient billed (whose part of the ids its rows take, generators/idplan.py)


def billable(charge: Charge, category: int) -> bool:
    return category not in NOT_BILLED_CATEGORIES and charge.fee > 0


def estimate_line(charge: Charge, coverage_class: str, coverage: Coverage, year: BenefitYear,
                  primary: ClaimLine | None = None) -> ClaimLine:
    """What a plan is expected to pay on a procedure, and the write-off its network fee implies."""
    plan = coverage.plan
    if primary is None:
        allowed = min(charge.fee, fee_cents(plan.fee_sched, charge.code)) if plan.fee_sched else charge.fee
        write_off = charge.fee - allowed
        deductible = 0
        if coverage_class != "preventive":
            deductible = min(plan.deductible - year.deductible_used, allowed)
        while write_off > 0 and not _fits(charge.fee, write_off, deductible):
            write_off, allowed = write_off - 1, allowed + 1
        estimate = (allowed - deductible) * coverage.percent(coverage_class) // 100
    else:  # the secondary plan covers its share of the allowed fee, up to what the primary left
        allowed, write_off, deductible = primary.allowed, 0, 0
        estimate = min(allowed - primary.paid, allowed * coverage.percent(coverage_class) // 100)
    estimate = max(0, min(estimate, plan.annual_max - year.paid))
    return ClaimLine(charge, coverage_class, allowed, write_off, deductible, estimate)


def bill_visit(ctx: Context, ledger: Ledger, charges: list[tuple[Charge, str, int]], coverage: Coverage,
               other: Coverage | None, day: date, visit_prov: int, years: dict, apt_num: int,
               primary_lines: list[ClaimLine] | None = None, sent_after: date | None = None) -> ClaimResult:
    """Bill `charges` ((charge, coverage class, category) tuples) of the visit `apt_num` to one plan and settle
    what was paid. For a secondary claim, `primary_lines` holds what the primary paid and `sent_after` when.
    """
    year = years.setdefault((coverage.ordinal, day.year), BenefitYear())
    lines = []
    for charge, coverage_class, _ in charges:
        primary = next(x for x in primary_lines if x.charge is charge) if primary_lines is not None else None
        line = estimate_line(charge, coverage_class, coverage, year, primary)
        year.deductible_used += line.deductible
        year.paid += line.estimate
        lines.append(line)
    if not lines:
        return ClaimResult(None)

    # The claim's whole life is drawn, from its own stream, whatever the as-of date; the rows then show it as it
    # stands on that date (waiting, sent, or answered and paid). So a later as-of date only moves it on.
    window = ctx.window
    plans = _plans(ctx)
    claim_num = ctx.ids.share("claim", "appointment", apt_num, coverage.ordinal - 1)
    rng = stream(ctx.seed, "claim", claim_num)
    created = sent_after or day
    sent = next_open_day(created, 0 if sent_after is None else 1, 3, rng)
    # most carriers answer within weeks; a few claims are pended or lost and answered months later, after follow-up
    slow = rng.random() < SLOW_CLAIM_RATE
    received = next_open_day(sent, *(SLOW_CLAIM_DAYS if slow else ANSWER_DAYS), rng)
    for line in lines:
        line.paid = line.estimate
        draw = rng.random()
        if draw < DENIAL_RATE:
            line.paid = 0
        elif draw < DENIAL_RATE + DOWNGRADE_RATE:
            line.paid = line.estimate * rng.randint(50, 90) // 100
            if rng.random() < SUPPLEMENTAL_RATE:
                line.supplemental = line.estimate - line.paid
        year.paid -= line.estimate - line.paid
    _fit_claim(lines)
    appeal = next_open_day(received, 20, 60, rng) if any(line.supplemental for line in lines) else None
    result = ClaimResult(None, lines, claim_num, coverage, primary_lines is not None, "", created, None,
                         answered=received, settled=appeal or received)
    if created > window.last_day:
        return result  # not made yet on the as-of date: no rows, nothing on the account
    if sent > window.last_day:
        result.status = "W"  # created, waiting to be sent
    elif received > window.last_day:
        result.status, result.sent_on = "S", sent
    else:
        result.status, result.sent_on, result.received_on = "R", sent, received
    received_on = result.received_on
    by_total = coverage.plan.carrier_num in BY_TOTAL_CARRIERS
    if received_on:
        result.payment_num = _claim_payment(ctx, ledger, coverage, sent, received_on, sum(x.paid for x in lines),
                                            ctx.ids.share("claimpayment", "appointment", apt_num,
                                                          coverage.ordinal - 1))
        if appeal is not None and appeal <= window.last_day:
            result.supplemental_on = appeal
            result.supplemental_payment = _claim_payment(ctx, ledger, coverage, appeal, appeal,
                                                         sum(x.supplemental for x in lines),
                                                         ctx.ids.share("claimpayment", "appointment", apt_num,
                                                                       plans + coverage.ordinal - 1))
    if not result.supplemental_on:
        for line in lines:
            line.supplemental = 0
    for number, line in enumerate(lines, start=1):
        line.claimproc_num = _claim_proc(ctx, ledger.pat_num, claim_num, coverage, line, RECEIVED if received_on
                                         else NOT_RECEIVED, received_on, result.payment_num, number, created,
                                         by_total)
        if received_on:
            ledger.insurance(received_on, line.charge, line.paid, 0 if by_total else line.write_off)
            if by_total and line.write_off > 0:
                ledger.adjust(received_on, WRITE_OFF_TYPE, -line.write_off, line.charge, line.charge.prov_num,
                              note=f"PPO write-off, {coverage.plan.carrier_name} (EOB posted by total)")
            if line.supplemental:
                _supplemental(ctx, ledger, claim_num, coverage, line, result, number)
        else:
            line.charge.ins_pending += line.estimate + line.write_off
    _claim_row(ctx, ledger, result, other, visit_prov, by_total)
    result.pat_num = ledger.pat_num
    ledger.claims.append(result)
    return result


def _fits(fee: int, *parts: int) -> bool:
    """Whether the parts, added up as float8 amounts in dollars, stay within the fee.

    The dbt tests compare sums of float8 columns (e.g. deductible + paid + write-off <= fee), where
    121.37 + 68.11 can exceed 189.48 by one ulp; such cases give up a cent of write-off.
    """
    total = 0.0
    for part in parts:
        total += part / 100
    return total <= fee / 100


def _fit_claim(lines: list[ClaimLine]) -> None:
    """The same float8 guard for a paid claim's totals."""
    fee = sum(line.charge.fee for line in lines)
    while not _fits(fee, sum(x.deductible for x in lines), sum(x.paid + x.supplemental for x in lines),
                    sum(x.write_off for x in lines)):
        line = next((x for x in lines if x.write_off > 0), None)
        if line is None:
            return
        line.write_off, line.allowed = line.write_off - 1, line.allowed + 1


LINE, SUPPLEMENTAL_LINE, PREAUTH_LINE = 0, 1, 2  # a procedure's claim procedures per plan (see line_num)


def line_num(ctx: Context, proc_num: int, coverage: Coverage, role: int) -> int:
    """The ClaimProcNum of a procedure's line on one plan: its estimate while it is planned, which becomes its
    claim line once it is billed (the same row, as in OpenDental), its supplemental line, its pre-authorization
    line. Fixed by the procedure, plan and role, whatever else happens."""
    plans = ctx.ids.stride("claimproc", "procedurelog") // 3  # three per procedure and plan
    return ctx.ids.share("claimproc", "procedurelog", proc_num, role * plans + coverage.ordinal - 1)


def _plans(ctx: Context) -> int:
    """The plans the patient's household holds (1 or 2): the id part of claims is two per visit and plan."""
    return max(1, ctx.ids.stride("claim", "appointment") // 2)


def _claim_payment(ctx: Context, ledger: Ledger, coverage: Coverage, sent: date, received: date, total: int,
                   num: int) -> int:
    rng = stream(ctx.seed, "claim-payment", num)
    issued = max(sent, received - timedelta(days=rng.randint(2, 7)))
    ctx.sinks["claimpayment"].add(
        ClaimPaymentNum=num, CheckDate=received, CheckAmt=total / 100, CheckNum=f"{coverage.plan.carrier_num:02d}{num}",
        BankBranch=f"{coverage.plan.carrier_num:03d}", ClinicNum=0, DepositNum=0,
        # a $0 payment (a denial) keeps a payment type: the dbt models relate every claim payment's type to a
        # definition (ERROR), though a WARN test expects none on $0 checks (R-claimpayment-010)
        CarrierName=coverage.plan.carrier_name, DateIssued=issued, PayType=weighted(rng, INSURANCE_PAY_TYPE_WEIGHTS),
        SecUserNumEntry=ledger.user("billing", num), SecDateEntry=received,
        SecDateTEdit=ledger.stamp(received, 10 * 60 + num % 300), Note="Zero payment: denied" if total == 0 else "",
    )
    return num


def _claim_proc(ctx: Context, pat_num: int, claim_num: int, coverage: Coverage, line: ClaimLine, status: int,
                received_on: date | None, payment_num: int, number: int, day: date, by_total: bool) -> int:
    charge = line.charge
    entered = min(calendar.at(day, 17 * 60), ctx.window.end_of_data)
    edited = calendar.at(received_on, 11 * 60) if received_on else entered
    num = line_num(ctx, charge.proc_num, coverage, LINE)
    received = status == RECEIVED
    write_off = 0 if by_total else line.write_off
    ctx.sinks["claimproc"].add(
        ClaimProcNum=num, ProcNum=charge.proc_num, ClaimNum=claim_num, PatNum=pat_num,
        ProvNum=charge.prov_num, FeeBilled=charge.fee / 100, InsPayEst=line.estimate / 100,
        DedApplied=line.deductible / 100, Status=status, InsPayAmt=line.paid / 100,
        ClaimPaymentNum=payment_num, PlanNum=coverage.plan.plan_num, DateCP=received_on,
        WriteOff=(write_off if received else 0) / 100, CodeSent=charge.code,
        # the allowed fee as typed from the EOB; -1 (no override) until the claim is answered
        AllowedOverride=line.allowed / 100 if received else -1.0,
        Percentage=coverage.percent(line.coverage_class), PercentOverride=-1, BaseEst=line.estimate / 100,
        CopayOverride=-1.0, ProcDate=charge.day, DateEntry=day, LineNumber=number, DedEst=line.deductible / 100,
        DedEstOverride=-1.0, InsEstTotal=line.estimate / 100, InsEstTotalOverride=-1.0, PaidOtherInsOverride=-1.0,
        WriteOffEst=(0 if received else line.write_off) / 100, WriteOffEstOverride=-1.0, ClinicNum=0,
        InsSubNum=coverage.ins_sub_num, PayPlanNum=0, SecUserNumEntry=ctx.staff.users_by_role("billing")[0].user_num,
        SecDateEntry=day, SecDateTEdit=min(edited, ctx.window.end_of_data), DateInsFinalized=received_on,
    )
    return num


def _supplemental(ctx: Context, ledger: Ledger, claim_num: int, coverage: Coverage, line: ClaimLine,
                  claim: ClaimResult, number: int) -> None:
    """A supplemental payment on an appealed line: a claim procedure of its own, status 4, on the same claim."""
    charge, day = line.charge, claim.supplemental_on
    ctx.sinks["claimproc"].add(
        ClaimProcNum=line_num(ctx, charge.proc_num, coverage, SUPPLEMENTAL_LINE), ProcNum=charge.proc_num,
        ClaimNum=claim_num, PatNum=ledger.pat_num,
        ProvNum=charge.prov_num, FeeBilled=0.0, InsPayEst=0.0, DedApplied=0.0, Status=SUPPLEMENTAL,
        InsPayAmt=line.supplemental / 100, ClaimPaymentNum=claim.supplemental_payment,
        PlanNum=coverage.plan.plan_num, DateCP=day, WriteOff=0.0, CodeSent=charge.code, AllowedOverride=-1.0,
        Percentage=coverage.percent(line.coverage_class), PercentOverride=-1, BaseEst=0.0, CopayOverride=-1.0,
        ProcDate=charge.day, DateEntry=day,
        LineNumber=number, DedEst=0.0, DedEstOverride=-1.0, InsEstTotal=0.0, InsEstTotalOverride=-1.0,
        PaidOtherInsOverride=-1.0, WriteOffEst=0.0, WriteOffEstOverride=-1.0, ClinicNum=0,
        InsSubNum=coverage.ins_sub_num, PayPlanNum=0, SecUserNumEntry=ctx.staff.users_by_role("billing")[0].user_num,
        SecDateEntry=day, SecDateTEdit=min(calendar.at(day, 11 * 60), ctx.window.end_of_data), DateInsFinalized=day,
    )
    ledger.insurance(day, charge, line.supplemental, 0)


def _claim_row(ctx, ledger, claim: ClaimResult, other: Coverage | None, visit_prov, by_total: bool) -> None:
    received = claim.received_on is not None
    lines, coverage = claim.lines, claim.coverage
    last_change = claim.supplemental_on or claim.received_on or claim.sent_on or claim.day
    write_off = 0 if by_total or claim.preauth else sum(line.write_off for line in lines)
    ctx.sinks["claim"].add(
        ClaimNum=claim.claim_num, PatNum=ledger.pat_num, DateService=claim.day, DateSent=claim.sent_on,
        ClaimStatus=claim.status, DateReceived=claim.received_on, PlanNum=coverage.plan.plan_num,
        ProvTreat=visit_prov, ClaimFee=sum(line.charge.fee for line in lines) / 100,
        InsPayEst=sum(line.estimate for line in lines) / 100,
        InsPayAmt=sum(line.paid + line.supplemental for line in lines) / 100,
        DedApplied=sum(line.deductible for line in lines) / 100, IsProsthesis="N",
        ClaimType=PREAUTH_CLAIM_TYPE if claim.preauth else ("S" if claim.secondary else "P"), ProvBill=visit_prov,
        PlaceService=0, EmployRelated=0, PlanNum2=other.plan.plan_num if other else 0,
        WriteOff=write_off / 100 if received else 0.0, ClinicNum=0, InsSubNum=coverage.ins_sub_num,
        InsSubNum2=other.ins_sub_num if other else 0, ClaimIdentifier=f"{ledger.pat_num}/{claim.claim_num}",
        SecUserNumEntry=ledger.user("billing", claim.claim_num), SecDateEntry=claim.day,
        SecDateTEdit=ledger.stamp(last_change, 15 * 60 + claim.claim_num % 120), DateSentOrig=claim.sent_on,
    )


def needs_preauth(code: str) -> bool:
    return code.startswith(PREAUTH_CODES)


def preauthorize(ctx: Context, ledger: Ledger, procedures, coverage: Coverage, exam_day: date, visit_prov: int,
                 exam_apt: int) -> ClaimResult | None:
    """Send major work for pre-authorization after the exam; the carrier answers with an estimate, no payment."""
    window = ctx.window
    plans = _plans(ctx)
    claim_num = ctx.ids.share("claim", "appointment", exam_apt, plans + coverage.ordinal - 1)
    rng = stream(ctx.seed, "preauth", claim_num)
    sent = next_open_day(exam_day, 1, 5, rng)
    if sent > window.last_day:
        return None
    answered = next_open_day(sent, 10, 25, rng)
    received_on = answered if answered <= window.last_day else None
    year = BenefitYear()
    lines = [estimate_line(Charge(p.proc_num, p.day, p.fee, p.prov_num, p.code.code), p.code.coverage, coverage,
                           year) for p in procedures]
    claim = ClaimResult(received_on, lines, claim_num, coverage, False, "R" if received_on else "S",
                        exam_day, sent, preauth=True)
    for number, line in enumerate(lines, start=1):
        charge = line.charge
        ctx.sinks["claimproc"].add(
            ClaimProcNum=line_num(ctx, charge.proc_num, coverage, PREAUTH_LINE), ProcNum=charge.proc_num,
            ClaimNum=claim.claim_num,
            PatNum=ledger.pat_num, ProvNum=charge.prov_num, FeeBilled=charge.fee / 100,
            InsPayEst=line.estimate / 100, DedApplied=0.0, Status=PREAUTH, InsPayAmt=0.0, ClaimPaymentNum=0,
            PlanNum=coverage.plan.plan_num, DateCP=received_on, WriteOff=0.0, CodeSent=charge.code,
            AllowedOverride=-1.0, Percentage=coverage.percent(line.coverage_class), PercentOverride=-1,
            BaseEst=line.estimate / 100, CopayOverride=-1.0, ProcDate=charge.day, DateEntry=exam_day,
            LineNumber=number, DedEst=line.deductible / 100, DedEstOverride=-1.0, InsEstTotal=line.estimate / 100,
            InsEstTotalOverride=-1.0, PaidOtherInsOverride=-1.0, WriteOffEst=line.write_off / 100,
            WriteOffEstOverride=-1.0, ClinicNum=0, InsSubNum=coverage.ins_sub_num, PayPlanNum=0,
            SecUserNumEntry=ctx.staff.users_by_role("billing")[0].user_num, SecDateEntry=exam_day,
            SecDateTEdit=min(calendar.at(received_on or sent, 11 * 60), window.end_of_data),
            DateInsFinalized=None,
        )
    for line in lines:
        line.claimproc_num = 0
    _claim_row(ctx, ledger, claim, None, visit_prov, False)
    claim.pat_num = ledger.pat_num
    ledger.claims.append(claim)
    return claim


def estimate(ctx: Context, ledger: Ledger, procedure, coverage: Coverage, entered: date,
             moved: datetime | None = None) -> None:
    """A treatment-planned procedure's estimate for one plan (claimproc status 6, on no claim); `moved`: when the
    procedure was moved to another visit (its date, and so this row, changed then)."""
    charge = Charge(procedure.proc_num, procedure.day, procedure.fee, procedure.prov_num, procedure.code.code)
    line = estimate_line(charge, procedure.code.coverage, coverage, BenefitYear())
    ctx.sinks["claimproc"].add(
        ClaimProcNum=line_num(ctx, charge.proc_num, coverage, LINE), ProcNum=charge.proc_num, ClaimNum=0,
        PatNum=ledger.pat_num,
        ProvNum=charge.prov_num, FeeBilled=charge.fee / 100, InsPayEst=line.estimate / 100, DedApplied=0.0,
        # on no claim, so no claim payment either: NULL, not 0 (contract D-claimproc-02 reads 0 as a payment)
        Status=ESTIMATE, InsPayAmt=0.0, ClaimPaymentNum=None, PlanNum=coverage.plan.plan_num, DateCP=None,
        WriteOff=0.0, CodeSent=charge.code, AllowedOverride=-1.0, Percentage=coverage.percent(line.coverage_class),
        PercentOverride=-1, BaseEst=line.estimate / 100, CopayOverride=-1.0, ProcDate=charge.day, DateEntry=entered,
        LineNumber=0, DedEst=line.deductible / 100, DedEstOverride=-1.0, InsEstTotal=line.estimate / 100,
        InsEstTotalOverride=-1.0, PaidOtherInsOverride=-1.0, WriteOffEst=line.write_off / 100,
        WriteOffEstOverride=-1.0, ClinicNum=0, InsSubNum=coverage.ins_sub_num, PayPlanNum=0,
        SecUserNumEntry=ctx.staff.users_by_role("billing")[0].user_num, SecDateEntry=entered,
        SecDateTEdit=min(max(calendar.at(entered, 16 * 60), moved or datetime.min), ctx.window.end_of_data),
        DateInsFinalized=None,
    )
