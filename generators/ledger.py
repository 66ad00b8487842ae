"""A patient's ledger: charges, adjustments, insurance and patient payments, and the family's aging.

Every money movement goes through here, and each dollar of a procedure is settled once, as OpenDental's own
ledger counts it:
    balance = fee - insurance paid - claim write-offs - patient paid + adjustments (signed: a discount or a
    write-off adjustment is negative)
Nothing is paid beyond what is owed. Every movement is dated, so a statement can show the balance on its day;
the family's aging on the as-of date is OpenDental's: every credit of the family applied to its oldest charges
first, the rest aged by the charge's date, stored on the guarantor (`family_aging`). Amounts are whole cents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from contract.rules import FLOOR
from generators import calendar
from generators.context import Context
from generators.reference.definitions import (
    ADJUSTMENT_TYPES,
    REFUND_PAY_TYPE,
    TRANSFER_PAY_TYPE,
    UNEARNED_PREPAYMENT,
)

AGING_BUCKETS = (("0_30", 30), ("31_60", 60), ("61_90", 90), ("over_90", None))
# Card and financing payments carry a processing fee (payment.MerchantFee).
MERCHANT_FEE_RATE = {71: 0.029, 412: 0.029, 391: 0.06, 417: 0.05, 574: 0.05, 634: 0.05}


def settled_on(day: date, *items_days: date) -> date:
    """The day money on these items is booked: before 2023 when any of them is older than 2023.

    The dbt staging models drop activity before 2023 (contract.rules.FLOOR); a later payment or adjustment
    pointing at older work would point at nothing, so with an early --start-date such work is settled in 2022."""
    if day >= FLOOR and any(d < FLOOR for d in items_days):
        return FLOOR - timedelta(days=1)
    return day


@dataclass(slots=True)
class Charge:
    """One completed procedure and what has been settled against it."""

    proc_num: int
    day: date
    fee: int
    prov_num: int
    code: str
    ins_paid: int = 0
    write_off: int = 0  # claim write-offs (claimproc.WriteOff)
    pat_paid: int = 0
    adjustments: int = 0  # signed sum
    ins_pending: int = 0  # insurance estimate of claims not yet paid (payment and write-off estimates)
    changes: list = field(default_factory=list)  # (day, signed cents) of every movement after the fee

    @property
    def balance(self) -> int:
        return self.fee - self.ins_paid - self.write_off - self.pat_paid + self.adjustments

    def balance_on(self, day: date) -> int:
        if day < self.day:
            return 0
        return self.fee + sum(amount for when, amount in self.changes if when <= day)


@dataclass(slots=True)
class Fee:
    """A charge that is not a procedure: a positive adjustment such as a missed-appointment fee."""

    adj_num: int | Ref  # a Ref until the ledger is flushed
    day: date
    amount: int
    prov_num: int
    paid: int = 0
    changes: list = field(default_factory=list)

    @property
    def balance(self) -> int:
        return self.amount - self.paid

    def balance_on(self, day: date) -> int:
        if day < self.day:
            return 0
        return self.amount + sum(amount for when, amount in self.changes if when <= day)


class Ref:
    """The id a payment or adjustment will have: rows are numbered when the visit's money is posted (flush)."""

    __slots__ = ("num",)

    def __init__(self):
        self.num = 0


