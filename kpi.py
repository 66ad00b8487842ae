"""The practice's report card: a few dental-practice KPIs over the 12 months before the as-of date, each beside
its published range, printed at the end of a run and by `python main.py kpi`.

Every KPI is defined in OpenDental's terms (README, "The practice's report card") and measured by one SQL
statement over schema raw that returns numerators and denominators; the ratios are taken here, so a KPI
whose denominator is 0 shows "n/a" instead of failing.
"""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import psycopg2

import loader
import server
from config import ConfigError, GeneratorConfig, build_parser, load_config
from report import Console

EXIT_OK, EXIT_USAGE = 0, 2
INSURANCE_WRITEOFF = 188  # adjustment type (definition id) the practice books contractual write-offs under
CROWNS = ["D2740", "D2750", "D2751", "D2752", "D2790", "D2791", "D2792"]
PERIO = ["D4341", "D4342", "D4355", "D4910", "D4260", "D4381"]
RECALL_GRACE_DAYS = 30
TABLES = ("provider", "procedurelog", "procedurecode", "schedule", "appointment", "patient", "treatplan",
          "treatplanattach", "proctp", "adjustment", "paysplit", "claimproc", "etl_load_status")


@dataclass(frozen=True)
class Kpi:
    key: str
    name: str
    published: str  # the range as the sources print it
    low: float | None = None
    high: float | None = None
    unit: str = ""  # "$", "%", "days", "min" or "" (a plain number)
    digits: int = 0  # decimals shown, and compared against the range
    below: bool = False  # "under <high>": the upper bound itself is outside


KPIS = (
    Kpi("dentist_hourly", "dentist production per scheduled hour", "$300-600", 300, 600, "$"),
    Kpi("hygiene_patients_day", "hygiene patients per hygienist day", "6-10 (about 8)", 6, 10, digits=1),
    Kpi("hygiene_production_day", "hygiene production per hygienist day", "$1,000-1,600", 1000, 1600, "$"),
    Kpi("hygiene_share", "hygiene share of production", "25-40%", 25, 40, "%", 1),
    Kpi("production_per_active", "annual production per active patient", "$500-700", 500, 700, "$"),
    Kpi("active_per_dentist", "active patients per dentist", "1,800-2,000", 1800, 2000),
    Kpi("missed", "cancellations + no-shows of scheduled visits", "under 8%", None, 8, "%", 1, below=True),
    Kpi("prophy_interval", "adult prophy interval, median (D1110)", "150-215 days", 150, 215, "days"),
    Kpi("perio_interval", "perio maintenance interval, median (D4910)", "75-130 days", 75, 130, "days"),
    Kpi("recall_on_time", "hygiene recalls kept on time", "80% or more", 80, None, "%", 1),
    Kpi("next_booked", "hygiene patients leaving with next visit booked", "85% or more", 85, None, "%", 1),
    Kpi("seen_again", "patients seen last year seen again this year", "85% or more", 85, None, "%", 1),
    Kpi("prophy_minutes", "adult prophy appointment length", "45-60 min", 45, 60, "min"),
    Kpi("crown_minutes", "crown appointment length", "60-90 min", 60, 90, "min"),
    Kpi("perio_adults", "adults with a periodontal diagnosis", "30-50%", 30, 50, "%", 1),
    Kpi("case_acceptance", "case acceptance ($ accepted of presented)", "50-70%", 50, 70, "%", 1),
    Kpi("new_per_dentist", "new patients per dentist per month", "10-20", 10, 20, digits=1),
    Kpi("new_per_month", "new patients per month, practice", "20-50", 20, 50, digits=1),
    Kpi("ar_months", "A/R in months of production", "under 1", None, 1, digits=2, below=True),
    Kpi("ar_over_90", "A/R over 90 days, share of A/R", "5-15%", 5, 15, "%", 1),
    Kpi("collection_rate", "collection rate (collections / net production)", "98% or more", 98, None, "%", 1),
    Kpi("revenue_adjustments", "revenue adjustments / gross production", "3% or less", None, 3, "%", 1),
)

