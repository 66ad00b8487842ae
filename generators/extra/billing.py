"""What the billing office keeps around the claims and the patients' balances.

Insurance phase:
* insbluebook: what a carrier paid per procedure, from each received primary claim of an out-of-network
  (category percentage, no fee schedule) plan - OpenDental's Blue Book, which only such plans use.
* insbluebooklog: the allowed fee the Blue Book estimated for each procedure of those claims when the claim was
  created: the median of the plan's earlier received allowed fees for the code, else the UCR fee.

Financial phase:
* claimtracking: each claim's history - created, sent, a follow-up call (assigned to a biller) when the carrier
  takes more than 30 days, and the payment received.
* claimsnapshot: the estimate of every procedure of a claim, taken when the claim is created.
* eobattach: the scanned EOB of most claim payments (electronic remittances have none).
* statement, statementprod: a monthly statement to each guarantor whose household owes money on the statement
  date, listing what is owed: the patient's part of each procedure and office fee, once insurance has answered
  (the ledger dates every movement, so each statement shows the balance of its own day), until the account goes
  to collections after the fifth.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from contract.rules import FLOOR
from generators import calendar
from generators.fees import UCR_SCHEDULE, fee_cents
from generators.ledger import next_open_day
from generators.reference.places import PRACTICE_NAME
from generators.reference.procedure_codes import CODE_NUM
from generators.rng import stream

# claimtracking.TrackingType values the dbt project accepts (contract §7)
RECEIVED, STATUS, ASSIGNED = "ClaimProcReceived", "StatusHistory", "ClaimUser"
TRACKING_ROWS_PER_CLAIM = 5  # created, sent, assigned + called, received
FOLLOW_UP_DAYS = 30
TRACKING_LIMIT = datetime(2026, 12, 31, 23, 59, 59)  # contract G-15: int_claim_tracking rejects later entries
# int_claim_tracking (tracking rows x claim procedures) must stay within 1,000..100,000 (contract G-09): a large
# practice has kept tracking history only since a date late enough to stay under this many.
TRACKING_TARGET = 60_000
TRACKING_PER_PROCEDURE = 1.3  # int_claim_tracking rows per requested procedure: 1.27 measured at the default size

EOB_SCAN_RATE = 0.6  # paper checks come with an EOB; electronic remittances do not
TWO_PAGE_RATE = 0.1

PROCEDURE, ADJUSTMENT = 0, 1  # statementprod.ProdType
MAIL, EMAIL, ELECTRONIC = 0, 2, 3  # statement.Mode_
MAX_STATEMENTS = 5  # then the account goes to collections and statements stop
MIN_STATEMENT_BALANCE = 500  # cents
EMAIL_RATE, ELECTRONIC_RATE = 0.45, 0.05
STATEMENT_NOTE = "Thank you for choosing our office. Payment is due within 30 days of the statement date."
PAST_DUE_NOTES = {3: "PAST DUE", 4: "PAST DUE - second notice",
                  5: "FINAL NOTICE: please contact our office to avoid collection activity"}


def bounds(household) -> dict[str, int]:
    plans = (2 if household.dual else 1) if household.insured else 0
    visits = sum(p.appointments for p in household.members)
    procedures = sum(p.procedures for p in household.members)
    # as financial.py bounds claim (two per visit and plan) and claimproc lines (one per procedure and plan)
    claims, lines = 2 * visits * plans, procedures * plans
    owed = procedures + visits  # procedures and office fees (at most one per visit)
    return {
        "insbluebook": lines, "insbluebooklog": lines, "claimsnapshot": lines,
        "claimtracking": TRACKING_ROWS_PER_CLAIM * claims, "eobattach": 2 * claims,
        "statement": MAX_STATEMENTS if owed else 0, "statementprod": MAX_STATEMENTS * owed,
    }


def emit_household(ctx, household, stories) -> None:
    claims = sorted((c for s in stories for c in s.ledger.claims), key=lambda c: (c.day, c.claim_num))
    _blue_book(ctx, claims)
    since = tracking_since(ctx.config.num_procedures, ctx.window.start, ctx.window.pace.last_day)
    billers = [u.user_num for u in ctx.staff.users_by_role("billing")]
    for claim in claims:
        ctx.ids.person(claim.pat_num)
        if _staged(claim):
            if claim.day >= since:
                _tracking(ctx, claim, billers, stream(ctx.seed, "tracking", claim.claim_num))
            if not claim.preauth:
                _snapshots(ctx, claim)
        # an EOB is read with its claim payment, which is staged from its 2023 check date on
        eob = stream(ctx.seed, "eob", claim.claim_num)
        if claim.payment_num and claim.received_on >= FLOOR and eob.random() < EOB_SCAN_RATE:
            _eob(ctx, claim, eob)
    ctx.ids.person(household.head.pat_num)  # the household's statements: the head's part (idplan.person_bounds)
    _statements(ctx, stories, claims, stream(ctx.seed, "statements", household.index))


def _staged(claim) -> bool:
    """Whether the models keep the claim's procedures (from 2023 on): a claim made in 2023 for work done in
    2022, such as a secondary claim sent once the primary answered, hangs off claim procedures they drop, so
    it gets no snapshot or tracking rows of its own."""
    return claim.day >= FLOOR and all(line.charge.day >= FLOOR for line in claim.lines)


# ---------------------------------------------------------------- Blue Book


def _blue_book(ctx, claims) -> None:
    """Log the estimate of each out-of-network primary claim line, then book what the carrier paid.

    Rows are written for claims of staged procedures (from 2023); older claims still inform the estimates."""
    paid: dict[tuple[int, str], list[tuple[date, int]]] = {}  # (plan, code) -> (received, allowed)
    for claim in claims:
        ctx.ids.person(claim.pat_num)
        plan = claim.coverage.plan
        if plan.fee_sched or claim.secondary or claim.preauth:
            continue
        written = claim.day >= FLOOR
        if written:
            _estimates(ctx, claim, paid)
        if claim.received_on is None:
            continue
        received = min(calendar.at(claim.received_on, 11 * 60), ctx.window.end_of_data)  # the claimprocs' edit
        for line in claim.lines:
            charge = line.charge
            paid.setdefault((plan.plan_num, charge.code), []).append((claim.received_on, line.allowed))
            if written:
                ctx.sinks["insbluebook"].add(
                    InsBlueBookNum=_per_line(ctx, "insbluebook", line, claim.coverage),
                    ProcCodeNum=CODE_NUM[charge.code],
                    CarrierNum=plan.carrier_num, PlanNum=plan.plan_num, GroupNum=group_number(plan.plan_num),
                    InsPayAmt=line.paid / 100, AllowedOverride=-1.0, DateTEntry=received, ProcNum=charge.proc_num,
                    ProcDate=charge.day, ClaimType="P", ClaimNum=claim.claim_num,
                )


def _estimates(ctx, claim, paid) -> None:
    entered = min(calendar.at(claim.day, 17 * 60), ctx.window.end_of_data)  # the claimprocs' DateEntry
    for line in claim.lines:
        code = line.charge.code
        allowed, description = _estimate(paid.get((claim.coverage.plan.plan_num, code), []), claim.day, code)
        ctx.sinks["insbluebooklog"].add(InsBlueBookLogNum=_per_line(ctx, "insbluebooklog", line, claim.coverage),
                                        ClaimProcNum=line.claimproc_num, AllowedFee=allowed / 100,
                                        DateTEntry=entered, Description=description)


def _per_line(ctx, table: str, line, coverage) -> int:
    """The id of a claim line's row: fixed by its procedure and plan, like the line's own (claims.line_num)."""
    return ctx.ids.share(table, "procedurelog", line.charge.proc_num, coverage.ordinal - 1)


def _per_claim(ctx, table: str, claim, count: int) -> range:
    """The ids of a claim's first `count` rows of a table: a share of the patient's part fixed by the claim."""
    per = ctx.ids.stride(table, "claim")
    if count > per:
        raise RuntimeError(f"{count} {table} rows for one claim: the bound in billing.py is too small")
    first = ctx.ids.share(table, "claim", claim.claim_num)
    return range(first, first + count)


def _estimate(history: list[tuple[date, int]], day: date, code: str) -> tuple[int, str]:
    """The Blue Book's allowed fee on `day`: the median of the plan's earlier allowed fees, ignoring any above
    the UCR fee (OpenDental takes those for overpayments), else the UCR fee itself."""
    ucr = fee_cents(UCR_SCHEDULE, code)
    earlier = [allowed for received, allowed in history if received < day and allowed <= ucr]
    if earlier:
        return (statistics.median_low(earlier),
                f"Allowed fees from received claims, matching Insurance Plan: median of {len(earlier)}")
    return ucr, "UCR fee: no allowed fees received for this plan and code"


def group_number(plan_num: int) -> str:
    """insplan.GroupNum as insurance.py writes it."""
    return f"{100000 + plan_num * 7919 % 900000}"


# ---------------------------------------------------------------- claims


@cache
def tracking_since(procedures: int, start: date, last_day: date) -> date:
    """The first service date of the claims that have tracking history (see TRACKING_TARGET)."""
    share = min(1.0, TRACKING_TARGET / max(1.0, procedures * TRACKING_PER_PROCEDURE))
    first = max(start, FLOOR)
    return last_day - timedelta(days=int((last_day - first).days * share)) if share < 1 else first


def _tracking(ctx, claim, billers: list[int], rng) -> None:
    biller = billers[claim.claim_num % len(billers)]
    carrier = claim.coverage.plan.carrier_name
    kind = "Pre-authorization" if claim.preauth else "Claim"
    created = calendar.at(claim.day, 17 * 60 + int(rng.random() * 30))
    rows = [(created, STATUS, biller, f"{kind} created, waiting to send")]
    if claim.sent_on is None:
        _write_tracking(ctx, claim, rows)
        return
    rows.append((calendar.at(claim.sent_on, 9 * 60 + int(rng.random() * 240)), STATUS, biller,
                 f"Sent electronically to {carrier}"))
    answered = claim.received_on or ctx.window.as_of
    follow_up = next_open_day(claim.sent_on, FOLLOW_UP_DAYS, FOLLOW_UP_DAYS + 5, rng)
    if follow_up < answered:
        caller = billers[int(rng.random() * len(billers))]
        assigned = calendar.at(follow_up, 8 * 60 + int(rng.random() * 60))
        rows.append((assigned, ASSIGNED, caller, f"Assigned for follow-up: no response after {FOLLOW_UP_DAYS} days"))
        rows.append((assigned + timedelta(minutes=20 + int(rng.random() * 220)), STATUS, caller,
                     f"Called {carrier}: claim on file and in process"))
    if claim.received_on:
        paid = sum(line.paid for line in claim.lines) / 100
        note = (f"Pre-authorization answered: estimate ${sum(x.estimate for x in claim.lines) / 100:,.2f}"
                if claim.preauth else f"{len(claim.lines)} procedure(s) received, insurance paid ${paid:,.2f}")
        rows.append((calendar.at(claim.received_on, 11 * 60 + int(rng.random() * 5)), RECEIVED, biller, note))
    _write_tracking(ctx, claim, rows)


def _write_tracking(ctx, claim, rows) -> None:
    latest = min(ctx.window.end_of_data, TRACKING_LIMIT)
    rows = [row for row in rows if row[0] <= latest]
    sink = ctx.sinks["claimtracking"]
    for num, (moment, kind, user, note) in zip(_per_claim(ctx, "claimtracking", claim, len(rows)), rows):
        sink.add(ClaimTrackingNum=num, ClaimNum=claim.claim_num, TrackingType=kind, UserNum=user,
                 DateTimeEntry=moment, Note=note, TrackingDefNum=0, TrackingErrorDefNum=0)


def _snapshots(ctx, claim) -> None:
    """The claim's estimates, taken when the claim is created."""
    taken = min(calendar.at(claim.day, 17 * 60 + 5), ctx.window.end_of_data)
    sink, claim_type = ctx.sinks["claimsnapshot"], "S" if claim.secondary else "P"
    for line in claim.lines:
        sink.add(ClaimSnapshotNum=_per_line(ctx, "claimsnapshot", line, claim.coverage),
                 ProcNum=line.charge.proc_num, ClaimType=claim_type,
                 Writeoff=line.write_off / 100, InsPayEst=line.estimate / 100, Fee=line.charge.fee / 100,
                 DateTEntry=taken, ClaimProcNum=line.claimproc_num, SnapshotTrigger=True)