@dataclass
class Ledger:
    """Adjustments, payments and their splits are written when `flush` is called (after each visit's money), in
    the order of their dates, so that their ids follow the order things happened: money a later as-of date adds
    to a visit (the transfer of a deposit, a payment after insurance) takes later ids than the visit's money
    already booked, whatever order the simulation reached them in."""

    ctx: Context
    pat_num: int
    payer: int  # the guarantor, who receives the statements
    charges: list[Charge] = field(default_factory=list)
    fees: list[Fee] = field(default_factory=list)
    claims: list = field(default_factory=list)  # claims.ClaimResult of every claim billed, in order
    last_activity: datetime | None = None
    _pending: list = field(default_factory=list)  # (day, sequence, table, ref, row builder)

    def _later(self, day: date, table: str, ref: Ref | None, build) -> None:
        self._pending.append((day, len(self._pending), table, ref, build))

    def flush(self) -> None:
        """Number and write the rows booked since the last flush, in date order (ties: the order booked)."""
        for _, _, table, ref, build in sorted(self._pending, key=lambda p: p[:2]):
            num = self.ctx.ids.next(table)
            if ref is not None:
                ref.num = num
            build(num)
        self._pending = []
        for fee in self.fees:
            if isinstance(fee.adj_num, Ref):
                fee.adj_num = fee.adj_num.num

    def user(self, role: str, salt: int) -> int:
        """A staff user of the given role, spread over the team by `salt`."""
        users = self.ctx.staff.users_by_role(role)
        return users[salt % len(users)].user_num

    def stamp(self, day: date, minutes: int) -> datetime:
        """An audit timestamp on `day`, never after the end of the data; remembered as the last activity."""
        moment = min(calendar.at(day, minutes), self.ctx.window.end_of_data)
        if self.last_activity is None or moment > self.last_activity:
            self.last_activity = moment
        return moment

    def adjust(self, day: date, adj_type: int, amount: int, charge: Charge | None, prov_num: int,
               note: str = "") -> Ref:
        """Book an adjustment (signed cents) against a procedure, or as a stand-alone fee."""
        if charge is not None:
            day = settled_on(day, charge.day)
        ref = Ref()

        def build(adj_num: int) -> None:
            self.ctx.sinks["adjustment"].add(
                AdjNum=adj_num, AdjDate=day, AdjAmt=amount / 100, PatNum=self.pat_num, AdjType=adj_type,
                ProvNum=prov_num, AdjNote=note or ADJUSTMENT_TYPES[adj_type], ProcDate=charge.day if charge else None,
                ProcNum=charge.proc_num if charge else 0, DateEntry=day, ClinicNum=0, StatementNum=0,
                SecUserNumEntry=self.user("billing", adj_num), SecDateTEdit=self.stamp(day, 16 * 60 + adj_num % 90),
            )

        self._later(day, "adjustment", ref, build)
        adj_num = ref
        if charge is not None:
            charge.adjustments += amount
            charge.changes.append((day, amount))
        else:
            self.fees.append(Fee(adj_num, day, amount, prov_num))
        return adj_num

    def insurance(self, day: date, charge: Charge, paid: int, write_off: int) -> None:
        """What a claim paid on a procedure and wrote off (the claim procedure's row is claims.py's)."""
        charge.ins_paid += paid
        charge.write_off += write_off
        if paid or write_off:
            charge.changes.append((day, -paid - write_off))

    def pay(self, day: date, pay_type: int, allocations: list[tuple[Charge | Fee, int]]) -> None:
        """One patient payment on `day`, split over the given charges or fees (each amount > 0)."""
        allocations = [(item, amount) for item, amount in allocations if amount > 0]
        if not allocations:
            return
        total = sum(amount for _, amount in allocations)
        day = settled_on(day, *(item.day for item, _ in allocations))
        pay_num = self._payment(day, pay_type, total, len(allocations) > 1)
        for item, amount in allocations:
            self._split(pay_num, day, item, amount, unearned=0)

    def refund(self, day: date, charge: Charge, amount: int | None = None) -> None:
        """Pay a procedure's credit (`amount`, else all of it) back to the patient: a negative refund payment
        (type 72)."""
        amount = -charge.balance if amount is None else amount
        day = settled_on(day, charge.day)
        pay_num = self._payment(day, REFUND_PAY_TYPE, -amount, False, note="Refund of overpayment")
        self._split(pay_num, day, charge, -amount, unearned=0)

    def deposit_then_transfer(self, day: date, pay_type: int, allocations: list[tuple[Charge, int]]) -> None:
        """The patient pays at check-in, before the visit's procedures are posted, so the front desk leaves it on
        account (unearned, type 288); that evening, when the day's work is posted, a zero-amount transfer payment
        moves it onto the procedures: the matching pair -X (288) / +X (0). So no deposit is left unallocated on
        an as-of date (a procedure would show a credit, and the transfer pairing would not hold)."""
        owed = [(c, min(amount, c.balance)) for c, amount in allocations if min(amount, c.balance) > 0]
        total = sum(amount for _, amount in owed)
        if total <= 0:
            return
        anchor = owed[0][0]
        day = settled_on(day, *(c.day for c, _ in owed))
        deposit = self._payment(day, pay_type, total, False)
        self._split(deposit, day, anchor, total, unearned=UNEARNED_PREPAYMENT)
        transfer = self._payment(day, TRANSFER_PAY_TYPE, 0, True, note="Unearned allocated to procedures")
        self._split(transfer, day, anchor, -total, unearned=UNEARNED_PREPAYMENT)
        for charge, amount in owed:
            self._split(transfer, day, charge, amount, unearned=0)

    def _payment(self, day: date, pay_type: int, total: int, is_split: bool, note: str = "") -> Ref:
        ref = Ref()
        self._later(day, "payment", ref, lambda num: self._payment_row(num, day, pay_type, total, is_split, note))
        return ref

    def _payment_row(self, pay_num: int, day: date, pay_type: int, total: int, is_split: bool, note: str) -> None:
        stamp = self.stamp(day, 9 * 60 + pay_num % 480)
        merchant_fee = max(0, round(total * MERCHANT_FEE_RATE.get(pay_type, 0.0)))
        self.ctx.sinks["payment"].add(
            PayNum=pay_num, PayType=pay_type, PayDate=day, PayAmt=total / 100,
            CheckNum=f"{1000 + pay_num % 8999}" if pay_type == 69 else "",
            BankBranch=f"{70000 + pay_num % 20000}" if pay_type == 69 else "", PayNote=note, IsSplit=is_split,
            # entered on the account of the patient whose procedures it pays, so its splits and merchant fee
            # belong to the same patient (the dbt models key payments by payment.PatNum, splits by their own)
            PatNum=self.pat_num, ClinicNum=0, DateEntry=day, DepositNum=0, SecUserNumEntry=self.user("front", pay_num),
            SecDateTEdit=stamp, MerchantFee=min(merchant_fee, 100000) / 100,
        )

    def _split(self, payment: Ref, day: date, item: Charge | Fee, amount: int, unearned: int) -> None:
        is_charge = isinstance(item, Charge)

        def build(split_num: int) -> None:
            pay_num = payment.num
            adj = item.adj_num if not is_charge else 0
            self.ctx.sinks["paysplit"].add(
                SplitNum=split_num, SplitAmt=amount / 100, PatNum=self.pat_num, ProcDate=item.day, PayNum=pay_num,
                IsDiscount=False, DiscountType=False, ProvNum=item.prov_num, PayPlanNum=0, DatePay=day,
                ProcNum=item.proc_num if is_charge else 0, DateEntry=day, UnearnedType=unearned, ClinicNum=0,
                SecUserNumEntry=self.user("front", pay_num), SecDateTEdit=self.stamp(day, 9 * 60 + pay_num % 480 + 1),
                AdjNum=adj.num if isinstance(adj, Ref) else adj, PayPlanChargeNum=0,
            )

        self._later(day, "paysplit", None, build)
        if is_charge:
            item.pat_paid += amount
        else:
            item.paid += amount
        item.changes.append((day, -amount))

    def balance(self) -> int:
        return sum(c.balance for c in self.charges) + sum(f.balance for f in self.fees)

    def insurance_estimate(self) -> int:
        return sum(c.ins_pending for c in self.charges)

    def debits(self) -> list[tuple[date, int]]:
        """What the account was charged, dated: procedures, positive adjustments and office fees."""
        result = [(c.day, c.fee) for c in self.charges]
        result += [(when, amount) for c in self.charges for when, amount in c.changes if amount > 0]
        result += [(f.day, f.amount) for f in self.fees]
        return result