# One statement, one row: each part below is a single-row CTE of counts and sums over schema raw. Dates are
# half-open: [start, end) is the period, end is the as-of date (the data's "today").
MEASURE_SQL = """
WITH
prov AS (
    SELECT p."ProvNum" AS prov, coalesce(p."IsSecondary", false) AS hyg, coalesce(p."IsHidden", false) AS hidden,
           coalesce(d."ItemName", 'General Dentistry') = 'General Dentistry' AS general
    FROM raw.provider p LEFT JOIN raw.definition d ON d."DefNum" = p."Specialty" AND d."Category" = 3
),
done AS NOT MATERIALIZED (
    SELECT pl."PatNum" AS pat, pl."ProcDate" AS day, pl."ProvNum" AS prov, pl."AptNum" AS apt,
           pc."ProcCode" AS code, pl."ProcFee" * greatest(coalesce(pl."UnitQty", 1), 1) AS fee
    FROM raw.procedurelog pl LEFT JOIN raw.procedurecode pc ON pc."CodeNum" = pl."CodeNum"
    WHERE pl."ProcStatus" = 2 AND pl."ProcDate" < %(end)s
),
production AS (
    SELECT coalesce(sum(d.fee), 0) AS gross,
           coalesce(sum(d.fee) FILTER (WHERE p.hyg), 0) AS hygiene,
           coalesce(sum(d.fee) FILTER (WHERE p.hyg IS NOT TRUE), 0) AS dentist
    FROM done d LEFT JOIN prov p ON p.prov = d.prov
    WHERE d.day >= %(start)s
),
staff AS (
    SELECT coalesce(sum(greatest(extract(epoch FROM s."StopTime" - s."StartTime"), 0) / 3600.0)
                    FILTER (WHERE NOT p.hyg), 0) AS dentist_hours,
           count(DISTINCT (s."ProvNum", s."SchedDate")) FILTER (WHERE p.hyg) AS hygienist_days,
           -- full-time equivalents of the practice's general dentists (four clinical days a week, 49 weeks a
           -- year); a visiting specialist is no practice dentist
           count(DISTINCT (s."ProvNum", s."SchedDate")) FILTER (WHERE NOT p.hyg AND NOT p.hidden AND p.general)
               / %(dentist_days_per_year)s AS dentists
    FROM raw.schedule s JOIN prov p ON p.prov = s."ProvNum"
    WHERE s."SchedType" = 1 AND coalesce(s."Status", 0) = 0
      AND s."SchedDate" >= %(start)s AND s."SchedDate" < %(end)s
),
apt AS NOT MATERIALIZED (
    SELECT a."AptNum" AS apt, a."PatNum" AS pat, a."AptDateTime" AS at, a."AptStatus" AS status,
           (a."IsHygiene" IS TRUE OR coalesce(a."ProvHyg", 0) <> 0) AS hygiene,
           CASE WHEN coalesce(a."ProvHyg", 0) <> 0 THEN a."ProvHyg" WHEN a."IsHygiene" THEN a."ProvNum" END
               AS hygienist,
           a."SecDateTEntry" AS entered, 5 * length(coalesce(a."Pattern", '')) AS minutes
    FROM raw.appointment a
),
visits AS NOT MATERIALIZED (
    SELECT * FROM apt WHERE at >= %(start)s AND at < %(end)s
),
attendance AS (
    SELECT count(*) FILTER (WHERE status IN (3, 5)) AS missed, count(*) AS scheduled
    FROM visits WHERE status IN (1, 2, 3, 5)
),
hygiene_visits AS (
    SELECT h.apt, h.pat, h.at, p.hyg IS TRUE AS by_hygienist
    FROM visits h LEFT JOIN prov p ON p.prov = h.hygienist
    WHERE h.status = 2 AND h.hygiene
),
booked AS (
    SELECT DISTINCT h.apt FROM hygiene_visits h JOIN apt n ON n.pat = h.pat
    WHERE n.at >= h.at::date + 1 AND n.status IN (1, 2, 3, 5) AND n.entered < h.at::date + 2
),
hygiene AS (
    SELECT count(*) AS visits, count(*) FILTER (WHERE by_hygienist) AS by_hygienist,
           (SELECT count(*) FROM booked) AS booked
    FROM hygiene_visits
),
apt_work AS (
    SELECT v.apt, v.minutes, bool_or(d.code = 'D1110') AS prophy, bool_or(d.code = ANY(%(crowns)s)) AS crown
    FROM visits v JOIN done d ON d.apt = v.apt
    WHERE v.status = 2 AND v.minutes > 0
    GROUP BY v.apt, v.minutes
),
lengths AS (
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) FILTER (WHERE prophy) AS prophy_minutes,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) FILTER (WHERE crown) AS crown_minutes
    FROM apt_work
),
series AS (
    SELECT code, day, day - lag(day) OVER (PARTITION BY pat, code ORDER BY day) AS gap
    FROM (SELECT DISTINCT pat, code, day FROM done WHERE code IN ('D1110', 'D4910')) x
),
intervals AS (
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FILTER (WHERE code = 'D1110') AS prophy_days,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) FILTER (WHERE code = 'D4910') AS perio_days
    FROM series WHERE gap IS NOT NULL AND day >= %(start)s
),
recall_visits AS (
    SELECT pat, day, bool_or(code = 'D4910') AS perio
    FROM done WHERE code IN ('D1110', 'D1120', 'D4910') GROUP BY pat, day
),
dues AS (
    SELECT (day + CASE WHEN perio THEN interval '3 months' ELSE interval '6 months' END)::date AS due,
           lead(day) OVER (PARTITION BY pat ORDER BY day) AS next_day
    FROM recall_visits
),
recalls AS (
    SELECT count(*) AS due, count(*) FILTER (WHERE next_day <= due + %(grace)s) AS kept
    FROM dues WHERE due >= %(start)s AND due < %(recall_end)s
),
seen AS (
    SELECT pat, bool_or(at >= %(start)s) AS this_year, bool_or(at < %(start)s) AS last_year,
           bool_or(at >= %(active_start)s) AS active
    FROM apt WHERE status = 2 AND at >= %(prior_start)s AND at < %(end)s
    GROUP BY pat
),
retention AS (
    SELECT count(*) FILTER (WHERE active) AS active,
           count(*) FILTER (WHERE last_year) AS last_year,
           count(*) FILTER (WHERE last_year AND this_year) AS again
    FROM seen
),
perio_patients AS (
    SELECT DISTINCT pl."PatNum" AS pat
    FROM raw.procedurelog pl JOIN raw.procedurecode pc ON pc."CodeNum" = pl."CodeNum"
    WHERE pl."ProcStatus" <> 6 AND pc."ProcCode" = ANY(%(perio)s) AND pl."ProcDate" < %(end)s
),
perio AS (
    SELECT count(*) AS adults, count(pp.pat) AS diagnosed
    FROM seen s JOIN raw.patient pt ON pt."PatNum" = s.pat
    LEFT JOIN perio_patients pp ON pp.pat = s.pat
    WHERE pt."Birthdate" > DATE '1900-01-01' AND pt."Birthdate" <= %(adult_born_by)s
),
presented AS (
    SELECT ta."ProcNum" AS proc
    FROM raw.treatplanattach ta JOIN raw.treatplan t ON t."TreatPlanNum" = ta."TreatPlanNum"
    WHERE t."DateTP" >= %(start)s AND t."DateTP" < %(end)s
    UNION
    SELECT tp."ProcNumOrig"
    FROM raw.proctp tp JOIN raw.treatplan t ON t."TreatPlanNum" = tp."TreatPlanNum"
    WHERE t."DateTP" >= %(start)s AND t."DateTP" < %(end)s
),
acceptance AS (
    SELECT coalesce(sum(fee), 0) AS presented, coalesce(sum(fee) FILTER (WHERE accepted), 0) AS accepted
    FROM (SELECT pl."ProcFee" * greatest(coalesce(pl."UnitQty", 1), 1) AS fee,
                 pl."ProcStatus" = 2 OR (pl."ProcStatus" = 1 AND a."AptStatus" = 1) AS accepted
          FROM presented x JOIN raw.procedurelog pl ON pl."ProcNum" = x.proc
          LEFT JOIN raw.appointment a ON a."AptNum" = pl."AptNum") y
),
newcomers AS (
    SELECT count(*) AS new_patients FROM raw.patient
    WHERE "DateFirstVisit" >= %(start)s AND "DateFirstVisit" < %(end)s
),
adjustment_types AS (
    SELECT "AdjType", sum("AdjAmt") AS amount FROM raw.adjustment
    WHERE "AdjDate" >= %(start)s AND "AdjDate" < %(end)s AND "AdjType" <> %(writeoff_type)s
    GROUP BY "AdjType"
),
adjustments AS (
    SELECT coalesce(sum(amount), 0) AS adjustments, coalesce(-sum(amount) FILTER (WHERE amount < 0), 0) AS discounts
    FROM adjustment_types
),
insurance AS (
    -- contractual write-offs: on the claim lines, or as insurance write-off adjustments (type 188)
    SELECT coalesce(sum("InsPayAmt"), 0) AS ins_paid,
           coalesce(sum("WriteOff"), 0) + (SELECT coalesce(-sum("AdjAmt"), 0) FROM raw.adjustment
                                           WHERE "AdjType" = %(writeoff_type)s AND "AdjDate" >= %(start)s
                                             AND "AdjDate" < %(end)s) AS writeoffs
    FROM raw.claimproc WHERE "Status" IN (1, 4) AND "DateCP" >= %(start)s AND "DateCP" < %(end)s
),
payments AS (
    SELECT coalesce(sum("SplitAmt"), 0) AS patient_paid FROM raw.paysplit
    WHERE "DatePay" >= %(start)s AND "DatePay" < %(end)s
),
balances AS (
    SELECT coalesce(sum("BalTotal"), 0) AS ar, coalesce(sum("BalOver90"), 0) AS ar_over_90 FROM raw.patient
)
SELECT * FROM production, staff, attendance, hygiene, lengths, intervals, recalls, retention, perio, acceptance,
              newcomers, adjustments, insurance, payments, balances
"""


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier, or that month's last day when it is shorter (29 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def windows(as_of: date) -> dict[str, date | int | list[str]]:
    """The query's parameters: the period is the 12 months before the as-of date."""
    return {
        "end": as_of,
        "start": months_before(as_of, 12),
        "active_start": months_before(as_of, 18),
        "prior_start": months_before(as_of, 24),
        "adult_born_by": months_before(as_of, 18 * 12),
        # a recall is judged once its grace period is over, so the last weeks' dues wait for the next report
        "recall_end": as_of - timedelta(days=RECALL_GRACE_DAYS),
        "grace": RECALL_GRACE_DAYS,
        "crowns": CROWNS,
        "perio": PERIO,
        "writeoff_type": INSURANCE_WRITEOFF,
        "dentist_days_per_year": 4.0 * 49,
    }


