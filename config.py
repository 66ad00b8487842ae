"""GeneratorConfig: every setting, where it came from, and one check per value.

Precedence: command line > environment > .env_demo file > defaults. Each bad value raises ConfigError
with a one-line message that names the setting, where it came from, and how to fix it. The password
is never part of any message or repr.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

DEFAULT_ENV_FILE = ".env_demo"
DEMO_DB_NAME = "opendental_demo"
APPOINTMENTS_PER_PATIENT = 3
PROCEDURES_PER_APPOINTMENT = 2.6  # the visits' own and the work charted at first exams
MIN_PROCEDURES_PER_APPOINTMENT, MAX_PROCEDURES_PER_APPOINTMENT = 2.2, 6.0
MAX_PATIENTS = 1_000_000
EARLIEST_START = date(1900, 1, 1)
OUTPUT_FORMATS = ("csv", "parquet")


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which one and how to fix it."""


# setting name -> (command-line flag, environment / .env_demo key)
SETTINGS = {
    "db_host": ("--db-host", "DEMO_POSTGRES_HOST"),
    "db_port": ("--db-port", "DEMO_POSTGRES_PORT"),
    "db_name": ("--db-name", "DEMO_POSTGRES_DB"),
    "db_user": ("--db-user", "DEMO_POSTGRES_USER"),
    "db_password": ("--db-password", "DEMO_POSTGRES_PASSWORD"),
    "start_date": ("--start-date", "DEMO_START_DATE"),
    "as_of": ("--as-of", "DEMO_AS_OF"),
    "num_patients": ("--patients", "DEMO_NUM_PATIENTS"),
    "num_appointments": ("--appointments", "DEMO_NUM_APPOINTMENTS"),
    "num_procedures": ("--procedures", "DEMO_NUM_PROCEDURES"),
    "seed": ("--seed", "DEMO_SEED"),
    "workers": ("--workers", "DEMO_WORKERS"),
}
ENV_KEYS = {env: name for name, (_, env) in SETTINGS.items()}

DEFAULTS = {
    "db_host": "localhost",
    "db_port": "5432",
    "db_name": DEMO_DB_NAME,
    "db_user": "postgres",
    "db_password": None,  # None: libpq falls back to PGPASSWORD and ~/.pgpass
    "start_date": "2023-01-01",
    "as_of": None,  # None: today
    "num_patients": "5000",
    "num_appointments": None,  # None: APPOINTMENTS_PER_PATIENT per patient
    "num_procedures": None,  # None: PROCEDURES_PER_APPOINTMENT per appointment
    "seed": "42",
    "workers": None,  # None: one per CPU core
}