def _eob(ctx, claim, rng) -> None:
    scanned = min(calendar.at(claim.received_on, 10 * 60 + int(rng.random() * 360)), ctx.window.end_of_data)
    pages = 2 if rng.random() < TWO_PAGE_RATE else 1
    carrier = claim.coverage.plan.carrier_num
    for page, num in zip(range(1, pages + 1), _per_claim(ctx, "eobattach", claim, pages)):
        ctx.sinks["eobattach"].add(
            EobAttachNum=num, ClaimPaymentNum=claim.payment_num, DateTCreated=scanned,
            FileName=f"EOB_{claim.received_on:%Y%m%d}_{carrier:02d}_{claim.payment_num}_{page}.pdf", RawBase64="",
            ClaimNumPreAuth=None,
        )


# ---------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class Owed:
    """A procedure or office fee the household owed on a statement date, and how much."""

    day: date
    amount: int  # cents
    prod_type: int
    fkey: int


def pending_on(claims, day: date) -> list:
    """The claims insurance had not answered yet on `day`: created by then and received after it, if at all. A
    pre-authorization bills no work done, so nothing on the account waits for it."""
    return [c for c in claims if not c.preauth and c.day <= day and (c.received_on is None or c.received_on > day)]


def owed_on(stories, day: date) -> list[Owed]:
    """What the household owed on `day`, outside what insurance had not answered yet."""
    items = []
    for story in stories:
        pending = None  # charge -> insurance still expected on `day`; built only when something is owed
        for charge in story.ledger.charges:
            if charge.day >= day:
                continue
            owed = charge.balance_on(day)
            if owed <= 0:  # what insurance still owes only lowers it
                continue
            if pending is None:
                pending = _pending_by_charge(story.ledger.claims, day)
            owed -= pending.get(id(charge), 0)
            if owed > 0:
                items.append(Owed(charge.day, owed, PROCEDURE, charge.proc_num))
        for fee in story.ledger.fees:
            if fee.day < day:
                owed = fee.balance_on(day)
                if owed > 0:
                    items.append(Owed(fee.day, owed, ADJUSTMENT, fee.adj_num))
    return items


