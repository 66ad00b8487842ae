"""Treatment plans, and how procedures are grouped: group notes and multi-visit work.

A treatment plan (treatplan) is presented at the completed exam where work was found (Story.presented, from
clinical.py): the work the patient accepted (booked, done, or waiting on a planned appointment) and the work
they did not. The plan holds those procedures (treatplanattach); the printed copy saved with it lists them with their
fees and insurance estimates at that date (proctp), printed with the options of treatplanparam. Procedures since
completed stay on the plan (the same procedures, now complete); the others are booked for later, were missed,
or stall. treatplanparam holds per-plan print options, so it is patient data (Clinical), not reference data.

OpenDental's TPStatus 0 is a saved plan, the only status the contract accepts (D-treatplan-01). A stalled plan
(open fees, no attached procedure dated in the last 90 days) must be at most 30 or more than 180 days old on
the day dbt runs (contract G-14, D-treatplan-02: mart_revenue_lost rejects the subtypes in between). A saved
plan never changes and is never taken back, and the practice may be advanced to any later as-of date, so a plan
that would be such on any day from the practice's first as-of date on is not written, as if never printed.

Prefix-stable (advance.py): every draw comes from a stream of the plan, visit or group it concerns, a
plan lists what was on file by the end of the day it was presented, and ids follow the order things were made,
so a later as-of date only adds rows made after the earlier one and completes the work of multi-visit groups.

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
import random
from dataclasses import dataclass, replace
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
PRESENT_RATE = 0.8  # plans under MUST_PRESENT cents are printed this often; larger ones always
MUST_PRESENT = 30_000
COORDINATOR_RATE = 0.7  # plans entered by the treatment coordinator, the rest by the presenting dentist
SIGNED_RATE = 0.6  # accepted plans signed on the office's signature pad
# G-14 / D-treatplan-02: mart_revenue_lost's treatment-plan delay subtypes by plan age (days)
STALL_DAYS, CURRENT_DAYS, VERY_DELAYED_DAYS = 90, 30, 180
# days after a start whose as-of dates' dbt runs (each DBT_LAG_DAYS long) together cover the band
DBT_RUNS = range(0, VERY_DELAYED_DAYS + 1, DBT_LAG_DAYS + 1)

GROUP_NOTE_HABIT = 0.4  # share of the providers who chart group notes ...
GROUP_NOTE_RATE = 0.8  # ... for this share of their completed visits with several procedures
MULTI_VISIT_RATE = 0.95  # multi-visit work the office groups as such
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


Booked = dict[int, tuple[datetime, int]]  # AptNum -> (when its work was booked, the visit it was booked on)


@dataclass
class Plan:
    anchor: Visit  # the completed visit the plan was presented at
    procedures: list[Procedure]
    presented: datetime
    same_day: bool  # diagnosed and (partly) done at the same visit
    rng: random.Random  # the plan's own stream


def emit_household(ctx, household, stories) -> None:
    patients = {story.patient.pat_num: story.patient for story in stories}
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        booked = _booked(story.visits)
        plans = _plans(ctx, story, booked)
        planned_at = {}  # ProcNum -> when its plan was presented
        for plan in plans:
            _emit_plan(ctx, story, plan, patients)
            planned_at.update((p.proc_num, plan.presented) for p in plan.procedures)
        _emit_group_notes(ctx, story)
        _emit_multi_visit(ctx, story, planned_at, booked)


def _booked(visits: list[Visit]) -> Booked:
    """AptNum -> when its work was first booked, and on which visit: a visit that rebooks a lost one carries
    the work booked with that one (the same procedures, moved), so the lost visit's booking counts."""
    by_num = {v.apt_num: v for v in visits}
    result = {}
    for visit in visits:
        first = visit
        while first.rebooks in by_num:
            first = by_num[first.rebooks]
        result[visit.apt_num] = (first.booked, first.apt_num)
    return result


# ---------------------------------------------------------------- which plans


