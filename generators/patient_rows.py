"""The patient rows (patient, patientnote, patientlink), written last for each household.

A patient's row carries what the other modules settled: the first visit (clinical), the balances and aging
(financial), the last activity (every module touches it); so this module runs after all of them.
"""

from __future__ import annotations

from datetime import timedelta

from generators import calendar, ledger
from generators.census import DECEASED, PATIENT, Household
from generators.context import Context
from generators.reference.definitions import BILLING_TYPE_NAMES, CATEGORY_BILLING_TYPES, def_num_of
from generators.rng import stream
from generators.story import Story


def bounds(household: Household) -> dict[str, int]:
    # patient and patientnote use the census' PatNum; at most one link per member (idplan.person_bounds)
    return {"patientlink": len(household.members)}


def _on_file_since(ctx: Context, p):
    """When a patient with no visit on file was entered: before the window (on the books, not seen in it), from a
    stream of its own so that it is the same whatever the as-of date."""
    rng = stream(ctx.seed, "on-file", p.pat_num)
    day = max(p.birthdate + timedelta(days=1), ctx.window.start - timedelta(days=30 + rng.randrange(1500)))
    return calendar.at(day, 9 * 60 + rng.randrange(480))


def emit_household(ctx: Context, household: Household, stories: list[Story]) -> None:
    """Write the household's patient, patientnote and patientlink rows."""
    patients = [story.patient for story in stories]
    # the family's balance and aging live on the guarantor, as OpenDental stores them
    family = ledger.family_aging([story.ledger for story in stories], ctx.window.as_of)
    sinks = ctx.sinks
    end = ctx.window.end_of_data
    front = ctx.staff.users_by_role("front")
    # The guarantor's row holds the family's balance and aging, so it changes with any member's account, and
    # when the nightly aging moves what is owed to an older bucket (stamped then, as OpenDental's row would be).
    family_changed = max((s.ledger.last_activity for s in stories if s.ledger.last_activity), default=None)
    if family["aged_on"] is not None:
        aged = calendar.at(family["aged_on"] - timedelta(days=1), 23 * 60)
        family_changed = max(family_changed or aged, aged)
    for story in stories:
        ctx.ids.person(story.patient.pat_num)
        p = story.patient
        prng = stream(ctx.seed, "patient-row", p.pat_num)
        person = p.person
        created = p.created or _on_file_since(ctx, p)
        stamp = max(p.last_activity or created, created)
        bal = family if p.pat_num == p.guarantor else {}
        if bal and family_changed:
            stamp = max(stamp, family_changed)
        if p.coverage_ended and p.coverage_ended <= ctx.window.last_day:  # no longer insured: HasIns cleared
            stamp = max(stamp, calendar.at(p.coverage_ended, 8 * 60))
        stamp = min(stamp, end)
        own = story.ledger.balance() - story.ledger.insurance_estimate()
        deceased = None
        if person.status == DECEASED:
            # some months after they were last seen (or put on file): a date of its own, whatever the as-of date
            anchor = person.life.stop if person.life and person.life.stop else created.date()
            deceased = calendar.at(anchor, 12 * 60) + timedelta(days=30 + prng.randrange(300))
            if deceased > end:
                deceased = None  # not yet, on the as-of date
            else:
                stamp = max(stamp, deceased)
        billing_type = def_num_of(CATEGORY_BILLING_TYPES, BILLING_TYPE_NAMES[0])
        sinks["patient"].add(
            PatNum=p.pat_num, LName=p.last, FName=p.first, MiddleI=p.middle,
            PatStatus=person.status if person.status != DECEASED or deceased else PATIENT, Gender=p.gender,
            Position=person.position, Birthdate=p.birthdate, Guarantor=p.guarantor,
            EstBalance=own / 100, PriProv=p.pri_prov, SecProv=p.sec_prov, FeeSched=1,
            Bal_0_30=bal.get("0_30", 0) / 100, Bal_31_60=bal.get("31_60", 0) / 100, Bal_61_90=bal.get("61_90", 0) / 100,
            BalOver90=bal.get("over_90", 0) / 100, InsEst=bal.get("ins_est", 0) / 100,
            BalTotal=bal.get("total", 0) / 100, DateFirstVisit=p.first_visit, ClinicNum=0,
            HasIns="1" if p.insured_now and p.has_claimed_completion else "",
            PreferConfirmMethod=prng.choice([0, 2, 4, 8]), PreferContactMethod=prng.choice([0, 2, 3, 4, 8]),
            PreferRecallMethod=prng.choice([0, 2, 4, 8]), Language=p.language, DateTStamp=stamp,
            TxtMsgOk=1 if p.wireless else 0, DateTimeDeceased=deceased, BillingCycleDay=1,
            SecUserNumEntry=front[p.pat_num % len(front)].user_num, SecDateEntry=created.date(), Address=p.address[0],
            City=p.address[1], State=p.address[2], Zip=p.address[3], HmPhone=p.home_phone, WirelessPhone=p.wireless,
            Email=p.email, BillingType=billing_type, EmployerNum=p.employer_num, ChartNumber=str(p.pat_num),
        )
        contact = _emergency_contact(p, patients, ctx.pools, prng)
        sinks["patientnote"].add(
            PatNum=p.pat_num, Medical=_medical_note(prng), OrthoMonthsTreatOverride=-1, ICEName=contact[0],
            ICEPhone=contact[1],
            SecDateTEntry=max(created, calendar.at(ctx.window.setup_day, 8 * 60)),
            SecDateTEdit=max(stamp, calendar.at(ctx.window.setup_day, 8 * 60)),
        )
    head = patients[0]
    for p in patients[1:]:
        linked = min(max(p.created or head.created or end, head.created or end), end)
        ctx.ids.person(p.pat_num)
        sinks["patientlink"].add(
            PatientLinkNum=ctx.ids.next("patientlink"), PatNumFrom=head.pat_num, PatNumTo=p.pat_num, LinkType=False,
            DateTimeLink=linked,
        )


MEDICAL_NOTES = ("", "", "", "NKDA", "Allergic to penicillin", "Hypertension - controlled with medication",
                 "Type 2 diabetes", "Takes blood thinner; consult before extractions", "Latex allergy",
                 "Asthma - bring inhaler", "Artificial knee joint 2019", "Pregnant - second trimester")


ICE_RATE = 0.6  # patients other than active ones with an emergency contact on file (the form asks all of them)


def _emergency_contact(p, family, pools, rng) -> tuple[str, str]:
    """The emergency contact of the registration form: a spouse or parent in the family, else someone outside it;
    required for active patients, given by most others."""
    if p.person.status != PATIENT and rng.random() >= ICE_RATE:
        return "", ""
    others = [q for q in family if q is not p and q.person.age_group != "child"]
    if others and rng.random() < 0.8:
        q = others[0]
        return f"{q.first} {q.last}", q.wireless or q.home_phone
    first = rng.choice(pools.first_female if rng.random() < 0.5 else pools.first_male)
    return f"{first} {rng.choice(pools.last)}", f"(219){rng.randint(200, 989)}-{rng.randint(0, 9999):04d}"


def _medical_note(rng) -> str:
    return rng.choice(MEDICAL_NOTES)
