"""raw.definition: OpenDental's lookup values, with the ids the downstream models hard-code.

Categories follow the contract's reading of them: 1 adjustment types, 2 provider status, 3 provider
specialty, 4 procedure status (and OpenDental's billing types, with no ItemValue), 5 treatment area, 6 fee
schedule type, 7 anesthesia type, 10 patient payment types, 11 procedure categories. Numeric ItemValues are
unique within categories 2-7 (the models join on them); payment-type ids never appear in category 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from generators.reference.procedure_codes import PROC_CATEGORIES


@dataclass(frozen=True)
class Definition:
    def_num: int
    category: int
    name: str
    value: str = ""
    color: int = 0


# Adjustment types (category 1): discounts, write-offs and credits are booked negative; refunds,
# fees and one side of a reallocation positive.
ADJUSTMENT_TYPES = {
    188: "Insurance Write-off",
    186: "Senior Discount",
    474: "Provider Discount",
    475: "Professional Courtesy",
    472: "Employee Discount",
    485: "Employee Family Discount",
    9: "Cash Discount",
    185: "Prompt Payment Discount",
    486: "Family Discount",
    482: "Family Courtesy",
    537: "New Patient Discount",
    483: "Referral Credit",
    18: "Patient Refund",
    337: "Overpayment Refund",
    235: "Reallocation",
    549: "Administrative Fee",
    550: "Missed Appointment Fee",
    690: "Collection Agency Write-off",
}
COLLECTIONS_WRITE_OFF = 690

# Patient payment types (category 10). 0 (income transfer) and 72 (refund) are special.
# Named as the dbt project's practice names them (fact_payment.sql); 676 and 681 exist but this office does not use
# them.
PAYMENT_TYPES = {
    69: "Check",
    70: "Cash",
    71: "Credit Card",
    72: "Patient Refund",
    391: "Care Credit",
    412: "Stripe",
    417: "Lending Club",
    574: "ProceedFinance",
    634: "Cherry",
    676: "Insurance Interest",
    681: "Sunbit",
}
TRANSFER_PAY_TYPE = 0
REFUND_PAY_TYPE = 72

# Insurance (claim) payment types (category 32).
INSURANCE_PAYMENT_TYPES = {
    261: "Insurance Check",
    303: "Insurance EFT",
    464: "Virtual Credit Card",
    465: "Insurance Direct Deposit",
    466: "Insurance Check - Lockbox",
    469: "Insurance Payment Portal",
}

# Paysplit unearned types (category 29).
UNEARNED_PREPAYMENT = 288
UNEARNED_TP_PREPAYMENT = 439
UNEARNED_TYPES = {UNEARNED_PREPAYMENT: "Prepayment", UNEARNED_TP_PREPAYMENT: "Treatment Plan Prepayment"}

# Commlog types (category 27), as allowed by the contract.
COMMLOG_TYPES = {
    224: "Appointment Related",
    225: "Financial",
    226: "Recall",
    228: "Misc",
    425: "Insurance",
    427: "Text Message",
    428: "Email",
    429: "Treatment Plan Follow-up",
    432: "Patient Portal",
    509: "Referral",
    510: "Lab Case",
    571: "Web Sched",
    603: "Online Forms",
    614: "Reviews",
    615: "Welcome",
    636: "Post-Op Check",
}

# Schedule blockout types (category 25).
BLOCKOUT_TYPES = {
    241: "Lunch", 257: "Staff Meeting", 258: "Emergency Hold", 424: "Crown Seat", 506: "New Patient Block",
    532: "Hygiene Block", 590: "Doctor Out", 617: "Training", 618: "Implant Block", 619: "Ortho Block",
    620: "Pediatric Block", 621: "Sedation Block", 638: "Holiday",
}

RECALL_STATUS_SCHEDULED = 95
RECALL_STATUS_COMPLETED = 298
RECALL_STATUSES = {RECALL_STATUS_SCHEDULED: "Scheduled", RECALL_STATUS_COMPLETED: "Completed"}

TASK_PRIORITIES = {263: "Normal", 290: "High"}

# Provider specialties (category 3). OpenDental stores the specialty's DefNum in provider.Specialty; the dbt
# project looks specialties up by ItemValue, so each one's ItemValue is its own DefNum (see all_definitions).
SPECIALTIES = {
    0: "General Dentistry", 1: "Hygienist", 2: "Endodontics", 3: "Pediatric Dentistry", 4: "Periodontics",
    5: "Prosthodontics", 6: "Orthodontics", 7: "Denturist", 8: "Oral Surgery", 9: "Dental Assistant",
}

SPECIALTY_VALUE = "<DefNum>"  # placeholder in _numbered, replaced by the row's own DefNum

PROCEDURE_STATUSES = {
    1: "Treatment Planned", 2: "Complete", 3: "Existing Current Provider", 4: "Existing Other Provider",
    5: "Referred Out", 6: "Ordered/Planned", 7: "Condition", 8: "In Progress",
}
TREATMENT_AREAS = {0: "None", 1: "Surface", 2: "Tooth", 3: "Mouth", 4: "Quadrant", 5: "Sextant", 6: "Arch",
                   7: "Tooth Range"}
FEE_SCHEDULE_TYPES = {0: "Normal", 1: "Copay", 2: "Out of Network", 3: "Fixed Benefit", 4: "Manual Blue Book"}
ANESTHESIA_TYPES = {0: "Not an Anesthesia Provider", 1: "General Anesthesia Provider"}

DOCUMENT_CATEGORY_NAMES = (
    "X-Rays", "Patient Photos", "Insurance Cards", "Consent Forms", "Referral Letters", "EOBs",
    "Medical History", "Treatment Plans", "Lab Slips", "Correspondence",
)
CONFIRMATION_NAMES = (
    "Not Called", "Unconfirmed", "Texted", "Emailed", "Left Message", "Confirmed", "Arrived", "Ready to Seat",
    "In Chair", "Ready to Leave",
)
BILLING_TYPE_NAMES = ("Standard Account", "Insurance Only", "Payment Plan", "Collections", "Do Not Bill")
ACCOUNT_COLOR_NAMES = ("Provider Discretion", "Default", "Payment", "Adjustment", "Insurance Estimate")
DISCOUNT_QUALIFIERS = ("Employee", "Military", "Courtesy")

# Categories whose rows are numbered by the generator (no hard-coded ids), starting here.
FIRST_FREE_DEF_NUM = 1000
CATEGORY_ACCOUNT_COLORS = 0
CATEGORY_DOCUMENTS = 18
CATEGORY_CONFIRMATION = 52
# OpenDental's DefCat.BillingTypes: Database Maintenance (BillingTypesInvalid) resets a patient's billing type that
# is no category-4 row. The contract reads category 4 as procedure statuses joined on ItemValue; billing types keep
# an empty ItemValue (NULL once staged), so they never match a status.
CATEGORY_BILLING_TYPES = 4
CATEGORY_DISCOUNT_QUALIFIERS = 15


def _fixed() -> list[Definition]:
    rows = [Definition(num, 1, name) for num, name in ADJUSTMENT_TYPES.items()]
    rows += [Definition(num, 10, name) for num, name in PAYMENT_TYPES.items()]
    rows += [Definition(num, 32, name) for num, name in INSURANCE_PAYMENT_TYPES.items()]
    rows += [Definition(num, 11, name) for num, name in PROC_CATEGORIES.items()]
    rows += [Definition(num, 29, name) for num, name in UNEARNED_TYPES.items()]
    rows += [Definition(num, 27, name) for num, name in COMMLOG_TYPES.items()]
    rows += [Definition(num, 25, name) for num, name in BLOCKOUT_TYPES.items()]
    rows += [Definition(num, 13, name) for num, name in RECALL_STATUSES.items()]
    rows += [Definition(num, 41, name) for num, name in TASK_PRIORITIES.items()]
    return rows


def _numbered() -> list[tuple[int, str, str]]:
    """(category, name, value) of the rows whose DefNum the generator assigns."""
    rows = [(2, "0", str(status)) for status in (0, 1)]  # provider status: ItemName must be '0'
    rows += [(3, name, SPECIALTY_VALUE) for name in SPECIALTIES.values()]
    rows += [(4, name, str(v)) for v, name in PROCEDURE_STATUSES.items()]
    rows += [(5, name, str(v)) for v, name in TREATMENT_AREAS.items()]
    rows += [(6, name, str(v)) for v, name in FEE_SCHEDULE_TYPES.items()]
    rows += [(7, name, str(v)) for v, name in ANESTHESIA_TYPES.items()]
    rows += [(CATEGORY_ACCOUNT_COLORS, name, "") for name in ACCOUNT_COLOR_NAMES]
    rows += [(CATEGORY_DISCOUNT_QUALIFIERS, name + " Discount", name) for name in DISCOUNT_QUALIFIERS]
    rows += [(CATEGORY_DOCUMENTS, name, "") for name in DOCUMENT_CATEGORY_NAMES]
    rows += [(CATEGORY_CONFIRMATION, name, "") for name in CONFIRMATION_NAMES]
    rows += [(CATEGORY_BILLING_TYPES, name, "") for name in BILLING_TYPE_NAMES]
    return rows


@lru_cache(maxsize=1)
def all_definitions() -> tuple[Definition, ...]:
    rows = _fixed()
    for offset, (category, name, value) in enumerate(_numbered()):
        def_num = FIRST_FREE_DEF_NUM + offset
        rows.append(Definition(def_num, category, name, str(def_num) if value == SPECIALTY_VALUE else value))
    return tuple(rows)


@cache
def def_nums(category: int) -> tuple[int, ...]:
    return tuple(d.def_num for d in all_definitions() if d.category == category)


@cache
def def_num_of(category: int, name: str) -> int:
    return next(d.def_num for d in all_definitions() if d.category == category and d.name == name)


# provider.Specialty of the practice's providers: the DefNums of their specialties
SPECIALTY_GENERAL = def_num_of(3, "General Dentistry")
SPECIALTY_HYGIENIST = def_num_of(3, "Hygienist")
SPECIALTY_ORAL_SURGERY = def_num_of(3, "Oral Surgery")