def _ratio(numerator, denominator, scale: float = 1.0) -> float | None:
    """numerator / denominator, or None (shown "n/a") when there is nothing to divide by."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return float(numerator) * scale / float(denominator)


def kpis_from(row: dict) -> dict[str, float | None]:
    """The KPI values from the measured counts and sums."""
    net = row["gross"] + row["adjustments"] - row["writeoffs"]
    collected = row["patient_paid"] + row["ins_paid"]
    return {
        "dentist_hourly": _ratio(row["dentist"], row["dentist_hours"]),
        "hygiene_patients_day": _ratio(row["by_hygienist"], row["hygienist_days"]),
        "hygiene_production_day": _ratio(row["hygiene"], row["hygienist_days"]),
        "hygiene_share": _ratio(row["hygiene"], row["gross"], 100),
        "production_per_active": _ratio(row["gross"], row["active"]),
        "active_per_dentist": _ratio(row["active"], row["dentists"]),
        "missed": _ratio(row["missed"], row["scheduled"], 100),
        "prophy_interval": row["prophy_days"],
        "perio_interval": row["perio_days"],
        "recall_on_time": _ratio(row["kept"], row["due"], 100),
        "next_booked": _ratio(row["booked"], row["visits"], 100),
        "seen_again": _ratio(row["again"], row["last_year"], 100),
        "prophy_minutes": row["prophy_minutes"],
        "crown_minutes": row["crown_minutes"],
        "perio_adults": _ratio(row["diagnosed"], row["adults"], 100),
        "case_acceptance": _ratio(row["accepted"], row["presented"], 100),
        "new_per_dentist": _ratio(row["new_patients"], row["dentists"] * 12),
        "new_per_month": _ratio(row["new_patients"], 12),
        "ar_months": _ratio(row["ar"], net / 12),
        "ar_over_90": _ratio(row["ar_over_90"], row["ar"], 100),
        "collection_rate": _ratio(collected, net, 100),
        "revenue_adjustments": _ratio(row["discounts"], row["gross"], 100),
    }


def measure(conn, as_of: date) -> dict[str, float | None]:
    """Every KPI of the 12 months before as_of, in one statement; None where it cannot be measured."""
    with conn.cursor() as cur:
        cur.execute(MEASURE_SQL, windows(as_of))
        names = [column[0] for column in cur.description]
        row = dict(zip(names, cur.fetchone()))
    return kpis_from({k: (float(v) if v is not None else None) for k, v in row.items()})


def data_as_of(conn) -> date | None:
    """The as-of date the data was generated for: the ETL stamp is one second before its midnight."""
    with conn.cursor() as cur:
        # the column's default (1970-01-01 00:00:01) means "never loaded"
        cur.execute("SELECT max(last_loaded) FROM raw.etl_load_status WHERE last_loaded > TIMESTAMP '1970-01-02'")
        stamp = cur.fetchone()[0]
    return (stamp + timedelta(seconds=1)).date() if isinstance(stamp, datetime) else None


# --- presentation ------------------------------------------------------------------------------------------------


def format_value(kpi: Kpi, value: float | None) -> str:
    if value is None:
        return "n/a"
    if kpi.unit == "$":
        return f"${value:,.{kpi.digits}f}"
    if kpi.unit == "%":
        return f"{value:,.{kpi.digits}f}%"
    if kpi.unit:
        return f"{value:,.{kpi.digits}f} {kpi.unit}"
    return f"{value:,.{kpi.digits}f}"


def inside(kpi: Kpi, value: float | None) -> bool | None:
    """Whether the value, as shown, lies in the published range; None when there is no value."""
    if value is None:
        return None
    shown = round(value, kpi.digits)  # so that the mark agrees with the printed number
    if kpi.low is not None and shown < kpi.low:
        return False
    if kpi.high is None:
        return True
    return shown < kpi.high if kpi.below else shown <= kpi.high


NAME_WIDTH, VALUE_WIDTH, RANGE_WIDTH = 50, 10, 16
OUTSIDE = "✘"  # not ✗: the console keeps that for failed validators, and a KPI out of range fails nothing


def render(as_of: date, values: dict[str, float | None]) -> list[str]:
    """The report card: a heading, one aligned line per KPI with its mark, and the count of KPIs in range."""
    last_day = as_of - timedelta(days=1)
    heading = f"Report card (12 months to {last_day.isoformat()})"
    lines = [f"{heading:<{NAME_WIDTH + 2}}{'practice':>{VALUE_WIDTH}}   {'published range'}"]
    marks = []
    for kpi in KPIS:
        value = values.get(kpi.key)
        verdict = inside(kpi, value)
        marks.append(verdict)
        mark = {True: "✓", False: OUTSIDE, None: ""}[verdict]
        line = (f"  {kpi.name:<{NAME_WIDTH}}{format_value(kpi, value):>{VALUE_WIDTH}}   "
                f"{kpi.published:<{RANGE_WIDTH}} {mark}")
        lines.append(line.rstrip())
    measured = [m for m in marks if m is not None]
    tail = f"{sum(measured)} of {len(measured)} inside the published ranges"
    unmeasured = len(marks) - len(measured)
    if unmeasured:
        tail += f" ({unmeasured} n/a: nothing to measure them on)"
    lines.append(tail)
    return lines


# --- entry points -------------------------------------------------------------------------------------------------


def _first_line(exc: Exception) -> str:
    text = getattr(exc, "pgerror", None) or str(exc)
    return " ".join(text.strip().splitlines()[0].split()) if text.strip() else exc.__class__.__name__


def after_run(conn, config: GeneratorConfig, console: Console) -> None:
    """The report card after a committed run. It never fails the run: the data is already loaded."""
    if console.verbosity == 0 or config.shard is not None:
        return  # --quiet prints nothing extra; a shard is only part of the practice
    try:
        started = time.perf_counter()
        values = measure(conn, config.as_of)
        seconds = time.perf_counter() - started
    except psycopg2.Error as exc:
        console.note(f"report card skipped ({_first_line(exc)}); the data is loaded")
        return
    except KeyboardInterrupt:
        console.note("report card interrupted; the data is loaded")
        return
    finally:
        if not conn.closed:
            conn.rollback()
    console.report_card(render(config.as_of, values))
    if console.verbosity > 1:
        console.note(f"report card measured in {seconds:.2f} s")


def command(argv: list[str]) -> int:
    """`python main.py kpi [connection options] [--as-of DATE]`: the report card of an existing database."""
    console = Console()
    try:
        config = load_config(argv)
        as_of_given = build_parser().parse_args(argv).as_of is not None  # else the data's own as-of date
        config, server_line = server.resolve(config)
    except (ConfigError, server.ServerError) as exc:
        console.error(str(exc))
        return EXIT_USAGE
    console = Console(verbosity=config.verbosity)
    if server_line and config.verbosity > 1:  # otherwise the output is the card alone
        console.note(f"server: {server_line}")
    try:
        conn, _ = loader.connect(config, create_missing=False)
    except loader.DatabaseError as exc:
        message = str(exc)
        if message.startswith(f"database {config.db_name} does not exist"):  # loader's hint names --validate-only
            message = (f"database {config.db_name} does not exist ({config.target}); generate it first with "
                       f"`python main.py --db-name {config.db_name}`")
        console.error(message)
        return EXIT_USAGE
    try:
        conn.set_session(readonly=True)
        missing = sorted(set(TABLES) & set(loader.missing_tables(conn)))
        if missing:
            console.error(f"schema raw of {config.db_name} lacks {', '.join(missing[:5])}"
                          f"{', ...' if len(missing) > 5 else ''}; generate the practice first with "
                          f"`python main.py --db-name {config.db_name}`")
            return EXIT_USAGE
        as_of = config.as_of if as_of_given else (data_as_of(conn) or config.as_of)
        started = time.perf_counter()
        values = measure(conn, as_of)
        seconds = time.perf_counter() - started
    except psycopg2.Error as exc:
        console.error(f"cannot read the report card from {config.db_name} ({config.target}): {_first_line(exc)}")
        return EXIT_USAGE
    finally:
        if not conn.closed:
            conn.rollback()
        conn.close()
    console.report_card(render(as_of, values))
    if config.verbosity > 1:
        console.note(f"report card measured in {seconds:.2f} s")
    return EXIT_OK