def _plans(ctx, story, booked: Booked) -> list[Plan]:
    """One plan per exam that found treatment (clinical.py's cases), with everything found there."""
    groups: dict[int, tuple[Visit, list[Procedure]]] = {}
    for exam, procedures in story.presented:
        groups.setdefault(exam.apt_num, (exam, []))[1].extend(procedures)
    plans = []
    for anchor, procedures in sorted(groups.values(), key=lambda g: (g[0].start, g[0].apt_num)):
        plan = _presented(ctx, anchor, procedures, booked)
        if plan is not None:
            plans.append(plan)
    return plans


def _on_file(proc: Procedure, booked: Booked) -> datetime:
    """When a procedure was entered: its visit's booking (fixed, where its entry moves once it is complete), or
    its own entry when it has no visit."""
    return booked[proc.apt_num][0] if proc.apt_num in booked else proc.entered


def _presented(ctx, anchor: Visit, procedures: list[Procedure], booked: Booked) -> Plan | None:
    """The plan presented at `anchor`, or None when it was not printed or would not be staged.

    It is printed when its work is first on file: at the exam, or when work waiting on a planned appointment
    was scheduled a few days later. It lists what was on file by the end of that day: work entered later (the
    second visit of a case, booked at the first) was not on it, whatever the as-of date."""
    rng = stream(ctx.seed, "treatment-plan", anchor.apt_num)
    printed = rng.random()
    procedures = [p for p in procedures if p.day >= anchor.day]
    if not procedures:
        return None
    first = min(_on_file(p, booked) for p in procedures)
    day = max(first.date(), anchor.day)
    procedures = [p for p in procedures if p.day >= day and _on_file(p, booked).date() <= day]
    if not procedures or day < FLOOR:
        return None
    if sum(p.fee for p in procedures) < MUST_PRESENT and printed >= PRESENT_RATE:
        return None
    if _stalls(ctx.window.pace.as_of, day, procedures):
        return None
    same_day = any(p.apt_num == anchor.apt_num for p in procedures)
    if day > anchor.day:  # printed when the work was scheduled
        presented = first + timedelta(minutes=rng.randint(2, 30))
    elif same_day:  # presented after the exam, before the work
        presented = anchor.start + timedelta(minutes=rng.randint(10, 25))
    else:  # presented at checkout
        presented = (anchor.end or anchor.start + timedelta(hours=1)) + timedelta(minutes=rng.randint(2, 30))
    if presented >= ctx.window.midnight:
        return None
    return Plan(anchor, procedures, presented, same_day, rng)


def _stalls(first: date, day: date, procedures: list[Procedure]) -> bool:
    """Whether the plan would be 'Recent' or 'Delayed' on some day dbt may run from the practice's first as-of
    date on: booked work gets done (the visits that carry it are kept or rebooked), work never booked (declined,
    referred out) stays open for good."""
    fate = [replace(p, status=clinical.COMPLETED) if p.apt_num else p for p in procedures]
    start = max(first, day)
    return any(_delayed(start + timedelta(days=k), day, fate) for k in DBT_RUNS)


def _delayed(as_of: date, day: date, procedures: list[Procedure]) -> bool:
    """Whether mart_revenue_lost would call the plan 'Recent' or 'Delayed' (G-14), which the contract rejects,
    on any day dbt may run: from the as-of date to DBT_LAG_DAYS after it (the plan ages and idles meanwhile)."""
    open_fees = any(p.status != clinical.COMPLETED and p.fee > 0 for p in procedures)
    idle = (as_of - max(p.day for p in procedures)).days
    age = (as_of - day).days
    first = max(0, STALL_DAYS + 1 - idle, CURRENT_DAYS + 1 - age)  # the first lag at which it would be both
    return open_fees and first <= min(DBT_LAG_DAYS, VERY_DELAYED_DAYS - age)


# ---------------------------------------------------------------- plan rows


