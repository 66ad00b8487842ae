"""Phase 1, foundation: users, providers, operatories, procedure codes, definitions, fee schedules, fees.

The clinic table stays empty: the practice is a single location and every ClinicNum is 0 (contract G-03).
"""

from __future__ import annotations

from datetime import timedelta

from generators import calendar, fees
from generators.reference import definitions
from generators.reference.procedure_codes import CODE_NUM, CODES
from generators.staff import Staff


def emit_reference(ctx) -> None:
    emit(ctx.staff, ctx.window, ctx.sinks)


def emit(staff: Staff, window: calendar.Window, sinks) -> None:
    setup = calendar.at(window.setup_day, 8 * 60)
    _users(staff, window, sinks)
    _providers(staff, setup, sinks)
    _operatories(staff, setup, sinks)
    _procedure_codes(setup, sinks)
    _definitions(sinks)
    _fee_schedules(staff, window, sinks)


def _users(staff: Staff, window: calendar.Window, sinks) -> None:
    last_login = calendar.at(window.last_day, 17 * 60)
    for user in staff.users:
        sinks["userod"].add(
            UserNum=user.user_num, UserName=user.user_name, UserGroupNum=0, EmployeeNum=0, ClinicNum=0,
            ProvNum=user.prov_num, IsHidden=False, TaskListInBox=0, AnesthProvType=0, FailedAttempts=0,
            MobileWebPinFailedAttempts=False, DateTLastLogin=last_login, Password="", DomainUser="", BadgeId="",
        )


def _providers(staff: Staff, setup, sinks) -> None:
    for order, p in enumerate(staff.providers):
        sinks["provider"].add(
            ProvNum=p.prov_num, Abbr=p.abbr, ItemOrder=order, LName=p.last, FName=p.first,
            Suffix="RDH" if p.role == "hygienist" else "DDS", FeeSched=fees.UCR_SCHEDULE, Specialty=p.specialty,
            StateLicense=f"IN-{10400 + p.prov_num * 37}", ProvColor=0x4080C0 + p.prov_num * 1024,
            IsSecondary=p.role == "hygienist", IsHidden=not p.active, NationalProvID=f"{1_234_500_000 + p.prov_num}",
            DateTStamp=setup, AnesthProvType=0, StateWhereLicensed="IN", ProvStatus=0 if p.active else 1,
            ProvNumBillingOverride=0, SchedNote="", HourlyProdGoalAmt=450.0 if p.role == "dentist" else 180.0,
            DateTerm=None if p.active else setup.date() - timedelta(days=400), PreferredName=p.first,
            Birthdate=None,
        )


def _operatories(staff: Staff, setup, sinks) -> None:
    for order, op in enumerate(staff.operatories):
        sinks["operatory"].add(
            OperatoryNum=op.op_num, OpName=op.name, Abbrev=op.abbrev, ItemOrder=order, IsHidden=False,
            ProvDentist=op.dentist, ProvHygienist=op.hygienist, IsHygiene=op.is_hygiene, ClinicNum=0,
            DateTStamp=setup, OperatoryType=0,
        )


def _procedure_codes(setup, sinks) -> None:
    for code in CODES:
        sinks["procedurecode"].add(
            CodeNum=CODE_NUM[code.code], ProcCode=code.code, Descript=code.descript, AbbrDesc=code.abbr,
            ProcTime="/X" * max(1, code.minutes // 10), ProcCat=code.category, TreatArea=code.treat_area,
            IsHygiene=code.hygiene, IsProsth=code.code.startswith(("D5", "D6")), IsRadiology=code.code.startswith("D0"),
            BaseUnits=0, DateTStamp=setup, ProvNumDefault=0, LaymanTerm="", PaintType=0,
        )


def _definitions(sinks) -> None:
    order_in_category: dict[int, int] = {}
    for d in definitions.all_definitions():
        order = order_in_category.get(d.category, 0)
        order_in_category[d.category] = order + 1
        sinks["definition"].add(DefNum=d.def_num, Category=d.category, ItemOrder=order, ItemName=d.name,
                                ItemValue=d.value, ItemColor=d.color, IsHidden=False)


def _fee_schedules(staff: Staff, window: calendar.Window, sinks) -> None:
    entered = window.setup_day
    # The usual fees are (re)entered a week after the network schedules, see generators/fees.py.
    usual_entered = min(entered + timedelta(days=7), window.last_day)
    clerk = staff.users_by_role("billing")[0].user_num
    for order, s in enumerate(fees.SCHEDULES):
        day = usual_entered if s.num == fees.UCR_SCHEDULE else entered
        sinks["feesched"].add(
            FeeSchedNum=s.num, Description=s.description, FeeSchedType=s.sched_type, ItemOrder=order,
            IsHidden=False, IsGlobal=True, SecUserNumEntry=clerk, SecDateEntry=day,
            SecDateTEdit=calendar.at(day, 9 * 60),
        )
    fee_num = 0
    for s in fees.SCHEDULES:
        day = usual_entered if s.num == fees.UCR_SCHEDULE else entered
        for code in CODES:
            fee_num += 1
            sinks["fee"].add(
                FeeNum=fee_num, Amount=fees.fee_cents(s.num, code.code) / 100, OldCode=code.code, FeeSched=s.num,
                UseDefaultFee=False, UseDefaultCov=False, CodeNum=CODE_NUM[code.code], ClinicNum=0, ProvNum=0,
                SecUserNumEntry=clerk, SecDateEntry=day, SecDateTEdit=calendar.at(day, 9 * 60 + 30),
            )
