"""Treatment plans, and how procedures are grouped: group notes and multi-visit work.

A treatment plan (treatplan) is presented at the completed exam where work was found (Story.presented, from
clinical.py): the work the patient accepted (booked, done, or waiting on a planned appointment) and the work
they did not. The plan holds those procedures (treatplanattach); the printed copy saved with it lists them with their
fees and insurance estimates at that date (proctp), printed with the options of treatplanparam. Procedures since
completed stay on the plan (the same procedures, now complete); the others are booked for later, were missed,
or stall. treatplanparam holds per-plan print options, so it is patient data (Clinical), not reference data.

OpenDental's TPStatus 0 is a saved plan, the only status the contract accepts (D-treatplan-01). A stalled plan
(open fees, no attached procedure dated in the last 90 days) must be at most 30 or more than 180 days old on
the day dbt runs (contract G-14, D-treatplan-02: mart_revenue_lost rejects the subtypes in between); a plan that
would be such on any day from the as-of date to DBT_LAG_DAYS after it is not written, as if never printed.

procgroupitem: some providers chart a group note for the completed procedures of a visit instead of one note
each; the group is numbered by its first procedure (the generator writes no group-note procedure of its own,
see GroupNum below). procmultivisit: crowns, bridges, root canals, dentures, implant restorations and night
guards take several appointments, so OpenDental tracks them as multi-visit groups.

Everything here is dated from 2023-01-01 on: earlier plans and groups would be dropped by staging while their
rows still point at them, and a procgroupitem row pulls its procedure into staging whatever its date (§6.1).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from contract.rules import DBT_LAG_DAYS, FLOOR
from generators import clinical
from generators.claims import NOT_BILLED_CATEGORIES
from generators.clinical import Procedure, Visit
from generators.fees import UCR_SCHEDULE, fee_cents
from generators.rng import stream

SAVED = 0  # TPStatus: OpenDental's saved plan, the only status the contract accepts
NO_PRIORITY = 0  # the definition table holds no treatment priorities (category 20)
PRESENT_RATE = 0.7  # plans under MUST_PRESENT cents are printed this often; larger ones always
MUST_PRESENT = 30_000
COORDINATOR_RATE = 0.7  # plans entered by the treatment coordinator, the rest by the presenting dentist
SIGNED_RATE = 0.6  # accepted plans signed on the office's signature pad
# G-14 / D-treatplan-02: mart_revenue_lost's treatment-plan delay subtypes by plan age (days)
STALL_DAYS, CURRENT_DAYS, VERY_DELAYED_DAYS = 90, 30, 180

GROUP_NOTE_HABIT = 0.4  # share of the providers who chart group notes ...
GROUP_NOTE_RATE = 0.8  # ... for this share of their completed visits with several procedures
MULTI_VISIT_RATE = 0.85  # multi-visit work the office groups as such
MULTI_VISIT_CODES = frozenset({
    "D2740", "D2750", "D2790", "D2962", "D3310", "D3320", "D3330", "D3346", "D5110", "D5120", "D5213", "D5214",
    "D6056", "D6058", "D6065", "D6114", "D6115", "D6240", "D6750", "D8080", "D8090", "D9944",
})
WITH_CROWN = frozenset({"D2950", "D2954"})  # buildups and posts join the crown's group
HEADINGS = {76: "Crown & Bridge", 622: "Crown & Bridge", 77: "Root Canal Therapy", 78: "Periodontal Therapy",
            79: "Oral Surgery", 80: "Dentures", 81: "Implant", 540: "Implant Restoration", 82: "Orthodontics",
            300: "Cosmetic", 667: "Whitening", 301: "Night Guard"}
NOTES = {"accepted": ("Reviewed plan and estimate with patient; patient wishes to proceed.",
                      "Options discussed; patient accepted recommended treatment.",
                      ""),
         "open": ("Patient will call to schedule after reviewing benefits.",
                  "Patient wants to think about options; estimate given.",
                  "Discussed financing options; patient to decide.",
                  "")}


def bounds(household) -> dict[str, int]:
    """At most one plan per visit, and one row per procedure in each procedure-level table."""
    visits = sum(p.appointments for p in household.members)
    procedures = sum(p.procedures for p in household.members)
    return {"treatplan": visits, "treatplanparam": visits, "treatplanattach": procedures, "proctp": procedures,
            "procgroupitem": procedures, "procmultivisit": procedures}


@dataclass
class Plan:
    anchor: Visit  # the completed visit the plan was presented at
    procedures: list[Procedure]
    presented: datetime
    same_day: bool  # diagnosed and (partly) done at the same visit


def emit_household(ctx, household, stories) -> None:
    # one stream per household (the census fixes households): cheaper than one per plan or visit
    rng = stream(ctx.seed, "plans", household.index)
    patients = {story.patient.pat_num: story.patient for story in stories}
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        plans = _plans(ctx, story, rng)
        planned_at = {}  # ProcNum -> when its plan was presented
        for plan in plans:
            _emit_plan(ctx, story, plan, patients, rng)
            planned_at.update((p.proc_num, plan.presented) for p in plan.procedures)
        _emit_group_notes(ctx, story, rng)
        _emit_multi_visit(ctx, story, planned_at, rng)


# ---------------------------------------------------------------- which plans


def _plans(ctx, story, rng) -> list[Plan]:
    """One plan per exam that found treatment (clinical.py's cases), with everything found there."""
    groups: dict[int, tuple[Visit, list[Procedure]]] = {}
    for exam, procedures in story.presented:
        groups.setdefault(exam.apt_num, (exam, []))[1].extend(procedures)
    plans = []
    for anchor, procedures in sorted(groups.values(), key=lambda g: g[0].start):
        plan = _presented(ctx, anchor, procedures, rng)
        if plan is not None:
            plans.append(plan)
    return plans


def _presented(ctx, anchor: Visit, procedures: list[Procedure], rng) -> Plan | None:
    """The plan presented at `anchor`, or None when it was not printed or would not be staged."""
    day = anchor.day
    procedures = [p for p in procedures if p.day >= day]
    if not procedures or day < FLOOR or day > ctx.window.last_day:
        return None
    if sum(p.fee for p in procedures) < MUST_PRESENT and rng.random() >= PRESENT_RATE:
        return None
    if _delayed(ctx.window.as_of, day, procedures):
        return None
    same_day = any(p.apt_num == anchor.apt_num for p in procedures)
    if same_day:  # presented after the exam, before the work
        presented = anchor.start + timedelta(minutes=rng.randint(10, 25))
    else:  # presented at checkout
        presented = (anchor.end or anchor.start + timedelta(hours=1)) + timedelta(minutes=rng.randint(2, 30))
    return Plan(anchor, procedures, min(presented, ctx.window.end_of_data), same_day)


def _delayed(as_of: date, day: date, procedures: list[Procedure]) -> bool:
    """Whether mart_revenue_lost would call the plan 'Recent' or 'Delayed' (G-14), which the contract rejects,
    on any day dbt may run: from the as-of date to DBT_LAG_DAYS after it (the plan ages and idles meanwhile)."""
    open_fees = any(p.status != clinical.COMPLETED and p.fee > 0 for p in procedures)
    idle = (as_of - max(p.day for p in procedures)).days
    age = (as_of - day).days
    first = max(0, STALL_DAYS + 1 - idle, CURRENT_DAYS + 1 - age)  # the first lag at which it would be both
    return open_fees and first <= min(DBT_LAG_DAYS, VERY_DELAYED_DAYS - age)


# ---------------------------------------------------------------- plan rows


def _emit_plan(ctx, story, plan: Plan, patients: dict, rng) -> None:
    patient = story.patient
    plan_num = ctx.ids.next("treatplan")
    day = plan.presented.date()
    presenter = plan.anchor.dentist or plan.anchor.prov_num  # the examining dentist (UserNum == ProvNum)
    user = _coordinator(ctx) if rng.random() < COORDINATOR_RATE else presenter
    accepted = any(p.status == clinical.COMPLETED or p.apt_num for p in plan.procedures)
    signed = accepted and rng.random() < SIGNED_RATE
    signed_at = min(plan.presented + timedelta(minutes=rng.randint(3, 15)), ctx.window.end_of_data)
    child = patient.person.age_group == "child"
    signer = patients.get(patient.guarantor, patient) if child else patient
    ctx.sinks["treatplan"].add(
        TreatPlanNum=plan_num, PatNum=patient.pat_num, DateTP=day, Heading=_heading(plan.procedures),
        Note=rng.choice(NOTES["accepted" if accepted else "open"]),
        Signature=_signature(ctx.seed, plan_num, "patient") if signed else "", SigIsTopaz=False,
        ResponsParty=signer.pat_num if signer is not patient else 0, DocNum=0, TPStatus=SAVED,
        SecUserNumEntry=user, SecDateEntry=day, SecDateTEdit=signed_at if signed else plan.presented,
        UserNumPresenter=presenter, TPType=False,
        SignaturePractice=_signature(ctx.seed, plan_num, "practice") if signed else "",
        DateTSigned=signed_at if signed else None, DateTPracticeSigned=signed_at if signed else None,
        SignatureText=f"{signer.first} {signer.last}" if signed else "",
        SignaturePracticeText=_doctor(ctx.staff, presenter) if signed else "", MobileAppDeviceNum=0,
    )
    coverage = _coverage_on(story.coverage, day)
    estimates = _estimates(coverage, plan.procedures)
    network = bool(coverage and coverage[0].plan.fee_sched)
    ctx.sinks["treatplanparam"].add(
        TreatPlanParamNum=ctx.ids.next("treatplanparam"), PatNum=patient.pat_num, TreatPlanNum=plan_num,
        ShowDiscount=network, ShowMaxDed=bool(coverage), ShowSubTotals=True, ShowTotals=True,
        ShowCompleted=plan.same_day, ShowFees=True, ShowIns=bool(coverage),
    )
    for order, (proc, estimate) in enumerate(zip(plan.procedures, estimates)):
        ctx.sinks["treatplanattach"].add(TreatPlanAttachNum=ctx.ids.next("treatplanattach"),
                                         TreatPlanNum=plan_num, ProcNum=proc.proc_num, Priority=NO_PRIORITY)
        _emit_line(ctx, patient.pat_num, plan_num, plan, order, proc, estimate, user)


def _emit_line(ctx, pat_num: int, plan_num: int, plan: Plan, order: int, proc: Procedure, estimate: tuple,
               user: int) -> None:
    """The printed line of one procedure: fee and estimates as they stood when the plan was presented."""
    allowed, write_off, primary, secondary = estimate
    tooth, surf = proc.site  # as on the procedurelog row
    ctx.sinks["proctp"].add(
        ProcTPNum=ctx.ids.next("proctp"), TreatPlanNum=plan_num, PatNum=pat_num, ProcNumOrig=proc.proc_num,
        ItemOrder=order, Priority=NO_PRIORITY, ToothNumTP=tooth, Surf=surf, ProcCode=proc.code.code,
        Descript=proc.code.descript, FeeAmt=proc.fee / 100, PriInsAmt=primary / 100, SecInsAmt=secondary / 100,
        PatAmt=(proc.fee - write_off - primary - secondary) / 100, Discount=write_off / 100, Prognosis="", Dx="",
        ProcAbbr=proc.code.abbr, SecUserNumEntry=user, SecDateEntry=plan.presented.date(),
        SecDateTEdit=plan.presented, FeeAllowed=allowed / 100, TaxAmt=0.0, ProvNum=proc.prov_num,
        DateTP=plan.presented.date(), ClinicNum=0, CatPercUCR=fee_cents(UCR_SCHEDULE, proc.code.code) / 100,
    )


def _doctor(staff, prov_num: int) -> str:
    provider = next(p for p in staff.providers if p.prov_num == prov_num)
    return f"Dr. {provider.first} {provider.last}"


def _coordinator(ctx) -> int:
    front = ctx.staff.users_by_role("front")
    return next((u.user_num for u in front if u.user_name == "txcoord"), front[0].user_num)


def _heading(procedures: list[Procedure]) -> str:
    main = max(procedures, key=lambda p: p.fee)
    return f"{HEADINGS.get(main.code.category, 'Restorative')} Treatment Plan"


def _signature(seed: int, plan_num: int, who: str) -> str:
    """Stands for the signature pad's encrypted image: opaque base64, fixed by the plan."""
    digest = hashlib.blake2b(f"{seed}-{plan_num}-{who}".encode(), digest_size=48).digest()
    return base64.b64encode(digest).decode()


def _coverage_on(coverage: list, day: date) -> list:
    """The plans active on `day`, primary first (at most two)."""
    return sorted((c for c in coverage if c.active_on(day)), key=lambda c: c.ordinal)[:2]


def _estimates(coverage: list, procedures: list[Procedure]) -> list[tuple[int, int, int, int]]:
    """(allowed, write-off, primary, secondary) in cents per procedure, as OpenDental estimates a plan: the
    network's allowed fee, the deductible once per plan and the annual maximums, assuming nothing used yet."""
    primary = coverage[0] if coverage else None
    secondary = coverage[1] if len(coverage) > 1 else None
    deductible = primary.plan.deductible if primary else 0
    left = {c.ordinal: c.plan.annual_max for c in coverage}
    result = []
    for proc in procedures:
        if primary is None or proc.code.category in NOT_BILLED_CATEGORIES or proc.fee == 0:
            result.append((proc.fee, 0, 0, 0))
            continue
        sched = primary.plan.fee_sched
        allowed = min(proc.fee, fee_cents(sched, proc.code.code)) if sched else proc.fee
        applied = 0 if proc.code.coverage == "preventive" else min(deductible, allowed)
        deductible -= applied
        first = min((allowed - applied) * primary.percent(proc.code.coverage) // 100, left[primary.ordinal])
        left[primary.ordinal] -= first
        second = 0
        if secondary is not None:
            second = min(allowed - first, allowed * secondary.percent(proc.code.coverage) // 100,
                         left[secondary.ordinal])
            left[secondary.ordinal] -= second
        result.append((allowed, proc.fee - allowed, first, second))
    return result


# ---------------------------------------------------------------- groups


def _emit_group_notes(ctx, story, rng) -> None:
    """procgroupitem rows of the visits charted with one group note for their completed procedures.

    GroupNum is OpenDental's group-note procedure; this module writes no procedurelog rows, so a group is
    numbered by the ProcNum of its first procedure: a real procedure of the same visit, where another id
    space would collide with unrelated ProcNums.
    """
    writers = _group_note_writers(ctx.seed, tuple(p.prov_num for p in ctx.staff.providers if p.active))
    for visit in story.visits:
        if visit.status != clinical.COMPLETE or visit.day < FLOOR or len(visit.procedures) < 2:
            continue
        if (visit.prov_hyg or visit.prov_num) not in writers or rng.random() >= GROUP_NOTE_RATE:
            continue
        group = visit.procedures[0].proc_num
        for proc in visit.procedures:
            ctx.sinks["procgroupitem"].add(ProcGroupItemNum=ctx.ids.next("procgroupitem"), ProcNum=proc.proc_num,
                                           GroupNum=group)


@cache
def _group_note_writers(seed: int, prov_nums: tuple[int, ...]) -> frozenset[int]:
    """The providers who chart group notes (a habit): a fixed share of those who see patients, drawn once per
    run, and at least one (a small office has one or two clinicians, and the habit is common)."""
    ranked = sorted(prov_nums, key=lambda num: stream(seed, "group-note-habit", num).random())
    return frozenset(ranked[:max(1, round(len(ranked) * GROUP_NOTE_HABIT))])


def _emit_multi_visit(ctx, story, planned_at: dict[int, datetime], rng) -> None:
    """procmultivisit rows: each visit's (or the unscheduled list's) multi-visit work as one group.

    The group is made when the work is planned (its plan, else the procedure's entry) and last edited when
    the work was completed. A group is in process while some of its procedures are complete and others not;
    the procedures of one visit share their status, so none is, as the claims agree (an in-process group would
    hold its claim, status 'I', which claims.py never does).
    """
    batches = [(v, v.procedures) for v in story.visits] + [(None, story.unscheduled)]
    for visit, procedures in batches:
        members = [p for p in procedures if p.code.code in MULTI_VISIT_CODES]
        if not members:
            continue
        members = sorted(members + [p for p in procedures if p.code.code in WITH_CROWN], key=lambda p: p.proc_num)
        entered = min(planned_at.get(p.proc_num, p.entered) for p in members)
        if entered.date() < FLOOR or entered > ctx.window.end_of_data or min(p.day for p in members) < FLOOR:
            continue
        if rng.random() >= MULTI_VISIT_RATE:
            continue
        in_process = len({p.status for p in members}) > 1
        edited = _edited(ctx, visit, entered, members)
        first = None
        for proc in members:
            num = ctx.ids.next("procmultivisit")
            first = first or num
            ctx.sinks["procmultivisit"].add(
                ProcMultiVisitNum=num, GroupProcMultiVisitNum=first, ProcNum=proc.proc_num, ProcStatus=proc.status,
                IsInProcess=in_process, SecDateTEntry=entered, SecDateTEdit=edited, PatNum=story.patient.pat_num,
            )


def _edited(ctx, visit: Visit | None, entered: datetime, members: list[Procedure]) -> datetime:
    """When the group was last touched: its work booked (procedure entry), or set complete after the visit."""
    edited = max([entered] + [p.entered for p in members if p.entered <= ctx.window.end_of_data])
    if visit is not None and visit.end is not None:
        edited = max(edited, min(visit.end + timedelta(minutes=5), ctx.window.end_of_data))
    return edited
