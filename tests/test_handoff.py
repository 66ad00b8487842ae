"""Issue 6: the embedded server, the dbt hand-off, CSV export, and --quiet / --verbose output."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest
from conftest import AS_OF, ROOT, execute

import handoff
import server
from config import load_config

pytestmark = pytest.mark.db  # needs PostgreSQL

PATIENTS = "300"


@pytest.fixture(scope="module")
def loaded(module_cli, module_scratch_db):
    """A database run at a small size: the reference for the CSV round trip and the hand-off text."""
    name = module_scratch_db("handoff_db", create=False)
    run = module_cli("--patients", PATIENTS, "--workers", "2", db=name)
    assert run.code == 0, run.out + run.err
    return name, run


# --- dbt hand-off ------------------------------------------------------------------------------------------------


def test_a_successful_run_prints_psql_uri_and_dbt_target_without_the_password(loaded):
    name, run = loaded
    assert f'psql "postgresql://postgres@127.0.0.1:5432/{name}"' in run.out
    assert f"URI: postgresql://postgres@127.0.0.1:5432/{name}" in run.out
    assert "dbt_dental_models:" in run.out and f"dbname: {name}" in run.out
    assert "env_var('POSTGRES_ANALYTICS_PASSWORD'" in run.out


def test_password_never_appears_in_the_hand_off(cli, scratch_db):
    name = scratch_db("handoff_pw", create=False)
    secret = "s3cret-Value"
    run = cli("--patients", "200", "--db-password", secret, db=name)
    assert run.code == 0, run.err
    assert secret not in run.out + run.err


def test_dbt_profile_is_merged_keeping_other_targets_and_comments(tmp_path):
    path = tmp_path / "profiles.yml"
    path.write_text("# my profiles\nother_project:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n"
                    "      host: db.example.com  # production-like\n"
                    "dbt_dental_models:\n  target: local\n  outputs:\n    local:\n      type: postgres\n"
                    "      host: localhost\n")
    config = load_config(["--db-host", "127.0.0.1", "--db-port", "5544", "--db-name", "opendental_demo_x"],
                         environ={}, cwd=tmp_path)
    handoff.check_profile(path)
    handoff.write_profile(path, config)
    text = path.read_text()
    assert text.startswith("# my profiles")
    assert "host: db.example.com  # production-like" in text
    document = handoff._yaml().load(text)
    outputs = document["dbt_dental_models"]["outputs"]
    assert document["dbt_dental_models"]["target"] == "local"  # the user's default target is left alone
    assert outputs["local"]["host"] == "localhost"
    assert outputs["demo"]["port"] == 5544 and outputs["demo"]["dbname"] == "opendental_demo_x"
    assert document["other_project"]["outputs"]["dev"]["host"] == "db.example.com"


def test_dbt_profile_is_created_when_missing(tmp_path):
    path = tmp_path / "profiles.yml"
    config = load_config(["--db-host", "127.0.0.1", "--db-name", "opendental_demo_y"], environ={}, cwd=tmp_path)
    handoff.write_profile(path, config)
    document = handoff._yaml().load(path.read_text())
    assert document["dbt_dental_models"]["target"] == "demo"
    assert document["dbt_dental_models"]["outputs"]["demo"]["dbname"] == "opendental_demo_y"


@pytest.mark.parametrize("content, message", [
    ("a: [unclosed\n", "is not valid YAML at line"),
    ("- a list\n", "does not hold a mapping"),
])
def test_unusable_dbt_profile_is_refused_before_the_run(cli, scratch_db, tmp_path, content, message):
    name = scratch_db("handoff_badprofile", create=False)
    path = tmp_path / "profiles.yml"
    path.write_text(content)
    run = cli("--patients", "200", "--dbt-profile", str(path), db=name)
    assert run.code == 2
    assert len(run.err_lines) == 1 and message in run.err
    assert path.read_text() == content
    from conftest import database_exists
    assert not database_exists(name)


def test_dbt_profile_in_a_missing_folder_is_refused(cli, tmp_path):
    run = cli("--patients", "200", "--dbt-profile", str(tmp_path / "nowhere" / "profiles.yml"),
              db="opendental_demo_test_never")
    assert run.code == 2 and "does not exist" in run.err


def test_dbt_profile_written_after_a_run(cli, scratch_db, tmp_path):
    name = scratch_db("handoff_profile", create=False)
    path = tmp_path / "profiles.yml"
    run = cli("--patients", "200", "--dbt-profile", str(path), db=name)
    assert run.code == 0, run.err
    assert f"written to {path}" in run.out
    assert handoff._yaml().load(path.read_text())["dbt_dental_models"]["outputs"]["demo"]["dbname"] == name


def test_output_needs_a_known_format(cli):
    run = cli("--output", "xlsx", "x")
    assert run.code == 2 and "the formats are csv and parquet" in run.err


# --- console -----------------------------------------------------------------------------------------------------


def test_quiet_prints_only_the_summary(cli, scratch_db):
    name = scratch_db("handoff_quiet", create=False)
    run = cli("--patients", "200", "--quiet", db=name)
    assert run.code == 0, run.err
    assert "DENTAL PRACTICE" not in run.out and "[Phase" not in run.out and "Generated 200" not in run.out
    assert "Data generation completed successfully" in run.out and "TOTAL" in run.out


def test_verbose_adds_per_table_timings(loaded, cli, scratch_db):
    name = scratch_db("handoff_verbose", create=False)
    run = cli("--patients", "200", "--verbose", db=name)
    assert run.code == 0, run.err
    assert "✓ Generated 200 patients (loaded in " in run.out
    assert "(loaded in" not in loaded[1].out  # the normal output has no timings


def test_plain_progress_lines_when_not_a_terminal(loaded):
    _, run = loaded
    assert "\r" not in run.out and "\x1b[" not in run.out
    assert f"Patients {PATIENTS}/{PATIENTS} (100%)" in run.out and "rows/s" in run.out


def test_live_progress_redraws_per_phase_on_a_terminal():
    import io

    from contract.tables import PHASES
    from report import Console

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    progress = Console(out=out).progress(PHASES, 10)
    progress.add("patient", 5)
    progress.patients_done(5)
    progress.add("appointment", 7)
    progress.patients_done(10)
    text = out.getvalue()
    assert "\x1b[7F" in text  # the second drawing goes back over the first (headline and six phases)
    assert "Patients 10/10 (100%), 12 rows" in text and "Clinical" in text


# --- embedded server ---------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _main(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEMO_", "PG"))}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600, check=False)


def test_embedded_server_when_nothing_answers(tmp_path):
    """No host configured, nothing on the port: a private server in ./.pgdata, reused, reported and stopped."""
    port = _free_port()
    work = tmp_path / "laptop"
    work.mkdir()
    (work / ".env_demo").write_text(f"DEMO_POSTGRES_PORT={port}\n")
    try:
        run = _main(work, "--patients", "200", "--as-of", AS_OF)
        assert run.returncode == 0, run.stdout + run.stderr
        assert f"Server: the embedded PostgreSQL in .pgdata/ at 127.0.0.1:{port} (no host configured" in run.stdout
        assert f'psql "postgresql://postgres@127.0.0.1:{port}/opendental_demo"' in run.stdout
        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="opendental_demo",
                            password=server.EmbeddedServer(work).password())
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT count(*) FROM raw.patient")
                assert cur.fetchone()[0] == 200
        finally:
            conn.close()

        status = _main(work, "server", "status")
        assert status.returncode == 0 and "running (process" in status.stdout and f":{port}" in status.stdout

        again = _main(work, "--db-host", "embedded", "--db-port", str(port), "--patients", "200", "--as-of", AS_OF,
                      "--reset", "--quiet")
        assert again.returncode == 0, again.stdout + again.stderr
        assert server.EmbeddedServer(work).status().port == port
    finally:
        stopped = _main(work, "server", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert "not running" in _main(work, "server", "status").stdout
    assert not server.answers("127.0.0.1", port)


def test_configured_host_is_used_even_when_it_does_not_answer(cli):
    port = _free_port()
    run = cli("--db-port", str(port), "--patients", "200", db="opendental_demo_test_nothing")
    assert run.code == 2
    assert f"port {port}" in run.err and ".pgdata" not in run.err
    assert not (Path.cwd() / ".pgdata").exists()


def test_unknown_server_command(tmp_path):
    run = _main(tmp_path, "server", "restart")
    assert run.returncode == 2 and "unknown server command 'restart'" in run.stdout


def test_embedded_refuses_a_port_another_program_holds(tmp_path):
    execute("postgres", "SELECT 1")  # the machine's server answers on 5432
    (tmp_path / ".env_demo").write_text("DEMO_POSTGRES_HOST=embedded\n")
    run = _main(tmp_path, "--patients", "200", "--as-of", AS_OF)
    assert run.returncode == 2
    assert "port 5432 on 127.0.0.1 is taken by another program" in run.stderr