def _pending_by_charge(claims, day: date) -> dict[int, int]:
    """Per charge (by id), the payment and write-off estimates of its claims still unanswered on `day`."""
    pending: dict[int, int] = {}
    for claim in pending_on(claims, day):
        for line in claim.lines:
            pending[id(line.charge)] = pending.get(id(line.charge), 0) + line.estimate + line.write_off
    return pending


@cache
def billing_days(start: date, last_day: date) -> tuple[date, ...]:
    """The monthly statement runs: the first open day of each month (patient.BillingCycleDay 1)."""
    first = max(start, FLOOR)
    days, month = [], date(first.year, first.month, 1)
    while month <= last_day:
        day = month
        while not calendar.is_open(day):
            day += timedelta(days=1)
        if first <= day <= last_day:
            days.append(day)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return tuple(days)


def _statements(ctx, stories, claims, rng) -> None:
    if not any(story.ledger.charges or story.ledger.fees for story in stories):
        return
    guarantor = next((s.patient for s in stories if s.patient.pat_num == s.patient.guarantor), stories[0].patient)
    mode = MAIL
    if guarantor.email and rng.random() < EMAIL_RATE:
        mode = EMAIL
    elif rng.random() < ELECTRONIC_RATE:
        mode = ELECTRONIC
    sent = 0
    for day in billing_days(ctx.window.start, ctx.window.last_day):
        due = owed_on(stories, day)
        amount = sum(item.amount for item in due)
        if amount < MIN_STATEMENT_BALANCE:
            continue
        sent += 1
        pending = sum(line.estimate for c in pending_on(claims, day) for line in c.lines)  # statement.InsEst
        _statement(ctx, guarantor, day, mode, sent, due, amount, pending, len(stories) > 1, rng)
        if sent == MAX_STATEMENTS:
            return


