"""The derived-rule checks (validators/derived.py) against a real PostgreSQL: a scratch database with the raw
schema and a few hand-made rows.

Each row is built to break or satisfy one specific rule; the expected counts follow from the rows, the staging
filters (rows dated before 2023 or after the as-of date are dropped where the staging model drops them) and dbt's
NULL semantics.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import psycopg2
import pytest
from conftest import insert_rows, schema_database

from validators import derived
from validators.base import render, run_checks

pytestmark = pytest.mark.db  # needs PostgreSQL

AS_OF = date(2025, 6, 15)
DAY = datetime(2024, 3, 1, 9, 0)  # a visit day inside the staging window
RECENT = date(2025, 5, 1)
FUTURE = AS_OF + timedelta(days=5)
OLD = date(2022, 1, 1)  # before the 2023 staging floor
NO_DATE = date(1, 1, 1)  # OpenDental's "no date"


def appointment(num: int, **values) -> dict:
    """A completed visit of patient 1 with provider 1 that breaks nothing, unless `values` say otherwise."""
    return {"AptNum": num, "PatNum": 1, "ProvNum": 1, "AptStatus": 2, "AptDateTime": DAY, "Pattern": "XX",
            "Confirmed": 1, "ClinicNum": 0, "AppointmentTypeNum": 1} | values


def commlog(num: int, **values) -> dict:
    """An outbound note of patient 1 by user 1, with a note of its own, unless `values` say otherwise."""
    stamp = datetime(2024, 5, 1, 10, 0) + timedelta(minutes=num)
    return {"CommlogNum": num, "PatNum": 1, "UserNum": 1, "CommType": 226, "Mode_": 0, "SentOrReceived": 2,
            "CommDateTime": stamp, "DateTEntry": stamp, "Note": f"Spoke with patient ({num})"} | values


def claimproc(num: int, **values) -> dict:
    """A fully filled claim line of procedure 1 on claim 1, unless `values` say otherwise."""
    return {"ClaimProcNum": num, "ClaimNum": 1, "ProcNum": 1, "PatNum": 1, "ProcDate": DAY.date(), "Status": 0,
            "ProvNum": 1, "PlanNum": 1, "InsSubNum": 1, "FeeBilled": 100, "InsPayAmt": 0, "WriteOff": 0,
            "CopayAmt": -1, "AllowedOverride": -1, "SecUserNumEntry": 1, "SecDateTEdit": datetime(2024, 3, 5)} | values


def task(num: int, **values) -> dict:
    """A task created in 2024 and edited the day after, unless `values` say otherwise."""
    return {"TaskNum": num, "Descript": "Mail packet", "DateTimeOriginal": datetime(2024, 1, 1, 9, 0),
            "SecDateTEdit": datetime(2024, 1, 2, 9, 0), "UserNum": 1} | values


TEMPLATE = {"Note": "Reminder sent", "DateTEntry": datetime(2024, 5, 2, 8, 0)}  # G-08.7: one note, two Mode_s

ROWS = {
    "provider": [
        {"ProvNum": 1, "ProvStatus": 0},
        {"ProvNum": 2, "ProvStatus": 1, "DateTerm": date(2024, 1, 1)},
        {"ProvNum": 3, "ProvStatus": 0, "DateTerm": date(2024, 5, 1)},  # D-provider-03: active but terminated
        {"ProvNum": 4, "ProvStatus": 0, "DateTerm": NO_DATE},  # "no date" is no termination
    ],
    "definition": [
        {"DefNum": 10, "Category": 2, "ItemValue": "0", "ItemName": "0"},
        {"DefNum": 11, "Category": 2, "ItemValue": "1", "ItemName": "Inactive"},  # D-provider-04: name must be '0'
        {"DefNum": 12, "Category": 3, "ItemValue": "5", "ItemName": "Orthodontics"},  # D-definition-04: 5 twice
        {"DefNum": 13, "Category": 3, "ItemValue": "05", "ItemName": "Endodontics"},
        {"DefNum": 14, "Category": 8, "ItemValue": "5", "ItemName": "other category"},
        {"DefNum": 15, "Category": 5, "ItemValue": "40000", "ItemName": "too big for smallint"},
        {"DefNum": 16, "Category": 5, "ItemValue": "abc", "ItemName": "not numeric"},
        {"DefNum": 69, "Category": 10, "ItemValue": "", "ItemName": "Check"},
        {"DefNum": 70, "Category": 1, "ItemValue": "", "ItemName": "Cash"},  # D-definition-02 and -05
        {"DefNum": 261, "Category": 10, "ItemValue": "", "ItemName": "Insurance check"},
    ],
    "userod": [
        {"UserNum": 1, "UserName": "amy", "ProvNum": 0},
        {"UserNum": 2, "UserName": "  ", "ProvNum": 0},  # D-commlog-02: blank UserName
        {"UserNum": 3, "UserName": "bob", "ProvNum": 99},  # D-commlog-02: provider 99 does not exist
    ],
    "patient": [
        {"PatNum": 1, "PatStatus": 0, "Birthdate": date(1980, 1, 1), "HasIns": "1", "Guarantor": 1, "PriProv": 1,
         "DateFirstVisit": date(2024, 1, 1), "EstBalance": 0, "BalTotal": 0},
        {"PatNum": 2, "PatStatus": 0, "Birthdate": None, "HasIns": "1", "Guarantor": 1, "PriProv": 1,
         "EstBalance": 30000, "BalTotal": 0},  # D-patient-05, -08 and -09 (no completed procedure)
        {"PatNum": 3, "PatStatus": 1, "Birthdate": NO_DATE, "HasIns": "0", "Guarantor": None, "PriProv": 0,
         "DateFirstVisit": FUTURE},  # D-patient-01, -02, -06 (inactive: no Birthdate needed)
    ],
    "appointmenttype": [
        {"AppointmentTypeNum": 0, "AppointmentTypeName": "None"},  # id 0 is legal (G-04)
        {"AppointmentTypeNum": 1, "AppointmentTypeName": "Crown Prep"},
    ],
    "appointment": [
        *[appointment(n, AptDateTime=DAY + timedelta(minutes=4 * n)) for n in range(1, 12)],  # D-appointment-06
        appointment(12, ProvNum=2, AptDateTime=datetime(2024, 3, 2, 10, 0),
                    DateTimeArrived=datetime(2024, 3, 2, 15, 0)),  # D-appointment-05: 300 minutes late
        appointment(13, ProvNum=99, AptDateTime=datetime(2024, 3, 3, 9, 0)),  # D-appointment-01
        appointment(14, ProvNum=None, AptDateTime=datetime(2022, 6, 1, 9, 0)),  # before 2023: not staged
        appointment(15, AptStatus=1, AptDateTime=datetime.combine(AS_OF, datetime.min.time())
                    + timedelta(days=400)),  # D-appointment-02
        appointment(16, Pattern="0", AptDateTime=datetime(2024, 3, 4, 9, 0)),  # D-appointment-03
        appointment(17, Pattern=None, Confirmed=None, AptDateTime=datetime(2024, 3, 4, 10, 0)),  # -03 and -04
        appointment(18, ClinicNum=3, AptDateTime=datetime(2024, 3, 4, 11, 0)),  # G-03
        appointment(19, AptStatus=5, AptDateTime=datetime(2025, 5, 16, 9, 0)),  # broken: D-appointment-09 holds
    ],
    "procedurecode": [
        {"CodeNum": 1, "ProcCode": "D0120", "TreatArea": 1, "BaseUnits": 0},
        {"CodeNum": 2, "ProcCode": "D0140", "TreatArea": None, "BaseUnits": 0},  # D-procedurecode-02
    ],
    "procedurelog": [
        {"ProcNum": 1, "PatNum": 1, "ProcStatus": 2, "ProcDate": DAY.date(), "CodeNum": 1, "ProvNum": 1,
         "BillingTypeOne": 0, "ClinicNum": 0, "AptNum": 0, "ProcFee": 100, "DateEntryC": DAY.date()},
        {"ProcNum": 2, "PatNum": 1, "ProcStatus": 2, "ProcDate": date(2024, 3, 2), "CodeNum": 77, "ProvNum": None,
         "ClinicNum": 0, "AptNum": 0, "ProcFee": 50, "DateEntryC": date(2024, 3, 2)},  # D-procedurelog-02, -03
        {"ProcNum": 3, "PatNum": 1, "ProcStatus": 2, "ProcDate": date(2019, 1, 1), "CodeNum": None},  # not staged
    ],
    "fee": [
        {"FeeNum": 1, "CodeNum": 1, "FeeSched": 1, "ClinicNum": 0, "SecDateEntry": date(2024, 1, 1)},
        {"FeeNum": 2, "CodeNum": 1, "FeeSched": 2, "ClinicNum": 5, "SecDateEntry": date(2024, 1, 1)},  # D-fee-02
        {"FeeNum": 3, "CodeNum": 2, "FeeSched": 2, "ClinicNum": 5, "SecDateEntry": date(2019, 1, 1)},  # not staged
    ],
    "commlog": [
        commlog(1, Note="Called about appt #123"),  # G-12
        commlog(2, Note="See Claim #5 for details"),  # G-12 (case-insensitive)
        commlog(3, Note="Callback Number 5551234567"),  # G-12
        commlog(4, Note="Moved appt #1", CommDateTime=datetime(2022, 1, 1, 9, 0)),  # before 2023: not staged
        commlog(5, UserNum=2),  # D-commlog-02
        commlog(6, UserNum=3),  # D-commlog-02
        commlog(7, UserNum=0),
        commlog(8, Note=None),  # D-commlog-04: active patient, outbound, needs a note
        commlog(9, Note=None, CommType=224),  # type 224 may be empty
        commlog(10, Note=None, PatNum=3),  # inactive patient
        *[commlog(n, Mode_=1, **TEMPLATE) for n in range(11, 15)],  # G-08.7: 4 x Mode_ 1 ...
        *[commlog(n, Mode_=2, **TEMPLATE) for n in range(15, 19)],  # ... and 4 x Mode_ 2
        commlog(19, ProgramNum=7),  # D-commlog-03: no program 7
        commlog(20, ProgramNum=95),
    ],
    "task": [
        task(1, Descript="Patient Collections follow-up"),  # D-task-02: campaign name
        task(2, Descript="call about collection"),  # D-task-02: lower-case 'collection'
        task(3, Descript="Collection of X-rays"),  # neither (LIKE is case-sensitive)
        task(4, Descript="collection", DateTimeOriginal=datetime(2022, 5, 1)),  # not staged
        task(5, SecDateTEdit=datetime(2023, 12, 1)),  # D-task-01: edited before it was created
    ],
    "payment": [
        {"PayNum": 1, "PatNum": 1, "PayDate": RECENT, "PayType": 69, "PayAmt": 40, "MerchantFee": 0,
         "DateEntry": RECENT, "ClinicNum": 0},
        {"PayNum": 2, "PatNum": 1, "PayDate": RECENT, "PayType": 70, "PayAmt": 20, "MerchantFee": 1500,
         "DateEntry": RECENT, "ClinicNum": 0},  # D-payment-02; PayType 70 is not in category 10
        {"PayNum": 3, "PatNum": 1, "PayDate": FUTURE, "PayType": 71, "PayAmt": 5, "DateEntry": RECENT},  # not staged
    ],
    "paysplit": [
        {"SplitNum": 1, "PayNum": 1, "PatNum": 1, "ProcNum": 1, "SplitAmt": 40, "UnearnedType": 0, "DatePay": RECENT},
        {"SplitNum": 2, "PayNum": 3, "PatNum": 1, "ProcNum": 0, "AdjNum": 0, "SplitAmt": 5, "UnearnedType": 288,
         "DatePay": RECENT},  # D-paysplit-01 (payment 3 not staged) and -04 (allocated to nothing)
        {"SplitNum": 3, "PayNum": 1, "PatNum": 1, "ProcNum": 1, "SplitAmt": 0, "UnearnedType": 5,
         "DatePay": RECENT},  # D-paysplit-03
    ],
    "recalltype": [{"RecallTypeNum": 1, "Description": "Prophy"}, {"RecallTypeNum": 2, "Description": "Perio"}],
    "recalltrigger": [{"RecallTriggerNum": 1, "RecallTypeNum": 1, "CodeNum": 1}],  # type 2 has no trigger
    "recall": [
        {"RecallNum": 1, "PatNum": 1, "RecallTypeNum": 1, "RecallStatus": 0, "DateDue": date(2025, 1, 1)},
        {"RecallNum": 2, "PatNum": 2, "RecallTypeNum": 2, "RecallStatus": 0, "DateDue": date(2025, 1, 1)},  # D-recall
        {"RecallNum": 3, "PatNum": 1, "RecallTypeNum": 1, "RecallStatus": 7, "DateDue": date(2024, 1, 1)},  # status
        {"RecallNum": 4, "PatNum": 1, "RecallTypeNum": 2, "RecallStatus": 0, "DateDue": FUTURE},  # not staged
    ],
    "carrier": [{"CarrierNum": 1, "CarrierName": "Delta"}],
    "insplan": [{"PlanNum": 1, "CarrierNum": 1}],
    "claim": [
        {"ClaimNum": 1, "PatNum": 1, "DateService": DAY.date(), "ClaimStatus": "I"},  # D-claim-02
        {"ClaimNum": 2, "PatNum": 1, "DateService": date(2024, 3, 2), "ClaimStatus": "R",
         "DateReceived": date(2022, 12, 1)},  # D-claim-03
    ],
    "claimpayment": [
        {"ClaimPaymentNum": 10_000_000, "CheckDate": date(2024, 3, 5), "PayType": 261, "DepositNum": 0},
        {"ClaimPaymentNum": 10_000_001, "CheckDate": date(2024, 3, 5), "PayType": 999},  # D-claimpayment-01 x2
    ],
    "claimproc": [
        claimproc(1, Status=1, ClaimPaymentNum=10_000_000, InsPayAmt=60, WriteOff=20_000, PaidOtherIns=0, BaseEst=60,
                  InsEstTotal=60, Percentage=80, CodeSent="D0120", EstimateNote="",
                  DateInsFinalized=date(2024, 3, 5)),  # D-claimproc-03 amounts, D-claimproc-04 lines
        claimproc(2, ClaimNum=0, ClaimPaymentNum=0, Status=6),  # D-claimproc-02: no claim 0
        claimproc(3, SecDateTEdit=datetime(2019, 6, 1)),  # D-claimproc-05
    ],
    "adjustment": [
        {"AdjNum": 1, "PatNum": 1, "AdjDate": RECENT, "ProvNum": 0, "AdjType": 188, "AdjAmt": -10},  # D-adjustment-02
        {"AdjNum": 2, "PatNum": 1, "AdjDate": RECENT, "ProvNum": 1, "AdjType": 188, "AdjAmt": -10},
        {"AdjNum": 3, "PatNum": 1, "AdjDate": FUTURE, "ProvNum": 0, "AdjType": 188, "AdjAmt": -10},  # not staged
    ],
    "referral": [{"ReferralNum": -5}, {"ReferralNum": 3_000_000_000}, {"ReferralNum": 7}],  # G-04 x2
}

EXPECTED = {
    "D-provider-03 active providers not terminated": 1,
    "D-provider-04 D-definition-03 status definitions": 1,  # status 1 (provider 2 has a visit) is named 'Inactive'
    "D-definition-04 numeric ItemValue unique": 2,  # '5' and '05' in category 3; category 8 does not count
    "D-definition-04 category-5 smallint": 1,
    "D-definition-02 payment types in category 10": 1,
    "D-definition-05 category-1 payment ids": 1,
    "D-patient-01 Guarantor set": 1,
    "D-patient-02 PriProv set": 1,
    "D-patient-05 active patients born": 1,
    "D-patient-06 first visit not future": 1,
    "D-patient-08 balances within 25 000": 1,
    "D-patient-09 HasIns needs billed procedure": 1,
    "D-appointment-01 provider": 1,  # the 2022 appointment without a provider is not staged
    "D-appointment-02 within a year": 1,
    "D-appointment-03 pattern": 2,
    "D-appointment-04 Confirmed": 1,
    "D-appointment-05 arrival delay per provider-day": 1,
    "D-appointment-06 per provider-day": 1,  # 11 visits starting in one hour
    "D-appointment-06 production per provider-day": 0,
    "D-appointment-09 lost revenue": 0,  # the broken appointment 19 of a named type
    "G-03 appointment.ClinicNum is 0": 1,
    "G-03 fee.ClinicNum is 0": 1,  # fee 3 (2019) is not staged
    "G-03 procedurelog.ClinicNum is 0": 0,
    "G-04 referral ids in int4": 2,
    "G-04 appointmenttype ids in int4": 0,
    "D-procedurecode-02 TreatArea and BaseUnits": 1,
    "D-procedurelog-02 procedure code": 1,
    "D-procedurelog-03 completed provider": 1,
    "D-procedurelog-06 AR balance bounds": 0,
    "D-fee-02 one ClinicNum per code": 2,
    "D-fee-03 fees per code": 0,
    "G-12 commlog note links": 3,
    "D-commlog-02 user": 2,
    "D-commlog-03 program": 1,
    "D-commlog-04 note present": 1,
    "G-08.7 commlog templates differing only in Mode_": 1,
    "G-08.7 repeated commlog notes": 2,
    "D-task-01 timestamps in order": 1,
    "D-task-02 collection campaigns": 2,
    "D-payment-02 MerchantFee": 1,
    "D-payment-04 per-patient sums": 0,
    "D-paysplit-01 payment staged": 1,
    "D-paysplit-03 UnearnedType": 1,
    "D-paysplit-04 allocated": 1,
    "D-recall-01 recall type usable": 1,
    "D-recall-01 RecallStatus": 1,
    "D-claim-02 ClaimStatus": 1,
    "D-claim-03 DateReceived window": 1,
    "D-claimpayment-01 PayType defined": 1,
    "D-claimpayment-01 DepositNum": 1,
    "D-claimproc-02 payment rows resolve": 1,
    "D-claimproc-03 received references": 0,
    "D-claimproc-03 received amounts": 1,
    "D-claimproc-03 received audit": 0,
    "D-claimproc-04 claim lines": 1,
    "D-claimproc-05 claim rows audit": 1,
    "D-adjustment-02 provider": 1,
}


@pytest.fixture(scope="module")
def database():
    with schema_database("derived") as conn:
        yield conn


@pytest.fixture
def loaded(database):
    """The hand-made rows, inside a transaction rolled back afterwards (the schema stays empty for other tests)."""
    database.autocommit = False
    with database.cursor() as cur:
        insert_rows(cur, ROWS)
    try:
        yield database
    finally:
        database.rollback()
        database.autocommit = True


def test_every_check_runs_on_the_empty_schema(database):
    failures, violations = [], {}
    with database.cursor() as cur:
        for check in derived.checks():
            try:
                cur.execute(render(check.query, AS_OF))
                violations[check.name] = cur.fetchone()[0]
            except psycopg2.Error as error:
                failures.append(f"{check.name}: {str(error).splitlines()[0]}")
    assert failures == []
    # with no rows only the "at least one" rule can fail
    assert {name: n for name, n in violations.items() if n} == {"D-appointment-09 lost revenue": 1}


def test_checks_are_named_after_rules():
    checks = derived.checks()
    names = [c.name for c in checks]
    assert len(names) == len(set(names))
    assert all(name.startswith(("D-", "G-")) for name in names)
    assert all(c.severity in {"ERROR", "WARN"} and c.description for c in checks)
    assert {c.table for c in checks} <= set(derived.FILLED)
    assert set(EXPECTED) <= set(names)


def test_hand_made_rows_give_the_expected_violations(loaded):
    by_name = {c.name: c for c in derived.checks()}
    results = run_checks(loaded, [by_name[name] for name in EXPECTED], AS_OF)
    assert {r.check.name: r.violations for r in results} == EXPECTED


def test_warn_rules_do_not_fail(loaded):
    by_name = {c.name: c for c in derived.checks()}
    warn, error = run_checks(loaded, [by_name["D-definition-05 category-1 payment ids"],
                                      by_name["D-task-02 collection campaigns"]], AS_OF)
    assert warn.violations == 1 and not warn.failed
    assert error.violations == 2 and error.failed