@dataclass(frozen=True)
class GeneratorConfig:
    db_host: str = "localhost"  # "embedded": the private server of server.py
    db_host_configured: bool = False  # set by the command line, the environment or .env_demo
    db_port: int = 5432
    db_name: str = DEMO_DB_NAME
    db_user: str = "postgres"
    db_password: str | None = field(default=None, repr=False)
    num_patients: int = 5000
    num_appointments: int = 5000 * APPOINTMENTS_PER_PATIENT
    num_procedures: int = round(5000 * APPOINTMENTS_PER_PATIENT * PROCEDURES_PER_APPOINTMENT)
    start_date: date = date(2023, 1, 1)
    as_of: date = field(default_factory=date.today)
    seed: int = 42
    workers: int = 1
    shard: tuple[int, int] | None = None  # (k, n): only the k-th of n slices of the patients
    reset: bool = False
    validate_only: bool = False
    dry_run: bool = False
    output_format: str | None = None  # "csv" or "parquet": write files instead of loading a database ...
    output_dir: str | None = None  # ... into this folder
    dbt_profile: str | None = None  # also write the dbt target into this profiles.yml
    verbosity: int = 1  # 0 quiet, 1 normal, 2 verbose
    advance_to: date | None = None  # --advance-to: take the database's practice to this as-of date (advance.py)
    # The as-of date the practice was first generated for, when it has been advanced since: it keeps the size and
    # pace of that window (generators/calendar.py, Window.pace). None: the as-of date.
    paced_by: date | None = None
    explicit: frozenset = frozenset()  # the practice settings given on the command line, environment or file
    # (patients, appointments, procedures) a practice advanced past its pace date holds by now (engine.py); None:
    # the requested ones
    expected: tuple[int, int, int] | None = None

    @property
    def target(self) -> str:
        """Where the data goes, for messages: never includes the password."""
        return f"{self.db_user}@{self.db_host}:{self.db_port}/{self.db_name}"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit code 2 via ConfigError, instead of argparse's usage dump
        raise ConfigError(f"{message}; run `python main.py --help` for the options")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="main.py",
        description="Fill schema raw of an opendental_demo database with a synthetic OpenDental practice.",
    )
    parser.add_argument("--patients", metavar="N", help="number of patients (default 5000)")
    parser.add_argument("--appointments", metavar="N",
                        help="about this many appointments: sizes the practice (default 3 per patient)")
    parser.add_argument("--procedures", metavar="N", help="about this many procedures (default 2.6 per appointment)")
    parser.add_argument("--start-date", metavar="YYYY-MM-DD", help="first day of activity (default 2023-01-01)")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="the 'today' of the data (default: today)")
    parser.add_argument("--seed", metavar="N", help="random seed (default 42)")
    parser.add_argument("--workers", metavar="N", help="parallel generator processes (default: CPU cores)")
    parser.add_argument("--shard", metavar="K/N",
                        help="generate only slice K of N (reference data in slice 1), to load one database "
                             "from N machines")
    parser.add_argument("--db-host", metavar="HOST", help="PostgreSQL host (default localhost)")
    parser.add_argument("--db-port", metavar="PORT", help="PostgreSQL port (default 5432)")
    parser.add_argument("--db-name", metavar="NAME", help="opendental_demo or opendental_demo_<suffix>")
    parser.add_argument("--db-user", metavar="USER", help="PostgreSQL user (default postgres)")
    parser.add_argument("--db-password", metavar="PASSWORD",
                        help="password (else PGPASSWORD / ~/.pgpass); other local users can read it in the "
                             "process list, so prefer PGPASSWORD, ~/.pgpass or DEMO_POSTGRES_PASSWORD")
    parser.add_argument("--env-file", metavar="PATH", help=f"settings file (default ./{DEFAULT_ENV_FILE} if present)")
    parser.add_argument("--reset", action="store_true", help="empty the raw tables first (in the same transaction)")
    parser.add_argument(
        "--validate-only", action="store_true", help="run the validators on the existing data; write nothing"
    )
    parser.add_argument("--advance-to", nargs="?", const="", metavar="YYYY-MM-DD",
                        help="take the practice in the database to this as-of date (default: today), adding and "
                             "updating only what those days changed")
    parser.add_argument("--paced-by", metavar="YYYY-MM-DD",
                        help="generate the practice first generated for this as-of date, as it stands on --as-of "
                             "(what advancing it there gives; default: the as-of date itself)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the plan (target, rows per table, dates, estimated time); touch nothing")
    parser.add_argument("--output", nargs=2, metavar=("FORMAT", "DIR"),
                        help="write the tables as files instead of loading a database: --output csv DIR or "
                             "--output parquet DIR")
    parser.add_argument("--dbt-profile", metavar="PATH", help="write the dbt target for the result into this "
                                                              "profiles.yml (other targets are kept)")
    noise = parser.add_mutually_exclusive_group()
    noise.add_argument("--quiet", action="store_true", help="print only errors and the final summary")
    noise.add_argument("--verbose", action="store_true", help="also print per-table timings")
    return parser


