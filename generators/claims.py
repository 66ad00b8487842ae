"""Insurance billing of one visit: the claim, its claim procedures, the carrier's payment and write-offs.

A claim is sent within days of the visit and paid weeks later; claims that would be paid after the
last day of the data are still outstanding ('S' sent, 'W' waiting, 'U' unsent) and their estimates count
as pending insurance. A network (PPO) plan pays on its allowed fee; the difference to the billed fee
is written off when the claim is paid, as a claimproc WriteOff and as an insurance write-off adjustment
(type 188) on the procedure, so the ledger balances. Dual coverage: the secondary plan is billed for
what the primary left, once the primary has paid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from generators import calendar
from generators.context import Context
from generators.fees import fee_cents
from generators.insurance import Coverage
from generators.ledger import Charge, Ledger, next_open_day
from generators.reference.definitions import INSURANCE_PAYMENT_TYPES
from generators.rng import weighted

WRITE_OFF_TYPE = 188
NOT_BILLED_CATEGORIES = {667, 300}  # whitening and veneers: cosmetic, never sent to insurance
DOWNGRADE_RATE = 0.08
RECEIVED, NOT_RECEIVED = 1, 0
INSURANCE_PAY_TYPE_WEIGHTS = {261: 45, 303: 35, 464: 5, 465: 8, 466: 4, 469: 3}
assert set(INSURANCE_PAY_TYPE_WEIGHTS) == set(INSURANCE_PAYMENT_TYPES)


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


@dataclass
class ClaimResult:
    """One claim as billed: what later phases (tracking, snapshots, statements) build on."""

    received_on: date | None
    lines: list[ClaimLine] = field(default_factory=list)
    claim_num: int = 0
    coverage: Coverage | None = None
    secondary: bool = False
    status: str = ""
    day: date | None = None  # date of service
    sent_on: date | None = None
    payment_num: int = 0  # the claim payment (check) that paid it, 0 if none


def billable(charge: Charge, category: int) -> bool:
    return category not in NOT_BILLED_CATEGORIES and charge.fee > 0


def bill_visit(ctx: Context, ledger: Ledger, charges: list[tuple[Charge, str, int]], coverage: Coverage,
               other: Coverage | None, day: date, visit_prov: int, years: dict, rng,
               primary_lines: list[ClaimLine] | None = None, sent_after: date | None = None) -> ClaimResult:
    """Bill `charges` ((charge, coverage class, category) tuples) to one plan and settle what was paid.

    For a secondary claim, `primary_lines` holds what the primary paid and `sent_after` when.
    """
    plan = coverage.plan
    year = years.setdefault((coverage.ordinal, day.year), BenefitYear())
    lines = []
    for charge, coverage_class, _ in charges:
        if primary_lines is None:
            allowed = min(charge.fee, fee_cents(plan.fee_sched, charge.code)) if plan.fee_sched else charge.fee
            write_off = charge.fee - allowed
            deductible = 0
            if coverage_class != "preventive":
                deductible = min(plan.deductible - year.deductible_used, allowed)
                year.deductible_used += deductible
            while write_off > 0 and not _fits(charge.fee, write_off, deductible):
                write_off, allowed = write_off - 1, allowed + 1
            estimate = (allowed - deductible) * coverage.percent(coverage_class) // 100
        else:
            # The secondary plan covers its share of the allowed fee, up to what the primary left.
            primary = next(line for line in primary_lines if line.charge is charge)
            allowed, write_off, deductible = primary.allowed, 0, 0
            estimate = min(allowed - primary.paid, allowed * coverage.percent(coverage_class) // 100)
        estimate = max(0, min(estimate, plan.annual_max - year.paid))
        year.paid += estimate
        lines.append(ClaimLine(charge, coverage_class, allowed, write_off, deductible, estimate))
    if not lines:
        return ClaimResult(None)

    window = ctx.window
    sent = next_open_day(sent_after or day, 0 if sent_after is None else 1, 3, rng)
    received = next_open_day(sent, 7, 40, rng)
    claim_num = ctx.ids.next("claim")
    if sent > window.last_day:
        status, sent_on, received_on = ("W" if rng.random() < 0.3 else "U"), None, None
    elif received > window.last_day:
        status, sent_on, received_on = "S", sent, None
    else:
        status, sent_on, received_on = "R", sent, received

    payment_num = 0
    if received_on:
        for line in lines:
            line.paid = line.estimate
            if rng.random() < DOWNGRADE_RATE:
                line.paid = line.estimate * rng.randint(50, 90) // 100
            year.paid -= line.estimate - line.paid
        _fit_claim(lines)
        total = sum(line.paid for line in lines)
        if total > 0:
            payment_num = _claim_payment(ctx, ledger, coverage, sent, received_on, total, rng)
    for number, line in enumerate(lines, start=1):
        line.claimproc_num = _claim_proc(ctx, ledger.pat_num, claim_num, coverage, line, status, received_on,
                                         payment_num, number, day)
        if received_on:
            line.charge.ins_paid += line.paid
            if line.write_off > 0:
                ledger.adjust(received_on, WRITE_OFF_TYPE, -line.write_off, line.charge, line.charge.prov_num,
                              note=f"PPO write-off, {coverage.plan.carrier_name}")
        else:
            line.charge.ins_pending += line.estimate
    _claim_row(ctx, ledger, claim_num, coverage, other, lines, status, day, sent_on, received_on, visit_prov,
               secondary=primary_lines is not None)
    result = ClaimResult(received_on, lines, claim_num, coverage, primary_lines is not None, status, day, sent_on,
                         payment_num)
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
    while not _fits(fee, sum(x.deductible for x in lines), sum(x.paid for x in lines),
                    sum(x.write_off for x in lines)):
        line = next((x for x in lines if x.write_off > 0), None)
        if line is None:
            return
        line.write_off, line.allowed = line.write_off - 1, line.allowed + 1


def _claim_payment(ctx: Context, ledger: Ledger, coverage: Coverage, sent: date, received: date, total: int,
                   rng) -> int:
    num = ctx.ids.next("claimpayment")
    issued = max(sent, received - timedelta(days=rng.randint(2, 7)))
    ctx.sinks["claimpayment"].add(
        ClaimPaymentNum=num, CheckDate=received, CheckAmt=total / 100, CheckNum=f"{coverage.plan.carrier_num:02d}{num}",
        BankBranch=f"{coverage.plan.carrier_num:03d}", ClinicNum=0, DepositNum=0,
        CarrierName=coverage.plan.carrier_name, DateIssued=issued, PayType=weighted(rng, INSURANCE_PAY_TYPE_WEIGHTS),
        SecUserNumEntry=ledger.user("billing", num), SecDateEntry=received,
        SecDateTEdit=ledger.stamp(received, 10 * 60 + num % 300),
    )
    return num


def _claim_proc(ctx: Context, pat_num: int, claim_num: int, coverage: Coverage, line: ClaimLine, status: str,
                received_on: date | None, payment_num: int, number: int, day: date) -> int:
    charge = line.charge
    entered = min(calendar.at(day, 17 * 60), ctx.window.end_of_data)
    edited = calendar.at(received_on, 11 * 60) if received_on else entered
    num = ctx.ids.next("claimproc")
    ctx.sinks["claimproc"].add(
        ClaimProcNum=num, ProcNum=charge.proc_num, ClaimNum=claim_num, PatNum=pat_num,
        ProvNum=charge.prov_num, FeeBilled=charge.fee / 100, InsPayEst=line.estimate / 100,
        DedApplied=line.deductible / 100, Status=RECEIVED if received_on else NOT_RECEIVED, InsPayAmt=line.paid / 100,
        ClaimPaymentNum=payment_num, PlanNum=coverage.plan.plan_num, DateCP=received_on,
        WriteOff=(line.write_off if received_on else 0) / 100, CodeSent=charge.code, AllowedOverride=-1.0,
        Percentage=coverage.percent(line.coverage_class), PercentOverride=-1, BaseEst=line.estimate / 100,
        CopayOverride=-1.0, ProcDate=charge.day, DateEntry=day, LineNumber=number, DedEst=line.deductible / 100,
        DedEstOverride=-1.0, InsEstTotal=line.estimate / 100, InsEstTotalOverride=-1.0, PaidOtherInsOverride=-1.0,
        WriteOffEst=line.write_off / 100, WriteOffEstOverride=-1.0, ClinicNum=0, InsSubNum=coverage.ins_sub_num,
        PayPlanNum=0, SecUserNumEntry=ctx.staff.users_by_role("billing")[0].user_num, SecDateEntry=day,
        SecDateTEdit=min(edited, ctx.window.end_of_data), DateInsFinalized=received_on,
    )
    return num


def _claim_row(ctx, ledger, claim_num, coverage: Coverage, other: Coverage | None, lines, status, day, sent_on,
               received_on, visit_prov, secondary: bool) -> None:
    received = received_on is not None
    last_change = received_on or sent_on or day
    ctx.sinks["claim"].add(
        ClaimNum=claim_num, PatNum=ledger.pat_num, DateService=day, DateSent=sent_on, ClaimStatus=status,
        DateReceived=received_on, PlanNum=coverage.plan.plan_num, ProvTreat=visit_prov,
        ClaimFee=sum(line.charge.fee for line in lines) / 100, InsPayEst=sum(line.estimate for line in lines) / 100,
        InsPayAmt=sum(line.paid for line in lines) / 100, DedApplied=sum(line.deductible for line in lines) / 100,
        IsProsthesis="N", ClaimType="S" if secondary else "P", ProvBill=visit_prov, PlaceService=0, EmployRelated=0,
        PlanNum2=other.plan.plan_num if other else 0,
        WriteOff=sum(line.write_off for line in lines) / 100 if received else 0.0, ClinicNum=0,
        InsSubNum=coverage.ins_sub_num, InsSubNum2=other.ins_sub_num if other else 0,
        ClaimIdentifier=f"{ledger.pat_num}/{claim_num}", SecUserNumEntry=ledger.user("billing", claim_num),
        SecDateEntry=day, SecDateTEdit=ledger.stamp(last_change, 15 * 60 + claim_num % 120), DateSentOrig=sent_on,
    )