def _emit_plan(ctx, story, plan: Plan, patients: dict) -> None:
    patient, rng = story.patient, plan.rng
    plan_num = ctx.ids.next("treatplan")
    day = plan.presented.date()
    presenter = plan.anchor.dentist or plan.anchor.prov_num  # the examining dentist (UserNum == ProvNum)
    user = _coordinator(ctx) if rng.random() < COORDINATOR_RATE else presenter
    accepted = any(p.apt_num for p in plan.procedures)  # booked (or done) at a visit
    signed_at = plan.presented + timedelta(minutes=rng.randint(3, 15))
    signed = accepted and rng.random() < SIGNED_RATE and signed_at < ctx.window.midnight
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


def _emit_group_notes(ctx, story) -> None:
    """procgroupitem rows of the visits charted with one group note for their completed procedures.

    GroupNum is OpenDental's group-note procedure; this module writes no procedurelog rows, so a group is
    numbered by the ProcNum of its first procedure: a real procedure of the same visit, where another id
    space would collide with unrelated ProcNums. Visits come oldest first, so those a later as-of date
    completes take later ids.
    """
    writers = _group_note_writers(ctx.seed, tuple(p.prov_num for p in ctx.staff.providers if p.active))
    for visit in story.visits:
        if visit.status != clinical.COMPLETE or visit.day < FLOOR or len(visit.procedures) < 2:
            continue
        if (visit.prov_hyg or visit.prov_num) not in writers:
            continue
        if stream(ctx.seed, "group-note", visit.apt_num).random() >= GROUP_NOTE_RATE:
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


def _emit_multi_visit(ctx, story, planned_at: dict[int, datetime], booked: Booked) -> None:
    """procmultivisit rows: each visit's multi-visit work as one group, and the work charted without a visit
    (found at an exam and not booked, or charted as existing) as one group per time it was charted.

    The group is made when the work is planned (its plan, else the procedure's entry) and last edited when
    the work was booked or, once its visit is kept, completed. A group is in process while some of its
    procedures are complete and others not; the procedures of one visit share their status, so none is, as the
    claims agree (an in-process group would hold its claim, status 'I', which claims.py never does). A planned
    appointment lists procedures that belong to other visits or to the charted ones: it has no group of its own.
    """
    batches = [(v, v.procedures, ("visit", booked[v.apt_num][1])) for v in story.visits
               if v.status != clinical.PLANNED]
    charted: dict[datetime, list[Procedure]] = {}
    for proc in story.unscheduled:
        if proc.status != clinical.DELETED:
            charted.setdefault(proc.entered, []).append(proc)
    batches += [(None, procs, ("charted", story.patient.pat_num, at)) for at, procs in charted.items()]
    groups = []
    for visit, procedures, key in batches:
        members = [p for p in procedures if p.code.code in MULTI_VISIT_CODES]
        if not members:
            continue
        members = sorted(members + [p for p in procedures if p.code.code in WITH_CROWN], key=lambda p: p.proc_num)
        on_file = min(_on_file(p, booked) for p in members)
        entered = min([on_file] + [planned_at[p.proc_num] for p in members if p.proc_num in planned_at])
        if entered.date() < FLOOR or min(p.day for p in members) < FLOOR:
            continue
        if stream(ctx.seed, "multi-visit", *key).random() >= MULTI_VISIT_RATE:
            continue
        done = visit is not None and visit.status == clinical.COMPLETE and visit.end is not None
        edited = visit.end + timedelta(minutes=5) if done else on_file
        groups.append((entered, key[1:], members, edited))
    groups.sort(key=lambda g: g[:2])  # ids in the order the groups were made
    for entered, _, members, edited in groups:
        in_process = len({p.status for p in members}) > 1
        first = None
        for proc in members:
            num = ctx.ids.next("procmultivisit")
            first = first or num
            ctx.sinks["procmultivisit"].add(
                ProcMultiVisitNum=num, GroupProcMultiVisitNum=first, ProcNum=proc.proc_num, ProcStatus=proc.status,
                IsInProcess=in_process, SecDateTEntry=entered, SecDateTEdit=edited, PatNum=story.patient.pat_num,
            )
