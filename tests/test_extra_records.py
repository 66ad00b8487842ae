"""Schedules, appointment history, perio charts and lab cases (generators/extra/records.py and schedules.py).

Two runs of 1,000 patients: one as the validators stand, where nothing may be dated after the as-of date, and
one where the as-of validator allows the planning columns these tables carry (future schedules, histories of
booked appointments, lab cases due after the as-of date), as the generator writes them once that is allowed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from conftest import AS_OF, check_violations, generated_database, query, with_defaults

from config import load_config
from generators import staff as staff_module
from generators.calendar import Window
from generators.extra.records import LAB_WORK, LABORATORIES
from validators import timeline
from validators.extra import records as record_checks

pytestmark = pytest.mark.db  # needs PostgreSQL

PATIENTS, SEED = 1000, 7
ARGS = ("--patients", PATIENTS, "--seed", SEED)
PLANNING = {("schedule", "SchedDate"): "true", ("histappointment", "AptDateTime"): '"AptStatus" = 1',
            ("labcase", "DateTimeDue"): "true"}
TODAY = date.fromisoformat(AS_OF)


@pytest.fixture(scope="module")
def planned(module_cli, module_scratch_db):
    """A run whose as-of validator allows the planning columns: the generator then writes them."""
    with pytest.MonkeyPatch.context() as patch:
        for key, rows in PLANNING.items():
            patch.setitem(timeline.FUTURE_ALLOWED, key, rows)
        return generated_database(module_cli, module_scratch_db, "records_planned", *ARGS)


@pytest.fixture(scope="module")
def plain(shared_practice):
    """A run with the validators as they stand."""
    return shared_practice.db


def one(db: str, sql: str):
    return query(db, sql)[0][0]


# ---------------------------------------------------------------- schedule, scheduleop


def test_provider_schedules_are_the_staff_working_days(planned, tmp_path):
    config = load_config(with_defaults(ARGS, planned), {}, tmp_path, date.today())
    window = Window(config.start_date, config.as_of)
    staff = staff_module.build_staff(config.num_appointments, window)
    expected = {(p.prov_num, window.start + timedelta(days=k)) for p in staff.providers
                for k in range((window.booking_horizon - window.start).days + 1)
                if p.works(window.start + timedelta(days=k))}
    found = query(planned, 'SELECT "ProvNum", "SchedDate" FROM raw.schedule WHERE "SchedType" = 1')
    assert len(found) == len(set(found)), "a provider scheduled twice on one day"
    assert set(found) == expected


def test_every_appointment_lies_within_its_providers_schedules(planned):
    # Every appointment that was on the book (scheduled, complete, missed or broken) lies within the schedules of
    # both its providers; Pattern holds one character per 5 minutes. A planned appointment (AptStatus 6) is not on
    # the book: OpenDental keeps it off the chairs (Op 0), dated at midnight of the exam that made it.
    outside = one(planned, """
        SELECT count(*) FROM raw.appointment AS a
        CROSS JOIN LATERAL (VALUES (a."ProvNum"), (a."ProvHyg")) AS p(prov)
        WHERE a."AptStatus" <> 6 AND p.prov IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM raw.schedule AS s WHERE s."SchedType" = 1 AND s."ProvNum" = p.prov
              AND s."SchedDate" = a."AptDateTime"::date AND s."StartTime" <= a."AptDateTime"::time
              AND a."AptDateTime"::time + length(a."Pattern") * interval '5 minutes' <= s."StopTime")""")
    booked = one(planned, 'SELECT count(*) FROM raw.appointment WHERE "AptStatus" = 1')
    planned_off_the_book = query(planned, """
        SELECT count(*), count(*) FILTER (WHERE "Op" <> 0 OR "AptDateTime"::time <> TIME '00:00')
        FROM raw.appointment WHERE "AptStatus" = 6""")[0]
    assert booked > 0 and outside == 0
    assert planned_off_the_book[0] > 0 and planned_off_the_book[1] == 0


def test_schedules_take_their_providers_chairs_and_blockouts_all_chairs(planned):
    wrong = one(planned, """
        SELECT count(*) FROM (
            SELECT s."ScheduleNum", s."SchedType", s."ProvNum", array_agg(o."OperatoryNum" ORDER BY 1) AS ops
            FROM raw.schedule AS s LEFT JOIN raw.scheduleop AS o USING ("ScheduleNum") GROUP BY 1, 2, 3) AS s
        WHERE s.ops IS DISTINCT FROM CASE WHEN s."SchedType" = 2
            THEN (SELECT array_agg("OperatoryNum" ORDER BY 1) FROM raw.operatory)
            ELSE (SELECT array_agg("OperatoryNum" ORDER BY 1) FROM raw.operatory
                  WHERE s."ProvNum" IN ("ProvDentist", "ProvHygienist")) END""")
    kinds = query(planned, 'SELECT DISTINCT "BlockoutType" FROM raw.schedule WHERE "SchedType" = 2')
    assert wrong == 0
    assert {k for (k,) in kinds} == {257, 617, 638}  # huddle, training, holiday


def test_plain_run_writes_nothing_after_the_as_of_date_but_the_schedules_ahead(plain):
    # provider schedules run as far ahead as visits are booked (contract.rules.FUTURE_ALLOWED); nothing else does
    assert one(plain, 'SELECT max("SchedDate") FROM raw.schedule') > TODAY + timedelta(days=90)
    # a visit still ahead has the history row written when it was booked, as the appointment itself is on file
    assert one(plain, f"""SELECT count(*) FROM raw.histappointment WHERE "AptDateTime" >= '{AS_OF}'
                          AND "AptStatus" <> 1""") == 0
    assert one(plain, f"""SELECT count(*) FROM raw.labcase WHERE "DateTimeDue" >= '{AS_OF}'""") == 0
    everyone = one(plain, 'SELECT count(*) FROM raw.appointment')  # each has the row of its booking at least
    assert one(plain, 'SELECT count(DISTINCT "AptNum") FROM raw.histappointment') == everyone


# ---------------------------------------------------------------- histappointment


def test_history_tells_every_appointment_in_time_order(planned):
    per_appointment = query(planned, """
        SELECT a."AptNum", a."AptStatus", a."AptDateTime", a."SecDateTEntry",
               array_agg(h."AptStatus" ORDER BY h."HistApptNum"),
               array_agg(h."HistApptAction" ORDER BY h."HistApptNum"),
               array_agg(h."HistDateTStamp" ORDER BY h."HistApptNum"),
               (array_agg(h."AptDateTime" ORDER BY h."HistApptNum" DESC))[1]
        FROM raw.appointment AS a LEFT JOIN raw.histappointment AS h USING ("AptNum") GROUP BY 1""")
    for apt, status, when, booked, statuses, actions, stamps, last_time in per_appointment:
        # created when booked: as scheduled, or as planned (AptStatus 6), which is all a planned appointment's
        # history holds (OpenDental copies the appointment as it stands into each history row)
        assert stamps[0] == booked and actions[0] == 1 and statuses[0] == (6 if status == 6 else 1), apt
        assert status != 6 or len(statuses) == 1, apt
        assert stamps == sorted(stamps), apt
        assert statuses[-1] == status and last_time == when, apt
        assert stamps[-1].date() < TODAY, apt
    sizes = [len(row[4]) for row in per_appointment]
    assert 2 <= sum(sizes) / len(sizes) <= 4
    assert min(sizes) >= 1 and max(sizes) <= 5


def test_rebooked_notes_name_the_patients_next_appointment(planned):
    # The note names the visit booked again: the same visit (type, length and kind), made after this one was
    # missed (the note is written then) and lying later, and the first such visit the patient made. Others may lie
    # in between: a visit booked before the miss, an emergency that came up. A planned appointment is never on the
    # book (AptStatus 6), so never the one rebooked; and each new appointment replaces one lost visit at most.
    # A child's new-patient visit is booked as type 4 or 10 alike (clinical._visit_type): one visit for this.
    def visit(a: str) -> str:
        return (f'(CASE {a}."AppointmentTypeNum" WHEN 10 THEN 4 ELSE {a}."AppointmentTypeNum" END, {a}."Pattern", '
                f'{a}."IsNewPatient", {a}."IsHygiene")')

    notes = query(planned, rf"""
        SELECT h."AptNum", n."AptNum",
               (SELECT f."AptNum" FROM raw.appointment AS f
                WHERE f."PatNum" = a."PatNum" AND f."AptStatus" <> 6 AND f."SecDateTEntry" > a."AptDateTime"
                  AND {visit("f")} = {visit("a")}
                ORDER BY f."SecDateTEntry", f."AptNum" LIMIT 1),
               n."AptDateTime" > a."AptDateTime" AND n."SecDateTEntry" = h."HistDateTStamp" AND n."AptStatus" <> 6
        FROM raw.histappointment AS h JOIN raw.appointment AS a USING ("AptNum")
        LEFT JOIN raw.appointment AS n ON n."AptNum" = substring(h."Note" FROM 'new appt:#([0-9]+)')::bigint
        WHERE h."Note" LIKE '%new appt:#%'""")
    assert notes, "no broken appointment was rebooked"
    wrong = [(own, named, first_made) for own, named, first_made, later in notes
             if not (named == first_made != own and later)]
    assert wrong == []
    assert len({named for _, named, _, _ in notes}) == len(notes)


# ---------------------------------------------------------------- perioexam, periomeasure


def test_perio_charts_hold_six_to_eight_measures_at_a_completed_visit(planned):
    sizes = query(planned, """
        SELECT count(m.*), bool_and(m."IntTooth" BETWEEN 1 AND 32),
               bool_and(least(m."MBvalue", m."Bvalue", m."DBvalue", m."MLvalue", m."Lvalue", m."DLvalue") >= 0
                        OR m."SequenceType" = 0),
               EXISTS (SELECT 1 FROM raw.appointment AS a WHERE a."PatNum" = e."PatNum" AND a."AptStatus" = 2
                         AND a."AptDateTime"::date = e."ExamDate")
        FROM raw.perioexam AS e LEFT JOIN raw.periomeasure AS m USING ("PerioExamNum") GROUP BY e."PerioExamNum" """)
    assert len(sizes) > 100
    assert all(6 <= n <= 8 and teeth and depths and visited for n, teeth, depths, visited in sizes)


# ---------------------------------------------------------------- laboratory, labcase


def test_every_seated_restoration_has_a_lab_case_back_before_the_seat(planned):
    codes = ", ".join(f"'{c}'" for c in LAB_WORK)
    uncovered = one(planned, f"""
        SELECT count(*) FROM raw.procedurelog AS p JOIN raw.procedurecode AS c USING ("CodeNum")
        WHERE p."ProcStatus" = 2 AND c."ProcCode" IN ({codes})
          AND p."AptNum" NOT IN (SELECT "AptNum" FROM raw.labcase)""")
    late = one(planned, """
        SELECT count(*) FROM raw.labcase AS l JOIN raw.appointment AS a USING ("AptNum")
        WHERE a."AptStatus" = 2 AND NOT (
              l."DateTimeCreated" < l."DateTimeSent" AND l."DateTimeSent" < l."DateTimeRecd"
              AND l."DateTimeRecd" < l."DateTimeChecked" AND l."DateTimeChecked" < a."AptDateTime"
              AND l."PatNum" = a."PatNum" AND l."LabFee" > 0)""")
    assert one(planned, "SELECT count(*) FROM raw.labcase") > 20
    assert uncovered == 0 and late == 0


def test_open_lab_cases_are_not_received_after_the_as_of_date(planned):
    # every case (at this size only one or two belong to visits booked ahead, so all are checked): nothing is
    # received or stamped on or after the as-of date; not received yet is OpenDental's empty timestamp, 0001-01-01
    cases = query(planned, """
        SELECT l."DateTimeRecd", l."DateTStamp", a."AptStatus" FROM raw.labcase AS l
        JOIN raw.appointment AS a USING ("AptNum")""")
    assert cases
    assert all((received.year == 1 or received.date() < TODAY) and stamp.date() < TODAY
               for received, stamp, _ in cases)


def test_laboratories_are_reference_data_every_case_points_to(planned):
    labs = query(planned, 'SELECT "LaboratoryNum", "Description" FROM raw.laboratory ORDER BY 1')
    assert labs == [(lab[0], lab[1]) for lab in LABORATORIES]
    assert one(planned, 'SELECT count(*) FROM raw.labcase WHERE "LaboratoryNum" NOT IN (SELECT "LaboratoryNum" '
                        'FROM raw.laboratory)') == 0


# ---------------------------------------------------------------- validators


def test_validators_catch_a_history_that_disagrees_with_its_appointment(planned):
    # the last row of one completed appointment: broken, naming itself
    results = check_violations(planned, record_checks.checks(), """
        UPDATE raw.histappointment SET "AptStatus" = 5, "Note" = 'new appt:#' || "AptNum"
        WHERE "HistApptNum" = (SELECT max("HistApptNum") FROM raw.histappointment WHERE "AptStatus" = 2)""")
    assert results["histappointment last state is the appointment's"] == 1
    assert results["D-histappointment-03 new appt note"] == 1
    assert sum(results.values()) == 2


def test_no_two_visits_share_a_chair_and_the_check_bites(plain):
    assert check_violations(plain, record_checks.checks())["one patient per chair at a time"] == 0
    # one kept visit moved onto the start of another in the same chair
    results = check_violations(plain, record_checks.checks(), """
        UPDATE raw.appointment AS a SET "AptDateTime" = b."AptDateTime"
        FROM (SELECT "AptNum", "Op", "AptDateTime" FROM raw.appointment WHERE "AptStatus" = 2 AND "Op" <> 0
              ORDER BY "AptNum" LIMIT 1) AS b
        WHERE a."AptNum" = (SELECT min(o."AptNum") FROM raw.appointment AS o WHERE o."AptStatus" = 2
                            AND o."Op" = b."Op" AND o."AptNum" <> b."AptNum")""")
    assert results["one patient per chair at a time"] >= 1


def test_an_early_start_date_leaves_no_row_pointing_at_one_the_models_drop(module_cli, module_scratch_db):
    """Activity from mid-2021: the models drop exams, schedules, history and claim procedures before 2023, so
    what hangs off them starts in 2023 too, and a visit booked in 2022 for 2023 still shows two history rows.
    3,000 patients (seed 42): enough for secondary claims made in 2023 for work of 2022 (the run fails if one
    of them gets a snapshot or tracking row)."""
    db = generated_database(module_cli, module_scratch_db, "records_early", "--patients", 3000, "--seed", 42,
                   "--start-date", "2021-06-01")
    assert one(db, 'SELECT min("AptDateTime") FROM raw.appointment') < datetime(2022, 1, 1)
    assert one(db, """SELECT count(*) FROM raw.periomeasure AS m WHERE NOT EXISTS (
                          SELECT 1 FROM raw.perioexam AS e
                          WHERE e."PerioExamNum" = m."PerioExamNum" AND e."ExamDate" >= DATE '2023-01-01')""") == 0
    assert one(db, """SELECT count(*) FROM raw.scheduleop AS o WHERE NOT EXISTS (
                          SELECT 1 FROM raw.schedule AS s
                          WHERE s."ScheduleNum" = o."ScheduleNum" AND s."SchedDate" >= DATE '2023-01-01')""") == 0
    short = one(db, """SELECT count(*) FROM raw.appointment AS a
                       WHERE a."AptStatus" = 2 AND a."AptDateTime" >= TIMESTAMP '2023-01-01' AND (
                           SELECT count(*) FROM raw.histappointment AS h
                           WHERE h."AptNum" = a."AptNum" AND h."HistDateTStamp" >= TIMESTAMP '2023-01-01') < 2""")
    assert short == 0