def _statement(ctx, guarantor, day: date, mode: int, number: int, due: list[Owed], amount: int, pending: int,
               family: bool, rng) -> None:
    num = ctx.ids.next("statement")
    subject = body = ""
    if mode == EMAIL:
        subject = f"Your statement from {PRACTICE_NAME}"
        body = (f"Dear {guarantor.first}, your statement of {day:%m/%d/%Y} is ready. "
                f"Amount due: ${amount / 100:,.2f}.")
    ctx.sinks["statement"].add(
        StatementNum=num, PatNum=guarantor.pat_num, DateSent=day, DateRangeFrom=min(item.day for item in due),
        DateRangeTo=day, Note=STATEMENT_NOTE, NoteBold=PAST_DUE_NOTES.get(number, ""), Mode_=mode,
        HidePayment=False, SinglePatient=False, Intermingled=family, IsSent=True, DocNum=None,
        DateTStamp=calendar.at(day, 7 * 60 + int(stream(ctx.seed, "statement", num).random() * 60)),
        IsReceipt=False, IsInvoice=False,
        IsInvoiceCopy=False, EmailSubject=subject, EmailBody=body, SuperFamily=0, IsBalValid=True,
        InsEst=pending / 100, BalTotal=amount / 100, StatementType="NotSet", SmsSendStatus=0, LimitedCustomFamily=0,
        ShowTransSinceBalZero=False,
    )
    for item in sorted(due, key=lambda i: (i.day, i.fkey)):
        ctx.sinks["statementprod"].add(StatementProdNum=ctx.ids.next("statementprod"), StatementNum=num,
                                       FKey=item.fkey, ProdType=item.prod_type, LateChargeAdjNum=None, DocNum=None)