def read_env_file(path: Path) -> dict[str, tuple[str, str]]:
    """KEY=VALUE lines of a .env_demo file -> {key: (value, where)}; unknown keys are an error."""
    values = {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ConfigError(f"{path}: cannot read it ({reason}); check its permissions or pass --env-file") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].strip()
        if "=" not in line:
            # The line may hold a password, so it is not echoed.
            raise ConfigError(f"{path} line {number}: expected KEY=VALUE, for example DEMO_NUM_PATIENTS=5000")
        key, value = (part.strip() for part in line.split("=", 1))
        if key not in ENV_KEYS:
            known = ", ".join(sorted(ENV_KEYS))
            raise ConfigError(f"{path} line {number}: unknown key {key!r}; known keys are {known}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key] = (value, f"{key} in {path} line {number}")
    return values


def _positive_int(name: str, raw: str, where: str, upper: int | None = None) -> int:
    if not re.fullmatch(r"\+?\d+", raw.strip().replace("_", "").replace(",", "")):
        raise ConfigError(f"{where} must be a positive whole number, got {raw!r}; for example {_example(name)}")
    value = int(raw.strip().replace("_", "").replace(",", ""))
    if value <= 0:
        raise ConfigError(f"{where} must be at least 1, got {raw!r}; for example {_example(name)}")
    if upper is not None and value > upper:
        raise ConfigError(f"{where} must be at most {upper:,}, got {raw!r}")
    return value


def _example(name: str) -> str:
    flag, _ = SETTINGS[name]
    sample = {"num_patients": "5000", "num_appointments": "15000", "num_procedures": "39000",
              "seed": "42", "db_port": "5432", "workers": "2"}.get(name, "...")
    return f"{flag} {sample}"


def _shard(raw: str | None) -> tuple[int, int] | None:
    if raw is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", raw)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ConfigError(f"--shard must be K/N with 1 <= K <= N, got {raw!r}; for example --shard 2/3")
    return int(match.group(1)), int(match.group(2))


def _date(name: str, raw: str, where: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        flag, _ = SETTINGS[name]
        raise ConfigError(f"{where} must be a date written YYYY-MM-DD, got {raw!r}; for example {flag} 2023-01-01")


def load_config(argv: list[str] | None = None, environ: dict | None = None, cwd: Path | None = None,
                today: date | None = None) -> GeneratorConfig:
    """Build and check the configuration. Raises ConfigError on any bad value."""
    environ = os.environ if environ is None else environ
    cwd = Path.cwd() if cwd is None else cwd
    today = date.today() if today is None else today
    args = build_parser().parse_args(argv)

    env_path = Path(args.env_file) if args.env_file else cwd / DEFAULT_ENV_FILE
    if args.env_file and not env_path.is_absolute():
        env_path = cwd / env_path
    file_values = {}
    if env_path.is_file() or (args.env_file and env_path.exists()):
        file_values = read_env_file(env_path)
    elif args.env_file:
        raise ConfigError(f"--env-file {args.env_file}: no such file; copy .env_demo.template to create one")

    raw: dict[str, tuple[str | None, str]] = {}
    for name, (flag, env) in SETTINGS.items():
        cli_value = getattr(args, flag[2:].replace("-", "_"))
        if cli_value is not None:
            raw[name] = (cli_value, flag)
        elif env in environ:
            raw[name] = (environ[env], f"{env} in the environment")
        elif env in file_values:
            raw[name] = file_values[env]
        else:
            raw[name] = (DEFAULTS[name], f"the default {name}")

    def value(name):
        return raw[name][0]

    def where(name):
        return raw[name][1]

    patients = _positive_int("num_patients", value("num_patients"), where("num_patients"), MAX_PATIENTS)
    appointments = (
        _positive_int("num_appointments", value("num_appointments"), where("num_appointments"), 100 * patients)
        if value("num_appointments") is not None
        else patients * APPOINTMENTS_PER_PATIENT
    )
    procedures = (
        _positive_int("num_procedures", value("num_procedures"), where("num_procedures"), 100 * patients)
        if value("num_procedures") is not None
        else round(appointments * PROCEDURES_PER_APPOINTMENT)
    )
    low = round(MIN_PROCEDURES_PER_APPOINTMENT * appointments)
    high = round(MAX_PROCEDURES_PER_APPOINTMENT * appointments)
    if not low <= procedures <= high:
        raise ConfigError(
            f"{where('num_procedures')} is {procedures:,}, but {appointments:,} appointments hold {low:,} to "
            f"{high:,} procedures (a recall visit alone holds an exam, a cleaning and often films; the rest is "
            f"work charted at first exams); pass --procedures within that range or leave it out")

    seed_raw = value("seed").strip()
    if not re.fullmatch(r"\d+", seed_raw):
        raise ConfigError(f"{where('seed')} must be a whole number >= 0, got {seed_raw!r}; for example --seed 42")
    seed = int(seed_raw)

    workers = (_positive_int("workers", value("workers"), where("workers"), 256) if value("workers") is not None
               else max(1, os.cpu_count() or 1))
    shard = _shard(args.shard)
    if shard and args.reset:
        raise ConfigError("--shard cannot be combined with --reset: empty the database once, before the shards load")

    port = _positive_int("db_port", value("db_port"), where("db_port"))
    if port > 65535:
        raise ConfigError(f"{where('db_port')} must be a port between 1 and 65535, got {port}")

    start = _date("start_date", value("start_date"), where("start_date"))
    as_of = _date("as_of", value("as_of"), where("as_of")) if value("as_of") is not None else today
    if start < EARLIEST_START:
        raise ConfigError(f"{where('start_date')} is {start}, before {EARLIEST_START}; use a later --start-date")
    if as_of > today:
        raise ConfigError(
            f"{where('as_of')} is {as_of}, in the future (today is {today}); use --as-of {today} or earlier")
    if start >= as_of:
        raise ConfigError(f"start date {start} must be before the as-of date {as_of}; use an earlier --start-date")

    db_name = value("db_name").strip()
    if db_name != DEMO_DB_NAME and not db_name.startswith(DEMO_DB_NAME + "_"):
        raise ConfigError(
            f"{where('db_name')} is {db_name!r}: the generator only writes to a database named {DEMO_DB_NAME} "
            f"or {DEMO_DB_NAME}_<suffix>; pass e.g. --db-name {DEMO_DB_NAME}"
        )
    if not re.fullmatch(r"[A-Za-z0-9_]+", db_name):
        raise ConfigError(f"{where('db_name')} {db_name!r} may only contain letters, digits and underscores")
    host = value("db_host").strip()
    output_format = output_dir = None
    if args.output:
        output_format, output_dir = args.output[0].lower(), args.output[1]
        if output_format not in OUTPUT_FORMATS:
            raise ConfigError(f"--output {args.output[0]}: the formats are {' and '.join(OUTPUT_FORMATS)}; use e.g. "
                              f"--output csv DIR")
        if args.validate_only or args.reset or args.shard:
            raise ConfigError(f"--output {output_format} writes files and touches no database: drop --validate-only, "
                              f"--reset and --shard")
    user = value("db_user").strip()
    if not host:
        raise ConfigError(f"{where('db_host')} is empty; pass e.g. --db-host localhost")
    if not user:
        raise ConfigError(f"{where('db_user')} is empty; pass e.g. --db-user postgres")
    if args.reset and args.validate_only:
        raise ConfigError("--reset and --validate-only cannot be combined: --validate-only never writes")
    advance_to = _advance_date(args, raw, today)
    paced_by = None
    if args.paced_by is not None:
        try:
            paced_by = date.fromisoformat(args.paced_by.strip())
        except ValueError:
            raise ConfigError(f"--paced-by must be a date written YYYY-MM-DD, got {args.paced_by!r}; for example "
                              f"--paced-by {start}") from None
        if not start < paced_by <= as_of:
            raise ConfigError(f"--paced-by {paced_by} must lie after the start date {start} and not after the as-of "
                              f"date {as_of}; use a date between them")
        if advance_to is not None:
            raise ConfigError("--paced-by is for a fresh run; --advance-to keeps the pace recorded in the database")

    return GeneratorConfig(
        db_host=host,
        db_host_configured=not where("db_host").startswith("the default"),
        db_port=port,
        db_name=db_name,
        db_user=user,
        db_password=value("db_password") or None,
        num_patients=patients,
        num_appointments=appointments,
        num_procedures=procedures,
        start_date=start,
        as_of=as_of,
        seed=seed,
        workers=workers,
        shard=shard,
        reset=args.reset,
        validate_only=args.validate_only,
        dry_run=args.dry_run,
        output_format=output_format,
        output_dir=output_dir,
        dbt_profile=args.dbt_profile,
        verbosity=0 if args.quiet else 2 if args.verbose else 1,
        advance_to=advance_to,
        paced_by=None if paced_by == as_of else paced_by,
        explicit=frozenset(name for name in PRACTICE_SETTINGS if not where(name).startswith("the default")),
    )


PRACTICE_SETTINGS = ("num_patients", "num_appointments", "num_procedures", "seed", "start_date")


def _advance_date(args, raw: dict, today: date) -> date | None:
    """--advance-to DATE (default today), checked against what it cannot be combined with."""
    if args.advance_to is None:
        return None
    others = [flag for flag, given in (("--reset", args.reset), ("--validate-only", args.validate_only),
                                       ("--output", args.output), ("--shard", args.shard)) if given]
    if others:
        raise ConfigError(f"--advance-to changes the practice already in the database: drop {', '.join(others)}")
    if not raw["as_of"][1].startswith("the default"):
        raise ConfigError(f"--advance-to takes the new as-of date itself: drop {raw['as_of'][1].split(' in ')[0]} "
                          f"(the database keeps its own)")
    if not args.advance_to.strip():
        return today
    try:
        target = date.fromisoformat(args.advance_to.strip())
    except ValueError:
        raise ConfigError(f"--advance-to must be a date written YYYY-MM-DD, got {args.advance_to!r}; for example "
                          f"--advance-to {today}") from None
    if target > today:
        raise ConfigError(f"--advance-to {target} is in the future (today is {today}); use --advance-to {today} "
                          f"or earlier")
    return target
