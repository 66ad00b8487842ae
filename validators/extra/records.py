"""Checks for generators/extra/records.py and schedules.py: schedules, appointment history, perio charts, lab cases.

The contract's D-rules of these tables, where no R-line already covers them, and the promises the generator makes
about how the tables agree with the appointments they describe.

Covered by R-lines (contract_checks.py), not repeated here: D-schedule-01 type/blockout/status/DateTStamp values,
D-histappointment-01/02 (NOT NULL columns, actions, provider/type/user relationships), D-labcase-01,
D-laboratory-01, the NOT NULL parts of D-scheduleop-01, D-perioexam-01 and D-periomeasure-01.
"""

from __future__ import annotations

from contract.opendental import HOLIDAY_BLOCKOUT, LAB_PROCEDURES, SCHED_BLOCKOUT, SCHED_PROVIDER
from validators.base import Check, given
from validators.derived import WARN, at_least_one, groups, missing, rows
from validators.structure import staged

LAB_CODES = ", ".join(f"'{code}'" for code in LAB_PROCEDURES)
# A lab case's steps not yet taken hold OpenDental's 0001-01-01: compared with nothing.
SENT, RECEIVED, CHECKED = (given(f'l."{c}"') for c in ("DateTimeSent", "DateTimeRecd", "DateTimeChecked"))
# An appointment's span on its day: from its time for the length of its pattern (5 minutes a character).
SPAN = """a."AptDateTime"::time AS starts,
          a."AptDateTime"::time + length(a."Pattern") * interval '5 minutes' AS ends"""


def schedule_checks() -> list[Check]:
    appointment_providers = f"""
        SELECT a."AptDateTime"::date AS day, p.prov, {SPAN}
        FROM {staged("appointment")} AS a CROSS JOIN LATERAL (VALUES (a."ProvNum"), (nullif(a."ProvHyg", 0))) AS p(prov)
        WHERE p.prov IS NOT NULL AND a."AptStatus" <> 6  -- a planned appointment is not on the schedule
          AND a."AptDateTime"::date <= (SELECT max(s."SchedDate") FROM raw.schedule AS s)"""
    # Kept, booked and broken visits keep their chair (the Unscheduled List and planned ones have none).
    chair_visits = f"""
        SELECT a."AptNum", a."Op", a."AptDateTime"::date AS day, {SPAN} FROM raw.appointment AS a
        WHERE a."Op" <> 0 AND a."AptStatus" IN (1, 2, 5)"""
    blocked = f"""
        SELECT s."SchedDate", s."StartTime", s."StopTime", o."OperatoryNum" FROM raw.schedule AS s
        JOIN raw.scheduleop AS o USING ("ScheduleNum") WHERE s."SchedType" = {SCHED_BLOCKOUT}"""
    return [
        rows("D-schedule-01 provider schedule names a provider", "schedule", "s",
             f"""s."SchedType" = {SCHED_PROVIDER}
                 AND (s."ProvNum" IS NULL OR {missing('s."ProvNum"', "raw.provider", "ProvNum")})""",
             "provider schedule (SchedType 1) without an existing provider (int_provider_availability)"),
        groups("D-schedule-02 provider-day minutes", "schedule", f"""
            SELECT 1 FROM {staged("schedule")} AS s
            WHERE s."SchedType" = {SCHED_PROVIDER} AND s."SchedDate" >= :as_of_date - 30
            GROUP BY s."ProvNum", s."SchedDate"
            HAVING bool_or(s."StopTime" <= s."StartTime")
                OR sum(extract(epoch FROM s."StopTime" - s."StartTime")) / 60 > 1440""",
               "provider-days of the last 30 days with a schedule ending before it starts or over 1 440 minutes"),
        rows("D-scheduleop-01 schedule and operatory exist", "scheduleop", "o",
             f"""{missing('o."ScheduleNum"', "raw.schedule", "ScheduleNum")}
                 OR {missing('o."OperatoryNum"', "raw.operatory", "OperatoryNum")}""",
             "scheduleop naming a missing schedule or operatory"),
        Check("schedule covers appointments", "schedule", f"""
            SELECT count(*) FROM ({appointment_providers}) AS a WHERE NOT EXISTS (
                SELECT 1 FROM raw.schedule AS s WHERE s."SchedType" = {SCHED_PROVIDER} AND s."ProvNum" = a.prov
                AND s."SchedDate" = a.day AND s."StartTime" <= a.starts AND a.ends <= s."StopTime")""",
              description="appointment of a provider (ProvNum or ProvHyg) outside that provider's schedule that day"),
        Check("no provider schedule on holidays", "schedule", f"""
            SELECT count(*) FROM raw.schedule AS s WHERE s."SchedType" = {SCHED_PROVIDER} AND s."SchedDate" IN (
                SELECT h."SchedDate" FROM raw.schedule AS h WHERE h."BlockoutType" = {HOLIDAY_BLOCKOUT})""",
              description="provider schedule on a day the office is closed for a holiday"),
        Check("one patient per chair at a time", "appointment", f"""
            SELECT count(*) FROM ({chair_visits}) AS a JOIN ({chair_visits}) AS b
                ON b."Op" = a."Op" AND b.day = a.day AND a."AptNum" < b."AptNum"
            WHERE a.starts < b.ends AND b.starts < a.ends""",
              description="two kept, booked or broken appointments in one operatory at once"),
        Check("blockouts clear of appointments", "schedule", f"""
            SELECT count(*) FROM (SELECT a."Op", a."AptDateTime"::date AS day, {SPAN} FROM raw.appointment AS a
                                  WHERE a."AptStatus" <> 6) AS a
            JOIN ({blocked}) AS b ON b."OperatoryNum" = a."Op" AND b."SchedDate" = a.day
            WHERE a.starts < b."StopTime" AND b."StartTime" < a.ends""",
              description="appointment overlapping a blockout of its operatory"),
    ]