def family_aging(ledgers: list[Ledger], as_of: date) -> dict[str, int]:
    """OpenDental's aging of a family on `as_of`: all credits applied to the oldest charges first, what is left
    aged by the date of its charge; the total may be negative (a credit), the buckets never are."""
    debits = sorted((d for ledger in ledgers for d in ledger.debits()), key=lambda d: d[0])
    total = sum(ledger.balance() for ledger in ledgers)
    credit = sum(amount for _, amount in debits) - total  # every payment, write-off and negative adjustment
    result = {name: 0 for name, _ in AGING_BUCKETS}
    result["aged_on"] = None  # the last day before as_of on which what is left moved to an older bucket
    for day, amount in debits:
        used = min(amount, credit)
        credit -= used
        left = amount - used
        if left <= 0:
            continue
        age = (as_of - day).days
        moved = [day + timedelta(days=limit + 1) for _, limit in AGING_BUCKETS[:-1] if limit < age]
        if moved and (result["aged_on"] is None or moved[-1] > result["aged_on"]):
            result["aged_on"] = moved[-1]
        for name, limit in AGING_BUCKETS:
            if limit is None or age <= limit:
                result[name] += left
                break
    result["total"] = total
    result["ins_est"] = sum(ledger.insurance_estimate() for ledger in ledgers)
    return result


def next_open_day(day: date, at_least: int, at_most: int, rng) -> date:
    """A business day between `at_least` and `at_most` days after `day`."""
    candidate = day + timedelta(days=rng.randint(at_least, at_most))
    while not calendar.is_open(candidate):
        candidate += timedelta(days=1)
    return candidate
