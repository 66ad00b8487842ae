"""config.load_config: precedence, defaults, one-line errors that name the setting, and a password that never shows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config import ConfigError, GeneratorConfig, load_config

TODAY = date(2026, 11, 20)
PASSWORD = "secret123"


def load(argv=(), environ=None, cwd: Path | None = None, today: date = TODAY) -> GeneratorConfig:
    return load_config(list(argv), {} if environ is None else environ, cwd, today)


@pytest.fixture
def cwd(tmp_path) -> Path:
    """An empty working directory: no .env_demo unless a test writes one."""
    return tmp_path


def write_env(directory: Path, text: str, name: str = ".env_demo") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def config_error(argv=(), environ=None, cwd: Path | None = None, today: date = TODAY) -> str:
    with pytest.raises(ConfigError) as raised:
        load(argv, environ, cwd, today)
    message = str(raised.value)
    assert message and "\n" not in message and "\r" not in message, f"not one line: {message!r}"
    return message


# --- defaults -----------------------------------------------------------------------------------------------------


def test_defaults(cwd):
    config = load(cwd=cwd)
    assert (config.num_patients, config.num_appointments, config.num_procedures) == (5000, 15000, 39000)
    assert config.start_date == date(2023, 1, 1)
    assert config.as_of == TODAY
    assert config.seed == 42
    assert config.db_name == "opendental_demo"
    assert (config.db_host, config.db_port, config.db_user, config.db_password) == ("localhost", 5432, "postgres", None)
    assert not config.reset and not config.validate_only


def test_appointments_default_to_three_per_patient_and_procedures_to_their_visits(cwd):
    config = load(["--patients", "250"], cwd=cwd)
    assert (config.num_patients, config.num_appointments, config.num_procedures) == (250, 750, 1950)


def test_as_of_defaults_to_the_day_passed_as_today(cwd):
    assert load(cwd=cwd, today=date(2025, 3, 4)).as_of == date(2025, 3, 4)


# --- precedence ---------------------------------------------------------------------------------------------------

# setting -> (flag, key, file value, environment value, command-line value, parsed(value))
PRECEDENCE = {
    "db_host": ("--db-host", "DEMO_POSTGRES_HOST", "filehost", "envhost", "clihost", str),
    "db_port": ("--db-port", "DEMO_POSTGRES_PORT", "5433", "5434", "5435", int),
    "db_name": ("--db-name", "DEMO_POSTGRES_DB", "opendental_demo_file", "opendental_demo_env", "opendental_demo_cli",
                str),
    "db_user": ("--db-user", "DEMO_POSTGRES_USER", "fileuser", "envuser", "cliuser", str),
    "db_password": ("--db-password", "DEMO_POSTGRES_PASSWORD", "filepw", "envpw", "clipw", str),
    "start_date": ("--start-date", "DEMO_START_DATE", "2023-02-01", "2023-03-01", "2023-04-01", date.fromisoformat),
    "as_of": ("--as-of", "DEMO_AS_OF", "2026-01-01", "2026-02-01", "2026-03-01", date.fromisoformat),
    "num_patients": ("--patients", "DEMO_NUM_PATIENTS", "100", "200", "300", int),
    "num_appointments": ("--appointments", "DEMO_NUM_APPOINTMENTS", "101", "102", "103", int),
    "num_procedures": ("--procedures", "DEMO_NUM_PROCEDURES", "38001", "38002", "38003", int),
    "seed": ("--seed", "DEMO_SEED", "1", "2", "3", int),
}


@pytest.mark.parametrize("setting", sorted(PRECEDENCE))
def test_precedence_cli_over_environment_over_file_over_default(setting, cwd):
    flag, key, in_file, in_env, on_cli, parsed = PRECEDENCE[setting]
    default = getattr(load(cwd=cwd), setting)

    write_env(cwd, f"{key}={in_file}\n")
    assert getattr(load(cwd=cwd), setting) == parsed(in_file) != default
    assert getattr(load(environ={key: in_env}, cwd=cwd), setting) == parsed(in_env)
    assert getattr(load([flag, on_cli], environ={key: in_env}, cwd=cwd), setting) == parsed(on_cli)
    assert getattr(load([flag, on_cli], cwd=cwd), setting) == parsed(on_cli)  # CLI over the file alone


def test_each_setting_comes_from_its_own_highest_source(cwd):
    write_env(cwd, "DEMO_NUM_PATIENTS=100\nDEMO_SEED=5\nDEMO_POSTGRES_HOST=filehost\n")
    config = load(["--seed", "9"], environ={"DEMO_POSTGRES_HOST": "envhost"}, cwd=cwd)
    assert (config.num_patients, config.seed, config.db_host) == (100, 9, "envhost")
    assert (config.num_appointments, config.num_procedures) == (300, 780)  # derived from the file's patients


def test_env_file_syntax_comments_export_and_quotes(cwd):
    write_env(cwd, "# comment\n\nexport DEMO_NUM_PATIENTS=120\nDEMO_POSTGRES_USER = 'quoted'\n"
                   'DEMO_POSTGRES_HOST="h"\n')
    config = load(cwd=cwd)
    assert (config.num_patients, config.db_user, config.db_host) == (120, "quoted", "h")


def test_env_file_option_replaces_the_default_file_and_is_relative_to_cwd(cwd):
    write_env(cwd, "DEMO_SEED=11\n")
    (cwd / "conf").mkdir()
    write_env(cwd / "conf", "DEMO_NUM_PATIENTS=150\n", name="other.env")
    config = load(["--env-file", "conf/other.env"], cwd=cwd)
    assert config.num_patients == 150
    assert config.seed == 42  # ./.env_demo is not read when --env-file names another file


# --- bad values ---------------------------------------------------------------------------------------------------

BAD_CLI = [
    (["--patients", "0"], "--patients"),
    (["--patients", "-5"], "--patients"),
    (["--patients", "abc"], "--patients"),
    (["--patients", "1.5"], "--patients"),
    (["--patients", "2000000"], "--patients"),
    (["--appointments", "0"], "--appointments"),
    (["--appointments", "-3"], "--appointments"),
    (["--appointments", "many"], "--appointments"),
    (["--procedures", "0"], "--procedures"),
    (["--procedures", "-1"], "--procedures"),
    (["--procedures", "ten"], "--procedures"),
    (["--seed", "-1"], "--seed"),
    (["--seed", "x"], "--seed"),
    (["--start-date", "2023-13-01"], "--start-date"),
    (["--start-date", "01/02/2023"], "--start-date"),
    (["--as-of", "yesterday"], "--as-of"),
    (["--as-of", "2026-02-30"], "--as-of"),
    (["--start-date", "2026-11-21", "--as-of", "2026-11-20"], "--start-date"),  # start after as-of
    (["--start-date", "2026-11-20", "--as-of", "2026-11-20"], "--start-date"),  # start on as-of
    (["--start-date", "1899-12-31"], "--start-date"),
    (["--as-of", "2026-11-21"], "--as-of"),  # one day in the future
    (["--db-port", "0"], "--db-port"),
    (["--db-port", "70000"], "--db-port"),
    (["--db-port", "port"], "--db-port"),
    (["--db-name", "prod_clinic"], "--db-name"),
    (["--db-name", "opendental"], "--db-name"),
    (["--db-name", "opendental_demox"], "--db-name"),
    (["--db-name", "postgres"], "--db-name"),
    (["--env-file", "missing.env"], "--env-file"),
    (["--patients", "100", "--procedures", "500"], "--procedures"),  # 300 appointments hold at least 660
    (["--appointments", "20", "--procedures", "200", "--patients", "10"], "--procedures"),  # at most 120
    (["--db-host", " "], "--db-host"),
    (["--db-user", ""], "--db-user"),
    (["--reset", "--validate-only"], "--validate-only"),
    (["--no-such-option"], "--no-such-option"),
]


@pytest.mark.parametrize(("argv", "mentions"), BAD_CLI, ids=[" ".join(a) for a, _ in BAD_CLI])
def test_bad_command_line_value_is_one_line_naming_the_setting(argv, mentions, cwd):
    message = config_error(argv, cwd=cwd)
    assert mentions in message


BAD_ENV = [
    ("DEMO_NUM_PATIENTS", "0"),
    ("DEMO_NUM_PATIENTS", "-2"),
    ("DEMO_NUM_APPOINTMENTS", "lots"),
    ("DEMO_NUM_PROCEDURES", "0"),
    ("DEMO_SEED", "seven"),
    ("DEMO_START_DATE", "2023-02-29"),
    ("DEMO_AS_OF", "2027-01-01"),
    ("DEMO_POSTGRES_PORT", "0"),
    ("DEMO_POSTGRES_PORT", "70000"),
    ("DEMO_POSTGRES_DB", "analytics"),
]


@pytest.mark.parametrize(("key", "value"), BAD_ENV)
def test_bad_environment_value_names_the_variable(key, value, cwd):
    assert key in config_error(environ={key: value}, cwd=cwd)


@pytest.mark.parametrize(("key", "value"), BAD_ENV)
def test_bad_env_file_value_names_the_key_and_the_file(key, value, cwd):
    path = write_env(cwd, f"# settings\n{key}={value}\n")
    message = config_error(cwd=cwd)
    assert key in message and str(path) in message and "line 2" in message


def test_unknown_key_in_env_file(cwd):
    write_env(cwd, "DEMO_NUM_PATIENTS=100\nDEMO_PATIENTS=100\n")
    message = config_error(cwd=cwd)
    assert "DEMO_PATIENTS" in message and "line 2" in message and "unknown" in message


def test_unknown_key_in_named_env_file(cwd):
    path = write_env(cwd, "DEMO_COLOUR=blue\n", name="custom.env")
    message = config_error(["--env-file", str(path)], cwd=cwd)
    assert "DEMO_COLOUR" in message and str(path) in message


def test_env_file_line_without_equals_sign(cwd):
    write_env(cwd, "DEMO_SEED 5\n")
    assert "line 1" in config_error(cwd=cwd)


def test_missing_env_file_is_an_error_but_a_missing_default_file_is_not(cwd):
    assert "missing.env" in config_error(["--env-file", "missing.env"], cwd=cwd)
    assert load(cwd=cwd).num_patients == 5000  # no ./.env_demo: defaults


def test_bad_value_does_not_depend_on_a_valid_higher_source(cwd):
    """A bad value in a lower source is ignored when a higher source sets the same setting."""
    write_env(cwd, "DEMO_NUM_PATIENTS=abc\n")
    assert load(environ={"DEMO_NUM_PATIENTS": "10"}, cwd=cwd).num_patients == 10
    assert load(["--patients", "20"], environ={"DEMO_NUM_PATIENTS": "0"}, cwd=cwd).num_patients == 20


# --- the password -------------------------------------------------------------------------------------------------


def test_password_is_not_in_repr(cwd):
    write_env(cwd, f"DEMO_POSTGRES_PASSWORD={PASSWORD}file\n")
    for config in (
        load(["--db-password", PASSWORD], cwd=cwd),
        load(environ={"DEMO_POSTGRES_PASSWORD": PASSWORD + "env"}, cwd=cwd),
        load(cwd=cwd),
    ):
        assert config.db_password.startswith(PASSWORD)
        assert PASSWORD not in repr(config) and PASSWORD not in str(config) and PASSWORD not in config.target


@pytest.mark.parametrize(("argv", "mentions"), BAD_CLI, ids=[" ".join(a) for a, _ in BAD_CLI])
def test_password_is_not_in_any_error_message(argv, mentions, cwd):
    assert PASSWORD not in config_error(argv + ["--db-password", PASSWORD], cwd=cwd)
    assert PASSWORD not in config_error(argv, environ={"DEMO_POSTGRES_PASSWORD": PASSWORD}, cwd=cwd)


@pytest.mark.parametrize(("key", "value"), BAD_ENV)
def test_password_from_env_file_is_not_in_any_error_message(key, value, cwd):
    write_env(cwd, f"DEMO_POSTGRES_PASSWORD={PASSWORD}\n{key}={value}\n")
    assert PASSWORD not in config_error(cwd=cwd)


@pytest.mark.parametrize("line", [f"DEMO_POSTGRES_PASSWORD {PASSWORD}", f"DEMO_POSTGRES_PASSWORD: {PASSWORD}"])
def test_malformed_password_line_in_env_file_does_not_show_the_password(line, cwd):
    write_env(cwd, line + "\n")
    assert PASSWORD not in config_error(cwd=cwd)


# --- through the command line -------------------------------------------------------------------------------------


def test_cli_bad_value_exits_2_with_one_line_on_stderr(cli):
    run = cli("--patients", "abc", "--db-password", PASSWORD)
    assert run.code == 2
    assert len(run.err_lines) == 1
    assert run.err_lines[0].startswith("error: ") and "--patients" in run.err_lines[0]
    assert run.out == ""  # refused before the banner, before connecting
    assert PASSWORD not in run.err


def test_cli_bad_value_from_environment_exits_2(cli, monkeypatch):
    monkeypatch.setenv("DEMO_NUM_PATIENTS", "-1")
    run = cli()
    assert run.code == 2 and len(run.err_lines) == 1 and "DEMO_NUM_PATIENTS" in run.err


def test_cli_reads_env_demo_from_its_working_directory(cli):
    """main.main reads ./.env_demo of the current directory (which is why the cli fixture runs in an empty one)."""
    write_env(Path.cwd(), "DEMO_NUM_PATIENTS=abc\n")
    run = cli()
    assert run.code == 2 and len(run.err_lines) == 1
    assert "DEMO_NUM_PATIENTS" in run.err and ".env_demo line 1" in run.err