def history_checks() -> list[Check]:
    history = staged("histappointment")
    latest = f"""SELECT DISTINCT ON (h."AptNum") h.* FROM {history} AS h
                 ORDER BY h."AptNum", h."HistDateTStamp" DESC, h."HistApptNum" DESC"""
    return [
        at_least_one("G-09 D-histappointment-01 at least one", "histappointment", f"SELECT 1 FROM {history} AS h",
                     "no histappointment row in [2023-01-01, now] (at_least_one test)"),
        Check("D-histappointment-03 insertion order", "histappointment", """
            SELECT count(*) FROM (SELECT h."HistDateTStamp" < lag(h."HistDateTStamp") OVER (
                PARTITION BY h."AptNum" ORDER BY h."HistApptNum") AS back FROM raw.histappointment AS h) AS t
            WHERE t.back""", description="history row stamped before the row inserted before it"),
        rows("D-histappointment-03 new appt note", "histappointment", "h",
             """h."Note" LIKE '%new appt:#%' AND h."Note" ~ ('new appt:#' || h."AptNum" || '([^0-9]|$)')""",
             "note 'new appt:#n' naming the appointment itself"),
        rows("histappointment rebooked appointment exists", "histappointment", "h",
             missing("""substring(h."Note" FROM 'new appt:#([0-9]+)')::bigint""", staged("appointment"), "AptNum"),
             "note 'new appt:#n' naming an appointment missing from stg appointment"),
        Check("histappointment last state is the appointment's", "histappointment", f"""
            SELECT count(*) FROM ({latest}) AS h JOIN raw.appointment AS a USING ("AptNum")
            WHERE (h."AptStatus", h."AptDateTime", h."ProvNum", h."PatNum")
                  IS DISTINCT FROM (a."AptStatus", a."AptDateTime", a."ProvNum", a."PatNum")""",
              description="latest history row differing from its appointment in status, time, provider or patient"),
        rows("histappointment for every past appointment", "appointment", "a",
             """a."AptStatus" <> 1 AND a."AptNum" NOT IN (SELECT h."AptNum" FROM raw.histappointment AS h)""",
             "completed, broken or missed appointment without history"),
        Check("D-histappointment-04 completed with two rows", "histappointment", f"""
            SELECT count(*) FROM {staged("appointment")} AS a
            LEFT JOIN (SELECT h."AptNum", count(*) AS n FROM {history} AS h GROUP BY 1) AS h USING ("AptNum")
            WHERE a."AptStatus" = 2 AND coalesce(h.n, 0) < 2""",
              severity=WARN, description="completed appointment with fewer than 2 history rows (S-07)"),
    ]


def perio_checks() -> list[Check]:
    measures = "SELECT m.\"PerioExamNum\", count(*) AS n FROM raw.periomeasure AS m GROUP BY 1"
    return [
        at_least_one("G-09 D-perioexam-01 at least one", "perioexam", f"""
            SELECT 1 FROM {staged("perioexam")} AS e
            WHERE e."ExamDate" <= :as_of_date + interval '5 years'""",
                     "no perio exam dated in [2023-01-01, today + 5 years] (at_least_one test)"),
        rows("perioexam at a completed visit", "perioexam", "e",
             """(e."PatNum", e."ExamDate") NOT IN (SELECT a."PatNum", a."AptDateTime"::date FROM raw.appointment AS a
                                                   WHERE a."AptStatus" = 2)""",
             "perio exam on a day the patient had no completed visit"),
        rows("D-periomeasure-01 exam exists", "periomeasure", "m",
             missing('m."PerioExamNum"', "raw.perioexam", "PerioExamNum"),
             "measure of a missing exam (silently dropped by the staging join)"),
        Check("periomeasure rows per exam", "periomeasure", f"""
            SELECT count(*) FROM raw.perioexam AS e LEFT JOIN ({measures}) AS m USING ("PerioExamNum")
            WHERE coalesce(m.n, 0) NOT BETWEEN 6 AND 8""", description="perio exam without 6 to 8 measure rows"),
    ]


def lab_checks() -> list[Check]:
    return [
        rows("labcase laboratory exists", "labcase", "l",
             missing('l."LaboratoryNum"', "raw.laboratory", "LaboratoryNum"), "lab case naming a missing laboratory"),
        rows("labcase dates in order", "labcase", "l",
             f"""{SENT} < l."DateTimeCreated" OR {RECEIVED} < {SENT}
                OR {CHECKED} < {RECEIVED} OR l."DateTimeDue" < l."DateTimeCreated"
                OR l."DateTStamp" < greatest(l."DateTimeCreated", l."DateTimeSent", l."DateTimeRecd",
                                             l."DateTimeChecked")""",
             "lab case sent before created, received before sent, checked before received, due before created, "
             "or stamped before its last step"),
        Check("labcase back before the seat", "labcase", f"""
            SELECT count(*) FROM raw.labcase AS l LEFT JOIN raw.appointment AS a USING ("AptNum")
            WHERE a."AptNum" IS NULL OR a."PatNum" <> l."PatNum" OR l."DateTimeCreated" >= a."AptDateTime"
               OR l."DateTimeRecd" >= a."AptDateTime" OR l."DateTimeChecked" >= a."AptDateTime"
               OR (a."AptStatus" = 2 AND {CHECKED} IS NULL)""",
              description="lab case not created, received and checked before its patient's seat appointment"),
        Check("labcase for every seated restoration", "labcase", f"""
            SELECT count(*) FROM raw.procedurelog AS p JOIN raw.procedurecode AS c USING ("CodeNum")
            WHERE p."ProcStatus" = 2 AND c."ProcCode" IN ({LAB_CODES})
              AND p."AptNum" NOT IN (SELECT l."AptNum" FROM raw.labcase AS l WHERE l."AptNum" IS NOT NULL)""",
              description="completed crown, bridge, denture or implant restoration without a lab case"),
    ]


def checks() -> list[Check]:
    return schedule_checks() + history_checks() + perio_checks() + lab_checks()
